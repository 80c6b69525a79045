package ui

import (
	"context"
	"encoding/pem"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/store"
)

// fakeBulk plays flow.Service for verify all: it counts calls and how many
// run at once, fails or blocks the accounts it is told to, and "records"
// an outcome only when the check was not cancelled.
type fakeBulk struct {
	mu                    sync.Mutex
	calls, inflight, most int
	recorded              []string
	fail                  map[string]entra.Step
	errs                  map[string]error
	block                 map[string]bool // these wait until the run is cancelled
	locked                bool            // KeysUnlocked says no
	started               chan string     // each call's name, when set
	unlockedAsked         int
}

func (f *fakeBulk) KeysUnlocked() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.unlockedAsked++
	return !f.locked
}

func (f *fakeBulk) VerifyAccount(ctx context.Context, name string, _ func(entra.CheckResult)) (entra.Report, error) {
	f.mu.Lock()
	f.calls++
	f.inflight++
	f.most = max(f.most, f.inflight)
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.inflight--
		f.mu.Unlock()
	}()
	if f.started != nil {
		f.started <- name
	}
	if f.block[name] {
		<-ctx.Done()
		return entra.Report{}, fmt.Errorf("verify %q: interrupted, nothing recorded: %w", name, ctx.Err())
	}
	for range 50 {
		runtime.Gosched() // give the other checks a chance to start meanwhile
	}
	if err := f.errs[name]; err != nil {
		return entra.Report{}, err
	}
	r := entra.Report{Account: name, OK: true}
	if step, ok := f.fail[name]; ok {
		r.OK, r.FailedStep = false, step
	}
	f.mu.Lock()
	f.recorded = append(f.recorded, name)
	f.mu.Unlock()
	return r, nil
}

// verifyAllHarness is Home with n accounts and fake as its service.
func verifyAllHarness(t *testing.T, n int, fake *fakeBulk) (*harness, *fakeStore) {
	t.Helper()
	fs := &fakeStore{accounts: manyAccounts(n)}
	hs := newHarness(t, Deps{Store: fs, Now: func() time.Time { return testNow }}, 100, 30)
	hs.m.home.actions = true
	hs.m.home.va.svc = fake
	hs.m.home.syncKeys()
	if hs.page() != flow.PageHome {
		t.Fatalf("on %v, want Home", hs.page())
	}
	return hs, fs
}

func TestVerifyAllVerifiesEveryAccountAFewAtATime(t *testing.T) {
	fake := &fakeBulk{fail: map[string]entra.Step{"acct-00003": entra.StepGrantAdminConsent}}
	hs, fs := verifyAllHarness(t, 12, fake)
	reads := fs.readCount()
	hs.keys("V")
	if fake.calls != 12 {
		t.Errorf("%d verifications, want one per account (12)", fake.calls)
	}
	if fake.most > verifyAllAtOnce || fake.most < 1 {
		t.Errorf("up to %d verifications at once, want 1 to %d", fake.most, verifyAllAtOnce)
	}
	want := "Verified 12 accounts: 11 passed, 1 failed (acct-00003: step 3)"
	hs.mustShow(want, "s sorts by status, failed first")
	if !strings.Contains(hs.m.status.text, want) || !hs.m.status.err {
		t.Errorf("status line %q (error %v), want the summary as an error", hs.m.status.text, hs.m.status.err)
	}
	if fs.readCount() <= reads {
		t.Error("the list was not read again after the run")
	}
	if hs.m.home.va.running() {
		t.Error("the run is still on after its last outcome")
	}
	// The reload timer was started; it reads the list once when it fires,
	// and not at all for a run that is over.
	if !hasTimer(hs, verifyAllReloadMsg{run: 1}) {
		t.Error("no reload timer was started during the run")
	}
	before := fs.readCount()
	hs.send(verifyAllReloadMsg{run: 1})
	if fs.readCount() != before {
		t.Error("a reload timer of a finished run read the list again")
	}
}

