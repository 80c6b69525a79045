package wizard

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/flow/validate"
	"github.com/xops/xops/flow/wizard"
	"github.com/xops/xops/store"
	"github.com/xops/xops/ui/uikit"
)

// snapshot is what the test reads of the running wizard.
type snapshot struct {
	loaded, resuming bool
	step             wizard.Step
	focused          string
	certPath         string
	home             bool
	form             wizard.Form
}

// hostRoot is a tiny stand-in for the TUI's root: it sizes the wizard,
// routes messages to it, saves the draft on ctrl+c as the real root does,
// and ends the program when the wizard sends the admin Home.
type hostRoot struct {
	w    uikit.Screen
	mu   sync.Mutex
	snap snapshot
}

func (r *hostRoot) Init() tea.Cmd { return r.w.Init() }

func (r *hostRoot) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		r.w.SetSize(msg.Width, msg.Height-1)
	case tea.KeyPressMsg:
		if msg.String() == "ctrl+c" {
			if err := r.w.(*Model).SaveDraftNow(); err != nil {
				panic(err)
			}
			return r, tea.Quit
		}
		r.w, cmd = r.w.Update(msg)
	case uikit.HomeMsg:
		r.publish(true)
		return r, tea.Quit
	case uikit.StatusMsg, uikit.AccountsChangedMsg, uikit.BackMsg:
	default:
		r.w, cmd = r.w.Update(msg)
	}
	r.publish(false)
	return r, cmd
}

func (r *hostRoot) publish(home bool) {
	m := r.w.(*Model)
	s := snapshot{loaded: m.loaded, resuming: m.resume != nil, step: m.st.Step, certPath: m.st.CertPath, home: home, form: m.st.Form}
	if m.form != nil {
		s.focused = m.form.focused
	}
	r.mu.Lock()
	s.home = home || r.snap.home
	r.snap = s
	r.mu.Unlock()
}

func (r *hostRoot) now() snapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.snap
}

func (r *hostRoot) View() tea.View { return tea.NewView(r.w.View()) }

