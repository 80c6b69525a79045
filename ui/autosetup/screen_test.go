package autosetup

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/flow/wizard"
	"github.com/xops/xops/store"
	"github.com/xops/xops/ui/uikit"
)

const (
	testAppID  = "11111111-2222-3333-4444-555555555555"
	testTenant = "99999999-8888-7777-6666-555555555555"
)

var testPrompt = entra.DeviceCodePrompt{UserCode: "K7QX2MPL", VerificationURL: "https://microsoft.com/devicelogin",
	Message: "To sign in, use a web browser…", ExpiresAt: fixedNow.Add(14*time.Minute + 30*time.Second)}

// signIn streams the prompt and a successful sign-in.
func signIn(h flow.AutoHooks) {
	h.OnPrompt(testPrompt)
	h.OnEvent(entra.SetupEvent{Step: entra.SetupSignIn, Running: true})
	h.OnEvent(entra.SetupEvent{Step: entra.SetupSignIn, OK: true, Message: "signed in as admin@contoso.example"})
}

// upTo streams every step before last as done (the app as already existing).
func upTo(h flow.AutoHooks, last entra.SetupStepID) {
	for _, id := range entra.SetupSteps[1:] {
		if id == last {
			return
		}
		h.OnEvent(entra.SetupEvent{Step: id, Running: true})
		h.OnEvent(entra.SetupEvent{Step: id, OK: true, Existed: id == entra.SetupApp})
	}
}

// madeSoFar is the progress of a run that got as far as consent.
func madeSoFar(name string) flow.AutoProgress {
	return flow.AutoProgress{V: 1, Name: name,
		Setup: entra.SetupProgress{TenantID: testTenant, Organization: "contoso.onmicrosoft.com", AppID: testAppID, Thumbprint: "AB12",
			ServicePrincipalID: "sp-1", ConsentID: "consent-1"},
		Credential: store.Credential{ID: "cred-1", Thumbprint: "AB12", KeySize: 2048, NotBefore: fixedNow, NotAfter: fixedNow.AddDate(1, 0, 0), Created: fixedNow}}
}

// startAuto chooses the automatic path and starts it with name.
func startAuto(t *testing.T, m *Model, name string) {
	t.Helper()
	load(t, m)
	press(m, "up") // from the guided path (the default) to the automatic one
	press(m, "enter")
	if m.phase != phaseName {
		t.Fatalf("after choosing the automatic path: phase %d\n%s", m.phase, plain(m))
	}
	typeText(m, name)
	press(m, "enter")
	if m.phase != phaseRunning {
		t.Fatalf("after the name: phase %d\n%s", m.phase, plain(m))
	}
}

func TestChoiceDefaultsToGuided(t *testing.T) {
	t.Parallel()
	m, _, _, guided := newScreen(t, nil)
	load(t, m)
	v := plain(m)
	mustContain(t, v, "Set it up for me (sign in as an admin)", "› I'll do it in the Entra admin center (guided)")
	press(m, "enter")
	if *guided != 1 || !strings.Contains(plain(m), "GUIDED WIZARD") {
		t.Fatalf("enter on the default did not open the guided wizard:\n%s", plain(m))
	}
}

func TestNameCheckedBeforeAnyRun(t *testing.T) {
	t.Parallel()
	m, svc, _, _ := newScreen(t, nil)
	load(t, m)
	press(m, "up")
	press(m, "enter")
	press(m, "enter") // no name
	if m.phase != phaseName {
		t.Fatalf("an empty name started a run: phase %d", m.phase)
	}
	mustContain(t, plain(m), "✗ Friendly name:")
	select {
	case <-svc.got:
		t.Fatal("AutoLink ran with a bad name")
	default:
	}
	if !m.KeyMap().(keyList)[0].Enabled() || m.Capturing() != true {
		t.Error("the name field should take the keys, with enter to start")
	}
}

