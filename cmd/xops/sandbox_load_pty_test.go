//go:build linux

package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/xops/xops/store"
)

// The real binary's TUI, started in sandbox mode on a store whose saved
// tenant is damaged, says so on its first screen (the stderr line is drawn
// over at once), and Settings still lists it after a key cleared the status
// line. The damaged bytes stay in the store.
func TestTUIShowsDamagedSandboxTenant(t *testing.T) {
	t.Parallel()
	bin := buildXops(t)
	storePath := filepath.Join(privateDir(t), "xops-sandbox.db")
	damaged := []byte(`{"version":1,"apps":`)
	putSetting(t, storePath, sandboxStateKey, damaged)
	env := append(os.Environ(), "XOPS_STORE="+storePath, "TERM=xterm-256color", "NO_COLOR=1",
		"XOPS_SANDBOX=1", "XOPS_ACCESSIBLE=")

	from := time.Now()
	p := startInPTY(t, bin, env)
	p.waitFor("SANDBOX", "Warning:", "tenant", "fresh")
	p.press("\x1b[Z") // shift+tab: Settings
	p.waitFor("warned:", "unreadable-", "JSON")
	p.press("q")
	if code := p.wait(); code != 0 {
		t.Fatalf("xops exited %d; it drew, last:\n%s", code, tailOf(p.screen(), 1500))
	}
	if kept := keptCopies(t, storePath, from, time.Now()); len(kept) != 1 || !bytes.Equal(kept[0], damaged) {
		t.Fatalf("the damaged tenant is not kept once: %q", kept)
	}
}

// keptCopies reads the copies of the unreadable tenant a run between from
// and to made: the store has no listing of settings, and the copy is named
// by the second of the run's start.
func keptCopies(t *testing.T, path string, from, to time.Time) [][]byte {
	t.Helper()
	var out [][]byte
	for at := from.Truncate(time.Second); !at.After(to); at = at.Add(time.Second) {
		got, err := readSetting(t, path, sandboxStateKey+".unreadable-"+at.UTC().Format("20060102T150405Z"))
		if err == nil {
			out = append(out, got)
		} else if !errors.Is(err, store.ErrNotFound) {
			t.Fatal(err)
		}
	}
	return out
}
