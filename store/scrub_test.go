package store_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/xops/xops/store"
)

// markedKey is key material whose private key holds a random 33-byte marker
// at a 3-byte boundary, so the marker's base64 (the store keeps JSON) is a
// substring of the stored record and can be looked for in the raw file.
func markedKey(t testing.TB) (store.KeyMaterial, []byte) {
	t.Helper()
	marker := make([]byte, 33)
	if _, err := rand.Read(marker); err != nil {
		t.Fatal(err)
	}
	km := testKey(7)
	key := append([]byte(nil), km.KeyPKCS8[:300]...)
	key = append(key, marker...)
	km.KeyPKCS8 = append(key, km.KeyPKCS8[300:]...)
	return km, marker
}

// fileHolds reports whether the store file, read raw, holds the marker.
func fileHolds(t testing.TB, s *store.Store, marker []byte) bool {
	t.Helper()
	raw, err := os.ReadFile(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Contains(raw, []byte(base64.StdEncoding.EncodeToString(marker)))
}

// withPending adds a pending credential, as a rotation starts one.
func withPending(credID string) func(*store.Account) error {
	return func(a *store.Account) error {
		c := a.Credentials[0]
		c.ID, c.Pending = credID, true
		a.Credentials = append(a.Credentials, c)
		return nil
	}
}

// TestDeletedKeysLeaveNoBytesInTheFile: every way a key leaves the store
// zeroes the pages it was in, so its bytes cannot be read from the file.
func TestDeletedKeysLeaveNoBytesInTheFile(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		// store puts the marked key in place; remove removes it.
		store, remove func(t *testing.T, s *store.Store, km store.KeyMaterial) error
	}{
		{
			name: "DeleteKey of an orphan",
			store: func(t *testing.T, s *store.Store, km store.KeyMaterial) error {
				return s.PutKey("cred-marked", km)
			},
			remove: func(t *testing.T, s *store.Store, _ store.KeyMaterial) error {
				return s.DeleteKey("cred-marked")
			},
		},
		{
			name: "DeleteAccount",
			store: func(t *testing.T, s *store.Store, km store.KeyMaterial) error {
				if err := s.PutKey("cred-marked", km); err != nil {
					return err
				}
				return s.CreateAccount(testAccount("Marked", "cred-marked"), store.AuditEntry{})
			},
			remove: func(t *testing.T, s *store.Store, _ store.KeyMaterial) error {
				a, err := s.AccountByName("Marked")
				if err != nil {
					return err
				}
				return s.DeleteAccount(a.ID, store.AuditEntry{})
			},
		},
		{
			name: "rotation finished (old active key dropped)",
			store: func(t *testing.T, s *store.Store, km store.KeyMaterial) error {
				if err := s.PutKey("cred-marked", km); err != nil {
					return err
				}
				if err := s.CreateAccount(testAccount("Rotating", "cred-marked"), store.AuditEntry{}); err != nil {
					return err
				}
				if err := s.PutKey("cred-next", testKey(9)); err != nil {
					return err
				}
				a, err := s.AccountByName("Rotating")
				if err != nil {
					return err
				}
				_, err = s.UpdateAccount(a.ID, withPending("cred-next"), nil)
				return err
			},
			remove: func(t *testing.T, s *store.Store, _ store.KeyMaterial) error {
				a, err := s.AccountByName("Rotating")
				if err != nil {
					return err
				}
				_, err = s.UpdateAccount(a.ID, func(a *store.Account) error {
					next := a.Credentials[1]
					next.Pending = false
					a.Credentials = []store.Credential{next}
					return nil
				}, &store.AuditEntry{Action: "rotated"})
				return err
			},
		},
		{
			name: "rotation cancelled (pending key dropped)",
			store: func(t *testing.T, s *store.Store, km store.KeyMaterial) error {
				if err := s.PutKey("cred-active", testKey(8)); err != nil {
					return err
				}
				if err := s.CreateAccount(testAccount("Cancelling", "cred-active"), store.AuditEntry{}); err != nil {
					return err
				}
				if err := s.PutKey("cred-marked", km); err != nil {
					return err
				}
				a, err := s.AccountByName("Cancelling")
				if err != nil {
					return err
				}
				_, err = s.UpdateAccount(a.ID, withPending("cred-marked"), nil)
				return err
			},
			remove: func(t *testing.T, s *store.Store, _ store.KeyMaterial) error {
				a, err := s.AccountByName("Cancelling")
				if err != nil {
					return err
				}
				_, err = s.UpdateAccount(a.ID, func(a *store.Account) error {
					a.Credentials = a.Credentials[:1]
					return nil
				}, nil)
				return err
			},
		},
		{
			name: "PutKey replacing a key",
			store: func(t *testing.T, s *store.Store, km store.KeyMaterial) error {
				return s.PutKey("cred-marked", km)
			},
			remove: func(t *testing.T, s *store.Store, _ store.KeyMaterial) error {
				return s.PutKey("cred-marked", testKey(3))
			},
		},
		{
			name: "PruneOrphanKeys",
			store: func(t *testing.T, s *store.Store, km store.KeyMaterial) error {
				return s.PutKey("cred-marked", km)
			},
			remove: func(t *testing.T, s *store.Store, _ store.KeyMaterial) error {
				rep, err := s.PruneOrphanKeys(func(store.OrphanKey, map[string][]byte) string { return "" })
				if err == nil && len(rep.Removed) != 1 {
					return fmt.Errorf("removed %v, want cred-marked", rep.Removed)
				}
				return err
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := openTemp(t)
			// Neighbours, so the keys bucket spans pages like a real one.
			for i := range 20 {
				link(t, s, fmt.Sprintf("Neighbour %02d", i))
			}
			km, marker := markedKey(t)
			if err := tc.store(t, s, km); err != nil {
				t.Fatalf("storing the marked key: %v", err)
			}
			if !fileHolds(t, s, marker) {
				t.Fatal("the marker is not in the file before the removal: the test would prove nothing")
			}
			gen, err := s.Generation()
			if err != nil {
				t.Fatal(err)
			}
			if err := tc.remove(t, s, km); err != nil {
				t.Fatalf("removing the marked key: %v", err)
			}
			if fileHolds(t, s, marker) {
				t.Error("the removed key's bytes are still in the store file")
			}
			if _, err := s.Key("cred-marked"); tc.name != "PutKey replacing a key" && !errors.Is(err, store.ErrNotFound) {
				t.Errorf("Key(cred-marked) after removal: %v, want ErrNotFound", err)
			}
			if err := s.Check(); err != nil {
				t.Errorf("the scrubbed store fails its check: %v", err)
			}
			// The scrub changes no record: one write, one generation.
			if g, _ := s.Generation(); g != gen+1 {
				t.Errorf("generation went from %d to %d, want one write", gen, g)
			}
			if got, _, err := s.Accounts(); err != nil || len(got) < 20 {
				t.Errorf("accounts after the scrub: %d, %v", len(got), err)
			}
		})
	}
}

