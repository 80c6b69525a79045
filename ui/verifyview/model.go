// Package verifyview is the TUI's verification screen: it runs the live
// checks against Microsoft for one account, shows each with a spinner and
// then ✓ or ✗, names the checklist step to fix and how, jumps back to it on
// a key, retries on another, and retries by itself, with a visible
// countdown, while Entra propagates a change.
package verifyview

import (
	"context"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/ui/uikit"
)

// Verifier runs the verification checks of one account, calling onCheck as
// each check ends (possibly from another goroutine), and returns the full
// report. It must stop promptly when ctx is cancelled.
type Verifier interface {
	VerifyAccount(ctx context.Context, name string, onCheck func(entra.CheckResult)) (entra.Report, error)
}

// Defaults for the auto-retry: Entra takes seconds to minutes to apply a
// consent, a role or a certificate.
const (
	DefaultAutoRetry   = 15 * time.Second
	DefaultRetryWindow = 5 * time.Minute
)

// Deps is what the screen needs.
type Deps struct {
	Verifier Verifier
	// Account is the friendly name of the account to verify.
	Account string
	// Now tells the time (nil: time.Now). Tests inject a clock to drive the
	// auto-retry countdown without sleeping.
	Now func() time.Time
	// AutoRetry is the pause between automatic attempts after a failure that
	// may just be propagation. 0 means DefaultAutoRetry; negative turns the
	// auto-retry off.
	AutoRetry time.Duration
	// RetryWindow is how long after the admin's own attempt the screen keeps
	// retrying by itself. 0 means DefaultRetryWindow.
	RetryWindow time.Duration
	// Continue says in the help bar what enter does with a result, in the
	// host's words ("finish" in the wizard); "" means "continue".
	Continue string
}

// FixStepMsg is emitted when the admin presses the "go fix it" key on a
// failed verification: the host shows that checklist step (or, for
// entra.StepEnterIDs, the account form).
type FixStepMsg struct{ Step entra.Step }

// DoneMsg is emitted when the admin leaves after a result (enter), so the
// host can go Home. The report is the last one shown.
type DoneMsg struct{ Report entra.Report }

// phase is where the screen is.
type phase int

const (
	phaseRunning   phase = iota // an attempt is in flight
	phaseDone                   // the verifier answered with a report
	phaseError                  // the verifier could not run at all
	phaseCancelled              // the admin cancelled the attempt
)

// spinMsg advances the spinner of one attempt. The screen animates its own
// spinner rather than embedding spinner.Model: a host with a spinner of its
// own may swallow spinner.TickMsg, and each attempt's chain of ticks must end
// with it.
type spinMsg struct{ attempt int }

// spinFrames is the spinner drawn beside a check that has not answered yet.
var spinFrames = spinner.MiniDot

func spinCmd(attempt int) tea.Cmd {
	return tea.Tick(spinFrames.FPS, func(time.Time) tea.Msg { return spinMsg{attempt: attempt} })
}

// retryTickMsg drives the auto-retry countdown. tag tells a tick of the
// current countdown from one left over from a countdown already stopped.
type retryTickMsg struct{ tag int }

// Model is the verification screen. Create it with New; it implements
// uikit.Screen.
type Model struct {
	deps   Deps
	styles uikit.Styles
	keys   KeyMap
	frame  int // the spinner's frame while an attempt runs

	width, height int
	offset        int // first body line shown, when the checks do not fit

	phase   phase
	attempt int // number of the current (or last) attempt, from 1
	pipe    *pipe
	cancel  context.CancelFunc
	results map[entra.CheckID]entra.CheckResult
	report  entra.Report
	err     error

	// The auto-retry: while counting, the next attempt starts at retryAt.
	// The window closes at windowEnd; gaveUp says it closed on a failure.
	counting  bool
	retryAt   time.Time
	retryTag  int
	windowEnd time.Time
	gaveUp    bool
	// every wakes the countdown; tests replace it so no test sleeps.
	every func(tag int) tea.Cmd
}

var (
	_ uikit.Screen      = (*Model)(nil)
	_ uikit.BackHandler = (*Model)(nil)
)

