package wizard

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow/wizard"
	"github.com/xops/xops/store"
	"github.com/xops/xops/ui/uikit"
	"github.com/xops/xops/ui/verifyview"
)

// draftAtUpload is a wizard that reached the upload page, as a draft, with
// its key in st.
func draftAtUpload(t *testing.T, st *memStore) {
	t.Helper()
	c, err := testCred()
	if err != nil {
		t.Fatal(err)
	}
	st.keys["cred-9"] = store.KeyMaterial{V: 1, CertDER: c.Certificate.Raw, KeyPKCS8: []byte("secret")}
	s := wizard.New()
	s, _ = s.Apply(wizard.Continue{})
	s, _ = s.Apply(wizard.Answer{Yes: true})
	s, effects := s.Apply(wizard.Submit{Form: wizard.Form{Name: "contoso", AppID: appID, TenantID: tenantID,
		Organization: "contoso.onmicrosoft.com", KeySize: 2048, CertDays: 365}})
	gen := effects[0].(wizard.GenerateKey)
	s, _ = s.Apply(wizard.KeyGenerated{Seq: gen.Seq, Cred: wizard.Credential{ID: "cred-9", Thumbprint: "ABCDEF0123",
		KeySize: 2048, NotBefore: fixedNow, NotAfter: fixedNow.AddDate(1, 0, 0), MadeFor: "contoso", CertDays: 365}})
	s, _ = s.Apply(wizard.Continue{})
	b, err := s.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	st.drafts[wizard.DraftKind] = b
}

func TestResumeDraft(t *testing.T) {
	t.Parallel()
	st := newMemStore()
	draftAtUpload(t, st)
	h := newHarness(t, Deps{Service: &fakeService{st: st}, Drafts: st, Keys: st}, 63, 21)
	if !shows(h, "› Resume “contoso” (step 5, Upload in Entra)") || !shows(h, "Start over") {
		t.Fatalf("resume question:\n%s", h.view())
	}
	h.press("enter")
	h.pump(func() bool { return h.m.st.Step == wizard.StepUpload && h.m.pemID == "cred-9" })
	if !shows(h, "ABCDEF0123") {
		t.Errorf("upload page without the thumbprint:\n%s", h.view())
	}
}

// TestResumeWithoutAskingOpensTheDraft: a draft the automatic path just
// wrote opens on its page, no question; a broken one still says so.
func TestResumeWithoutAskingOpensTheDraft(t *testing.T) {
	t.Parallel()
	st := newMemStore()
	draftAtUpload(t, st)
	h := &harness{t: t, msgs: make(chan tea.Msg, 4096)}
	h.m = newModel(Deps{Service: &fakeService{st: st}, Drafts: st, Keys: st, Now: func() time.Time { return fixedNow },
		User: "admin", Host: "jump1", WorkDir: t.TempDir()})
	h.m.SetStyles(uikit.NewStyles(true, true))
	h.m.SetSize(63, 21)
	h.m.ResumeWithoutAsking()
	h.run(h.m.Init())
	h.pump(func() bool { return h.m.st.Step == wizard.StepUpload && h.m.pemID == "cred-9" })
	if h.m.resume != nil || shows(h, "Start over") || !shows(h, "ABCDEF0123") {
		t.Errorf("not straight on the draft's page:\n%s", h.view())
	}

	broken := newMemStore()
	broken.drafts[wizard.DraftKind] = []byte("{{{")
	b := &harness{t: t, msgs: make(chan tea.Msg, 4096)}
	b.m = newModel(Deps{Service: &fakeService{st: broken}, Drafts: broken, Keys: broken, Now: func() time.Time { return fixedNow },
		User: "admin", Host: "jump1", WorkDir: t.TempDir()})
	b.m.SetSize(63, 21)
	b.m.ResumeWithoutAsking()
	b.run(b.m.Init())
	b.pump(func() bool { return b.m.loaded })
	if !shows(b, "cannot be used") {
		t.Errorf("a broken draft is not reported:\n%s", b.view())
	}
}

func TestStartOverDiscardsTheKey(t *testing.T) {
	t.Parallel()
	st := newMemStore()
	draftAtUpload(t, st)
	h := newHarness(t, Deps{Service: &fakeService{st: st}, Drafts: st, Keys: st}, 63, 21)
	h.press("down", "enter")
	h.pump(func() bool { return st.keyCount() == 0 && st.draft() == "" })
	if h.m.st.Step != wizard.StepChecklist || h.m.st.Form.Name != "" || !shows(h, "[ ] 1. Register an app") {
		t.Errorf("not a fresh wizard:\n%s", h.view())
	}
}

func TestBrokenDraftOffersStartOver(t *testing.T) {
	t.Parallel()
	for name, data := range map[string]string{"garbage": "{{{", "newer": `{"v":99,"step":"form"}`} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			st := newMemStore()
			st.drafts[wizard.DraftKind] = []byte(data)
			h := newHarness(t, Deps{Service: &fakeService{st: st}, Drafts: st, Keys: st}, 63, 21)
			if !shows(h, "cannot be used") || !shows(h, "› Start over") {
				t.Fatalf("broken draft:\n%s", h.view())
			}
			if name == "newer" && !shows(h, "newer xops") {
				t.Errorf("does not say why:\n%s", h.view())
			}
			h.press("enter")
			h.pump(func() bool { return st.draft() == "" })
			if h.m.st.Step != wizard.StepChecklist || h.m.resume != nil {
				t.Errorf("not on a fresh checklist:\n%s", h.view())
			}
		})
	}
}