// TestScrubFreePagesIsQuietWhenClean: a second scrub finds nothing but the
// pages its own first transaction freed, and never touches live pages.
func TestScrubFreePagesIsQuietWhenClean(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	for i := range 10 {
		link(t, s, fmt.Sprintf("Account %02d", i))
	}
	if _, err := s.ScrubFreePages(); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.ScrubFreePages()
	if err != nil {
		t.Fatal(err)
	}
	// Only the freelist page the first scrub's commit replaced holds data.
	if n > 1 {
		t.Errorf("second scrub zeroed %d pages, want at most the old freelist page", n)
	}
	if got, _, _ := s.Accounts(); len(got) != 10 {
		t.Errorf("%d accounts after scrubbing, want 10", len(got))
	}
	if len(before) == 0 {
		t.Fatal("empty store file")
	}
}

// BenchmarkDeleteAccount10k is deleting one account of 10,000: the delete's
// write transaction and the scrub's, each fsync'd ("scrubbed"), against the
// delete's transaction alone ("unscrubbed"), for the scrub's share. The
// store stays at 10,000 accounts: one is linked, untimed, before each delete.
func BenchmarkDeleteAccount10k(b *testing.B) {
	s := fill(b, 10_000)
	i := 0
	relink := func(b *testing.B) string {
		b.StopTimer()
		defer b.StartTimer()
		i++
		credID := fmt.Sprintf("cred-new-%d", i)
		if err := s.PutKey(credID, realisticKey()); err != nil {
			b.Fatal(err)
		}
		a := testAccount(fmt.Sprintf("New %d", i), credID)
		if err := s.CreateAccount(a, store.AuditEntry{}); err != nil {
			b.Fatal(err)
		}
		got, err := s.AccountByName(a.Name)
		if err != nil {
			b.Fatal(err)
		}
		return got.ID
	}
	b.Run("scrubbed", func(b *testing.B) {
		for b.Loop() {
			if err := s.DeleteAccount(relink(b), store.AuditEntry{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("unscrubbed", func(b *testing.B) {
		for b.Loop() {
			if err := store.DeleteAccountUnscrubbed(s, relink(b)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