func TestAutoSuccessShowsCodeStepsAndGoesHome(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	m, svc, _, _ := newScreen(t, func(ctx context.Context, in flow.AutoLinkInput, h flow.AutoHooks) (flow.AutoLinkResult, error) {
		h.OnPrompt(testPrompt)
		<-release // the test looks at the device-code page first
		signIn(h)
		upTo(h, entra.SetupVerify)
		h.OnEvent(entra.SetupEvent{Step: entra.SetupVerify, Running: true})
		h.OnAttempt(1, entra.Report{Checks: []entra.CheckResult{{ID: "token", OK: false, Message: "not yet"}}})
		h.OnAttempt(2, entra.Report{OK: true})
		h.OnEvent(entra.SetupEvent{Step: entra.SetupVerify, OK: true})
		acct := store.Account{Name: in.Name, AppID: testAppID, TenantID: testTenant}
		return flow.AutoLinkResult{Account: acct, Report: entra.Report{OK: true}, SignedInAs: "admin@contoso.example"}, nil
	})
	startAuto(t, m, "Contoso")
	if in := <-svc.got; in.Name != "Contoso" || in.Resume != nil {
		t.Errorf("AutoLink got %+v", in)
	}
	pumpUntil(t, m, func() bool { return m.prompt != nil })
	v := plain(m)
	mustContain(t, v, "https://microsoft.com/devicelogin", "K 7 Q X 2 M P L", "expires in 14:30", "copied")
	if !m.k.forPhase(m)[0].Enabled() {
		t.Error("c (copy) is off while the code is shown")
	}
	m.now = fixedNow.Add(90 * time.Second) // what the next tick does
	mustContain(t, plain(m), "expires in 13:00")
	close(release)
	pumpUntil(t, m, func() bool { return m.attempt == 1 })
	v = plain(m)
	mustContain(t, v, "✓ Sign in as an admin", "✓ Register the app (Exchange permission, certificate) (already existed)",
		"✓ Assign the Global Reader role", "signed in as admin@contoso.example", "verification attempt 1: waiting for Entra: check token")
	if strings.Contains(v, "K 7 Q X") {
		t.Error("the code is still shown after the sign-in")
	}
	pumpUntil(t, m, func() bool { return m.phase == phaseDone })
	mustContain(t, plain(m), "✓ Linked and verified: Contoso", testAppID, "Signed in as admin@contoso.example")
	if cmd := press(m, "enter"); cmd == nil {
		t.Fatal("enter on the result does nothing")
	} else if _, ok := cmd().(uikit.HomeMsg); !ok {
		t.Error("enter on the result does not go Home")
	}
}

func TestMissingRoleNamesTheRoleAndWhatExists(t *testing.T) {
	t.Parallel()
	m, _, st, guided := newScreen(t, func(ctx context.Context, in flow.AutoLinkInput, h flow.AutoHooks) (flow.AutoLinkResult, error) {
		signIn(h)
		upTo(h, entra.SetupGlobalReader)
		h.OnEvent(entra.SetupEvent{Step: entra.SetupGlobalReader, Running: true})
		h.OnEvent(entra.SetupEvent{Step: entra.SetupGlobalReader, Message: "denied"})
		return flow.AutoLinkResult{}, &flow.AutoLinkError{Step: entra.SetupGlobalReader, Progress: madeSoFar(in.Name),
			Err: &entra.SetupError{Step: entra.SetupGlobalReader, Problem: entra.SetupMissingRole,
				Message: "admin@contoso.example may not assign roles", Hint: "sign in with a Privileged Role Administrator or Global Administrator"},
			Inventory: entra.Inventory{FromTenant: true, Items: []entra.InventoryItem{
				{Step: entra.SetupApp, What: "app xops (Contoso)", Exists: true},
				{Step: entra.SetupGlobalReader, What: "Global Reader role for the app", Exists: false}}}}
	})
	startAuto(t, m, "Contoso")
	pumpUntil(t, m, func() bool { return m.phase == phaseFailed })
	v := plain(m)
	mustContain(t, v, "✗ Stopped at: Assign the Global Reader role", "Privileged Role Administrator or Global Administrator",
		"What exists in the tenant:", "✓ app xops (Contoso)", "✗ Global Reader role for the app (missing)", "g: the guided checklist")

	// g: the guided checklist, prefilled and ticked from what was made.
	cmd := press(m, "g")
	if cmd == nil {
		t.Fatal("g does nothing on a guided failure")
	}
	send(m, cmd())
	if *guided != 1 {
		t.Fatalf("the guided wizard did not open:\n%s", plain(m))
	}
	raw, err := st.Draft(wizard.DraftKind)
	if err != nil {
		t.Fatal(err)
	}
	s, err := wizard.Unmarshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	if s.Step != wizard.StepChecklist || s.Form.AppID != testAppID || s.Form.TenantID != testTenant || s.Form.Name != "Contoso" ||
		s.Cred == nil || s.Cred.ID != "cred-1" {
		t.Errorf("guided draft: %+v", s)
	}
	for _, step := range []entra.Step{entra.StepRegisterApp, entra.StepAddExchangePermission, entra.StepGrantAdminConsent, entra.StepCopyIDs, entra.StepUploadCertificate} {
		if !s.Ticked(step) {
			t.Errorf("%s is not ticked", step)
		}
	}
	if s.Ticked(entra.StepAssignGlobalReader) || s.Focus != entra.StepAssignGlobalReader {
		t.Errorf("the role step: ticked %v, focus %s", s.Ticked(entra.StepAssignGlobalReader), s.Focus)
	}
	if _, err := st.Draft(flow.AutoDraftKind); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the automatic draft is left: %v", err)
	}
}