func hasTimer(hs *harness, want tea.Msg) bool {
	for _, m := range hs.timers {
		if m == want {
			return true
		}
	}
	return false
}

func TestVerifyAllReloadsAtMostOncePerTimer(t *testing.T) {
	fake := &fakeBulk{}
	hs, fs := verifyAllHarness(t, 3, fake)
	h := hs.m.home
	r := &verifyAllRun{id: 7, total: 3, ch: make(chan verifyAllOutcome, 3), cancel: func(error) {}}
	h.va.run, h.va.seq = r, 7
	for _, n := range []string{"a", "b", "c"} {
		h.updateVerifyAll(verifyAllMsg{run: 7, outcome: &verifyAllOutcome{name: n, report: entra.Report{OK: true}}})
	}
	if !r.ticking || !r.dirty {
		t.Fatalf("after 3 outcomes: ticking %v dirty %v, want one timer for them", r.ticking, r.dirty)
	}
	before := fs.readCount()
	hs.send(verifyAllReloadMsg{run: 7})
	if got := fs.readCount() - before; got != 1 {
		t.Errorf("the timer read the list %d times, want once for 3 outcomes", got)
	}
	hs.send(verifyAllReloadMsg{run: 7})
	if got := fs.readCount() - before; got != 1 {
		t.Errorf("a timer with nothing new read the list again (%d reads)", got)
	}
	hs.mustShow("Verifying all: 3 of 3 done · 0 failed · esc stops")
}

func TestVerifyAllAsksFirstAboveTwenty(t *testing.T) {
	fake := &fakeBulk{}
	hs, _ := verifyAllHarness(t, verifyAllAskAbove+1, fake)
	hs.keys("V")
	hs.mustShow("Verify all 21 accounts? Each check talks to Microsoft; 4 at a time. y/n")
	if fake.calls != 0 {
		t.Fatalf("%d verifications before the answer", fake.calls)
	}
	hs.keys("n")
	hs.mustNotShow("Verify all 21 accounts?")
	if fake.calls != 0 {
		t.Fatalf("%d verifications after n", fake.calls)
	}
	hs.keys("V", "esc")
	if fake.calls != 0 || hs.page() != flow.PageHome {
		t.Fatalf("esc on the question: %d verifications, page %v", fake.calls, hs.page())
	}
	hs.keys("V", "y")
	if fake.calls != 21 {
		t.Errorf("%d verifications after y, want 21", fake.calls)
	}
	hs.mustShow("Verified 21 accounts: 21 passed, 0 failed")

	fake20 := &fakeBulk{}
	hs20, _ := verifyAllHarness(t, verifyAllAskAbove, fake20)
	hs20.keys("V")
	if fake20.calls != verifyAllAskAbove {
		t.Errorf("20 accounts: %d verifications, want all at once without a question", fake20.calls)
	}
}

// step runs the model by hand: the run's messages are pulled from its
// channel and delivered, while the test decides when keys are pressed.
func pullVerifyAll(t *testing.T, hs *harness, r *verifyAllRun) tea.Msg {
	t.Helper()
	got := make(chan tea.Msg, 1)
	go func() { got <- r.wait()() }()
	var msg tea.Msg
	select {
	case msg = <-got:
	case <-time.After(30 * time.Second): // not a timing assertion: a run that never ends
		t.Fatal("the run sent nothing for 30 s: its checks were never stopped")
	}
	hs.m.Update(msg) // its commands (the next wait, timers) are left to the test
	return msg
}

