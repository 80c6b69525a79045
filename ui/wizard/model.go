// Package wizard is the TUI's link wizard, "Link a New Microsoft Account":
// the Entra checklist, the account form, the key and certificate, the upload
// step, saving, and verification. Its logic is flow/wizard's reducer; this
// package turns key presses into the reducer's events and its effects into
// commands, and draws one page per file.
package wizard

import (
	"context"
	"os"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/assets"
	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/flow/wizard"
	"github.com/xops/xops/ui/uikit"
	"github.com/xops/xops/ui/verifyview"
)

// SandboxTenant is the simulated Entra tenant of `xops --sandbox`: the
// checklist can perform its steps there, one key per step.
type SandboxTenant interface {
	TenantID() string
	Domain() string
	RegisterApp(name string) (appID string, err error)
	AddExchangePermission(appID string) error
	GrantAdminConsent(appID string) error
	AssignGlobalReader(appID string) error
	UploadCertificate(appID string, cert []byte) error
}

// Deps is what the wizard needs. Service, Drafts and Keys are required.
type Deps struct {
	Service Service
	Drafts  flow.DraftStore
	// Keys reads a generated credential's certificate back (after a resume)
	// and deletes a key no account will use.
	Keys KeyStore
	// Sandbox is the simulated tenant; nil unless --sandbox.
	Sandbox SandboxTenant
	// Verifier runs the live verification after saving; nil ends the
	// wizard after saving with "not verified yet".
	Verifier verifyview.Verifier
	// Now tells the time (nil: time.Now).
	Now func() time.Time
	// WorkDir is where the certificate goes by default ("" : the current directory).
	WorkDir string
	// User and Host make the scp line ("" : $USER and os.Hostname).
	User, Host string
}

// Model is the wizard screen. Build it with New.
type Model struct {
	d      Deps
	st     wizard.State
	styles uikit.Styles
	width  int
	height int

	steps  []assets.Step
	loaded bool        // the draft lookup finished
	resume *resumeView // the resume/start-over question, while open
	// resumeNow opens the draft without the question (ResumeWithoutAsking).
	resumeNow bool
	// sandboxStatus: the status line is the sandbox's, about this page;
	// the next page clears it (see apply).
	sandboxStatus bool
	check         checklistView
	form          *formView
	spin          spinner.Model
	cancel        context.CancelFunc // cancels the key generation in flight
	cert          certView
	upload        uploadView
	verify        uikit.Screen
	pem           []byte        // the public certificate, PEM
	pemID         string        // the credential pem belongs to
	report        *entra.Report // the last verification the admin saw to its end
	appID         string        // the sandbox app, once registered
	fatal         string        // a problem that stops the wizard (broken texts)
	working       string        // what the sandbox is doing, while it does
	drafts        *draftWriter
	busyKeys      busyKeys
	user          string // for the scp line
	host          string
}

var _ uikit.Screen = (*Model)(nil)

// New returns the wizard. It looks for a draft when it starts (Init) and
// offers to resume it.
func New(d Deps) uikit.Screen { return newModel(d) }

func newModel(d Deps) *Model {
	if d.Now == nil {
		d.Now = time.Now
	}
	m := &Model{d: d, st: wizard.New(), styles: uikit.NewStyles(true, true), drafts: &draftWriter{drafts: d.Drafts}}
	steps, err := assets.Checklist()
	if err != nil {
		m.fatal = "The checklist texts are broken in this build (" + err.Error() + "). Please report it."
	}
	m.steps = steps
	m.user, m.host = d.User, d.Host
	if m.user == "" {
		m.user = os.Getenv("USER")
	}
	if m.host == "" {
		if h, err := os.Hostname(); err == nil {
			m.host = h
		}
	}
	if m.user == "" {
		m.user = "you"
	}
	if m.host == "" {
		m.host = "this-host"
	}
	m.spin = spinner.New(spinner.WithSpinner(spinner.Dot))
	m.check = newChecklistView()
	m.cert = newCertView()
	m.upload = newUploadView()
	m.busyKeys = defaultBusyKeys()
	return m
}

