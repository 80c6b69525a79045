package store_test

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/store"
)

// The store is what flow persists through.
var _ flow.AccountStore = (*store.Store)(nil)

var testNow = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

func fixedClock() time.Time { return testNow }

// openTemp opens a fresh store in a folder of its own (which Open creates).
func openTemp(t testing.TB) *store.Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data", "xops.db")
	s, err := store.Open(path, store.Options{Timeout: 2 * time.Second, Now: fixedClock})
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// reopen opens the same file again, as another xops would.
func reopen(t testing.TB, s *store.Store) *store.Store {
	t.Helper()
	s2, err := store.Open(s.Path(), store.Options{Timeout: 2 * time.Second, Now: fixedClock})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	return s2
}

func testKey(seed byte) store.KeyMaterial {
	return store.KeyMaterial{
		CertDER:  bytes.Repeat([]byte{0x30, seed}, 200),
		KeyPKCS8: bytes.Repeat([]byte{0x02, seed}, 600),
	}
}

func testAccount(name, credID string) store.Account {
	return store.Account{
		Name:         name,
		AppID:        "11111111-2222-3333-4444-555555555555",
		TenantID:     "66666666-7777-8888-9999-000000000000",
		Organization: "contoso.onmicrosoft.com",
		Cloud:        "global",
		Credentials: []store.Credential{{
			ID:         credID,
			Thumbprint: "0123456789ABCDEF0123456789ABCDEF01234567",
			KeySize:    2048,
			NotBefore:  testNow.Add(-time.Hour),
			NotAfter:   testNow.Add(365 * 24 * time.Hour),
			Created:    testNow,
		}},
	}
}

// link stores a key and an account under name, the way flow links one, and
// returns the stored account.
func link(t testing.TB, s *store.Store, name string) store.Account {
	t.Helper()
	credID := "cred-" + name
	if err := s.PutKey(credID, testKey(byte(len(name)))); err != nil {
		t.Fatalf("PutKey(%s): %v", credID, err)
	}
	if err := s.CreateAccount(testAccount(name, credID), store.AuditEntry{Action: "linked"}); err != nil {
		t.Fatalf("CreateAccount(%s): %v", name, err)
	}
	a, err := s.AccountByName(name)
	if err != nil {
		t.Fatalf("AccountByName(%s): %v", name, err)
	}
	return a
}

func names(accounts []store.Account) []string {
	var out []string
	for _, a := range accounts {
		out = append(out, a.Name)
	}
	return out
}

func wantErrIs(t testing.TB, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error = %v, want one wrapping %v", err, target)
	}
}
