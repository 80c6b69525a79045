package main

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/xops/xops/store"
)

// TestStoreCheckNotesUnusedKeys: a key no account names (a link stopped
// before it saved) is reported as a note, not as damage: exit 0.
func TestStoreCheckNotesUnusedKeys(t *testing.T) {
	t.Parallel()
	e, path := newStore(t)
	st, err := store.Open(path, store.Options{Timeout: 2 * time.Second}) // check makes no store
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	r := mustRun(t, e, "store", "check")
	if strings.Contains(r.stderr, "belong to no account") {
		t.Fatalf("a fresh store has no unused keys, but: %s", r.stderr)
	}
	st, err = store.Open(path, store.Options{Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutKey("cred-left-behind", store.KeyMaterial{V: store.RecordVersion, CertDER: []byte{1}, KeyPKCS8: []byte{2}}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	r = mustRun(t, e, "store", "check")
	if !strings.Contains(r.stdout, ": ok") || !strings.Contains(r.stderr, "note: 1 stored key(s) belong to no account") {
		t.Fatalf("store check: stdout %q stderr %q", r.stdout, r.stderr)
	}
}

// TestLinkBadInputCreatesNoStore: refused input on a machine with no store
// yet leaves no store file behind ("nothing was written" is literal).
func TestLinkBadInputCreatesNoStore(t *testing.T) {
	t.Parallel()
	e, path := newStore(t)
	r := xops(t, e, "", "link", "microsoft", "--name", "x", "--app-id", "123",
		"--tenant-id", "contoso.com", "--org", "contoso.onmicrosoft.com")
	if r.code != 2 || !strings.Contains(r.stderr, "--app-id:") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("a store file was created by refused input: %v", err)
	}
}