func TestBlockedByConditionalAccessSwitchesToGuided(t *testing.T) {
	t.Parallel()
	m, _, st, guided := newScreen(t, func(ctx context.Context, in flow.AutoLinkInput, h flow.AutoHooks) (flow.AutoLinkResult, error) {
		h.OnPrompt(testPrompt)
		h.OnEvent(entra.SetupEvent{Step: entra.SetupSignIn, Running: true})
		h.OnEvent(entra.SetupEvent{Step: entra.SetupSignIn, Message: "blocked"})
		return flow.AutoLinkResult{}, &flow.AutoLinkError{Step: entra.SetupSignIn, Progress: flow.AutoProgress{V: 1, Name: in.Name},
			Err: &entra.SignInError{Problem: entra.SignInBlockedByPolicy, Code: 53003, Message: "AADSTS53003: blocked by Conditional Access"}}
	})
	startAuto(t, m, "Fabrikam")
	pumpUntil(t, m, func() bool { return m.phase == phaseFailed })
	mustContain(t, plain(m), "AADSTS53003", "does not allow the automatic path")
	send(m, press(m, "g")())
	if *guided != 1 {
		t.Fatal("g did not open the guided wizard")
	}
	raw, err := st.Draft(wizard.DraftKind)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := wizard.Unmarshal(raw)
	if s.Form.Name != "Fabrikam" || s.Form.AppID != "" || s.Cred != nil || s.Focus != entra.StepRegisterApp {
		t.Errorf("guided draft after a blocked sign-in: %+v", s)
	}
}

func TestEscCancelsTheRun(t *testing.T) {
	t.Parallel()
	m, _, _, _ := newScreen(t, func(ctx context.Context, in flow.AutoLinkInput, h flow.AutoHooks) (flow.AutoLinkResult, error) {
		h.OnPrompt(testPrompt)
		<-ctx.Done() // polling until the admin signs in, or esc
		return flow.AutoLinkResult{}, &flow.AutoLinkError{Step: entra.SetupSignIn, Progress: flow.AutoProgress{V: 1, Name: in.Name},
			Err: &entra.SignInError{Problem: entra.SignInCancelled, Message: "the sign-in was cancelled", Err: ctx.Err()}}
	})
	startAuto(t, m, "Contoso")
	pumpUntil(t, m, func() bool { return m.prompt != nil })
	if !m.HandlesBack() {
		t.Fatal("esc would leave the screen instead of cancelling")
	}
	press(m, "esc")
	mustContain(t, plain(m), "Cancelling…")
	pumpUntil(t, m, func() bool { return m.phase == phaseFailed })
	mustContain(t, plain(m), "Stopped at: Sign in as an admin", "cancelled", "r: run it again")
	if _, ok := press(m, "esc")().(uikit.BackMsg); !ok {
		t.Error("esc on the result does not leave")
	}
}

