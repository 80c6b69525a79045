package ui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/ui/uikit"
)

// unsupportedScreen says plainly that a platform cannot be linked yet, and
// shows the way back. No fake forms.
type unsupportedScreen struct {
	styles        uikit.Styles
	width, height int
	platform      flow.Platform
	keys          unsupportedKeys
}

var (
	_ uikit.Screen      = (*unsupportedScreen)(nil)
	_ uikit.BackHandler = (*unsupportedScreen)(nil)
)

// unsupportedKeys: enter and esc both go back, so the help bar lists them
// as one key ("enter/esc back"); the page takes esc itself so the root's
// "esc back" is not listed beside it.
type unsupportedKeys struct{ Back key.Binding }

func (k unsupportedKeys) ShortHelp() []key.Binding { return []key.Binding{k.Back} }

func (k unsupportedKeys) FullHelp() [][]key.Binding { return [][]key.Binding{{k.Back}} }

func newUnsupportedScreen(p flow.Platform) *unsupportedScreen {
	return &unsupportedScreen{platform: p, keys: unsupportedKeys{
		// enter is offered because it is the key the admin just pressed to
		// get here; esc goes back as everywhere else.
		Back: key.NewBinding(key.WithKeys("enter", "esc"), key.WithHelp("enter/esc", "back")),
	}}
}

func (p *unsupportedScreen) Init() tea.Cmd { return nil }

func (p *unsupportedScreen) Update(msg tea.Msg) (uikit.Screen, tea.Cmd) {
	if km, ok := msg.(tea.KeyPressMsg); ok && key.Matches(km, p.keys.Back) {
		return p, navigate(flow.BackPressed{})
	}
	return p, nil
}

func (p *unsupportedScreen) View() string {
	s := p.styles
	name := p.platform.Title()
	return s.Title.Render(name) + "\n\n" +
		s.Text.Bold(true).Render(name+" accounts are not supported yet.") + "\n\n" +
		wrap("xops links Microsoft 365 accounts today. Nothing was changed or saved. "+
			"Press esc to go back and choose Microsoft, or q to quit.", p.width)
}

func (p *unsupportedScreen) SetSize(width, height int) { p.width, p.height = width, height }

func (p *unsupportedScreen) SetStyles(s uikit.Styles) { p.styles = s }

func (p *unsupportedScreen) KeyMap() help.KeyMap { return p.keys }

func (p *unsupportedScreen) Capturing() bool { return false }

// HandlesBack: esc is one of the page's own keys (its Back binding).
func (p *unsupportedScreen) HandlesBack() bool { return true }