// Init looks up a draft.
func (m *Model) Init() tea.Cmd {
	return loadDraftCmd(m.d.Drafts)
}

// SetSize implements uikit.Screen.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.check.setSize(width, height)
	m.check.refresh(m.styles, m.steps)
	m.cert.setSize(width, height)
	if m.form != nil {
		m.form.setSize(width, height)
	}
	if m.verify != nil {
		m.verify.SetSize(width, height-1) // under the one-line header
	}
}

// SetStyles implements uikit.Screen.
func (m *Model) SetStyles(s uikit.Styles) {
	m.styles = s
	m.check.refresh(s, m.steps)
	if m.form != nil {
		m.form.setStyles(s)
	}
	if m.verify != nil {
		m.verify.SetStyles(s)
	}
}

// Capturing reports whether a text field has the keys.
func (m *Model) Capturing() bool {
	switch {
	case m.resume != nil || !m.loaded:
		return false
	case m.st.Step == wizard.StepForm && m.form != nil && !m.st.Busy:
		return true
	case m.st.Step == wizard.StepCertificate:
		return m.cert.editing()
	case m.st.Step == wizard.StepVerify && m.verify != nil:
		return m.verify.Capturing()
	}
	return false
}

// HandlesBack tells the root that esc belongs to the wizard: it goes back
// a step, and leaves (uikit.BackMsg) from the first.
func (m *Model) HandlesBack() bool { return true }

// State returns the wizard's state (for tests and the root's quit handling).
func (m *Model) State() wizard.State { return m.st }

// SaveDraftNow writes the draft at once, with what the form holds right now
// even if the admin has not left the field yet. The root calls it when xops
// is about to quit (ctrl+c, SIGHUP, SIGTERM). Once the account is saved it
// makes sure the draft is gone instead (its delete may not have run before
// the quit); before the draft was looked up it does nothing.
func (m *Model) SaveDraftNow() error {
	if !m.loaded || m.resume != nil {
		return nil
	}
	if m.st.Saved() {
		return m.drafts.write(m.drafts.ticket(), nil)
	}
	st := m.st
	if st.Step == wizard.StepForm && m.form != nil {
		st, _ = st.Apply(wizard.FormEdited{Form: m.form.values()})
	}
	b, err := st.Marshal()
	if err != nil {
		return err
	}
	return m.drafts.write(m.drafts.ticket(), b)
}

// Stop ends the wizard's work in flight when the admin leaves it by a
// global key (tab, quitting) rather than its own: the key generation and
// the verification (its attempt and its auto-retry). The draft keeps the
// rest; reopening the wizard resumes it.
func (m *Model) Stop() {
	if m.cancel != nil {
		m.cancel()
		m.cancel = nil
	}
	m.stopVerify()
}

// KeyMap implements uikit.Screen: the keys of the page on screen.
func (m *Model) KeyMap() help.KeyMap {
	switch {
	case !m.loaded || m.fatal != "":
		return keyList{binding("esc", "back", "esc")}
	case m.resume != nil:
		return m.resume.keys()
	}
	switch m.st.Step {
	case wizard.StepChecklist:
		return m.check.keys(m.st, m.d.Sandbox != nil)
	case wizard.StepForm:
		if m.form != nil {
			return m.form.keys()
		}
	case wizard.StepGenerate, wizard.StepSave:
		return m.busyKeys.help(m.st)
	case wizard.StepCertificate:
		return m.cert.keys(m.st)
	case wizard.StepUpload:
		return m.upload.keys(m.d.Sandbox != nil, m.st.Ticked("upload-certificate"))
	case wizard.StepVerify:
		if m.verify != nil {
			return m.verify.KeyMap()
		}
	}
	return keyList{}
}
