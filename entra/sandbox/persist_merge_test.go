package sandbox

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"
)

// txStore stands in for the sandbox store's setting with a transaction:
// Options.Update's read, apply and write happen under one lock, as inside
// one bbolt write transaction (which two processes also take in turn).
type txStore struct {
	mu     sync.Mutex
	state  []byte
	writes int
}

func (ts *txStore) update(apply func(saved []byte) ([]byte, error)) error {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	out, err := apply(ts.state)
	if err != nil {
		return err
	}
	ts.state, ts.writes = append([]byte(nil), out...), ts.writes+1
	return nil
}

func (ts *txStore) saved() []byte {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.state
}

// process is one `xops --sandbox` sharing ts: a new tenant, loaded from what
// ts holds (if anything), saving through Options.Update.
func process(t *testing.T, ts *txStore) *Sandbox {
	t.Helper()
	sb, err := New(Options{Update: ts.update})
	if err != nil {
		t.Fatal(err)
	}
	if saved := ts.saved(); saved != nil {
		if err := sb.LoadState(saved); err != nil {
			t.Fatal(err)
		}
	}
	return sb
}

// uploadable is a fresh self-signed RSA certificate in PEM.
func uploadable(t *testing.T, key *rsa.PrivateKey, cn string) []byte {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		SignatureAlgorithm: x509.SHA256WithRSA,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Two processes that loaded the same tenant and then change it each keep
// the other's changes: apps each registered, different steps done on one
// app, a certificate each uploaded to it. Before the merge, the last save
// held only its own process's tenant.
func TestTwoProcessesKeepEachOthersChanges(t *testing.T) {
	t.Parallel()
	ts := &txStore{}
	setup := process(t, ts)
	shared, err := setup.RegisterApp("shared")
	mustDo(t, err)
	mustDo(t, setup.AddExchangePermission(shared))

	a, b := process(t, ts), process(t, ts)
	fromA, err := a.RegisterApp("from A")
	mustDo(t, err)
	fromB, err := b.RegisterApp("from B")
	mustDo(t, err)
	mustDo(t, a.GrantAdminConsent(shared))
	mustDo(t, b.AssignGlobalReader(shared))
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	mustDo(t, err)
	mustDo(t, a.UploadCertificate(shared, uploadable(t, key, "a")))
	mustDo(t, b.UploadCertificate(shared, uploadable(t, key, "b")))

	saved := restart(t, ts.saved())
	for _, id := range []string{fromA, fromB} {
		if _, err := saved.App(id); err != nil {
			t.Errorf("app %s lost from the saved tenant: %v", id, err)
		}
	}
	st, err := saved.App(shared)
	mustDo(t, err)
	if !st.ExchangePermission || !st.AdminConsent || !st.GlobalReader || len(st.Thumbprints) != 2 {
		t.Errorf("the shared app lost a change: %+v", st)
	}
	// The process that saved last took the other's changes in as well.
	if _, err := b.App(fromA); err != nil {
		t.Errorf("process B does not see the app A registered: %v", err)
	}
	if st, _ := b.App(shared); !st.AdminConsent || len(st.Thumbprints) != 2 {
		t.Errorf("process B does not see A's consent and upload: %+v", st)
	}
}

// A deletion is a change like any other: it is kept, and an app the other
// process changed meanwhile is untouched by it.
func TestMergeKeepsADeletionAndTheOthersEdit(t *testing.T) {
	t.Parallel()
	ts := &txStore{}
	setup := process(t, ts)
	gone, err := setup.RegisterApp("to delete")
	mustDo(t, err)
	kept, err := setup.RegisterApp("to keep")
	mustDo(t, err)
	a, b := process(t, ts), process(t, ts)
	mustDo(t, b.DisableApp(kept))
	mustDo(t, a.DeleteApp(gone))

	saved := restart(t, ts.saved())
	if _, err := saved.App(gone); !errors.Is(err, ErrNoSuchApp) {
		t.Errorf("the deleted app came back: %v", err)
	}
	if st, err := saved.App(kept); err != nil || !st.Disabled {
		t.Errorf("the other process's change to %s is lost: %+v, %v", kept, st, err)
	}
}

// A tenant that started fresh (nothing saved yet) and saves after another
// process did keeps that process's tenant-wide settings: only what this
// process changed is its change, not every default it started with.
func TestMergeFromAFreshTenantKeepsTheSavedSettings(t *testing.T) {
	t.Parallel()
	ts := &txStore{}
	fresh := process(t, ts) // nothing saved yet
	other := process(t, ts)
	mustDo(t, other.SetExchangeOnline(false))
	id, err := fresh.RegisterApp("late")
	mustDo(t, err)
	saved := restart(t, ts.saved())
	if saved.state.ExchangeOnline {
		t.Error("the fresh tenant's save switched Exchange Online back on")
	}
	if _, err := saved.App(id); err != nil {
		t.Errorf("the fresh tenant's app is not saved: %v", err)
	}
}

// Many changes from two processes at the same moment: none is lost.
func TestConcurrentSavesLoseNothing(t *testing.T) {
	t.Parallel()
	ts := &txStore{}
	procs := []*Sandbox{process(t, ts), process(t, ts)}
	const each = 15
	var wg sync.WaitGroup
	ids := make(chan string, 2*each)
	for p, sb := range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				id, err := sb.RegisterApp(fmt.Sprintf("p%d-%d", p, i))
				if err != nil {
					t.Error(err)
					return
				}
				ids <- id
			}
		}()
	}
	wg.Wait()
	close(ids)
	saved := restart(t, ts.saved())
	n := 0
	for id := range ids {
		n++
		if _, err := saved.App(id); err != nil {
			t.Errorf("app %s lost: %v", id, err)
		}
	}
	if n != 2*each || len(saved.Apps()) != 2*each {
		t.Fatalf("%d apps registered, %d saved; want %d", n, len(saved.Apps()), 2*each)
	}
}

