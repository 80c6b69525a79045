package autosetup

import (
	"errors"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/flow/validate"
	"github.com/xops/xops/ui/uikit"
)

// Update implements uikit.Screen.
func (m *Model) Update(msg tea.Msg) (uikit.Screen, tea.Cmd) {
	if m.child != nil {
		next, cmd := m.child.Update(msg)
		m.child = next
		return m, cmd
	}
	switch msg := msg.(type) {
	case loadedMsg:
		return m, m.loaded(msg)
	case guidedReadyMsg:
		if msg.err != nil {
			return m, uikit.Status("Could not prepare the guided checklist: "+msg.err.Error(), true)
		}
		return m, m.openGuided(true)
	case tea.KeyPressMsg:
		return m, m.key(msg)
	case promptMsg:
		if msg.run != m.run {
			return m, nil
		}
		p := msg.p
		m.prompt = &p
		if m.d.Sandbox {
			return m, waitCmd(m.run, m.msgs) // the simulated admin needs no copy
		}
		// OSC 52: the code lands in the admin's clipboard, even over SSH.
		return m, tea.Batch(tea.SetClipboard(p.UserCode), waitCmd(m.run, m.msgs))
	case eventMsg:
		if msg.run != m.run {
			return m, nil
		}
		m.event(msg)
		return m, waitCmd(m.run, m.msgs)
	case attemptMsg:
		if msg.run != m.run {
			return m, nil
		}
		m.attempt = msg.attempt
		m.lastTry = "all checks pass"
		if f, ok := msg.r.FirstFailure(); ok {
			m.lastTry = "waiting for Entra: check " + string(f.ID) + " not yet"
		}
		return m, waitCmd(m.run, m.msgs)
	case doneMsg:
		if msg.run != m.run {
			return m, nil
		}
		return m, m.done(msg)
	case tickMsg:
		if msg.run != m.run || m.phase != phaseRunning {
			return m, nil
		}
		m.now = m.d.Now()
		return m, tickCmd(m.run)
	case spinner.TickMsg:
		if m.phase != phaseRunning {
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	}
	if m.phase == phaseName {
		var cmd tea.Cmd
		m.name, cmd = m.name.Update(msg)
		return m, cmd
	}
	return m, nil
}

// loaded opens the wizard for a guided link in progress, else the choice.
func (m *Model) loaded(msg loadedMsg) tea.Cmd {
	if msg.guidedDraft {
		return m.openGuided(false)
	}
	m.loadErr, m.resume = msg.err, msg.auto
	m.options = m.options[:0]
	if m.resume != nil && m.d.Entra != nil {
		m.options = append(m.options, optResume)
	}
	if m.d.Entra != nil {
		m.options = append(m.options, optAuto)
	}
	m.options = append(m.options, optGuided)
	// The cursor starts on the guided path when nothing is to resume: it is
	// the one that always works (no admin role needed, no device-code sign-in
	// that Conditional Access may block); the automatic path is one key away.
	m.cursor = len(m.options) - 1
	if m.resume != nil && m.d.Entra != nil {
		m.cursor = 0
	}
	m.phase = phaseChoose
	return nil
}

// key handles a key press on the page on screen.
func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	switch m.phase {
	case phaseLoading:
		if key.Matches(msg, m.k.Back) {
			return back
		}
	case phaseChoose:
		switch {
		case key.Matches(msg, m.k.Up):
			m.cursor = (m.cursor + len(m.options) - 1) % len(m.options)
		case key.Matches(msg, m.k.Down):
			m.cursor = (m.cursor + 1) % len(m.options)
		case key.Matches(msg, m.k.Back):
			return back
		case key.Matches(msg, m.k.Choose):
			switch m.options[m.cursor] {
			case optResume:
				return m.start(m.resume.Name, m.resume)
			case optAuto:
				m.phase, m.nameErr = phaseName, ""
				return m.name.Focus()
			default:
				return m.openGuided(false)
			}
		}
	case phaseName:
		switch {
		case key.Matches(msg, m.k.Back):
			m.phase = phaseChoose
			m.name.Blur()
			return nil
		case key.Matches(msg, m.k.Start):
			name, problem := m.checkName(m.name.Value())
			if problem != "" {
				m.nameErr = problem
				return nil
			}
			m.nameErr = ""
			m.name.Blur()
			return m.start(name, nil)
		}
		var cmd tea.Cmd
		m.name, cmd = m.name.Update(msg)
		return cmd
	case phaseRunning:
		switch {
		case m.quitting:
		case m.quitAsk && key.Matches(msg, m.k.Yes):
			// Stop the run, then quit once it has ended (done): nothing
			// keeps working behind a closed xops.
			m.quitAsk, m.quitting = false, true
			if !m.stopping {
				m.stopping = true
				m.cancel()
			}
		case m.quitAsk && key.Matches(msg, m.k.No):
			m.quitAsk = false
		case m.quitAsk:
		case key.Matches(msg, m.k.Quit):
			m.quitAsk = true
		case key.Matches(msg, m.k.Copy) && m.codeToCopy():
			return tea.Batch(tea.SetClipboard(m.prompt.UserCode), uikit.Status("Code sent to the clipboard (if the terminal allows it)", false))
		case key.Matches(msg, m.k.Cancel) && !m.stopping:
			m.stopping = true
			m.cancel()
		}
	case phaseDone:
		if key.Matches(msg, m.k.Home) || key.Matches(msg, m.k.Back) {
			return home
		}
	case phaseFailed:
		switch {
		case key.Matches(msg, m.k.Back):
			return back
		case key.Matches(msg, m.k.Guided) && m.failure != nil:
			return m.switchToGuided(m.failure)
		case key.Matches(msg, m.k.Retry) && m.failure != nil:
			p := m.failure.Progress
			return m.start(p.Name, &p)
		}
	}
	return nil
}

