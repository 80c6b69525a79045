package autosetup

import (
	"charm.land/bubbles/v2/key"
)

// keys are every key of the screen; forPhase enables those that act now.
type keys struct {
	Up, Down, Choose, Start, Copy, Cancel, Back, Guided, Retry, Home key.Binding
	// Quit asks, during a run, whether to stop it and quit; Yes and No answer.
	Quit, Yes, No key.Binding
}

func binding(helpKey, desc string, ks ...string) key.Binding {
	return key.NewBinding(key.WithKeys(ks...), key.WithHelp(helpKey, desc))
}

func newKeys() keys {
	return keys{
		Up:     binding("↑/k", "up", "up", "k"),
		Down:   binding("↓/j", "down", "down", "j"),
		Choose: binding("enter", "choose", "enter"),
		Start:  binding("enter", "start", "enter"),
		Copy:   binding("c", "copy code", "c"),
		Cancel: binding("esc", "cancel", "esc"),
		Back:   binding("esc", "back", "esc"),
		Guided: binding("g", "guided checklist", "g"),
		Retry:  binding("r", "run again", "r"),
		Home:   binding("enter", "home", "enter"),
		Quit:   binding("q", "quit", "q"),
		Yes:    binding("y", "stop and quit", "y", "Y"),
		No:     binding("n/esc", "keep going", "n", "N", "esc"),
	}
}

// keyList is a help.KeyMap of a few bindings.
type keyList []key.Binding

func (l keyList) ShortHelp() []key.Binding  { return l }
func (l keyList) FullHelp() [][]key.Binding { return [][]key.Binding{l} }

// forPhase returns the keys of the page on screen, the inapplicable disabled.
func (k keys) forPhase(m *Model) keyList {
	on := func(b key.Binding, enabled bool) key.Binding {
		b.SetEnabled(enabled)
		return b
	}
	switch m.phase {
	case phaseChoose:
		many := len(m.options) > 1
		return keyList{on(k.Up, many), on(k.Down, many), k.Choose, k.Back}
	case phaseName:
		return keyList{k.Start, k.Back}
	case phaseRunning:
		switch {
		case m.quitting:
			return keyList{}
		case m.quitAsk:
			return keyList{k.Yes, k.No}
		}
		return keyList{on(k.Copy, m.codeToCopy()), on(k.Cancel, !m.stopping), k.Quit}
	case phaseDone:
		return keyList{k.Home}
	case phaseFailed:
		return keyList{on(k.Guided, m.failure != nil), on(k.Retry, m.failure != nil), k.Back}
	}
	return keyList{k.Back}
}

// codeToCopy reports whether c copies the device code: while it is shown,
// outside the sandbox (whose simulated admin types it by itself).
func (m *Model) codeToCopy() bool { return m.prompt != nil && !m.signedIn && !m.d.Sandbox }
