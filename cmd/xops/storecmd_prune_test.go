package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/flow/wizard"
	"github.com/xops/xops/store"
)

// pruneKey is key material whose certificate starts at notBefore (the
// prune reads only that) and whose private key is a random marker, to be
// looked for in the raw file.
func pruneKey(t *testing.T, notBefore time.Time) store.KeyMaterial {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "prune test"},
		NotBefore: notBefore, NotAfter: notBefore.Add(365 * 24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		t.Fatal(err)
	}
	marker := make([]byte, 300)
	if _, err := rand.Read(marker); err != nil {
		t.Fatal(err)
	}
	return store.KeyMaterial{V: store.RecordVersion, CertDER: der, KeyPKCS8: marker}
}

// inFile reports whether the store file holds b (as JSON writes it, base64).
func inFile(t *testing.T, path string, b []byte) bool {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Contains(raw, []byte(base64.StdEncoding.EncodeToString(b)))
}

// pruneFixture is a store with one of each kind of key the prune must tell
// apart, all but "fresh" and the unreadable one made two days ago.
type pruneFixture struct {
	path string
	e    env
	st   *store.Store
	keys map[string]store.KeyMaterial // by credential id
}

const (
	credOld        = "c0ffee00000000000000000000000001" // an old orphan: pruned
	credFresh      = "c0ffee00000000000000000000000002" // made just now: kept
	credWizard     = "c0ffee00000000000000000000000003" // named by the wizard's draft: kept
	credAuto       = "c0ffee00000000000000000000000004" // named by the automatic link's draft: kept
	credUnreadable = "c0ffee00000000000000000000000005" // certificate unreadable: kept
	credAccount    = "c0ffee00000000000000000000000006" // an account's active key: not an orphan
	credPending    = "c0ffee00000000000000000000000007" // an account's pending key: not an orphan
)

