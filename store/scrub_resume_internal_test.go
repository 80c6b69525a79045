package store

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// TestScrubStoppedByAKillIsFinishedAtOpen: a removal of key material is one
// write transaction and the zeroing of the pages it freed another. An xops
// killed between the two (the first half is run alone here) leaves the old
// key readable in the file — a plain key under a passphrase just set, or a
// deleted account's key. The next Open that may write (the TUI, link) must
// finish the scrub; a read-only one leaves the file untouched.
func TestScrubStoppedByAKillIsFinishedAtOpen(t *testing.T) {
	t.Parallel()
	for name, firstHalf := range map[string]func(s *Store, credID, accountID string) error{
		"passphrase set": func(s *Store, _, _ string) error {
			return s.rewriteKeysIf(KeyRewrite{
				Fn: func(_ string, km KeyMaterial) (KeyMaterial, error) {
					return KeyMaterial{CertDER: km.CertDER, KeyAge: []byte("age-encrypted stand-in")}, nil
				},
				Settings: map[string][]byte{SettingKeyProtection: []byte(`{"v":1,"mode":"age-scrypt","identity":"eA=="}`)},
				Audit:    AuditEntry{Action: "passphrase set"},
			})
		},
		"account deleted": func(s *Store, _, accountID string) error {
			_, err := s.deleteAccount(accountID, AuditEntry{})
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "xops.db")
			s, err := Open(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			marker := make([]byte, 33)
			if _, err := rand.Read(marker); err != nil {
				t.Fatal(err)
			}
			key := append(bytes.Repeat([]byte{0x30}, 300), marker...)
			key = append(key, bytes.Repeat([]byte{0x31}, 900)...)
			if err := s.PutKey("cred-1", KeyMaterial{CertDER: []byte("certificate"), KeyPKCS8: key}); err != nil {
				t.Fatal(err)
			}
			a := Account{Name: "contoso", Credentials: []Credential{{ID: "cred-1", NotAfter: time.Now().Add(time.Hour)}}}
			if err := s.CreateAccount(a, AuditEntry{}); err != nil {
				t.Fatal(err)
			}
			id := ""
			if err := s.view(func(tx *bolt.Tx) error {
				id = string(tx.Bucket(bucketNames).Get(nameKey("contoso")))
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if err := firstHalf(s, "cred-1", id); err != nil {
				t.Fatal(err)
			}
			holds := func() bool {
				raw, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				return bytes.Contains(raw, []byte(base64.StdEncoding.EncodeToString(marker)))
			}
			if !holds() {
				t.Fatal("the file does not hold the old key before the scrub, so this proves nothing")
			}

			// A read-only open (list, show, store check, backup) leaves the
			// file as it is, byte for byte: store check looks before anything
			// writes.
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			reader, err := Open(path, Options{MustExist: true})
			if err != nil {
				t.Fatal(err)
			}
			reader.Close()
			if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
				t.Error("a read-only Open wrote to the file")
			}

			again, err := Open(path, Options{}) // the next xops that may write
			if err != nil {
				t.Fatal(err)
			}
			if holds() {
				t.Errorf("Open left the old key readable in the file; warnings %v", again.Warnings())
			}
			pending := true
			if err := again.view(func(tx *bolt.Tx) error {
				pending = tx.Bucket(bucketMeta).Get(metaScrubPending) != nil
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if pending {
				t.Error("the scrub is still marked pending after it ran")
			}
			if err := again.Check(); err != nil {
				t.Errorf("store check after the scrub: %v", err)
			}
		})
	}
}
