package store

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestWriteFileIsSyncedBeforeItIsNamed makes the flush to disk fail, as a
// dying disk or a full NFS quota does at fsync: the write must fail and
// leave nothing at the path — else, after a crash, the path may name a PFX,
// certificate or backup whose bytes never reached the disk. Not parallel:
// it replaces syncFile.
func TestWriteFileIsSyncedBeforeItIsNamed(t *testing.T) {
	calls := 0
	syncFile = func(*os.File) error { calls++; return errors.New("input/output error") }
	t.Cleanup(func() { syncFile = (*os.File).Sync })
	for _, replace := range []bool{false, true} {
		dir := t.TempDir()
		path := filepath.Join(dir, "contoso.pfx")
		err := WriteFile(path, 0o600, replace, func(w io.Writer) error {
			_, err := io.WriteString(w, "pfx bytes")
			return err
		})
		if err == nil {
			t.Errorf("replace %v: the write succeeded although its data could not be flushed to disk", replace)
		}
		if entries, _ := os.ReadDir(dir); len(entries) > 0 {
			t.Errorf("replace %v: %s holds %s after a failed flush (%v)", replace, dir, entries[0].Name(), err)
		}
	}
	// A backup too: it is written the same way.
	s, err := Open(filepath.Join(t.TempDir(), "xops.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := s.Backup(filepath.Join(dir, "b.db")); err == nil {
		t.Error("a backup succeeded although its data could not be flushed to disk")
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("a failed backup left %s", entries[0].Name())
	}
	if calls < 3 {
		t.Errorf("the file was flushed %d times for 3 writes", calls)
	}
}