// New returns the screen for one account. The first attempt starts with
// Init.
func New(d Deps) *Model {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.AutoRetry == 0 {
		d.AutoRetry = DefaultAutoRetry
	}
	if d.RetryWindow <= 0 {
		d.RetryWindow = DefaultRetryWindow
	}
	keys := DefaultKeyMap()
	if d.Continue != "" {
		keys.Continue.SetHelp("enter", d.Continue)
	}
	m := &Model{
		deps:    d,
		styles:  uikit.NewStyles(true, false),
		keys:    keys,
		width:   80,
		height:  24,
		results: map[entra.CheckID]entra.CheckResult{},
		every:   tickCmd,
	}
	m.updateKeys()
	return m
}

// Init starts the first attempt.
func (m *Model) Init() tea.Cmd {
	return m.start(true)
}

// SetSize implements uikit.Screen.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.clampOffset()
	m.updateKeys()
}

// SetStyles implements uikit.Screen.
func (m *Model) SetStyles(s uikit.Styles) {
	m.styles = s
}

// KeyMap implements uikit.Screen.
func (m *Model) KeyMap() help.KeyMap { return m.keys }

// Capturing implements uikit.Screen: the screen takes no text input.
func (m *Model) Capturing() bool { return false }

// HandlesBack implements uikit.BackHandler: esc always belongs to this
// screen. It cancels a running attempt, else stops the countdown, else the
// screen sends uikit.BackMsg, so leaving never skips cancelling.
func (m *Model) HandlesBack() bool { return true }

// Report returns the last report the verifier answered with (zero before
// the first one).
func (m *Model) Report() entra.Report { return m.report }

// Running reports whether an attempt is in flight.
func (m *Model) Running() bool { return m.phase == phaseRunning }

// Attempts returns how many attempts have started.
func (m *Model) Attempts() int { return m.attempt }

// Stop cancels the attempt in flight and the auto-retry. A host that drops
// the screen by other means than its own keys (a global key, quitting)
// calls it so no verification keeps running behind its back.
func (m *Model) Stop() {
	m.stopCountdown()
	if m.cancel != nil {
		m.cancel()
		m.cancel = nil
	}
	if m.phase == phaseRunning {
		m.phase = phaseCancelled
	}
	m.updateKeys()
}

// Update implements uikit.Screen.
func (m *Model) Update(msg tea.Msg) (uikit.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return m, m.handleKey(msg)
	case checkMsg:
		if msg.attempt != m.attempt || m.phase != phaseRunning {
			return m, nil
		}
		m.results[msg.result.ID] = msg.result
		m.updateKeys()
		return m, m.pipe.next()
	case finishedMsg:
		if msg.attempt != m.attempt || m.phase != phaseRunning {
			return m, nil
		}
		return m, m.finish(msg)
	case retryTickMsg:
		return m, m.tick(msg)
	case spinMsg:
		if msg.attempt != m.attempt || m.phase != phaseRunning {
			return m, nil // the chain of a finished attempt ends here
		}
		m.frame = (m.frame + 1) % len(spinFrames.Frames)
		return m, spinCmd(m.attempt)
	}
	return m, nil
}

// handleKey turns a key press into what it means in the current state.
func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Cancel):
		m.Stop()
		return nil
	case key.Matches(msg, m.keys.StopRetry):
		m.stopCountdown()
		m.updateKeys()
		return nil
	case key.Matches(msg, m.keys.Back):
		m.Stop()
		return func() tea.Msg { return uikit.BackMsg{} }
	case key.Matches(msg, m.keys.Retry):
		return m.start(true)
	case key.Matches(msg, m.keys.Fix):
		m.Stop()
		step := m.report.FailedStep
		return func() tea.Msg { return FixStepMsg{Step: step} }
	case key.Matches(msg, m.keys.Continue):
		m.Stop()
		report := m.report
		return func() tea.Msg { return DoneMsg{Report: report} }
	case key.Matches(msg, m.keys.Up):
		m.offset--
		m.clampOffset()
	case key.Matches(msg, m.keys.Down):
		m.offset++
		m.clampOffset()
	}
	return nil
}

