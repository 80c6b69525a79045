package ui

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/entra/certs"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/store"
)

// entraFake plays Entra for the account actions: a credential passes only
// once its thumbprint is "uploaded"; failAt makes a check fail for every
// credential (a setup step left undone).
type entraFake struct {
	mu       sync.Mutex
	uploaded map[string]bool
	failAt   entra.CheckID
	failStep entra.Step
	calls    int
}

func (f *entraFake) upload(thumbprint string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.uploaded[thumbprint] = true
}

// uploadPEM uploads a certificate given as PEM (what the sandbox key does).
func (f *entraFake) uploadPEM(t *testing.T, certPEM []byte) {
	blk, _ := pem.Decode(certPEM)
	if blk == nil {
		t.Error("upload: not PEM")
		return
	}
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Errorf("upload: %v", err)
		return
	}
	f.upload(certs.Thumbprint(cert))
}

func (f *entraFake) setFailure(id entra.CheckID, step entra.Step) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failAt, f.failStep = id, step
}

func (f *entraFake) Verify(_ context.Context, t entra.Target, cred *certs.Credential, onCheck func(entra.CheckResult)) entra.Report {
	f.mu.Lock()
	f.calls++
	failAt, failStep := f.failAt, f.failStep
	if failAt == "" && !f.uploaded[certs.Thumbprint(cred.Certificate)] {
		failAt, failStep = entra.CheckCertificate, entra.StepUploadCertificate
	}
	f.mu.Unlock()
	r := entra.Report{Account: t.Account, OK: failAt == ""}
	failed := false
	for _, id := range entra.CheckOrder {
		c := entra.CheckResult{ID: id, OK: true, Message: "fine"}
		switch {
		case failed:
			c = entra.CheckResult{ID: id, Skipped: true, Message: "skipped: an earlier check failed"}
		case id == failAt:
			c = entra.CheckResult{ID: id, Step: failStep, Message: "refused by the fake tenant", Hint: "redo the step"}
			failed, r.FailedStep = true, failStep
		}
		if onCheck != nil {
			onCheck(c)
		}
		r.Checks = append(r.Checks, c)
	}
	return r
}

func (f *entraFake) VerifyWait(ctx context.Context, t entra.Target, cred *certs.Credential, _ time.Duration, onAttempt func(int, entra.Report)) entra.Report {
	r := f.Verify(ctx, t, cred, nil)
	if onAttempt != nil {
		onAttempt(1, r)
	}
	return r
}

// actionFixture is a real store in a temp dir and the real flow.Service,
// with the fake Entra in place of Microsoft.
type actionFixture struct {
	t     *testing.T
	st    *store.Store
	svc   *flow.Service
	entra *entraFake
	dir   string
}

func newActionFixture(t *testing.T, cloud string) *actionFixture {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "xops.db"), store.Options{Timeout: time.Second, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	fe := &entraFake{uploaded: map[string]bool{}}
	svc := &flow.Service{Store: st, Verifier: fe, Cloud: cloud, Now: func() time.Time { return testNow }}
	return &actionFixture{t: t, st: st, svc: svc, entra: fe, dir: dir}
}

// link links an account (a real 2048-bit key) and uploads its certificate
// to the fake Entra.
func (f *actionFixture) link(name string) store.Account {
	f.t.Helper()
	res, err := f.svc.Link(context.Background(), flow.LinkInput{
		Name: name, AppID: "8f3c2a51-6d0e-4b7a-9c1f-2e4d5a6b7c81", TenantID: "11111111-2222-3333-4444-555555555555",
		Organization: name + ".onmicrosoft.com", KeySize: 2048, CertDays: 365,
	}, nil)
	if err != nil {
		f.t.Fatalf("link %s: %v", name, err)
	}
	f.entra.upload(certs.Thumbprint(res.Credential.Certificate))
	return res.Account
}

func (f *actionFixture) account(name string) store.Account {
	f.t.Helper()
	a, err := f.svc.Account(name)
	if err != nil {
		f.t.Fatalf("account %s: %v", name, err)
	}
	return a
}

// harness opens the TUI on this store at w×h.
func (f *actionFixture) harness(w, h int) *harness {
	f.t.Helper()
	return newHarness(f.t, Deps{Store: f.st, Service: f.svc, Changes: f.st.Generation, Cloud: f.svc.Cloud,
		Now: func() time.Time { return testNow }, VerifyAutoRetry: -1, NoColor: true}, w, h)
}

// typeText types s one key at a time.
func (hs *harness) typeText(s string) {
	hs.t.Helper()
	for _, r := range s {
		hs.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// clearField empties the focused text field (ctrl+u deletes to its start).
func (hs *harness) clearField() {
	hs.t.Helper()
	hs.send(tea.KeyPressMsg{Code: tea.KeyEnd})
	hs.send(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
}

// clipboard is the text the last OSC 52 command carried ("" if none).
func (hs *harness) clipboard() string {
	for i := len(hs.seen) - 1; i >= 0; i-- {
		if fmt.Sprintf("%T", hs.seen[i]) == "tea.setClipboardMsg" {
			return fmt.Sprint(hs.seen[i])
		}
	}
	return ""
}

func (hs *harness) mustBeOn(p flow.Page) {
	hs.t.Helper()
	if hs.page() != p {
		hs.t.Fatalf("page = %v, want %v:\n%s", hs.page(), p, hs.view())
	}
}
