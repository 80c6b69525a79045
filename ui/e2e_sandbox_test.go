package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/entra/sandbox"
	"github.com/xops/xops/flow"
	fwizard "github.com/xops/xops/flow/wizard"
	"github.com/xops/xops/store"
	"github.com/xops/xops/ui/autosetup"
	"github.com/xops/xops/ui/uikit"
	uiwizard "github.com/xops/xops/ui/wizard"
)

// These runs are issue 4's last proof: the whole product in sandbox mode,
// wired as `xops --sandbox` wires it (cmd/xops/tui.go and tui_auto.go:
// "Link a New Microsoft Account" is the automatic-or-guided choice of
// ui/autosetup, whose guided path is ui/wizard), from the platform
// picker to a verified account on Home, against a real store and a started
// simulated tenant. They wait on the program's state (published after each
// Update) and on final screens, never on frames in flight.

// e2eSnap is what the test reads of the running program.
type e2eSnap struct {
	page     flow.Page
	inWizard bool
	step     fwizard.Step
	asking   fwizard.Question
	focus    entra.Step
	ticked   map[entra.Step]bool
	certPath string
	saved    bool
	field    int // the form field huh has focused (index in formFields), -1 if none
	screen   string
	verified []string // Home's accounts whose status is verified
}

// e2eHost runs the root model and publishes a snapshot after each Update.
type e2eHost struct {
	m    *Model
	wiz  *uiwizard.Model // the guided wizard, once "Link a New…" made it (program goroutine only)
	mu   sync.Mutex
	snap e2eSnap
}

func (h *e2eHost) Init() tea.Cmd { return h.m.Init() }

func (h *e2eHost) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := h.m.Update(msg)
	h.publish()
	return h, cmd
}

func (h *e2eHost) View() tea.View { return h.m.View() }

func (h *e2eHost) publish() {
	m := h.m
	s := e2eSnap{page: m.state.At.Page, screen: ansi.Strip(m.render()), field: -1, ticked: map[entra.Step]bool{}}
	if w := h.wiz; w != nil && m.state.At.Page == flow.PageLinkWizard && m.page() != nil {
		st := w.State()
		s.inWizard, s.step, s.asking, s.focus, s.certPath, s.saved = true, st.Step, st.Asking, st.Focus, st.CertPath, st.Saved()
		for _, id := range entra.ChecklistSteps {
			s.ticked[id] = st.Ticked(id)
		}
		if st.Step == fwizard.StepForm {
			s.field = focusedField(s.screen)
		}
	}
	for _, a := range m.home.list.accounts {
		if a.Status == store.StatusVerified {
			s.verified = append(s.verified, a.Name)
		}
	}
	h.mu.Lock()
	h.snap = s
	h.mu.Unlock()
}

func (h *e2eHost) now() e2eSnap {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.snap
}

// formFields are the account form's labels, long (wide page) and short
// (narrow page), in the form's order.
var formFields = [][2]string{
	{"Friendly name", "Name"}, {"App (client) ID", "App ID"}, {"Directory (tenant) ID", "Tenant ID"},
	{"Organization ID", "Org ID"}, {"Key size", "Key size"}, {"Lifetime in days", "Days"},
}

// focusedField finds the field huh draws with its focus bar.
func focusedField(screen string) int {
	for line := range strings.SplitSeq(screen, "\n") {
		if !strings.Contains(line, "┃") {
			continue
		}
		for i, f := range formFields {
			if strings.Contains(line, f[0]) || strings.Contains(line, f[1]) {
				return i
			}
		}
	}
	return -1
}

var _ SandboxTenant = (*sandbox.Sandbox)(nil)

// e2eRig is a fresh store, a started sandbox tenant and the program.
type e2eRig struct {
	t    *testing.T
	dir  string
	st   *store.Store
	sb   *sandbox.Sandbox
	svc  *flow.Service
	tm   *teatest.TestModel
	host *e2eHost
}

