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

var _ uikit.Screen = (*unsupportedScreen)(nil)

type unsupportedKeys struct{ Back key.Binding }

// The help bar already offers esc to go back; enter is not listed twice.
func (k unsupportedKeys) ShortHelp() []key.Binding { return nil }

func (k unsupportedKeys) FullHelp() [][]key.Binding { return [][]key.Binding{{k.Back}} }

func newUnsupportedScreen(p flow.Platform) *unsupportedScreen {
	return &unsupportedScreen{platform: p, keys: unsupportedKeys{
		// esc (global) goes back too; enter is offered because it is the key
		// the admin just pressed to get here.
		Back: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "back")),
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