// scriptedVerifier fails at consent once, then passes.
type scriptedVerifier struct {
	mu    sync.Mutex
	calls int
}

func (v *scriptedVerifier) VerifyAccount(ctx context.Context, name string, onCheck func(entra.CheckResult)) (entra.Report, error) {
	v.mu.Lock()
	v.calls++
	n := v.calls
	v.mu.Unlock()
	r := entra.Report{Account: name, OK: n > 1}
	for _, id := range entra.CheckOrder {
		c := entra.CheckResult{ID: id, OK: true, Message: "fine"}
		if n == 1 && id == entra.CheckExchangePermission {
			c = entra.CheckResult{ID: id, Step: entra.StepGrantAdminConsent, Message: "no roles in the token", Hint: "grant admin consent"}
			r.FailedStep = entra.StepGrantAdminConsent
		}
		onCheck(c)
		r.Checks = append(r.Checks, c)
	}
	return r, nil
}

func TestVerificationSendsBackToTheStep(t *testing.T) {
	t.Parallel()
	st := newMemStore()
	v := &scriptedVerifier{}
	h := newHarness(t, Deps{Service: &fakeService{st: st, taken: map[string]bool{}}, Drafts: st, Keys: st, Verifier: v}, 80, 30)
	toCertificate(h, "contoso")
	h.press("enter", "enter")
	h.pump(func() bool {
		return h.m.st.Step == wizard.StepVerify && h.m.verify != nil && !h.m.verify.(*verifyview.Model).Running()
	})
	h.press("f")
	h.pump(func() bool { return h.m.st.Step == wizard.StepChecklist })
	if !shows(h, "› [ ] 3. Grant admin consent") || !shows(h, "enter verifies again") {
		t.Errorf("not on the consent step:\n%s", h.view())
	}
	if got := shortHelp(h.m); !strings.HasPrefix(got, "↑↓ move • space tick • enter verify") {
		t.Errorf("the help bar after f: %q", got)
	}
	h.press("space", "enter") // fixed: verify again
	h.pump(func() bool {
		return h.m.st.Step == wizard.StepVerify && h.m.verify != nil && !h.m.verify.(*verifyview.Model).Running()
	})
	if got := shortHelp(h.m); !strings.Contains(got, "enter finish") {
		t.Errorf("the help bar on the result: %q", got)
	}
	h.press("enter")
	h.pump(func() bool { return h.sawOut(uikit.HomeMsg{}) })
	h.pump(func() bool {
		for _, s := range h.statuses() {
			if strings.Contains(s, "Linked contoso — verified") {
				return true
			}
		}
		return false
	})
	if st.draft() != "" {
		t.Error("a draft exists after the account was saved")
	}
}

// idFixService also corrects a saved account's IDs.
type idFixService struct {
	*fakeService
	mu      sync.Mutex
	updates []LinkInput
}

func (s *idFixService) UpdateLinkIDs(id string, in LinkInput) (store.Account, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.updates = append(s.updates, in)
	return store.Account{ID: id, Name: in.Name}, nil
}

// tenantVerifier fails at the tenant (copy-ids) until it is asked a second time.
type tenantVerifier struct{ scriptedVerifier }

func (v *tenantVerifier) VerifyAccount(ctx context.Context, name string, onCheck func(entra.CheckResult)) (entra.Report, error) {
	v.mu.Lock()
	v.calls++
	n := v.calls
	v.mu.Unlock()
	r := entra.Report{Account: name, OK: n > 1}
	for _, id := range entra.CheckOrder {
		c := entra.CheckResult{ID: id, OK: true, Message: "fine"}
		if n == 1 && id == entra.CheckTenant {
			c = entra.CheckResult{ID: id, Step: entra.StepCopyIDs, Message: "no such tenant"}
			r.FailedStep = entra.StepCopyIDs
		}
		onCheck(c)
		r.Checks = append(r.Checks, c)
	}
	return r, nil
}

