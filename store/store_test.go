package store_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xops/xops/store"
)

func TestDefaultPath(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/data/home")
	if got, err := store.DefaultPath(); err != nil || got != "/data/home/xops/xops.db" {
		t.Fatalf("with XDG_DATA_HOME: %q, %v", got, err)
	}
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", "/home/admin")
	if got, err := store.DefaultPath(); err != nil || got != "/home/admin/.local/share/xops/xops.db" {
		t.Fatalf("without XDG_DATA_HOME: %q, %v", got, err)
	}
	t.Setenv("XDG_DATA_HOME", "relative/dir") // invalid per the XDG spec: ignored
	if got, _ := store.DefaultPath(); got != "/home/admin/.local/share/xops/xops.db" {
		t.Fatalf("relative XDG_DATA_HOME was used: %q", got)
	}
}

func TestOpenCreatesPrivateFolderAndFile(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	fi, err := os.Stat(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("file mode %04o, want 0600", got)
	}
	di, err := os.Stat(filepath.Dir(s.Path()))
	if err != nil {
		t.Fatal(err)
	}
	if got := di.Mode().Perm(); got != 0o700 {
		t.Errorf("folder mode %04o, want 0700", got)
	}
	if w := s.Warnings(); len(w) != 0 {
		t.Errorf("fresh store has warnings: %q", w)
	}
	// No temporary file is left behind next to the store.
	entries, _ := os.ReadDir(filepath.Dir(s.Path()))
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries, want only xops.db: %v", len(entries), entries)
	}
	if has, err := s.HasAccounts(); err != nil || has {
		t.Errorf("HasAccounts on a new store = %v, %v", has, err)
	}
}

func TestOpenWarnsAboutOpenPermissions(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	dir := filepath.Dir(s.Path())
	if err := os.Chmod(s.Path(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s2 := reopen(t, s)
	want := []string{
		"folder " + dir + " is open to other users (mode 0755); run: chmod 700 " + dir,
		s.Path() + " is readable by other users (mode 0644); run: chmod 600 " + s.Path(),
	}
	if got := s2.Warnings(); !reflect.DeepEqual(got, want) {
		t.Fatalf("warnings:\n got %q\nwant %q", got, want)
	}
	// A warning does not stop the store.
	link(t, s2, "contoso")
}

func TestAccountRoundTrip(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	in := testAccount("Contoso", "cred-1")
	in.LastChecks = []store.CheckRecord{{ID: "tenant", OK: true, Message: "found"}, {ID: "app", Skipped: true, Step: "register-app", Hint: "h"}}
	in.Credentials = append(in.Credentials, store.Credential{ID: "cred-2", Thumbprint: "AB", KeySize: 4096, Pending: true,
		NotBefore: testNow, NotAfter: testNow.Add(time.Hour), Created: testNow})
	in.LastVerified = testNow.Add(-time.Minute)
	in.Status = store.StatusFailed
	in.FailedStep = "grant-admin-consent"
	for i, id := range []string{"cred-1", "cred-2"} {
		if err := s.PutKey(id, testKey(byte(i))); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateAccount(in, store.AuditEntry{}); err != nil {
		t.Fatal(err)
	}
	got, err := reopen(t, s).AccountByName("contoso")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.ID) != 32 {
		t.Errorf("assigned ID %q, want 32 hex digits", got.ID)
	}
	want := in
	want.V, want.ID, want.Created = store.RecordVersion, got.ID, testNow
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, want)
	}
	byID, err := s.Account(got.ID)
	if err != nil || !reflect.DeepEqual(byID, want) {
		t.Fatalf("Account(id) = %+v, %v", byID, err)
	}
	if active, _ := got.Active(); active.ID != "cred-1" {
		t.Errorf("active credential %q", active.ID)
	}
}

