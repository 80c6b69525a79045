package store_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xops/xops/store"
)

func TestOpenMustExistCreatesNothing(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	for _, tc := range []struct{ name, path string }{
		{"missing folder", filepath.Join(root, "nope", "xops.db")},
		{"missing file", filepath.Join(root, "xops.db")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := store.Open(tc.path, store.Options{MustExist: true})
			if !errors.Is(err, store.ErrNoStore) {
				t.Fatalf("Open = %v, %v; want an error wrapping ErrNoStore", s, err)
			}
			if !strings.Contains(err.Error(), tc.path) {
				t.Errorf("error %q does not name %s", err, tc.path)
			}
			if _, err := os.Stat(tc.path); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s exists after a refused Open: %v", tc.path, err)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(root, "nope")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the missing folder was created: %v", err)
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Errorf("Open left %v in the folder", entries)
	}
}

func TestOpenMustExistOpensAnExistingStore(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "xops.db")
	s, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutSetting("k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = store.Open(path, store.Options{MustExist: true})
	if err != nil {
		t.Fatalf("Open of an existing store with MustExist: %v", err)
	}
	defer s.Close()
	if v, err := s.Setting("k"); err != nil || string(v) != "v" {
		t.Errorf("Setting = %q, %v; want v", v, err)
	}
}

func TestOpenMustExistRefusesAFolder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, err := store.Open(dir, store.Options{MustExist: true})
	if err == nil || errors.Is(err, store.ErrNoStore) || !strings.Contains(err.Error(), "is a folder") {
		t.Fatalf("Open of a folder = %v; want 'is a folder', not ErrNoStore", err)
	}
}
