package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xops/xops/entra/sandbox"
	"github.com/xops/xops/store"
)

// privateDir is a temp dir only the user can open, so the store does not
// warn about it (the warnings under test are the sandbox's).
func privateDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	return dir
}

// putSetting writes one setting into the store at path, as an earlier (or
// another) xops left it.
func putSetting(t *testing.T, path, key string, value []byte) {
	t.Helper()
	st, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.PutSetting(key, value); err != nil {
		t.Fatal(err)
	}
}

// readSetting reads one setting of the store at path (ErrNotFound: unset).
func readSetting(t *testing.T, path, key string) ([]byte, error) {
	t.Helper()
	st, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	return st.Setting(key)
}

// sandboxRun is an `xops --sandbox` on the store at path at a fixed clock,
// with what it printed to stderr.
func sandboxRun(path string, now time.Time) (*app, *bytes.Buffer) {
	var stderr bytes.Buffer
	a := newApp(strings.NewReader(""), io.Discard, &stderr, func(string) string { return "" })
	a.g.store, a.g.sandbox = path, true
	a.now = func() time.Time { return now }
	return a, &stderr
}

// A saved tenant that does not load (damaged) is copied to a setting of its
// own before a fresh tenant replaces it; the warning names the copy, goes to
// stderr (the CLI) and to a.warnings (what the TUI shows: ui.Deps.Warnings).
func TestDamagedSandboxTenantIsKeptAndWarned(t *testing.T) {
	t.Parallel()
	path := filepath.Join(privateDir(t), "xops-sandbox.db")
	damaged := []byte(`{"version":1,"tenant_id":"8f3c2a51-6d0e-4b7a-9c1f-2e4d5a6b7c80","apps":{"x":`)
	putSetting(t, path, sandboxStateKey, damaged)
	now := time.Date(2026, 11, 30, 2, 7, 24, 0, time.UTC)
	const kept = sandboxStateKey + ".unreadable-20261130T020724Z"

	a, stderr := sandboxRun(path, now)
	if _, err := a.startSandbox(); err != nil {
		t.Fatal(err)
	}
	line := stderr.String()
	for _, want := range []string{"xops: warning: the saved sandbox tenant did not load, so a fresh one started", `"` + kept + `"`, "unexpected end of JSON input"} {
		if !strings.Contains(line, want) {
			t.Fatalf("stderr lacks %q: %q", want, line)
		}
	}
	if len(a.warnings) != 1 || !strings.Contains(a.warnings[0], kept) {
		t.Fatalf("the TUI would show %q", a.warnings)
	}
	appID, err := a.sb.RegisterApp("After")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.close(); err != nil {
		t.Fatal(err)
	}

	if got, err := readSetting(t, path, kept); err != nil || !bytes.Equal(got, damaged) {
		t.Fatalf("the damaged tenant was not kept: %q, %v", got, err)
	}
	// The fresh tenant replaced it and keeps its work; no new warning.
	b, stderr := sandboxRun(path, now.Add(time.Hour))
	defer func() { _ = b.close() }()
	if _, err := b.startSandbox(); err != nil {
		t.Fatal(err)
	}
	if stderr.Len() != 0 || len(b.warnings) != 0 {
		t.Fatalf("the second start warned: %q", stderr.String())
	}
	if _, err := b.sb.App(appID); err != nil {
		t.Fatalf("the fresh tenant lost the app registered after it started: %v", err)
	}
	if got, err := readSetting(t, path, kept); err != nil || !bytes.Equal(got, damaged) {
		t.Fatalf("the kept copy changed: %q, %v", got, err)
	}
}

// A tenant a newer xops saved is not damaged: the sandbox does not start,
// the error says what to do, and nothing is written.
func TestNewerSandboxTenantIsRefusedUntouched(t *testing.T) {
	t.Parallel()
	path := filepath.Join(privateDir(t), "xops-sandbox.db")
	newer := []byte(`{"version":2,"tenant":{"id":"8f3c2a51-6d0e-4b7a-9c1f-2e4d5a6b7c80"}}`)
	putSetting(t, path, sandboxStateKey, newer)
	a, stderr := sandboxRun(path, time.Date(2026, 11, 30, 2, 7, 24, 0, time.UTC))
	_, err := a.startSandbox()
	if err == nil || !errors.Is(err, sandbox.ErrStateTooNew) || !strings.Contains(err.Error(), "use a newer xops, or point --store elsewhere") ||
		!strings.Contains(err.Error(), path) {
		t.Fatalf("start with a newer tenant: %v", err)
	}
	if a.sb != nil || stderr.Len() != 0 {
		t.Fatalf("the sandbox started anyway (stderr %q)", stderr.String())
	}
	if err := a.close(); err != nil {
		t.Fatal(err)
	}
	if got, err := readSetting(t, path, sandboxStateKey); err != nil || !bytes.Equal(got, newer) {
		t.Fatalf("the newer tenant was changed: %q, %v", got, err)
	}
	if _, err := readSetting(t, path, sandboxStateKey+".unreadable-20261130T020724Z"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a newer tenant was set aside as unreadable: %v", err)
	}
}

// The same bytes kept twice in one second share one copy; other bytes get
// a name of their own.
func TestKeepUnreadableSettingNames(t *testing.T) {
	t.Parallel()
	st, err := store.Open(filepath.Join(t.TempDir(), "xops.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 11, 30, 2, 7, 24, 0, time.FixedZone("x", 3600))
	first, err := keepUnreadableSetting(st, "k", []byte("one"), now)
	if err != nil || first != "k.unreadable-20261130T010724Z" {
		t.Fatalf("first copy: %q, %v", first, err)
	}
	again, err := keepUnreadableSetting(st, "k", []byte("one"), now)
	if err != nil || again != first {
		t.Fatalf("same bytes again: %q, %v", again, err)
	}
	other, err := keepUnreadableSetting(st, "k", []byte("two"), now)
	if err != nil || other != first+"-2" {
		t.Fatalf("other bytes: %q, %v", other, err)
	}
	for name, want := range map[string]string{first: "one", other: "two"} {
		if got, err := st.Setting(name); err != nil || string(got) != want {
			t.Fatalf("%s holds %q, %v; want %q", name, got, err, want)
		}
	}
}