func TestResumeOffered(t *testing.T) {
	t.Parallel()
	m, svc, st, _ := newScreen(t, func(ctx context.Context, in flow.AutoLinkInput, h flow.AutoHooks) (flow.AutoLinkResult, error) {
		return flow.AutoLinkResult{}, errors.New("stop here")
	})
	raw, _ := json.Marshal(madeSoFar("Contoso"))
	if err := st.PutDraft(flow.AutoDraftKind, raw); err != nil {
		t.Fatal(err)
	}
	load(t, m)
	mustContain(t, plain(m), `› Resume setting up "Contoso" for me`)
	press(m, "enter")
	in := <-svc.got
	if in.Resume == nil || in.Name != "Contoso" || in.Resume.Setup.AppID != testAppID {
		t.Errorf("resume ran with %+v", in)
	}
}

func TestGuidedDraftOpensTheWizard(t *testing.T) {
	t.Parallel()
	m, _, st, guided := newScreen(t, nil)
	raw, _ := wizard.New().Marshal()
	if err := st.PutDraft(wizard.DraftKind, raw); err != nil {
		t.Fatal(err)
	}
	load(t, m)
	if *guided != 1 {
		t.Error("a guided link in progress did not open the wizard")
	}
}

// TestDeviceCodePageSizes: the device-code page at 80×24 (golden) and at
// 60×16 (fits).
func TestDeviceCodePageSizes(t *testing.T) {
	t.Parallel()
	m, _, _, _ := newScreen(t, func(ctx context.Context, in flow.AutoLinkInput, h flow.AutoHooks) (flow.AutoLinkResult, error) {
		h.OnPrompt(testPrompt)
		<-ctx.Done()
		return flow.AutoLinkResult{}, ctx.Err()
	})
	startAuto(t, m, "Contoso")
	pumpUntil(t, m, func() bool { return m.prompt != nil })
	m.SetSize(80, 24)
	golden.RequireEqual(t, plain(m))
	m.SetSize(60, 16)
	lines := strings.Split(plain(m), "\n")
	if len(lines) > 16 {
		t.Errorf("60×16: %d lines", len(lines))
	}
	for _, l := range lines {
		if w := len([]rune(l)); w > 60 {
			t.Errorf("60×16: a line of %d columns: %q", w, l)
		}
	}
	mustContain(t, plain(m), "K 7 Q X 2 M P L", "devicelogin")
	m.Stop()
}

func TestRetryResumesAndKeysFollowTheFailure(t *testing.T) {
	t.Parallel()
	m, svc, _, _ := newScreen(t, func(ctx context.Context, in flow.AutoLinkInput, h flow.AutoHooks) (flow.AutoLinkResult, error) {
		if in.Resume != nil {
			return flow.AutoLinkResult{}, errors.New("the store is locked")
		}
		return flow.AutoLinkResult{}, &flow.AutoLinkError{Step: entra.SetupConsent, Progress: madeSoFar(in.Name),
			Err: &entra.SetupError{Step: entra.SetupConsent, Problem: entra.SetupNetwork, Message: "Graph did not answer"}}
	})
	startAuto(t, m, "Contoso")
	<-svc.got
	pumpUntil(t, m, func() bool { return m.phase == phaseFailed })
	mustContain(t, plain(m), "Graph did not answer", "r: run it again", "What exists according to this run:")
	enabled := func() map[string]bool {
		on := map[string]bool{}
		for _, b := range m.KeyMap().ShortHelp() {
			on[b.Help().Desc] = b.Enabled()
		}
		return on
	}
	if on := enabled(); !on["run again"] || !on["guided checklist"] {
		t.Errorf("after a step failed: keys %v", on)
	}
	press(m, "r")
	if in := <-svc.got; in.Resume == nil || in.Resume.Setup.ConsentID != "consent-1" || in.Name != "Contoso" {
		t.Errorf("r ran with %+v", in)
	}
	pumpUntil(t, m, func() bool { return m.phase == phaseFailed })
	mustContain(t, plain(m), "The automatic setup stopped:", "The store is locked")
	if on := enabled(); on["run again"] || on["guided checklist"] {
		t.Errorf("with no progress to go on, r and g should be off: %v", on)
	}
	if cmd := press(m, "g"); cmd != nil {
		t.Error("g acts while it is off")
	}
}

