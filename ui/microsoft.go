package ui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/ui/uikit"
)

// microsoftScreen is the Microsoft integration page: the M365 card, which
// opens "Link a New Microsoft Account".
type microsoftScreen struct {
	styles        uikit.Styles
	width, height int
	keys          microsoftKeys
}

var _ uikit.Screen = (*microsoftScreen)(nil)

type microsoftKeys struct{ Open key.Binding }

func (k microsoftKeys) ShortHelp() []key.Binding { return []key.Binding{k.Open} }

func (k microsoftKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

func newMicrosoftScreen() *microsoftScreen {
	return &microsoftScreen{keys: microsoftKeys{
		Open: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "link a new account")),
	}}
}

func (p *microsoftScreen) Init() tea.Cmd { return nil }

func (p *microsoftScreen) Update(msg tea.Msg) (uikit.Screen, tea.Cmd) {
	if km, ok := msg.(tea.KeyPressMsg); ok && key.Matches(km, p.keys.Open) {
		return p, navigate(flow.M365Chosen{})
	}
	return p, nil
}

func (p *microsoftScreen) View() string {
	s := p.styles
	var b strings.Builder
	b.WriteString(s.Title.Render("Microsoft") + "\n\n")
	b.WriteString(wrap("Microsoft 365 is linked through an app registration in Microsoft Entra ID "+
		"that may read your Exchange Online configuration. xops guides you through it.", p.width) + "\n\n")
	width := min(p.width, 40)
	inner := width - s.CardActive.GetHorizontalFrameSize()
	card := s.Text.Bold(true).Render("M365") + "\n" + wrap("› Link a New Microsoft Account", inner)
	b.WriteString(s.CardActive.Width(width).Render(card))
	return b.String()
}

func (p *microsoftScreen) SetSize(width, height int) { p.width, p.height = width, height }

func (p *microsoftScreen) SetStyles(s uikit.Styles) { p.styles = s }

func (p *microsoftScreen) KeyMap() help.KeyMap { return p.keys }

func (p *microsoftScreen) Capturing() bool { return false }
