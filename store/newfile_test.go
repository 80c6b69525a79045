package store_test

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/xops/xops/store"
)

// TestWriteFileKilledLeavesNothing kills a process half way through
// WriteFile: neither the file nor any temporary file may be left in the
// folder — a half PFX or backup under a hidden name the admin never hears
// of is a copy of the keys outside the store.
func TestWriteFileKilledLeavesNothing(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("files without a name (O_TMPFILE) are a Linux feature; elsewhere a hidden temporary file is left")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "contoso.pfx")
	cmd, line := startHelper(t, envHelper+"=write-and-hang", envPath+"="+path)
	if line != "writing" {
		t.Fatalf("helper: %q", line)
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("a kill half way through the write left %s", e.Name())
	}
}

// TestWriteFileNewOrReplace: without replace an existing file is kept and
// the error matches fs.ErrExist; with replace the new content takes its
// place; either way perm is the mode, whatever the umask, and nothing else
// is left in the folder.
func TestWriteFileNewOrReplace(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "c.cer")
	put := func(s string) func(io.Writer) error {
		return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
	}
	if err := store.WriteFile(path, 0o644, false, put("first")); err != nil {
		t.Fatal(err)
	}
	if err := store.WriteFile(path, 0o600, false, put("second")); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("a second new file at the same path: %v, want fs.ErrExist", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "first" {
		t.Fatalf("the existing file was changed: %q", b)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Fatalf("mode %04o, want 0644", fi.Mode().Perm())
	}
	if err := store.WriteFile(path, 0o600, true, put("third")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "third" {
		t.Fatalf("replace wrote %q", b)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode after replace %04o, want 0600", fi.Mode().Perm())
	}
	failed := errors.New("the disk is full")
	if err := store.WriteFile(path, 0o600, true, func(w io.Writer) error { _, _ = io.WriteString(w, "fourth"); return failed }); !errors.Is(err, failed) {
		t.Fatalf("a failed write: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "third" {
		t.Fatalf("a failed replace changed the file: %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("the folder holds %d entries, want only %s", len(entries), path)
	}
}
