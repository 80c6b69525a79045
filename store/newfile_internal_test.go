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

// TestWriteFileWithoutUnnamedFiles takes the path of systems without
// O_TMPFILE (a hidden temporary file): when the new name is made durable the
// folder already holds the file under its name alone — a crash then cannot
// bring back a hidden second name of a PFX — and a replace or a refusal
// leaves nothing else either. Not parallel: it replaces two hooks.
func TestWriteFileWithoutUnnamedFiles(t *testing.T) {
	openUnnamedFile = func(string) (*os.File, error) { return nil, errors.New("no O_TMPFILE here") }
	var atSync []string
	syncNewName = func(dir string) {
		entries, _ := os.ReadDir(dir)
		atSync = atSync[:0]
		for _, e := range entries {
			atSync = append(atSync, e.Name())
		}
		syncDir(dir)
	}
	t.Cleanup(func() { openUnnamedFile, syncNewName = openUnnamed, syncDir })
	write := func(s string) func(io.Writer) error {
		return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "contoso.pfx")
	for i, c := range []struct {
		replace bool
		content string
		fails   bool
	}{
		{false, "first", false},
		{false, "refused", true}, // exists, not replaced
		{true, "second", false},
	} {
		err := WriteFile(path, 0o600, c.replace, write(c.content))
		if (err != nil) != c.fails {
			t.Fatalf("write %d: err %v, want failure %v", i, err, c.fails)
		}
		if !c.fails && (len(atSync) != 1 || atSync[0] != "contoso.pfx") {
			t.Errorf("write %d: when its name was made durable the folder held %v, want only contoso.pfx", i, atSync)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 1 {
			t.Errorf("write %d: the folder holds %d entries afterwards, want 1", i, len(entries))
		}
	}
	if got, _ := os.ReadFile(path); string(got) != "second" {
		t.Errorf("the file holds %q, want the replacement", got)
	}
}