// start begins a new attempt. byAdmin marks an attempt the admin asked for
// (the first one, or r): it opens a new auto-retry window.
func (m *Model) start(byAdmin bool) tea.Cmd {
	m.stopCountdown()
	if m.cancel != nil {
		m.cancel()
	}
	if byAdmin {
		m.windowEnd = m.deps.Now().Add(m.deps.RetryWindow)
		m.gaveUp = false
	}
	m.attempt++
	m.phase = phaseRunning
	m.err = nil
	m.results = map[entra.CheckID]entra.CheckResult{}
	m.offset = 0

	ctx, cancel := context.WithCancel(context.Background())
	m.cancel = cancel
	m.pipe = newPipe(ctx)
	m.updateKeys()
	return tea.Batch(
		runCmd(ctx, m.deps.Verifier, m.deps.Account, m.attempt, m.pipe),
		spinCmd(m.attempt),
	)
}

// finish takes the verifier's answer and decides whether to retry by itself.
func (m *Model) finish(msg finishedMsg) tea.Cmd {
	m.cancel()
	m.cancel = nil
	m.pipe = nil
	for _, r := range msg.report.Checks {
		m.results[r.ID] = r
	}
	if msg.err != nil {
		// No trustworthy report (the account is gone, the store is busy):
		// show what ran and the error, and let the admin retry or leave.
		m.phase = phaseError
		m.err = msg.err
		m.updateKeys()
		return nil
	}
	m.phase = phaseDone
	m.report = msg.report
	// The verifier stored the result with the account: Home must reload.
	cmds := []tea.Cmd{func() tea.Msg { return uikit.AccountsChangedMsg{} }}
	if !msg.report.OK && m.deps.AutoRetry > 0 && mayPropagate(msg.report) {
		next := m.deps.Now().Add(m.deps.AutoRetry)
		if next.After(m.windowEnd) {
			m.gaveUp = true
		} else {
			m.counting = true
			m.retryAt = next
			m.retryTag++
			cmds = append(cmds, m.every(m.retryTag))
		}
	}
	m.scrollToFailure() // after the countdown, which takes a footer line
	m.updateKeys()
	return tea.Batch(cmds...)
}

// tick advances the countdown and starts the next attempt when it is due.
func (m *Model) tick(msg retryTickMsg) tea.Cmd {
	if !m.counting || msg.tag != m.retryTag {
		return nil
	}
	if m.deps.Now().Before(m.retryAt) {
		return m.every(m.retryTag)
	}
	return m.start(false)
}

// tickCmd wakes the screen once a second while it counts down; the model
// reads the time from Deps.Now, so tests send retryTickMsg themselves.
func tickCmd(tag int) tea.Cmd {
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return retryTickMsg{tag: tag} })
}

func (m *Model) stopCountdown() {
	if m.counting {
		m.counting = false
		m.retryTag++ // orphan the pending tick
	}
}

// mayPropagate reports whether a failed report could pass by itself a little
// later: Entra is still applying a registration, a consent, a role or a
// certificate, or the trouble was not a setup mistake at all (the network).
// A wrong tenant or a broken local key will not fix itself: no auto-retry.
func mayPropagate(r entra.Report) bool {
	if r.FailedStep == "" {
		return true
	}
	for _, c := range r.Checks {
		if c.OK || c.Skipped {
			continue
		}
		switch c.ID {
		case entra.CheckApp, entra.CheckCertificate, entra.CheckExchangePermission,
			entra.CheckGlobalReader, entra.CheckExchange:
			return true
		}
		return false
	}
	return false
}

// updateKeys enables exactly the keys that do something now.
func (m *Model) updateKeys() {
	running := m.phase == phaseRunning
	m.keys.Cancel.SetEnabled(running)
	m.keys.StopRetry.SetEnabled(!running && m.counting)
	m.keys.Back.SetEnabled(!running && !m.counting)
	m.keys.Retry.SetEnabled(!running)
	if m.phase == phaseDone && m.report.OK {
		m.keys.Retry.SetHelp("r", "verify again") // nothing failed: nothing to retry
	} else {
		m.keys.Retry.SetHelp("r", "retry now")
	}
	m.keys.Continue.SetEnabled(m.phase == phaseDone)
	m.keys.Fix.SetEnabled(m.phase == phaseDone && !m.report.OK && m.report.FailedStep != "")
	if m.keys.Fix.Enabled() {
		m.keys.Fix.SetHelp("f", "go fix "+shortStep(m.report.FailedStep))
	}
	scrollable := m.maxOffset() > 0
	m.keys.Up.SetEnabled(scrollable)
	m.keys.Down.SetEnabled(scrollable)
}