func TestVerifyAllStopCancelsAndRecordsNothingMore(t *testing.T) {
	fake := &fakeBulk{started: make(chan string, 10), block: map[string]bool{}}
	hs, _ := verifyAllHarness(t, 10, fake)
	for i := 2; i < 10; i++ {
		fake.block[fmt.Sprintf("acct-%05d", i)] = true
	}
	_, cmd := hs.m.Update(keyPress("V"))
	r := hs.m.home.va.run
	if r == nil {
		t.Fatal("V started no run")
	}
	for _, c := range cmd().(tea.BatchMsg) {
		if c != nil {
			if _, isWait := c().(verifyAllMsg); isWait {
				t.Fatal("a wait ran before the run started")
			}
			break // the start command (first); the wait is pulled below
		}
	}
	for range 2 {
		pullVerifyAll(t, hs, r)
	}
	for range 6 { // the two done, and four waiting on Microsoft
		<-fake.started
	}
	hs.mustShow("Verifying all: 2 of 10 done · 0 failed · esc stops")
	hs.m.Update(keyPress("esc"))
	if hs.page() != flow.PageHome {
		t.Fatalf("esc left Home (%v) instead of stopping the run", hs.page())
	}
	for {
		if msg := pullVerifyAll(t, hs, r); msg.(verifyAllMsg).outcome == nil {
			break
		}
	}
	if fake.calls != 6 {
		t.Errorf("%d verifications started, want 6 (none after esc)", fake.calls)
	}
	if len(fake.recorded) != 2 {
		t.Errorf("recorded %v, want only the 2 done before esc", fake.recorded)
	}
	if fake.inflight != 0 {
		t.Errorf("%d checks still running after the stop", fake.inflight)
	}
	hs.mustShow("Stopped verifying all: 2 of 10 done (2 passed, 0 failed)")
}

func TestVerifyAllStopsOnceOnAPassphraseProblem(t *testing.T) {
	fake := &fakeBulk{locked: true, errs: map[string]error{}}
	for _, a := range manyAccounts(5) {
		fake.errs[a.Name] = fmt.Errorf("verify %q: open the key: %w", a.Name, &flow.PassphraseError{Err: ErrPassphraseCancelled})
	}
	hs, _ := verifyAllHarness(t, 5, fake)
	hs.keys("V")
	if fake.calls != 1 {
		t.Errorf("%d verifications, want 1: the keys are locked, so one at a time, and the first stops it all", fake.calls)
	}
	hs.mustShow("Verify all stopped: the passphrase was not given (esc); nothing was done with the key; 0 of 5 done")
	if n := strings.Count(hs.m.status.text, "passphrase"); n != 1 || !hs.m.status.err {
		t.Errorf("status line %q (error %v): want the passphrase problem said once, as an error", hs.m.status.text, hs.m.status.err)
	}
}

func TestVerifyAllKeyInFullHelpAndOffWithoutService(t *testing.T) {
	hs, _ := verifyAllHarness(t, 3, &fakeBulk{})
	hs.keys("?")
	hs.mustShow("V", "verify all")
	bare := newHarness(t, Deps{Store: &fakeStore{accounts: manyAccounts(3)}}, 100, 30)
	if bare.m.home.keys.VerifyAll.Enabled() {
		t.Error("V is offered without a service to verify with")
	}
	bare.keys("V")
	if bare.m.home.va.running() {
		t.Error("V started a run without a service")
	}
}

// Against a real store and the real flow.Service (the fake tenant in place
// of Microsoft): every outcome is stored on its account.
func TestVerifyAllRecordsOnTheRealStore(t *testing.T) {
	f := newActionFixture(t, "global")
	for _, n := range []string{"contoso", "fabrikam", "northwind"} {
		f.link(n)
	}
	// One whose certificate never reached the tenant: step 6 fails.
	if _, err := f.svc.Link(context.Background(), flow.LinkInput{
		Name: "adatum", AppID: "8f3c2a51-6d0e-4b7a-9c1f-2e4d5a6b7c81", TenantID: "11111111-2222-3333-4444-555555555555",
		Organization: "adatum.onmicrosoft.com", KeySize: 2048, CertDays: 365,
	}, nil); err != nil {
		t.Fatal(err)
	}
	hs := f.harness(100, 30)
	hs.keys("V")
	hs.mustShow("Verified 4 accounts: 3 passed, 1 failed (adatum: step 6)")
	if f.entra.calls != 4 {
		t.Errorf("%d checks against the tenant, want 4", f.entra.calls)
	}
	for _, n := range []string{"contoso", "fabrikam", "northwind"} {
		if a := f.account(n); a.Status != store.StatusVerified {
			t.Errorf("%s: status %q, want verified", n, a.Status)
		}
	}
	if a := f.account("adatum"); a.Status != store.StatusFailed || a.FailedStep != string(entra.StepUploadCertificate) {
		t.Errorf("adatum: status %q at %q, want failed at the upload", a.Status, a.FailedStep)
	}
	hs.mustShow("✗ failed at step 6") // the row, read again after the run
}

