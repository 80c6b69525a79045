package store_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/xops/xops/store"
)

// poke writes to the store file directly with bbolt, as damage or a future
// xops would, bypassing the store's own checks.
func poke(t *testing.T, path string, fn func(tx *bolt.Tx) error) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(fn); err != nil {
		t.Fatal(err)
	}
}

func TestCorruptRecordIsNamedOthersStayReadable(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	link(t, s, "adatum")
	bad := link(t, s, "contoso")
	link(t, s, "fabrikam")
	poke(t, s.Path(), func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("accounts")).Put([]byte(bad.ID), []byte("\x00garbage{"))
	})

	got, badRecs, err := s.Accounts()
	if err != nil {
		t.Fatalf("Accounts with one bad record: %v", err)
	}
	if !reflect.DeepEqual(names(got), []string{"adatum", "fabrikam"}) {
		t.Fatalf("good accounts %q", names(got))
	}
	if len(badRecs) != 1 || badRecs[0].Bucket != "accounts" || badRecs[0].Key != bad.ID {
		t.Fatalf("bad records %v", badRecs)
	}
	if msg := badRecs[0].Error(); !strings.Contains(msg, "accounts/"+bad.ID) {
		t.Errorf("message does not name the record: %s", msg)
	}

	_, err = s.AccountByName("CONTOSO")
	var re *store.RecordError
	if !errors.As(err, &re) || re.Key != bad.ID {
		t.Fatalf("AccountByName of the bad record: %v", err)
	}
	if err := s.Check(); err == nil || !strings.Contains(err.Error(), bad.ID) {
		t.Fatalf("Check does not report the bad record: %v", err)
	}

	// A store with a bad record can still be backed up, bad record and all.
	dst := filepath.Join(t.TempDir(), "backup.db")
	if err := s.Backup(dst); err != nil {
		t.Fatalf("backup of a store with a bad record: %v", err)
	}
	if got, bad, err := store.OpenExisting(dst, store.Options{}).Accounts(); err != nil || len(got) != 2 || len(bad) != 1 {
		t.Fatalf("backup holds %q, bad %v, %v", names(got), bad, err)
	}

	// The bad record can still be deleted by the id its error names.
	if err := s.DeleteAccount(re.Key, store.AuditEntry{}); err != nil {
		t.Fatalf("deleting the bad record: %v", err)
	}
	if _, bad, _ := s.Accounts(); len(bad) != 0 {
		t.Fatalf("bad records after delete: %v", bad)
	}
}

func TestNewerRecordVersionIsNamed(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	a := link(t, s, "contoso")
	link(t, s, "fabrikam")
	for name, raw := range map[string]string{
		"same shape":    `{"v":99,"id":"` + a.ID + `","name":"contoso"}`,
		"changed shape": `{"v":99,"id":"` + a.ID + `","name":{"display":"contoso"}}`,
	} {
		poke(t, s.Path(), func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("accounts")).Put([]byte(a.ID), []byte(raw))
		})
		_, err := s.AccountByName("contoso")
		var re *store.RecordError
		if !errors.As(err, &re) || re.Bucket != "accounts" || re.Key != a.ID || !strings.Contains(err.Error(), "newer xops") {
			t.Fatalf("%s: %v", name, err)
		}
		if got, bad, err := s.Accounts(); err != nil || len(got) != 1 || len(bad) != 1 {
			t.Fatalf("%s: Accounts = %q, %v, %v", name, names(got), bad, err)
		}
	}
	// A record with no version at all is not trusted either.
	poke(t, s.Path(), func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("accounts")).Put([]byte(a.ID), []byte(`{"id":"x","name":"contoso"}`))
	})
	if _, err := s.AccountByName("contoso"); err == nil || !strings.Contains(err.Error(), "version") {
		t.Fatalf("record without version: %v", err)
	}
}

func TestNewerSchemaRefusedWithoutWriting(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	link(t, s, "contoso")
	poke(t, s.Path(), func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("meta")).Put([]byte("schema"), []byte("2"))
	})
	before, err := os.ReadFile(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	_, err = store.Open(s.Path(), store.Options{})
	wantErrIs(t, err, store.ErrSchemaTooNew)
	for _, want := range []string{s.Path(), "version 2", fmt.Sprint(store.SchemaVersion)} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	// The handle opened before the upgrade refuses too, for writes as well.
	wantErrIs(t, s.PutSetting("theme", []byte("dark")), store.ErrSchemaTooNew)
	_, _, err = s.Accounts()
	wantErrIs(t, err, store.ErrSchemaTooNew)
	after, _ := os.ReadFile(s.Path())
	if !bytes.Equal(before, after) {
		t.Fatal("the newer file was modified")
	}
}