// A change this process makes while its save runs is not undone when the
// tenant takes in the merged state: it stays, and its own Flush saves it.
func TestAdoptKeepsAChangeMadeDuringTheSave(t *testing.T) {
	t.Parallel()
	ts := &txStore{}
	var sb *Sandbox
	during := &application{AppID: "11111111-1111-4111-8111-111111111111", ObjectID: newGUID(), Name: "during"}
	first := true
	update := func(apply func([]byte) ([]byte, error)) error {
		if first {
			first = false
			sb.mu.Lock() // another request's change, after Flush took its snapshot
			sb.state.Apps[during.AppID] = during
			sb.mu.Unlock()
		}
		return ts.update(apply)
	}
	var err error
	sb, err = New(Options{Update: update})
	mustDo(t, err)
	_, err = sb.RegisterApp("first")
	mustDo(t, err)
	if _, err := sb.App(during.AppID); err != nil {
		t.Fatalf("the change made during the save was undone: %v", err)
	}
	mustDo(t, sb.Flush())
	if _, err := restart(t, ts.saved()).App(during.AppID); err != nil {
		t.Fatalf("the change made during the save was not saved by the next Flush: %v", err)
	}
}

// A saved tenant a newer xops wrote, or one that does not read, is never
// replaced by a merge: the save fails, naming why, and the store is as it was.
func TestMergeRefusesANewerOrDamagedSavedTenant(t *testing.T) {
	t.Parallel()
	for name, saved := range map[string]string{
		"newer":   `{"version":9,"tenant_id":"x"}`,
		"damaged": `{"version":1,"tenant_id":`,
	} {
		ts := &txStore{}
		sb := process(t, ts)
		ts.state = []byte(saved)
		_, err := sb.RegisterApp("x")
		if err == nil || (name == "newer") != errors.Is(err, ErrStateTooNew) || !strings.Contains(err.Error(), "was registered but") {
			t.Errorf("%s: RegisterApp = %v", name, err)
		}
		if string(ts.saved()) != saved || ts.writes != 0 {
			t.Errorf("%s: the saved tenant was replaced: %s", name, ts.saved())
		}
	}
}

// Overwrite is how a caller that set a damaged saved tenant aside starts
// afresh: it replaces what Flush's merge refuses to.
func TestOverwriteReplacesADamagedSavedTenant(t *testing.T) {
	t.Parallel()
	ts := &txStore{state: []byte(`{"version":1,"tenant_id":`)}
	sb, err := New(Options{Update: ts.update})
	mustDo(t, err)
	if err := sb.LoadState(ts.saved()); err == nil {
		t.Fatal("the damaged tenant loaded")
	}
	if err := sb.Flush(); err == nil {
		t.Fatal("Flush merged into a damaged saved tenant")
	}
	mustDo(t, sb.Overwrite())
	if got := restart(t, ts.saved()).TenantID(); got != DefaultTenantID {
		t.Fatalf("after Overwrite the saved tenant is %q", got)
	}
	id, err := sb.RegisterApp("after")
	mustDo(t, err)
	if _, err := restart(t, ts.saved()).App(id); err != nil {
		t.Fatalf("a change after Overwrite is not saved: %v", err)
	}
}
