package verifyview

import "charm.land/bubbles/v2/key"

// KeyMap holds the verification screen's keys. Keys that do nothing in the
// current state are disabled, so the help bar never offers them. esc means
// one thing at a time: cancel the running attempt, else stop the auto-retry,
// else go back.
type KeyMap struct {
	Fix       key.Binding // jump to the checklist step (or form) at fault
	Retry     key.Binding // run the checks again now
	Continue  key.Binding // leave with the result
	Cancel    key.Binding // stop the running attempt
	StopRetry key.Binding // stop the auto-retry countdown
	Back      key.Binding // leave without a result
	Up        key.Binding // scroll when the checks do not fit
	Down      key.Binding
}

// DefaultKeyMap returns the screen's keys, all enabled; the screen disables
// what does not apply as its state changes.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Fix:       key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "go fix it")),
		Retry:     key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "retry now")),
		Continue:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "continue")),
		Cancel:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		StopRetry: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "stop retrying")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Up:        key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "scroll up")),
		Down:      key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "scroll down")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Fix, k.Retry, k.Continue, k.Cancel, k.StopRetry, k.Back, k.Down, k.Up}
}

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Fix, k.Retry, k.Continue},
		{k.Cancel, k.StopRetry, k.Back},
		{k.Up, k.Down},
	}
}