func TestDamagedFilesGiveClearErrors(t *testing.T) {
	t.Parallel()
	// A store with enough in it that its pages reach well past the first 32 KiB.
	src := openTemp(t)
	for i := range 60 {
		link(t, src, fmt.Sprintf("account-%03d", i))
	}
	good, err := os.ReadFile(src.Path())
	if err != nil {
		t.Fatal(err)
	}
	random := make([]byte, 64<<10)
	_, _ = rand.Read(random)
	// Keep both meta pages valid but overwrite every page they point to.
	pages := bytes.Clone(good)
	copy(pages[8192:], bytes.Repeat([]byte{0xff}, len(good)-8192))
	// Keep the meta pages but fill the rest with random bytes.
	randomPages := bytes.Clone(good)
	copy(randomPages[8192:], random)

	cases := map[string][]byte{
		"empty":              {},
		"tiny":               good[:100],
		"one page":           good[:5000],
		"truncated":          good[:len(good)/2],
		"truncated mid-page": good[:len(good)/3+100],
		"garbage":            random,
		"text":               []byte("this is not a database\n"),
		"overwritten pages":  pages,
		"random pages":       randomPages,
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "xops.db")
			if err := os.WriteFile(path, content, 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := store.Open(path, store.Options{Timeout: time.Second})
			if err == nil {
				// Some damage only shows when the records are read.
				_, _, err = s.Accounts()
				if err == nil {
					err = s.Check()
				}
			}
			if err == nil {
				t.Fatal("damaged file accepted")
			}
			if testing.Verbose() {
				t.Log(err)
			}
			wantErrIs(t, err, store.ErrCorrupt)
			if msg := err.Error(); !strings.Contains(msg, path) || !strings.Contains(msg, "backup") {
				t.Errorf("error does not name the file and point to a backup: %s", msg)
			}
			after, _ := os.ReadFile(path)
			if !bytes.Equal(after, content) {
				t.Error("the damaged file was modified")
			}

			// A handle opened before the damage may still write where the
			// damage does not reach (bbolt cannot check every page on every
			// write), but where it does it fails as clearly and writes nothing.
			late := store.OpenExisting(path, store.Options{Timeout: time.Second})
			if err := late.PutSetting("theme", []byte("dark")); err != nil {
				wantErrIs(t, err, store.ErrCorrupt)
				if testing.Verbose() {
					t.Log(err)
				}
			} else {
				return
			}
			after, _ = os.ReadFile(path)
			if !bytes.Equal(after, content) {
				t.Error("the damaged file was modified")
			}
		})
	}
}

func TestCheckAndBackup(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	for _, n := range []string{"contoso", "fabrikam"} {
		link(t, s, n)
	}
	if err := s.Check(); err != nil {
		t.Fatalf("Check on a good file: %v", err)
	}

	dst := filepath.Join(t.TempDir(), "backup.db")
	if err := s.Backup(dst); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dst)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("backup mode %04o, want 0600", fi.Mode().Perm())
	}
	b, err := store.Open(dst, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want, _, _ := s.Accounts()
	got, bad, err := b.Accounts()
	if err != nil || len(bad) != 0 || !reflect.DeepEqual(got, want) {
		t.Fatalf("backup accounts %v (bad %v, err %v), want %v", names(got), bad, err, names(want))
	}
	if km, err := b.Key("cred-contoso"); err != nil || len(km.KeyPKCS8) == 0 {
		t.Fatalf("backup key: %v", err)
	}
	if err := b.Check(); err != nil {
		t.Fatal(err)
	}

	// A backup never overwrites, and leaves no temporary file behind.
	err = s.Backup(dst)
	if err == nil || !strings.Contains(err.Error(), dst) || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("second backup to the same path: %v", err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(dst)); len(entries) != 1 {
		t.Fatalf("backup folder holds %v", entries)
	}
}

func TestCheckFindsBrokenIndex(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	a := link(t, s, "contoso")
	poke(t, s.Path(), func(tx *bolt.Tx) error {
		if err := tx.Bucket([]byte("names")).Put([]byte("ghost"), []byte("no-such-id")); err != nil {
			return err
		}
		return tx.Bucket([]byte("keys")).Delete([]byte("cred-contoso"))
	})
	err := s.Check()
	wantErrIs(t, err, store.ErrCorrupt)
	for _, want := range []string{"names/ghost", "no-such-id", "cred-contoso has no key material"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Check error lacks %q:\n%v", want, err)
		}
	}
	_, bad, _ := s.Accounts()
	if len(bad) != 1 || bad[0].Bucket != "names" || bad[0].Key != "ghost" {
		t.Fatalf("dangling index entry not reported: %v", bad)
	}
	_ = a
}

func TestDeletedFileIsNotRecreated(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	if err := os.Remove(s.Path()); err != nil {
		t.Fatal(err)
	}
	err := s.PutSetting("theme", []byte("dark"))
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), s.Path()) {
		t.Fatalf("write to a deleted store: %v", err)
	}
	if _, err := os.Stat(s.Path()); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("a write silently recreated the deleted store")
	}
}
