package store

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"

	bolt "go.etcd.io/bbolt"
)

// Check runs bbolt's page-level consistency check and then checks the
// store's own invariants: every name index entry points at an account of that
// name, every account is indexed, every record decodes and every credential
// has key material. All problems found are joined in the returned error,
// which wraps ErrCorrupt. It takes a shared lock, so it can run next to a TUI.
func (s *Store) Check() error {
	var problems []error
	err := s.view(func(tx *bolt.Tx) error {
		problems = checkTx(tx)
		return nil
	})
	if err != nil {
		return err
	}
	return s.damaged(problems)
}

// checkTx runs bbolt's page check and, on sound pages, the store's own.
func checkTx(tx *bolt.Tx) []error {
	var problems []error
	for err := range tx.Check() {
		problems = append(problems, err)
	}
	// Walking records on broken pages could report nonsense or fault:
	// the store's invariants are checked only on sound pages.
	if len(problems) == 0 {
		problems = checkInvariants(tx)
	}
	return problems
}

// damaged joins the problems Check found into one error wrapping ErrCorrupt
// (nil when there are none).
func (s *Store) damaged(problems []error) error {
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("%s failed its consistency check with %d problem(s):\n%w\nrestore a backup, or copy out what `xops accounts list` still shows: %w",
		s.path, len(problems), errors.Join(problems...), ErrCorrupt)
}

// checkInvariants checks what bbolt cannot know: the store's own indexes.
func checkInvariants(tx *bolt.Tx) []error {
	var problems []error
	accts, names, keys := tx.Bucket(bucketAccounts), tx.Bucket(bucketNames), tx.Bucket(bucketKeys)

	c := names.Cursor()
	for k, id := c.First(); k != nil; k, id = c.Next() {
		a, err := loadAccount(accts, string(k), id)
		if err != nil {
			problems = append(problems, err)
			continue
		}
		if !bytes.Equal(nameKey(a.Name), k) {
			problems = append(problems, fmt.Errorf("name index entry %q points to account %s, which is named %q", k, id, a.Name))
		}
	}

	c = accts.Cursor()
	for id, raw := c.First(); id != nil; id, raw = c.Next() {
		a, err := decodeRecord[Account](bucketAccounts, string(id), raw)
		if err != nil {
			problems = append(problems, err)
			continue
		}
		if owner := names.Get(nameKey(a.Name)); !bytes.Equal(owner, id) {
			problems = append(problems, fmt.Errorf("account %s (%q) is missing from the name index", id, a.Name))
		}
		for _, cr := range a.Credentials {
			if keys.Get([]byte(cr.ID)) == nil {
				problems = append(problems, fmt.Errorf("account %q: credential %s has no key material", a.Name, cr.ID))
			}
		}
	}

	c = tx.Bucket(bucketAudit).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if _, err := decodeRecord[AuditEntry](bucketAudit, auditKeyName(k), v); err != nil {
			problems = append(problems, err)
		}
	}
	return problems
}

// Backup writes a consistent copy of the store to path while other processes
// keep using it (a read transaction sees one snapshot). The copy is written to
// a file with no name yet (see WriteFile; mode 0600), synced, verified to
// open as an xops store, and only then given its name; a store with
// unreadable records is still backed up, as it is. An existing path is never
// overwritten, and a backup killed half way leaves no copy of the keys
// behind.
func (s *Store) Backup(path string) (err error) {
	if path == "" {
		return errors.New("backup path is empty: name the file to write")
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("backup %s already exists: choose a new file name (a backup never overwrites a file): %w", path, fs.ErrExist)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("checking backup path %s: %w", path, err)
	}
	nf, err := createNewFile(path)
	if err != nil {
		return fmt.Errorf("creating backup %s: %w", path, err)
	}
	defer nf.discard()

	err = s.view(func(tx *bolt.Tx) error {
		_, err := tx.WriteTo(nf.f)
		return err
	})
	if err != nil { // synced once, by commit, before it gets its name
		return fmt.Errorf("writing backup %s: %w", path, err)
	}

	// The copy must open as an xops store. Its records are not judged: a
	// backup of a store with one bad record is exactly what the admin needs.
	copyStore := &Store{path: nf.reopenPath(), timeout: s.timeout, now: s.now}
	if err := copyStore.view(func(*bolt.Tx) error { return nil }); err != nil {
		return fmt.Errorf("the backup of %s did not verify, so %s was not written: %w", s.path, path, err)
	}

	if err := nf.commit(path, 0o600, false); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("backup %s already exists: choose a new file name (a backup never overwrites a file): %w", path, err)
		}
		return fmt.Errorf("naming backup %s: %w", path, err)
	}
	return nil
}
