package autosetup

import (
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/entra/sandbox"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/flow/wizard"
	"github.com/xops/xops/store"
	"github.com/xops/xops/ui/uikit"
	uiwizard "github.com/xops/xops/ui/wizard"
)

// hostRoot is a small stand-in for the TUI's root: it sizes the screen,
// routes messages to it and ends the program when the screen sends Home.
type hostRoot struct {
	s     *Model
	mu    sync.Mutex
	phase phase
	home  bool
	view  string // the screen after the last update, escape sequences stripped
}

func (r *hostRoot) Init() tea.Cmd { return r.s.Init() }

func (r *hostRoot) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		r.s.SetSize(msg.Width, msg.Height-1)
	case uikit.HomeMsg:
		r.mu.Lock()
		r.home = true
		r.mu.Unlock()
		return r, tea.Quit
	case uikit.StatusMsg, uikit.AccountsChangedMsg, uikit.BackMsg:
	default:
		_, cmd = r.s.Update(msg)
	}
	view := plain(r.s)
	r.mu.Lock()
	r.phase, r.view = r.s.phase, view
	r.mu.Unlock()
	return r, cmd
}

// awaitView waits until the screen shows every one of wants.
func awaitView(t *testing.T, r *hostRoot, wants ...string) {
	t.Helper()
	deadline := time.Now().Add(40 * time.Second)
	for {
		r.mu.Lock()
		v := r.view
		r.mu.Unlock()
		missing := ""
		for _, w := range wants {
			if !strings.Contains(v, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %q; the screen:\n%s", missing, v)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (r *hostRoot) View() tea.View { return tea.NewView(r.s.View()) }

func (r *hostRoot) snapshot() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.view
}

func (r *hostRoot) at() phase {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.phase
}

// TestProgramAutoLinksInTheSandbox runs the automatic path through the real
// program loop against the real simulated tenant, whose admin approves the
// device code after a moment, and a real store: it ends with a verified account.
func TestProgramAutoLinksInTheSandbox(t *testing.T) {
	t.Parallel()
	sb, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	sb.SetAdmin(sandbox.Admin{ApproveAfter: 50 * time.Millisecond})

	st, err := store.Open(filepath.Join(t.TempDir(), "xops.db"), store.Options{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	ep, client := sb.Endpoints(), sb.HTTPClient()
	svc := &flow.Service{Store: st, Verifier: &entra.Verifier{Endpoints: ep, HTTP: client}}
	root := &hostRoot{s: newModel(Deps{Service: svc, Drafts: st, Wait: 30 * time.Second,
		Entra:  func() flow.AdminSetup { return &entra.Setup{Endpoints: ep, HTTP: client} },
		Guided: func() uikit.Screen { return &placeholder{} }})}
	tm := teatest.NewTestModel(t, root, teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))

	awaitPhase(t, root, phaseChoose)
	tm.Send(tea.KeyPressMsg{Code: tea.KeyUp})
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	awaitPhase(t, root, phaseName)
	tm.Type("Auto Corp")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	awaitPhase(t, root, phaseDone)
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	tm.WaitFinished(t, teatest.WithFinalTimeout(20*time.Second))
	if !root.home {
		t.Fatal("the result did not send the admin Home")
	}

	a, err := st.AccountByName("auto corp")
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != store.StatusVerified || a.TenantID != sb.TenantID() || a.Organization != sb.Domain() || a.AppID == "" {
		t.Errorf("account %+v", a)
	}
	if _, err := st.Draft(flow.AutoDraftKind); err == nil {
		t.Error("the automatic draft outlived the verified account")
	}
}

func awaitPhase(t *testing.T, r *hostRoot, want phase) {
	t.Helper()
	deadline := time.Now().Add(40 * time.Second)
	for r.at() != want {
		if time.Now().After(deadline) {
			r.mu.Lock()
			v := r.view
			r.mu.Unlock()
			t.Fatalf("timed out waiting for phase %d; at %d\n%s", want, r.at(), v)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestProgramMissingRoleSwitchesToTheRealWizard: an admin who may register
// apps but not grant consent; the run stops at consent, naming the roles, and
// g opens the real guided wizard on a draft with the IDs and the steps made.
func TestProgramMissingRoleSwitchesToTheRealWizard(t *testing.T) {
	t.Parallel()
	sb, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	sb.SetAdmin(sandbox.Admin{ApproveAfter: 50 * time.Millisecond, Roles: []string{entra.RoleApplicationAdministrator}})

	st, err := store.Open(filepath.Join(t.TempDir(), "xops.db"), store.Options{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	ep, client := sb.Endpoints(), sb.HTTPClient()
	svc := &flow.Service{Store: st, Verifier: &entra.Verifier{Endpoints: ep, HTTP: client}}
	wd := uiwizard.Deps{Service: svc, Drafts: st, Keys: st, WorkDir: t.TempDir(), User: "admin", Host: "jump1"}
	root := &hostRoot{s: newModel(Deps{Service: svc, Drafts: st, Wait: 10 * time.Second,
		Entra:  func() flow.AdminSetup { return &entra.Setup{Endpoints: ep, HTTP: client} },
		Guided: func() uikit.Screen { return uiwizard.New(wd) }})}
	tm := teatest.NewTestModel(t, root, teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))

	awaitPhase(t, root, phaseChoose)
	tm.Send(tea.KeyPressMsg{Code: tea.KeyUp})
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	awaitPhase(t, root, phaseName)
	tm.Type("Role Corp")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	awaitPhase(t, root, phaseFailed)
	awaitView(t, root, "Stopped at: Grant admin consent", "Privileged Role Administrator", "g: the guided checklist")
	tm.Type("g")
	awaitPhase(t, root, phaseGuided)
	// Straight onto the checklist, what the run made ticked, the cursor on
	// the consent it could not grant: no "Resume?" about this very link.
	awaitView(t, root, "1/7 Entra checklist", "[✓] 1. Register an app", "› [ ] 3. Grant admin consent")
	if v := root.snapshot(); strings.Contains(v, "Resume") || strings.Contains(v, "Start over") {
		t.Errorf("the wizard asks again whether to resume:\n%s", v)
	}
	tm.Quit()
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))

	raw, err := st.Draft(wizard.DraftKind)
	if err != nil {
		t.Fatal(err)
	}
	d, err := wizard.Unmarshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	if d.Form.TenantID != sb.TenantID() || d.Form.AppID == "" || d.Cred == nil ||
		!d.Ticked(entra.StepRegisterApp) || !d.Ticked(entra.StepUploadCertificate) || d.Ticked(entra.StepGrantAdminConsent) {
		t.Errorf("the guided draft: %+v", d)
	}
	if _, err := st.Key(d.Cred.ID); err != nil {
		t.Errorf("the key the automatic run made is not in the store for the wizard: %v", err)
	}
}