// The whole product against the simulated tenant (the rig of
// e2e_sandbox_test.go): three accounts linked, one without admin consent;
// V on Home verifies all three, the failing one at step 3, each stored.
func TestProgramSandboxVerifyAll(t *testing.T) {
	t.Parallel()
	r := startSandboxProduct(t, 80, 24)
	link := func(name string, consent bool) {
		t.Helper()
		appID, err := r.sb.RegisterApp(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, step := range []func(string) error{r.sb.AddExchangePermission, r.sb.AssignGlobalReader} {
			if err := step(appID); err != nil {
				t.Fatal(err)
			}
		}
		if consent {
			if err := r.sb.GrantAdminConsent(appID); err != nil {
				t.Fatal(err)
			}
		}
		res, err := r.svc.Link(context.Background(), flow.LinkInput{Name: name, AppID: appID, TenantID: r.sb.TenantID(),
			Organization: r.sb.Domain(), KeySize: 2048, CertDays: 365}, nil)
		if err != nil {
			t.Fatal(err)
		}
		certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: res.Credential.Certificate.Raw})
		if err := r.sb.UploadCertificate(appID, certPEM); err != nil {
			t.Fatal(err)
		}
	}
	link("contoso", true)
	link("fabrikam", false)
	link("northwind", true)
	r.await("Home with the accounts", func(s e2eSnap) bool {
		return s.page == flow.PageHome && strings.Contains(s.screen, "northwind")
	})
	r.key("V")
	r.await("the summary", func(s e2eSnap) bool {
		return strings.Contains(s.screen, "Verified 3 accounts: 2 passed, 1 failed (fabrikam: step 3)")
	})
	r.await("the rows read again", func(s e2eSnap) bool { return len(s.verified) == 2 })
	for name, want := range map[string]store.Status{"contoso": store.StatusVerified, "fabrikam": store.StatusFailed, "northwind": store.StatusVerified} {
		if a, err := r.svc.Account(name); err != nil || a.Status != want {
			t.Errorf("%s: stored status %q (%v), want %q", name, a.Status, err, want)
		}
	}
	r.key("q")
	if _, ok := r.tm.FinalModel(t, teatest.WithFinalTimeout(waitLong)).(*e2eHost); !ok {
		t.Fatal("final model is not the test's host")
	}
}

// Quitting mid-run stops it: the checks under way are cancelled and record
// nothing, rather than write to a store xops is closing.
func TestVerifyAllStopsWhenXopsQuits(t *testing.T) {
	fake := &fakeBulk{started: make(chan string, 10), block: map[string]bool{}}
	hs, _ := verifyAllHarness(t, 6, fake)
	for i := range 6 {
		fake.block[fmt.Sprintf("acct-%05d", i)] = true
	}
	_, cmd := hs.m.Update(keyPress("V"))
	r := hs.m.home.va.run
	if r == nil {
		t.Fatal("V started no run")
	}
	for _, c := range cmd().(tea.BatchMsg) {
		if c != nil {
			c() // the start command
			break
		}
	}
	for range 4 {
		<-fake.started
	}
	hs.m.Update(keyPress("q"))
	for {
		if msg := pullVerifyAll(t, hs, r); msg.(verifyAllMsg).outcome == nil {
			break
		}
	}
	if len(fake.recorded) != 0 || fake.inflight != 0 {
		t.Errorf("after q: recorded %v, %d still running; want none of either", fake.recorded, fake.inflight)
	}
}