// await polls the wizard's state (never the screen's bytes) until cond holds.
func await(t *testing.T, r *hostRoot, what string, cond func(snapshot) bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond(r.now()) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; state %+v", what, r.now())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func openStore(t *testing.T, path string) (*store.Store, *flow.Service) {
	t.Helper()
	st, err := store.Open(path, store.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st, &flow.Service{Store: st, Now: func() time.Time { return fixedNow }}
}

func startWizard(t *testing.T, st *store.Store, svc *flow.Service, dir string) (*teatest.TestModel, *hostRoot) {
	t.Helper()
	root := &hostRoot{w: New(Deps{Service: svc, Drafts: st, Keys: st, WorkDir: dir, User: "admin", Host: "jump1",
		Now: func() time.Time { return fixedNow }})}
	tm := teatest.NewTestModel(t, root, teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	return tm, root
}

func press(code rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: code} }

// fill types value into field once huh has focused it, then moves on.
func fill(t *testing.T, tm *teatest.TestModel, r *hostRoot, field, value string) {
	t.Helper()
	await(t, r, "focus on "+field, func(s snapshot) bool { return s.focused == field })
	tm.Type(value)
	tm.Send(press(tea.KeyEnter))
}

func TestProgramLinksAnAccount(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	st, svc := openStore(t, filepath.Join(dir, "xops.db"))
	tm, r := startWizard(t, st, svc, dir)

	await(t, r, "the checklist", func(s snapshot) bool { return s.loaded && s.step == wizard.StepChecklist })
	for range 5 {
		tm.Send(tea.KeyPressMsg{Code: tea.KeySpace, Text: " "})
		tm.Send(press(tea.KeyDown))
	}
	tm.Send(press(tea.KeyEnter))
	fill(t, tm, r, validate.FieldName, "Contoso")
	fill(t, tm, r, validate.FieldAppID, " {"+strings.ToUpper(appID)+"} ")
	fill(t, tm, r, validate.FieldTenantID, tenantID)
	fill(t, tm, r, validate.FieldOrganization, "Contoso.onmicrosoft.com")
	await(t, r, "key size", func(s snapshot) bool { return s.focused == validate.FieldKeySize })
	tm.Send(press(tea.KeyRight)) // 3072 bits
	tm.Send(press(tea.KeyEnter))
	fill(t, tm, r, validate.FieldCertDays, "") // 365 stays

	await(t, r, "the certificate page", func(s snapshot) bool { return s.step == wizard.StepCertificate })
	tm.Type("s")
	await(t, r, "the certificate file", func(s snapshot) bool { return s.certPath != "" })
	if b, err := os.ReadFile(filepath.Join(dir, "Contoso.cer")); err != nil || !strings.HasPrefix(string(b), "-----BEGIN CERTIFICATE-----") {
		t.Fatalf("certificate file: %v %q", err, b)
	}
	tm.Send(press(tea.KeyEnter))
	await(t, r, "the upload page", func(s snapshot) bool { return s.step == wizard.StepUpload })
	tm.Send(press(tea.KeyEnter))
	tm.WaitFinished(t, teatest.WithFinalTimeout(20*time.Second))
	if !r.now().home {
		t.Fatal("the wizard did not send the admin Home")
	}

	a, err := st.AccountByName("contoso")
	if err != nil {
		t.Fatal(err)
	}
	if a.AppID != appID || a.TenantID != tenantID || a.Organization != "contoso.onmicrosoft.com" || a.Status != store.StatusUnverified {
		t.Errorf("account %+v", a)
	}
	c, ok := a.Active()
	if !ok || c.KeySize != 3072 {
		t.Fatalf("credential %+v", a.Credentials)
	}
	if _, err := st.Key(c.ID); err != nil {
		t.Errorf("key not stored: %v", err)
	}
	if _, err := st.Draft(wizard.DraftKind); err == nil {
		t.Error("the draft outlived the saved account")
	}
}

func TestProgramQuitMidFormThenResume(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "xops.db")
	st, svc := openStore(t, path)

	tm, r := startWizard(t, st, svc, dir)
	await(t, r, "the checklist", func(s snapshot) bool { return s.loaded })
	tm.Send(tea.KeyPressMsg{Code: tea.KeySpace, Text: " "})
	tm.Send(press(tea.KeyEnter))
	tm.Type("y")
	fill(t, tm, r, validate.FieldName, "fabrikam")
	await(t, r, "focus on the App ID", func(s snapshot) bool { return s.focused == validate.FieldAppID })
	tm.Type(appID) // still in the field when the session ends
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))

	tm, r = startWizard(t, st, svc, dir)
	await(t, r, "the resume question", func(s snapshot) bool { return s.resuming })
	tm.Send(press(tea.KeyEnter))
	await(t, r, "the form, resumed", func(s snapshot) bool {
		return s.step == wizard.StepForm && s.form.Name == "fabrikam" && s.form.AppID == appID
	})
	fill(t, tm, r, validate.FieldName, "")
	fill(t, tm, r, validate.FieldAppID, "")
	fill(t, tm, r, validate.FieldTenantID, tenantID)
	fill(t, tm, r, validate.FieldOrganization, "fabrikam.onmicrosoft.com")
	fill(t, tm, r, validate.FieldKeySize, "")
	fill(t, tm, r, validate.FieldCertDays, "")
	await(t, r, "the certificate page", func(s snapshot) bool { return s.step == wizard.StepCertificate })
	tm.Send(press(tea.KeyEnter))
	await(t, r, "the upload page", func(s snapshot) bool { return s.step == wizard.StepUpload })
	tm.Send(press(tea.KeyEnter))
	tm.WaitFinished(t, teatest.WithFinalTimeout(20*time.Second))
	if _, err := st.AccountByName("fabrikam"); err != nil {
		t.Fatalf("resumed link not saved: %v", err)
	}
}