func newPruneFixture(t *testing.T) *pruneFixture {
	t.Helper()
	e, path := newStore(t)
	st, err := store.Open(path, store.Options{Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &pruneFixture{path: path, e: e, st: st, keys: map[string]store.KeyMaterial{}}
	old := time.Now().Add(-48 * time.Hour)
	for id, nb := range map[string]time.Time{credOld: old, credFresh: time.Now().Add(-5 * time.Minute),
		credWizard: old, credAuto: old, credUnreadable: old, credAccount: old, credPending: old} {
		km := pruneKey(t, nb)
		if id == credUnreadable {
			km.CertDER = []byte("not a certificate")
		}
		if err := st.PutKey(id, km); err != nil {
			t.Fatal(err)
		}
		f.keys[id] = km
	}
	cred := func(id string, pending bool) store.Credential {
		return store.Credential{ID: id, Thumbprint: strings.Repeat("AB", 20), KeySize: 256, NotBefore: old,
			NotAfter: old.Add(365 * 24 * time.Hour), Created: old, Pending: pending}
	}
	a := store.Account{Name: "contoso", AppID: "11111111-2222-3333-4444-555555555555", TenantID: "66666666-7777-8888-9999-000000000000",
		Organization: "contoso.onmicrosoft.com", Cloud: "global",
		Credentials: []store.Credential{cred(credAccount, false), cred(credPending, true)}}
	if err := st.CreateAccount(a, store.AuditEntry{}); err != nil {
		t.Fatal(err)
	}
	// The two drafts that hold a key, as their owners write them.
	ws := wizard.New()
	ws.Cred = &wizard.Credential{ID: credWizard, Thumbprint: strings.Repeat("CD", 20), NotBefore: old}
	raw, err := ws.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutDraft(wizard.DraftKind, raw); err != nil {
		t.Fatal(err)
	}
	raw, err = json.Marshal(flow.AutoProgress{V: 1, Name: "fabrikam", Credential: cred(credAuto, false)})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutDraft(flow.AutoDraftKind, raw); err != nil {
		t.Fatal(err)
	}
	return f
}

// checkPruned asserts the old orphan is gone from the store and from the
// file's bytes, and every other key is still there.
func (f *pruneFixture) checkPruned(t *testing.T) {
	t.Helper()
	if _, err := f.st.Key(credOld); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the old orphan is still stored: %v", err)
	}
	if inFile(t, f.path, f.keys[credOld].KeyPKCS8) {
		t.Error("the pruned key's bytes are still in the store file")
	}
	for _, id := range []string{credFresh, credWizard, credAuto, credUnreadable, credAccount, credPending} {
		if _, err := f.st.Key(id); err != nil {
			t.Errorf("key %s was not kept: %v", id, err)
		}
	}
}

func TestStoreCheckPruneRemovesOnlyStaleUnnamedKeys(t *testing.T) {
	t.Parallel()
	f := newPruneFixture(t)
	if !inFile(t, f.path, f.keys[credOld].KeyPKCS8) {
		t.Fatal("precondition: the old orphan's bytes should be in the file")
	}
	// Without --prune, nothing is deleted: the note counts the five orphans.
	r := mustRun(t, f.e, "store", "check")
	if !strings.Contains(r.stderr, "note: 5 stored key(s) belong to no account") || !strings.Contains(r.stderr, "--prune") {
		t.Fatalf("store check: stderr %q", r.stderr)
	}
	if _, err := f.st.Key(credOld); err != nil {
		t.Fatalf("store check without --prune deleted a key: %v", err)
	}

	r = mustRun(t, f.e, "store", "check", "--prune")
	t.Logf("store check --prune:\n%s", r.stdout)
	for _, want := range []string{
		": ok\n",
		"Removed 1 unused key(s)",
		"kept 4.",
		"kept 1: " + flow.KeptFresh,
		"kept 1: " + flow.KeptUnreadable,
		`kept 1: the "auto-link" draft names it`,
		`kept 1: the "link-microsoft" draft names it`,
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("store check --prune: stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	for id, km := range f.keys {
		if strings.Contains(r.stdout+r.stderr, base64.StdEncoding.EncodeToString(km.KeyPKCS8)) {
			t.Errorf("the output shows key %s", id)
		}
	}
	f.checkPruned(t)

	// Again: nothing left to remove, the same four kept.
	r = mustRun(t, f.e, "store", "check", "--prune")
	if !strings.Contains(r.stdout, "Removed 0 unused key(s)") || !strings.Contains(r.stdout, "kept 4.") {
		t.Errorf("second prune: %s", r.stdout)
	}
}

// TestStoreCheckPruneProtectedStore: in a passphrase-protected store the
// keys are sealed but their certificates are plain, so the prune judges
// their age without the passphrase (none is asked for) and leaves the kept
// keys sealed.
func TestStoreCheckPruneProtectedStore(t *testing.T) {
	t.Parallel()
	f := newPruneFixture(t)
	svc := &flow.Service{Store: f.st, ScryptWorkFactor: 10}
	if err := svc.SetPassphrase("correct horse battery"); err != nil {
		t.Fatal(err)
	}
	sealed, err := f.st.Key(credOld)
	if err != nil || len(sealed.KeyAge) == 0 || len(sealed.KeyPKCS8) != 0 {
		t.Fatalf("precondition: the old orphan should be sealed: %v, %v", sealed, err)
	}
	if !inFile(t, f.path, sealed.KeyAge) {
		t.Fatal("precondition: the sealed key should be in the file")
	}

	r := xops(t, f.e, "", "store", "check", "--prune") // no stdin, no passphrase
	if r.code != 0 || !strings.Contains(r.stdout, "Removed 1 unused key(s)") || !strings.Contains(r.stdout, "kept 4.") {
		t.Fatalf("store check --prune: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(strings.ToLower(r.stdout+r.stderr), "passphrase") {
		t.Errorf("the prune spoke of a passphrase: %s %s", r.stdout, r.stderr)
	}
	if _, err := f.st.Key(credOld); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the old orphan is still stored: %v", err)
	}
	if inFile(t, f.path, sealed.KeyAge) {
		t.Error("the pruned sealed key's bytes are still in the store file")
	}
	for _, id := range []string{credFresh, credWizard, credAuto, credUnreadable, credAccount, credPending} {
		km, err := f.st.Key(id)
		if err != nil || len(km.KeyAge) == 0 || len(km.KeyPKCS8) != 0 {
			t.Errorf("key %s after the prune: %v, %v; want kept and sealed", id, km, err)
		}
	}
}

// TestStoreCheckPruneRefusesDamagedStore: on a damaged store --prune exits 1
// like check and writes nothing at all.
func TestStoreCheckPruneRefusesDamagedStore(t *testing.T) {
	t.Parallel()
	f := newPruneFixture(t)
	// An account missing from the name index: damage only xops's own check sees.
	poke(t, f.path, func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("names"))
		return b.Delete([]byte("contoso"))
	})
	before, err := os.ReadFile(f.path)
	if err != nil {
		t.Fatal(err)
	}
	r := xops(t, f.e, "", "store", "check", "--prune")
	if r.code != 1 || !strings.Contains(r.stderr, "damaged") || !strings.Contains(r.stderr, "nothing was pruned") {
		t.Fatalf("store check --prune on a damaged store: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	after, err := os.ReadFile(f.path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("store check --prune wrote to a damaged store")
	}
	if _, err := f.st.Key(credOld); err != nil {
		t.Errorf("a key was pruned from a damaged store: %v", err)
	}
	// The store's own refusal, for a store damaged between the check and the prune.
	_, err = f.st.PruneOrphanKeys(flow.KeepOrphanKey(time.Now()))
	if !errors.Is(err, store.ErrCorrupt) {
		t.Errorf("PruneOrphanKeys on a damaged store: %v, want ErrCorrupt", err)
	}
}
