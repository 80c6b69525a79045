package flow

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestExportFileIsSyncedBeforeItIsNamed makes the flush to disk fail, as a
// dying disk or a full NFS quota does at fsync: the export must fail and
// leave no file at the path — else, after a crash, the path may name a PFX
// or certificate whose bytes never reached the disk. Not parallel: it
// replaces syncFile.
func TestExportFileIsSyncedBeforeItIsNamed(t *testing.T) {
	calls := 0
	syncFile = func(*os.File) error { calls++; return errors.New("input/output error") }
	t.Cleanup(func() { syncFile = (*os.File).Sync })
	for _, overwrite := range []bool{false, true} {
		dir := t.TempDir()
		path := filepath.Join(dir, "contoso.pfx")
		err := writeFile0600(path, []byte("pfx bytes"), overwrite)
		if err == nil {
			t.Errorf("overwrite %v: the write succeeded although its data could not be flushed to disk", overwrite)
		}
		if _, serr := os.Stat(path); !errors.Is(serr, os.ErrNotExist) {
			t.Errorf("overwrite %v: %s exists after a failed flush (%v)", overwrite, path, err)
		}
		if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) > 0 {
			t.Errorf("overwrite %v: temporary files left: %v", overwrite, left)
		}
	}
	if calls != 2 {
		t.Errorf("the file was flushed %d times for 2 writes", calls)
	}
}
