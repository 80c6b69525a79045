// Package autosetup is the TUI's "Link a New Microsoft Account" entry: a
// choice between "Set it up for me" — a device-code sign-in as an admin,
// after which flow.Service.AutoLink makes the Entra side itself and verifies
// it, each step shown live — and the guided checklist of ui/wizard. A failed
// automatic run that the tenant or the admin's role blocks switches to the
// guided path with what was already made filled in and ticked.
package autosetup

import (
	"context"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/flow/validate"
	"github.com/xops/xops/ui/uikit"
)

// Service is what the automatic path needs of flow's use cases (*flow.Service).
type Service interface {
	// AutoLink does the whole automatic link; hooks are called from its goroutine.
	AutoLink(ctx context.Context, in flow.AutoLinkInput, hooks flow.AutoHooks) (flow.AutoLinkResult, error)
	// CheckLinkInput validates the form; only the name's errors matter here.
	CheckLinkInput(in flow.LinkInput) (flow.LinkInput, []string, []*validate.FieldError)
}

var _ Service = (*flow.Service)(nil)

// Deps is what the screen needs. Service, Drafts and Guided are required.
type Deps struct {
	Service Service
	// Drafts holds the automatic run's progress (flow.AutoDraftKind, written
	// by AutoLink itself) and the guided wizard's draft, which a switch to
	// the guided path writes.
	Drafts flow.DraftStore
	// Entra makes the Microsoft side for a run (an *entra.Setup on the
	// cloud's endpoints, or the sandbox's). Nil: the automatic path is off.
	Entra func() flow.AdminSetup
	// Guided makes the guided wizard (ui/wizard), which resumes its draft.
	Guided func() uikit.Screen
	// ClientID is the public client to sign in with ("": Microsoft Graph
	// Command Line Tools); Wait bounds verification (0: flow.DefaultAutoWait).
	ClientID string
	Wait     time.Duration
	// Now tells the time for the countdown (nil: time.Now).
	Now func() time.Time
	// Sandbox: Entra is the simulated tenant (xops --sandbox), whose admin
	// enters the device code by itself a moment after it is issued
	// (entra/sandbox), so the code page says there is nothing to open.
	Sandbox bool
}

// phase is the page on screen.
type phase int

const (
	phaseLoading phase = iota // reading the drafts
	phaseChoose               // automatic or guided
	phaseName                 // the friendly name
	phaseRunning              // sign-in, steps, verification
	phaseDone                 // verified (or saved with failing checks)
	phaseFailed               // stopped: why, what exists, the way out
	phaseGuided               // the guided wizard has the screen
)

// option is a line of the first choice.
type option int

const (
	optResume option = iota
	optAuto
	optGuided
)

// stepLine is one setup step as shown: waiting, running, done or failed.
type stepLine struct {
	id      entra.SetupStepID
	state   int // 0 waiting, 1 running, 2 ok, 3 failed
	existed bool
	msg     string
}

const (
	stWaiting = iota
	stRunning
	stOK
	stFailed
)

// Model is the screen. Build it with New.
type Model struct {
	d      Deps
	styles uikit.Styles
	width  int
	height int
	k      keys

	phase   phase
	loadErr error
	resume  *flow.AutoProgress // an automatic run to resume, from the draft
	options []option
	cursor  int

	name    textinput.Model
	nameErr string

	spin     spinner.Model
	run      int    // the current run's number: messages of older runs are dropped
	runName  string // the account the run links
	msgs     chan tea.Msg
	cancel   context.CancelFunc
	stopping bool
	quitAsk  bool // q during a run: "Quit xops?" is on screen
	quitting bool // the run is being stopped, then xops quits
	prompt   *entra.DeviceCodePrompt
	signedIn bool
	steps    []stepLine
	attempt  int
	lastTry  string
	lastMsg  string // the last step's report (who signed in, what was made)
	now      time.Time

	result  *flow.AutoLinkResult
	failure *flow.AutoLinkError
	errText string // a failure that is not an *AutoLinkError

	child uikit.Screen // the guided wizard, once chosen
}

var _ uikit.Screen = (*Model)(nil)

// New returns the screen; Init reads the drafts.
func New(d Deps) uikit.Screen { return newModel(d) }

func newModel(d Deps) *Model {
	if d.Now == nil {
		d.Now = time.Now
	}
	ti := textinput.New()
	ti.Placeholder = "e.g. Contoso"
	ti.CharLimit = 64
	m := &Model{d: d, styles: uikit.NewStyles(true, true), k: newKeys(), name: ti,
		spin: spinner.New(spinner.WithSpinner(spinner.Dot))}
	return m
}

// Init reads the drafts: a guided link in progress opens the wizard at once
// (it offers to resume); an automatic one is offered on the first choice.
func (m *Model) Init() tea.Cmd { return loadCmd(m.d.Drafts) }

// SetSize implements uikit.Screen.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.name.SetWidth(max(10, min(width-4, 40)))
	if m.child != nil {
		m.child.SetSize(width, height)
	}
}

// SetStyles implements uikit.Screen.
func (m *Model) SetStyles(s uikit.Styles) {
	m.styles = s
	if m.child != nil {
		m.child.SetStyles(s)
	}
}

// Capturing reports whether the name field (or the wizard) takes the keys.
// A run takes them too, so that q asks before quitting and stops the run
// first instead of leaving it behind (ctrl+c still quits at once: the run
// keeps its progress after every step).
func (m *Model) Capturing() bool {
	if m.child != nil {
		return m.child.Capturing()
	}
	return m.phase == phaseName || m.phase == phaseRunning
}

// HandlesBack tells the root that esc is the screen's own: it cancels a run
// and goes back from the name; the wizard decides for itself.
func (m *Model) HandlesBack() bool {
	if m.child != nil {
		if bh, ok := m.child.(uikit.BackHandler); ok {
			return bh.HandlesBack()
		}
		return false
	}
	return true
}

// SaveDraftNow lets the guided wizard keep its draft when xops quits; an
// automatic run keeps its own after every step.
func (m *Model) SaveDraftNow() error {
	if ds, ok := m.child.(uikit.DraftSaver); ok {
		return ds.SaveDraftNow()
	}
	return nil
}

// Stop cancels a run in flight (the admin left by a global key).
func (m *Model) Stop() {
	if m.cancel != nil {
		m.cancel()
	}
	if st, ok := m.child.(interface{ Stop() }); ok {
		st.Stop()
	}
}

// KeyMap implements uikit.Screen.
func (m *Model) KeyMap() help.KeyMap {
	if m.child != nil {
		return m.child.KeyMap()
	}
	return m.k.forPhase(m)
}