func TestVerificationSendsBackToTheIDs(t *testing.T) {
	t.Parallel()
	st := newMemStore()
	svc := &idFixService{fakeService: &fakeService{st: st, taken: map[string]bool{}}}
	h := newHarness(t, Deps{Service: svc, Drafts: st, Keys: st, Verifier: &tenantVerifier{}}, 80, 30)
	toCertificate(h, "contoso")
	h.press("enter", "enter")
	h.pump(func() bool {
		return h.m.st.Step == wizard.StepVerify && h.m.verify != nil && !h.m.verify.(*verifyview.Model).Running()
	})
	h.press("f")
	h.pump(func() bool { return h.m.st.Step == wizard.StepForm && h.m.form != nil })
	if shows(h, "Friendly name") || !shows(h, "Directory (tenant) ID") {
		t.Errorf("fixing form should show the IDs only:\n%s", h.view())
	}
	const fixed = "99999999-8888-7777-6666-555555555555"
	focusOn(h, "app-id")
	h.press("enter")
	focusOn(h, "tenant-id")
	for range 36 {
		h.press("backspace")
	}
	h.typeText(fixed)
	h.press("enter")
	focusOn(h, "org")
	h.press("enter")
	h.pump(func() bool { return h.m.st.Step == wizard.StepVerify })
	svc.mu.Lock()
	got := append([]LinkInput(nil), svc.updates...)
	svc.mu.Unlock()
	if len(got) != 1 || got[0].TenantID != fixed || got[0].Name != "contoso" || got[0].AppID != appID {
		t.Fatalf("updates %+v", got)
	}
	h.pump(func() bool { return !h.m.verify.(*verifyview.Model).Running() })
	h.press("enter")
	h.pump(func() bool { return h.sawOut(uikit.HomeMsg{}) })
}

func TestLeavingAFailedVerificationSaysWhichStep(t *testing.T) {
	t.Parallel()
	st := newMemStore()
	h := newHarness(t, Deps{Service: &fakeService{st: st, taken: map[string]bool{}}, Drafts: st, Keys: st, Verifier: &scriptedVerifier{}}, 80, 30)
	toCertificate(h, "contoso")
	h.press("enter", "enter")
	h.pump(func() bool {
		return h.m.st.Step == wizard.StepVerify && h.m.verify != nil && !h.m.verify.(*verifyview.Model).Running()
	})
	h.press("enter")
	h.pump(func() bool { return h.sawOut(uikit.HomeMsg{}) })
	// The status line is one row: at 60 columns the whole sentence shows
	// (it used to end "…then ve…" even at 80). Home names the step's title.
	const want = "Linked contoso — failed at step 3: fix it, then v verifies"
	if n := len([]rune(want)); n > 60 {
		t.Fatalf("the wanted text is %d cells", n)
	}
	h.pump(func() bool { return slices.Contains(h.statuses(), want) })
}

// TestResumeQuestionWrapsUnderItsText: at 44 columns a choice's second line
// starts under its text, two cells in (the cursor "› " is two cells, not
// its four bytes), and a draft without a name says so plainly.
func TestResumeQuestionWrapsUnderItsText(t *testing.T) {
	t.Parallel()
	st := newMemStore()
	raw, err := wizard.New().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	st.drafts[wizard.DraftKind] = raw
	h := newHarness(t, Deps{Service: &fakeService{st: st}, Drafts: st, Keys: st}, 44, 13)
	v := h.view()
	if !strings.Contains(v, "› Resume (step 1, Entra checklist; no name\n  yet)") {
		t.Errorf("resume question at 44 columns:\n%s", v)
	}
}

// blockingVerifier runs until its context ends, and says so.
type blockingVerifier struct{ started, ended chan struct{} }

func (v *blockingVerifier) VerifyAccount(ctx context.Context, name string, onCheck func(entra.CheckResult)) (entra.Report, error) {
	close(v.started)
	<-ctx.Done()
	close(v.ended)
	return entra.Report{}, ctx.Err()
}

// TestStopEndsTheVerificationInFlight: leaving the wizard by a global key
// (the root calls Stop) ends its verification instead of leaving it running.
func TestStopEndsTheVerificationInFlight(t *testing.T) {
	t.Parallel()
	st := newMemStore()
	v := &blockingVerifier{started: make(chan struct{}), ended: make(chan struct{})}
	h := newHarness(t, Deps{Service: &fakeService{st: st, taken: map[string]bool{}}, Drafts: st, Keys: st, Verifier: v}, 80, 30)
	toCertificate(h, "contoso")
	h.press("enter", "enter")
	h.pump(func() bool { return h.m.st.Step == wizard.StepVerify && h.m.verify != nil })
	h.pump(func() bool {
		select {
		case <-v.started:
			return true
		default:
			return false
		}
	})
	var s interface{ Stop() } = h.m // the root's stopper
	s.Stop()
	select {
	case <-v.ended:
	case <-time.After(10 * time.Second):
		t.Fatal("the verification still runs after Stop")
	}
}

// "Start over" promises to delete an unused key only when the draft has
// one: before the form there is none.
func TestStartOverMentionsAKeyOnlyWhenThereIsOne(t *testing.T) {
	t.Parallel()
	for _, withKey := range []bool{false, true} {
		st := newMemStore()
		d := wizard.New()
		if withKey {
			d.Cred = &wizard.Credential{ID: "cred-1", Thumbprint: "AB", KeySize: 2048}
		}
		raw, err := d.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		st.drafts[wizard.DraftKind] = raw
		h := newHarness(t, Deps{Service: &fakeService{st: st}, Drafts: st, Keys: st}, 80, 24)
		got := shows(h, "delete its unused key")
		if got != withKey || !shows(h, "Start over (forget it") {
			t.Errorf("draft with a key %v: the question says\n%s", withKey, h.view())
		}
	}
}