func TestExpiredCodeSaysSo(t *testing.T) {
	t.Parallel()
	m, _, _, _ := newScreen(t, func(ctx context.Context, in flow.AutoLinkInput, h flow.AutoHooks) (flow.AutoLinkResult, error) {
		h.OnPrompt(testPrompt)
		<-ctx.Done()
		return flow.AutoLinkResult{}, ctx.Err()
	})
	startAuto(t, m, "Contoso")
	pumpUntil(t, m, func() bool { return m.prompt != nil })
	m.now = testPrompt.ExpiresAt.Add(time.Second)
	mustContain(t, plain(m), "the code has expired")
	m.Stop()
}

// TestQuitDuringARunAsksStopsItThenQuits: q mid-run asks first (n keeps the
// run going); y cancels the run, says what is kept, and quits only once the
// run has ended — nothing is left working behind the quit.
func TestQuitDuringARunAsksStopsItThenQuits(t *testing.T) {
	t.Parallel()
	cancelled := make(chan struct{})
	m, _, _, _ := newScreen(t, func(ctx context.Context, in flow.AutoLinkInput, h flow.AutoHooks) (flow.AutoLinkResult, error) {
		signIn(h)
		h.OnEvent(entra.SetupEvent{Step: entra.SetupOrganization, Running: true})
		<-ctx.Done()
		close(cancelled)
		return flow.AutoLinkResult{}, &flow.AutoLinkError{Step: entra.SetupOrganization, Progress: flow.AutoProgress{V: 1, Name: in.Name},
			Err: ctx.Err()}
	})
	startAuto(t, m, "Contoso")
	if !m.Capturing() {
		t.Fatal("a run does not take the keys: the root would quit on q without stopping it")
	}
	pumpUntil(t, m, func() bool { return m.signedIn && m.steps[1].state == stRunning })

	press(m, "q")
	mustContain(t, plain(m), "Quit xops? The run stops here.",
		"What it made so far is saved", `“Resume setting up "Contoso" for me”`, "y: stop and quit")
	if got := keyHelp(m); got != "y stop and quit • n/esc keep going" {
		t.Errorf("keys while asking: %q", got)
	}
	// At 60×16 (44×13 beside the side navigation) the steps give way to
	// the question, never the other way round.
	m.SetSize(44, 13)
	small := plain(m)
	if n := strings.Count(small, "\n") + 1; n > 13 || !strings.Contains(small, "y: stop and quit") ||
		!strings.Contains(small, "Quit xops?") {
		t.Errorf("the question at 44×13 (%d lines):\n%s", n, small)
	}
	m.SetSize(80, 23)
	press(m, "n")
	if m.quitAsk || m.stopping || strings.Contains(plain(m), "Quit xops?") {
		t.Fatalf("n did not keep the run going:\n%s", plain(m))
	}

	press(m, "q")
	if cmd := press(m, "y"); cmd != nil {
		if _, ok := cmd().(tea.QuitMsg); ok {
			t.Fatal("quit before the run was stopped")
		}
	}
	mustContain(t, plain(m), "Stopping the run, then quitting…", "What it made so far is saved")
	<-cancelled
	var quit bool
	for msg := range m.msgs {
		if cmd := send(m, msg); cmd != nil {
			_, quit = cmd().(tea.QuitMsg)
		}
	}
	if !quit {
		t.Errorf("the stopped run did not quit xops:\n%s", plain(m))
	}
}

