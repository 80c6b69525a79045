package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	bolt "go.etcd.io/bbolt"
)

// ensureDir creates the store's folder private to its owner, or notes when an
// existing one is open to others.
func (s *Store) ensureDir() error {
	dir := filepath.Dir(s.path)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("creating the store folder %s: %w", dir, err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("checking the store folder %s: %w", dir, err)
	case !fi.IsDir():
		return fmt.Errorf("the store folder %s is not a folder: pass --store with a path inside a folder", dir)
	}
	// A sticky, world-writable folder such as /tmp is shared on purpose:
	// telling the admin to chmod it would be bad advice.
	if runtime.GOOS != "windows" && fi.Mode()&fs.ModeSticky == 0 && fi.Mode().Perm()&0o077 != 0 {
		s.warnings = append(s.warnings, fmt.Sprintf(
			"folder %s is open to other users (mode %04o); run: chmod 700 %s", dir, fi.Mode().Perm(), dir))
	}
	return nil
}

// collectFileWarning notes a store file that other users can read or write.
func (s *Store) collectFileWarning() {
	if runtime.GOOS == "windows" {
		return
	}
	fi, err := os.Stat(s.path)
	if err != nil {
		return
	}
	perm := fi.Mode().Perm()
	if perm&0o077 == 0 {
		return
	}
	what := "writable"
	if perm&0o044 != 0 {
		what = "readable"
	}
	s.warnings = append(s.warnings, fmt.Sprintf(
		"%s is %s by other users (mode %04o); run: chmod 600 %s", s.path, what, perm, s.path))
}

// ensureFile makes a new store when none exists. The file is built under a
// temporary name and then linked into place, so no process ever sees an empty
// or half-made store; an empty file at the path therefore means damage, not a
// store being born.
func (s *Store) ensureFile() error {
	fi, err := os.Stat(s.path)
	if err == nil {
		if fi.IsDir() {
			return fmt.Errorf("%s is a folder, not a store file: pass --store with a file path", s.path)
		}
		return nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("checking the store file %s: %w", s.path, err)
	}

	tmp, err := os.CreateTemp(filepath.Dir(s.path), ".xops-new-*.db") // mode 0600
	if err != nil {
		return fmt.Errorf("creating the store file %s: %w", s.path, err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // after the link, this only drops the temporary name
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("creating the store file %s: %w", s.path, err)
	}
	db, err := bolt.Open(tmpName, 0o600, &bolt.Options{Timeout: s.timeout})
	if err != nil {
		return fmt.Errorf("creating the store file %s: %w", s.path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error { return initLayout(tx) })
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("creating the store file %s: %w", s.path, err)
	}

	// link, unlike rename, never replaces a store another process created
	// in the meantime: the first one wins and the others just use it.
	if err := os.Link(tmpName, s.path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil
		}
		// Some file systems have no hard links; fall back to a rename.
		if _, statErr := os.Stat(s.path); statErr == nil {
			return nil
		}
		if err := os.Rename(tmpName, s.path); err != nil {
			return fmt.Errorf("creating the store file %s: %w", s.path, err)
		}
	}
	syncDir(filepath.Dir(s.path))
	return nil
}

// syncDir makes a new directory entry durable. Failure is not fatal: the
// data itself was already synced by bbolt.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}