func startSandboxProduct(t *testing.T, width, height int) *e2eRig {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "xops-sandbox.db"), store.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	sb, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })

	// The wiring of cmd/xops (deps.go, tui.go) in sandbox mode.
	verifier := &entra.Verifier{Endpoints: sb.Endpoints(), HTTP: sb.HTTPClient(), Now: time.Now}
	svc := &flow.Service{Store: st, Verifier: verifier, Cloud: "global", Now: time.Now}
	wd := uiwizard.Deps{Service: svc, Drafts: st, Keys: st, Verifier: svc, Sandbox: sb, Now: time.Now,
		WorkDir: dir, User: "admin", Host: "jump1"}
	deps := Deps{
		Store: st, StorePath: st.Path(), Cloud: "global", Version: "e2e", Sandbox: true,
		Changes: st.Generation, Now: time.Now, Service: svc,
		ResumeDraft: func() (bool, error) {
			_, err := st.Draft(fwizard.DraftKind)
			if errors.Is(err, store.ErrNotFound) {
				return false, nil
			}
			return err == nil, err
		},
		SandboxUpload: sb.UploadCertificate,
		SandboxTenant: sb,
	}
	host := &e2eHost{}
	ad := autosetup.Deps{Service: svc, Drafts: st, Now: time.Now,
		Entra: func() flow.AdminSetup { return &entra.Setup{Endpoints: sb.Endpoints(), HTTP: sb.HTTPClient()} },
		Guided: func() uikit.Screen {
			w := uiwizard.New(wd)
			host.wiz, _ = w.(*uiwizard.Model)
			return w
		}}
	deps.Wizard = func() uikit.Screen { return autosetup.New(ad) }
	host.m = New(deps)
	tm := teatest.NewTestModel(t, host, teatest.WithInitialTermSize(width, height),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	return &e2eRig{t: t, dir: dir, st: st, sb: sb, svc: svc, tm: tm, host: host}
}