// TestQuitBeforeSignInSaysNothingWasMade: before the sign-in nothing exists
// to resume, and the question says so.
func TestQuitBeforeSignInSaysNothingWasMade(t *testing.T) {
	t.Parallel()
	m, _, _, _ := newScreen(t, func(ctx context.Context, in flow.AutoLinkInput, h flow.AutoHooks) (flow.AutoLinkResult, error) {
		h.OnPrompt(testPrompt)
		<-ctx.Done()
		return flow.AutoLinkResult{}, &flow.AutoLinkError{Step: entra.SetupSignIn, Progress: flow.AutoProgress{V: 1, Name: in.Name}, Err: ctx.Err()}
	})
	startAuto(t, m, "Contoso")
	pumpUntil(t, m, func() bool { return m.prompt != nil })
	if got := keyHelp(m); !strings.Contains(got, "q quit") {
		t.Errorf("the run's keys lack q: %q", got)
	}
	press(m, "q")
	mustContain(t, plain(m), "Quit xops?", "Nothing was made in the tenant yet.")
	press(m, "esc") // esc answers no here: it does not cancel the run
	if m.stopping || m.quitAsk {
		t.Errorf("esc on the question stopped the run or kept asking")
	}
	press(m, "esc")
	m.Stop()
}

// keyHelp is the screen's enabled keys as the help bar lists them.
func keyHelp(m *Model) string {
	var parts []string
	for _, b := range m.KeyMap().ShortHelp() {
		if b.Enabled() {
			parts = append(parts, b.Help().Key+" "+b.Help().Desc)
		}
	}
	return strings.Join(parts, " • ")
}

// trimLines drops the blanks the page pads its lines with.
func trimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// fits fails unless view is at most width×height and cut nowhere.
func fits(t *testing.T, view string, width, height int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) > height {
		t.Errorf("%d lines on a %d-line page:\n%s", len(lines), height, view)
	}
	for _, l := range lines {
		if w := len([]rune(l)); w > width {
			t.Errorf("a line %d wide on a %d-wide page: %q", w, width, l)
		}
	}
}

// TestResultPagesAt60x16: 44×13 is what 60×16 leaves beside the side
// navigation. The IDs are side by side with their labels or under them,
// never split; the failure keeps its way out in view and wraps what exists
// under itself.
func TestResultPagesAt60x16(t *testing.T) {
	t.Parallel()
	done, _, _, _ := newScreen(t, func(ctx context.Context, in flow.AutoLinkInput, h flow.AutoHooks) (flow.AutoLinkResult, error) {
		signIn(h)
		acct := store.Account{Name: in.Name, AppID: testAppID, TenantID: testTenant}
		return flow.AutoLinkResult{Account: acct, Report: entra.Report{OK: true}, SignedInAs: "admin@contoso.example"}, nil
	})
	done.SetSize(44, 13)
	startAuto(t, done, "Contoso")
	pumpUntil(t, done, func() bool { return done.phase == phaseDone })
	v := trimLines(plain(done))
	fits(t, v, 44, 13)
	mustContain(t, v, "App ID:\n  "+testAppID, "Tenant ID:\n  "+testTenant)
	if strings.Contains(v, "…") {
		t.Errorf("the result is cut:\n%s", v)
	}

	failed, _, _, _ := newScreen(t, func(ctx context.Context, in flow.AutoLinkInput, h flow.AutoHooks) (flow.AutoLinkResult, error) {
		signIn(h)
		return flow.AutoLinkResult{}, &flow.AutoLinkError{Step: entra.SetupConsent, Progress: madeSoFar(in.Name),
			Err: errors.New("consent failed"), Inventory: entra.Inventory{FromTenant: true, Items: []entra.InventoryItem{
				{Step: entra.SetupApp, What: "app registration xops (Contoso) with the certificate", Exists: true},
				{Step: entra.SetupApp, What: "Exchange.ManageAsApp among the app's API permissions", Exists: true},
				{Step: entra.SetupServicePrincipal, What: "service principal of the app", Exists: true},
				{Step: entra.SetupConsent, What: "admin consent to Exchange.ManageAsApp", Exists: false},
				{Step: entra.SetupGlobalReader, What: "Global Reader role for the app", Exists: false}}}}
	})
	failed.SetSize(44, 13)
	startAuto(t, failed, "Contoso")
	pumpUntil(t, failed, func() bool { return failed.phase == phaseFailed })
	v = plain(failed)
	fits(t, v, 44, 13)
	mustContain(t, v, "Consent failed", "r runs it again (resumes) · g: guided", "✓ app registration xops (Contoso) with")
	for _, l := range strings.Split(v, "\n") {
		if strings.TrimSpace(l) == "(missing)" {
			t.Errorf("\"(missing)\" stands alone, away from its item:\n%s", v)
		}
	}
}