func TestKeyRoundTripAndValidation(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	km := testKey(7)
	if err := s.PutKey("c1", km); err != nil {
		t.Fatal(err)
	}
	got, err := s.Key("c1")
	if err != nil {
		t.Fatal(err)
	}
	km.V = store.RecordVersion
	if !reflect.DeepEqual(got, km) {
		t.Fatalf("key round trip: got %v want %v", got, km)
	}
	aged := store.KeyMaterial{CertDER: []byte{1}, KeyAge: []byte("age-encryption.org/v1 ...")}
	if err := s.PutKey("c2", aged); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Key("c2"); !bytes.Equal(got.KeyAge, aged.KeyAge) || got.KeyPKCS8 != nil {
		t.Fatalf("age key round trip: %v", got)
	}
	_, err = s.Key("nope")
	wantErrIs(t, err, store.ErrNotFound)

	for name, bad := range map[string]store.KeyMaterial{
		"no cert":   {KeyPKCS8: []byte{1}},
		"no key":    {CertDER: []byte{1}},
		"both keys": {CertDER: []byte{1}, KeyPKCS8: []byte{1}, KeyAge: []byte{1}},
	} {
		if err := s.PutKey("c3", bad); err == nil || !strings.Contains(err.Error(), "c3") {
			t.Errorf("%s: PutKey err = %v, want one naming the credential", name, err)
		}
	}
	if _, err := s.Key("c3"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("refused key was written: %v", err)
	}
	if err := s.DeleteKey("c2"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Key("c2"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted key still there: %v", err)
	}
	if err := s.DeleteKey("c2"); err != nil {
		t.Errorf("deleting a missing key: %v", err)
	}
}

func TestKeyMaterialNeverPrints(t *testing.T) {
	t.Parallel()
	km := store.KeyMaterial{CertDER: []byte("CERT"), KeyPKCS8: []byte("SECRETKEY")}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%q", "%d"} {
		if out := fmt.Sprintf(verb, km); strings.Contains(out, "SECRETKEY") || strings.Contains(out, "534543524554") {
			t.Errorf("%s printed the key: %s", verb, out)
		}
	}
}

func TestDeleteKeyInUseRefused(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	link(t, s, "contoso")
	err := s.DeleteKey("cred-contoso")
	if err == nil || !strings.Contains(err.Error(), `"contoso"`) {
		t.Fatalf("DeleteKey of a key in use: %v", err)
	}
	if _, err := s.Key("cred-contoso"); err != nil {
		t.Fatalf("key gone after a refused delete: %v", err)
	}
}

func TestDraftsAndSettings(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	if _, err := s.Draft("link-microsoft"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing draft: %v", err)
	}
	if err := s.PutDraft("link-microsoft", []byte(`{"step":3}`)); err != nil {
		t.Fatal(err)
	}
	if got, err := reopen(t, s).Draft("link-microsoft"); err != nil || string(got) != `{"step":3}` {
		t.Fatalf("draft = %q, %v", got, err)
	}
	if err := s.DeleteDraft("link-microsoft"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Draft("link-microsoft"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted draft: %v", err)
	}
	if _, err := s.Setting("first-run-done"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unset setting: %v", err)
	}
	if err := s.PutSetting("first-run-done", []byte{}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Setting("first-run-done"); err != nil || got == nil || len(got) != 0 {
		t.Fatalf("empty setting reads as %v, %v; want empty and found", got, err)
	}
	if err := s.PutSetting("theme", []byte("dark")); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Setting("theme"); string(got) != "dark" {
		t.Fatalf("setting = %q", got)
	}
	if err := s.PutDraft("", []byte("x")); err == nil {
		t.Error("a draft without a kind was accepted")
	}
}

func TestGenerationCountsWrites(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	g0, err := s.Generation()
	if err != nil {
		t.Fatal(err)
	}
	link(t, s, "contoso") // PutKey + CreateAccount: two writes
	other := reopen(t, s)
	if err := other.PutSetting("theme", []byte("light")); err != nil {
		t.Fatal(err)
	}
	g1, err := s.Generation()
	if err != nil {
		t.Fatal(err)
	}
	if g1 != g0+3 {
		t.Fatalf("generation %d → %d, want +3", g0, g1)
	}
	// A refused write changes nothing, the counter included.
	_ = s.CreateAccount(testAccount("CONTOSO", "cred-contoso"), store.AuditEntry{})
	if g2, _ := s.Generation(); g2 != g1 {
		t.Fatalf("refused write moved the generation %d → %d", g1, g2)
	}
}

func TestClosedStoreRefuses(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.Accounts()
	wantErrIs(t, err, store.ErrClosed)
	wantErrIs(t, s.PutSetting("a", nil), store.ErrClosed)
}

func TestOrphanKeys(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	link(t, s, "contoso")
	if err := s.PutKey("cred-wizard", testKey(3)); err != nil {
		t.Fatal(err)
	}
	got, err := s.OrphanKeys()
	if err != nil || !reflect.DeepEqual(got, []string{"cred-wizard"}) {
		t.Fatalf("OrphanKeys = %q, %v", got, err)
	}
	if err := s.DeleteKey("cred-wizard"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.OrphanKeys(); err != nil || len(got) != 0 {
		t.Fatalf("after delete: %q, %v", got, err)
	}
}