// await polls the published state until cond holds.
func (r *e2eRig) await(what string, cond func(e2eSnap) bool) e2eSnap {
	r.t.Helper()
	deadline := time.Now().Add(25 * time.Second)
	for {
		s := r.host.now()
		if cond(s) {
			return s
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("timed out waiting for %s; on page %v (wizard step %v), screen:\n%s", what, s.page, s.step, s.screen)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (r *e2eRig) key(k string) { r.tm.Send(keyPress(k)) }

// toWizard walks the picker → Microsoft → M365 → "Link a New Microsoft
// Account" and waits for the checklist, its draft lookup done.
func (r *e2eRig) toWizard() {
	r.await("the platform picker", func(s e2eSnap) bool { return s.page == flow.PagePicker && s.screen != "" })
	r.key("down")
	r.key("down") // AWS, Azure, Microsoft
	r.key("enter")
	r.await("the Microsoft page", func(s e2eSnap) bool { return s.page == flow.PageMicrosoft })
	r.key("enter")
	// The first choice: the automatic setup or the guided checklist.
	r.await("the choice", func(s e2eSnap) bool { return strings.Contains(s.screen, "How do you want to make the Entra side?") })
	for range 3 {
		s := r.host.now()
		if strings.Contains(s.screen, "› I'll do it") {
			break
		}
		r.key("down")
		r.await("the cursor to move", func(n e2eSnap) bool { return n.screen != s.screen })
	}
	r.key("enter")
	r.await("the checklist", func(s e2eSnap) bool {
		return s.inWizard && s.step == fwizard.StepChecklist && strings.Contains(s.screen, "Sandbox: d")
	})
}

// doSteps performs the checklist steps 1–5 in the sandbox (d), except those
// in skip, moving the cursor down after each.
func (r *e2eRig) doSteps(skip ...entra.Step) {
	for _, id := range entra.ChecklistSteps {
		if id == entra.StepUploadCertificate {
			break
		}
		r.await("the cursor on "+string(id), func(s e2eSnap) bool { return s.focus == id })
		if !contains(skip, id) {
			r.key("d")
			r.await("the sandbox doing "+string(id), func(s e2eSnap) bool { return s.ticked[id] })
		}
		r.key("down")
	}
}

func contains(ids []entra.Step, id entra.Step) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// fillForm types the name (the sandbox prefilled the IDs) and accepts the
// other fields, waiting for huh to focus each before pressing on.
func (r *e2eRig) fillForm(name string) {
	r.await("the form's name field", func(s e2eSnap) bool { return s.step == fwizard.StepForm && s.field == 0 })
	r.tm.Type(name)
	r.key("enter")
	for i := 1; i < len(formFields); i++ {
		s := r.await("focus on "+formFields[i][0], func(s e2eSnap) bool { return s.field == i })
		// The admin compares the prefilled IDs with the portal's: each
		// is on screen whole, at any size.
		focused := focusedText(s.screen)
		switch i {
		case 1, 2:
			if !guidRE.MatchString(focused) {
				r.t.Errorf("%s is not shown whole:\n%s", formFields[i][0], s.screen)
			}
		case 3:
			if !strings.Contains(focused, r.sb.Domain()) {
				r.t.Errorf("%s is not shown whole:\n%s", formFields[i][0], s.screen)
			}
		}
		r.key("enter")
	}
}

var guidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// focusedText is the lines of the field huh draws with its focus bar.
func focusedText(screen string) string {
	var out []string
	for line := range strings.SplitSeq(screen, "\n") {
		if strings.Contains(line, "┃") {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// keyCertUpload saves the certificate, uploads it in the sandbox and saves
// the account, which starts the verification.
func (r *e2eRig) keyCertUpload() string {
	r.await("the certificate page", func(s e2eSnap) bool { return s.step == fwizard.StepCertificate })
	r.key("s")
	path := r.await("the certificate file", func(s e2eSnap) bool { return s.certPath != "" }).certPath
	r.key("enter")
	r.await("the upload page", func(s e2eSnap) bool { return s.step == fwizard.StepUpload })
	r.key("u")
	r.await("the upload in the sandbox", func(s e2eSnap) bool { return s.ticked[entra.StepUploadCertificate] })
	r.key("enter")
	r.await("the verification", func(s e2eSnap) bool { return s.step == fwizard.StepVerify && s.saved })
	return path
}

// finish leaves the passed verification for Home and quits there.
func (r *e2eRig) finish(name string) *Model {
	r.t.Helper()
	r.await("all checks passed", func(s e2eSnap) bool {
		return s.step == fwizard.StepVerify && strings.Contains(s.screen, "All 8 checks passed")
	})
	r.key("enter")
	r.await("Home with the account verified", func(s e2eSnap) bool {
		return s.page == flow.PageHome && len(s.verified) == 1 && s.verified[0] == name
	})
	r.key("q")
	h, ok := r.tm.FinalModel(r.t, teatest.WithFinalTimeout(waitLong)).(*e2eHost)
	if !ok {
		r.t.Fatal("final model is not the test's host")
	}
	return h.m
}

// assertLinked checks the final model and the store: verified, no draft
// left, the key stored, the certificate written where the wizard said.
func (r *e2eRig) assertLinked(m *Model, name, certPath string) {
	r.t.Helper()
	if m.state.At.Page != flow.PageHome || len(m.home.list.accounts) != 1 {
		r.t.Fatalf("final page %v listing %+v; want Home with one account", m.state.At.Page, m.home.list.accounts)
	}
	if got := m.home.list.accounts[0]; got.Name != name || got.Status != store.StatusVerified {
		r.t.Fatalf("Home lists %q as %q, want %q verified", got.Name, got.Status, name)
	}
	a, err := r.st.AccountByName(name)
	if err != nil {
		r.t.Fatal(err)
	}
	if a.Status != store.StatusVerified || a.FailedStep != "" || len(a.LastChecks) != 8 {
		r.t.Fatalf("stored account: status %q, failed step %q, %d checks", a.Status, a.FailedStep, len(a.LastChecks))
	}
	if a.TenantID != r.sb.TenantID() || a.Organization != r.sb.Domain() {
		r.t.Errorf("stored IDs %s / %s, want the sandbox's %s / %s", a.TenantID, a.Organization, r.sb.TenantID(), r.sb.Domain())
	}
	c, ok := a.Active()
	if !ok {
		r.t.Fatal("no active credential")
	}
	if _, err := r.st.Key(c.ID); err != nil {
		r.t.Fatalf("key: %v", err)
	}
	if _, err := r.st.Draft(fwizard.DraftKind); !errors.Is(err, store.ErrNotFound) {
		r.t.Fatalf("draft after the link: %v, want none", err)
	}
	b, err := os.ReadFile(certPath)
	if err != nil || !strings.HasPrefix(string(b), "-----BEGIN CERTIFICATE-----") {
		r.t.Fatalf("certificate file %s: %v %.40q", certPath, err, b)
	}
	if filepath.Dir(certPath) != r.dir {
		r.t.Errorf("certificate written to %s, want it in %s", certPath, r.dir)
	}
}

// TestProgramSandboxLinkFixConsent is the newcomer's whole way: every step
// done in the sandbox but admin consent; verification names that step; f
// goes there, d does it, esc verifies again, and all eight checks pass.
func TestProgramSandboxLinkFixConsent(t *testing.T) {
	t.Parallel()
	r := startSandboxProduct(t, 80, 24)
	r.toWizard()
	r.doSteps(entra.StepGrantAdminConsent)

	r.key("enter")
	s := r.await("the unticked-steps question", func(s e2eSnap) bool { return s.asking == fwizard.AskUnticked })
	if !strings.Contains(s.screen, "Step 3 not ticked") {
		t.Errorf("the question does not name step 3:\n%s", s.screen)
	}
	r.key("y")
	r.fillForm("Contoso")
	cert := r.keyCertUpload()

	s = r.await("the verification to fail", func(s e2eSnap) bool {
		return s.step == fwizard.StepVerify && strings.Contains(s.screen, "Fix step 3 (Grant admin consent)")
	})
	a, err := r.st.AccountByName("Contoso")
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != store.StatusFailed || a.FailedStep != string(entra.StepGrantAdminConsent) {
		t.Fatalf("after the first verification: status %q at %q, want failed at grant-admin-consent", a.Status, a.FailedStep)
	}

	r.key("f")
	r.await("the checklist at consent", func(s e2eSnap) bool {
		return s.step == fwizard.StepChecklist && s.focus == entra.StepGrantAdminConsent
	})
	r.key("d")
	r.await("the sandbox granting consent", func(s e2eSnap) bool { return s.ticked[entra.StepGrantAdminConsent] })
	r.key("esc") // back to verification, which runs again
	m := r.finish("Contoso")
	r.assertLinked(m, "Contoso", cert)
}

// TestProgramSandboxLinkSmall is the short way at 60×16: every step done,
// verified at the first attempt.
func TestProgramSandboxLinkSmall(t *testing.T) {
	t.Parallel()
	r := startSandboxProduct(t, 60, 16)
	r.toWizard()
	r.doSteps()
	r.key("enter")
	r.fillForm("fabrikam")
	cert := r.keyCertUpload()
	m := r.finish("fabrikam")
	r.assertLinked(m, "fabrikam", cert)
}

// TestProgramSandboxRedoFromHome: an account linked from the command line
// with two steps left undone (the certificate never uploaded, no consent)
// is verified from Home; each time, f shows the step to redo, d does it in
// the simulated Entra, and r verifies again, until all eight checks pass.
func TestProgramSandboxRedoFromHome(t *testing.T) {
	t.Parallel()
	r := startSandboxProduct(t, 80, 24)
	appID, err := r.sb.RegisterApp("Tailspin")
	if err != nil {
		t.Fatal(err)
	}
	if err := r.sb.AddExchangePermission(appID); err != nil {
		t.Fatal(err)
	}
	if err := r.sb.AssignGlobalReader(appID); err != nil {
		t.Fatal(err)
	}
	if _, err := r.svc.Link(context.Background(), flow.LinkInput{Name: "tailspin", AppID: appID, TenantID: r.sb.TenantID(),
		Organization: r.sb.Domain(), KeySize: 2048, CertDays: 365}, nil); err != nil {
		t.Fatal(err)
	}

	r.await("Home with the account", func(s e2eSnap) bool {
		return s.page == flow.PageHome && strings.Contains(s.screen, "tailspin")
	})
	r.key("v")
	for _, want := range []struct {
		step  entra.Step
		label string
	}{{entra.StepUploadCertificate, "Redo 6."}, {entra.StepGrantAdminConsent, "Redo 3. Grant admin consent"}} {
		s := r.await("verification to fail at "+string(want.step), func(s e2eSnap) bool {
			return s.page == flow.PageVerify && strings.Contains(s.screen, "✗ Fix step")
		})
		if a, err := r.svc.Account("tailspin"); err != nil || a.FailedStep != string(want.step) {
			t.Fatalf("stored failure at %q (%v), want %s; screen:\n%s", a.FailedStep, err, want.step, s.screen)
		}
		r.key("f")
		r.await("the step to redo", func(s e2eSnap) bool {
			return strings.Contains(s.screen, want.label) && strings.Contains(s.screen, "press d")
		})
		r.key("d")
		r.await("the sandbox doing it", func(s e2eSnap) bool { return strings.Contains(s.screen, "Done in the sandbox") })
		r.key("r")
		r.await("verification running again", func(s e2eSnap) bool { return !strings.Contains(s.screen, want.label) })
	}
	r.await("all checks passed", func(s e2eSnap) bool { return strings.Contains(s.screen, "All 8 checks passed") })
	r.key("enter")
	r.await("Home with the account verified", func(s e2eSnap) bool {
		return s.page == flow.PageHome && len(s.verified) == 1
	})
	r.key("q")
	h, ok := r.tm.FinalModel(t, teatest.WithFinalTimeout(waitLong)).(*e2eHost)
	if !ok || h.m.state.At.Page != flow.PageHome {
		t.Fatal("the program did not end on Home")
	}
	a, err := r.svc.Account("tailspin")
	if err != nil || a.Status != store.StatusVerified || a.FailedStep != "" {
		t.Fatalf("stored account: %q at %q (%v), want verified", a.Status, a.FailedStep, err)
	}
}