// checkName validates the friendly name as the account form does (including
// that no account has it yet); it returns the normalised name or the problem.
func (m *Model) checkName(raw string) (string, string) {
	in, _, ferrs := m.d.Service.CheckLinkInput(flow.LinkInput{Name: raw})
	for _, fe := range ferrs {
		if fe.Field == validate.FieldName {
			return "", fe.Message
		}
	}
	return in.Name, ""
}

// event marks a step running, done or failed.
func (m *Model) event(msg eventMsg) {
	e := msg.e
	for i := range m.steps {
		if m.steps[i].id != e.Step {
			continue
		}
		l := &m.steps[i]
		switch {
		case e.Running:
			l.state = stRunning
		case e.OK:
			l.state, l.existed = stOK, e.Existed
			if e.Message != "" && e.Message != e.Step.Title() {
				m.lastMsg = e.Message
			}
		default:
			l.state = stFailed
		}
		l.msg = e.Message
	}
	if e.Step == entra.SetupSignIn && e.OK {
		m.signedIn = true
	}
}

// done shows the run's end: the account, or why it stopped.
func (m *Model) done(msg doneMsg) tea.Cmd {
	m.cancel = nil
	m.quitAsk = false // the run ended before the answer: the result shows instead
	if m.quitting {
		// The run has stopped (its progress is in the store's draft, as the
		// screen said): now quit; the list is read afresh next time.
		return tea.Quit
	}
	var ie *flow.InputError
	var ae *flow.AutoLinkError
	switch {
	case msg.err == nil:
		res := msg.res
		m.result, m.phase = &res, phaseDone
		return func() tea.Msg { return uikit.AccountsChangedMsg{} }
	case errors.As(msg.err, &ie):
		// The name became taken meanwhile, or the input is wrong: back to it.
		var parts []string
		for _, f := range ie.Fields {
			parts = append(parts, f.Message)
		}
		m.phase, m.nameErr = phaseName, strings.Join(parts, "; ")
		return m.name.Focus()
	case errors.As(msg.err, &ae):
		m.failure, m.phase = ae, phaseFailed
	default:
		m.errText, m.phase = msg.err.Error(), phaseFailed
	}
	// A run that stopped after the account was saved changed the list.
	return func() tea.Msg { return uikit.AccountsChangedMsg{} }
}

func back() tea.Msg { return uikit.BackMsg{} }

func home() tea.Msg { return uikit.HomeMsg{} }
