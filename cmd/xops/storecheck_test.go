package main

import (
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
	r := mustRun(t, e, "store", "check")
	if strings.Contains(r.stderr, "belong to no account") {
		t.Fatalf("a fresh store has no unused keys, but: %s", r.stderr)
	}
	st, err := store.Open(path, store.Options{Timeout: 2 * time.Second})
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