// TestCancelledSignInSaysNothingExists: a run stopped before it made
// anything says so in one line instead of listing every missing object.
func TestCancelledSignInSaysNothingExists(t *testing.T) {
	t.Parallel()
	m, _, _, _ := newScreen(t, func(ctx context.Context, in flow.AutoLinkInput, h flow.AutoHooks) (flow.AutoLinkResult, error) {
		h.OnPrompt(testPrompt)
		<-ctx.Done()
		return flow.AutoLinkResult{}, &flow.AutoLinkError{Step: entra.SetupSignIn, Progress: flow.AutoProgress{V: 1, Name: in.Name},
			Err: &entra.SignInError{Problem: entra.SignInCancelled, Message: "the sign-in was cancelled", Err: ctx.Err()}}
	})
	startAuto(t, m, "Contoso")
	pumpUntil(t, m, func() bool { return m.prompt != nil })
	press(m, "esc")
	pumpUntil(t, m, func() bool { return m.phase == phaseFailed })
	v := plain(m)
	mustContain(t, v, "The sign-in was cancelled", "This run made nothing in the tenant yet.")
	if strings.Contains(v, "(missing)") {
		t.Errorf("a list of misses after a cancelled sign-in:\n%s", v)
	}
}

// TestChoiceWrapsUnderItselfAt60x16: a choice too long for 44 columns
// continues under its text, not under the cursor.
func TestChoiceWrapsUnderItselfAt60x16(t *testing.T) {
	t.Parallel()
	m, _, _, _ := newScreen(t, nil)
	m.SetSize(44, 13)
	load(t, m)
	v := trimLines(plain(m))
	fits(t, v, 44, 13)
	mustContain(t, v, "› I'll do it in the Entra admin center\n  (guided)")
}

// TestStepsWrapUnderTheirTitlesAt60x16: at 44 columns a long step title
// continues under its text, past its mark, not at the left edge.
func TestStepsWrapUnderTheirTitlesAt60x16(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	m, _, _, _ := newScreen(t, func(ctx context.Context, in flow.AutoLinkInput, h flow.AutoHooks) (flow.AutoLinkResult, error) {
		signIn(h)
		upTo(h, entra.SetupConsent)
		<-release
		return flow.AutoLinkResult{}, ctx.Err()
	})
	m.SetSize(44, 13)
	startAuto(t, m, "Contoso")
	pumpUntil(t, m, func() bool { return m.steps[3].state == stOK })
	v := trimLines(plain(m))
	fits(t, v, 44, 13)
	mustContain(t, v, "  ✓ Register the app (Exchange permission,\n    certificate) (already existed)")
	close(release)
	m.Stop()
}

// The name's error wraps under its text, past the "✗ ".
func TestNameErrorWrapsUnderItsText(t *testing.T) {
	t.Parallel()
	m, _, _, _ := newScreen(t, nil)
	m.SetSize(63, 20)
	load(t, m)
	press(m, "up")
	press(m, "enter")
	press(m, "enter") // no name
	lines := strings.Split(plain(m), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "✗ Friendly name:") {
			if i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], "  ") || strings.TrimSpace(lines[i+1]) == "" {
				t.Fatalf("the error does not wrap under its text:\n%s", plain(m))
			}
			return
		}
	}
	t.Fatalf("no error:\n%s", plain(m))
}
