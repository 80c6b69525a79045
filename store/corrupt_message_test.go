package store_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xops/xops/store"
)

// A file that is not a store gives one message that names it, says what is
// wrong and gives the ways out once each; it matches ErrCorrupt.
func TestCorruptMessageSaysItOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "xops.db")
	if err := os.WriteFile(path, []byte(strings.Repeat("not a store ", 1000)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := store.Open(path, store.Options{Timeout: time.Second})
	if !errors.Is(err, store.ErrCorrupt) {
		t.Fatalf("err = %v, want ErrCorrupt", err)
	}
	msg := err.Error()
	for _, want := range []string{path, "is damaged", "restore a backup", "move the file aside"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q: %s", want, msg)
		}
	}
	for _, once := range []string{"restore", "store backup", "damaged and"} {
		if n := strings.Count(msg, once); n != 1 {
			t.Errorf("%q said %d times: %s", once, n, msg)
		}
	}
}
