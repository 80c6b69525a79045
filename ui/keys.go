package ui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
)

// globalKeys are the keys the root model handles on every page. Each page
// adds its own in front of them in the help bar.
type globalKeys struct {
	Next, Prev key.Binding // side navigation
	Back       key.Binding
	Help       key.Binding
	Quit       key.Binding
	ForceQuit  key.Binding
}

func defaultGlobalKeys() globalKeys {
	return globalKeys{
		Next:      key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next section")),
		Prev:      key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous section")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "more keys")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
	}
}

// helpKeys joins a page's key map with the global keys so that the help bar
// shows both, the page's first. Disabled bindings are hidden by the help
// bubble, so what it shows always works.
type helpKeys struct {
	page   help.KeyMap
	global globalKeys
	// fullHelp reports whether "?" currently shows the full help (its label
	// then says how to close it).
	fullHelp bool
}

func (h helpKeys) ShortHelp() []key.Binding {
	var out []key.Binding
	if h.page != nil {
		out = append(out, h.page.ShortHelp()...)
	}
	return append(out, h.global.Back, h.helpBinding(), h.global.Quit, h.global.Next)
}

func (h helpKeys) FullHelp() [][]key.Binding {
	var out [][]key.Binding
	if h.page != nil {
		out = append(out, h.page.FullHelp()...)
	}
	return append(out,
		[]key.Binding{h.global.Back, h.global.Next, h.global.Prev},
		[]key.Binding{h.helpBinding(), h.quitBinding()},
	)
}

// quitBinding is the full help's one entry for quitting: "q/ctrl+c quit"
// while q quits, "ctrl+c quit" while a page takes q as text. One entry, not
// two saying the same, leaves a short frame's page a row more.
func (h helpKeys) quitBinding() key.Binding {
	if !h.global.Quit.Enabled() {
		return h.global.ForceQuit
	}
	b := h.global.ForceQuit
	b.SetKeys(append(h.global.Quit.Keys(), b.Keys()...)...)
	b.SetHelp(h.global.Quit.Help().Key+"/"+b.Help().Key, b.Help().Desc)
	return b
}

// helpBinding is "? more keys", or, with the full help open, the keys that
// close it: esc, which closes it before it does anything else (go back,
// leave a page), and ? unless the page takes it as text. "hide help" is
// short: at 60 columns the help's rows are the page's.
func (h helpKeys) helpBinding() key.Binding {
	if !h.fullHelp {
		return h.global.Help
	}
	if !h.global.Help.Enabled() {
		return key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "hide help"))
	}
	return key.NewBinding(key.WithKeys("?", "esc"), key.WithHelp("?/esc", "hide help"))
}

// listKeys are the movement keys every list-like page shares.
type listKeys struct {
	Up, Down key.Binding
	Select   key.Binding
}

func newListKeys(selectHelp string) listKeys {
	return listKeys{
		Up:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:   key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Select: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", selectHelp)),
	}
}

func (k listKeys) ShortHelp() []key.Binding { return []key.Binding{k.Up, k.Down, k.Select} }

func (k listKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }
