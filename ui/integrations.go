package ui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/ui/uikit"
)

// integrationsScreen shows the AWS, Azure and Microsoft cards, side by side,
// as the platform's Integrations page does.
type integrationsScreen struct {
	styles        uikit.Styles
	width, height int
	cursor        int
	keys          cardKeys
}

var _ uikit.Screen = (*integrationsScreen)(nil)

// cardKeys move between cards laid out in a row.
type cardKeys struct {
	Left, Right key.Binding
	Select      key.Binding
}

func (k cardKeys) ShortHelp() []key.Binding { return []key.Binding{k.Left, k.Right, k.Select} }

func (k cardKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

func newIntegrationsScreen() *integrationsScreen {
	return &integrationsScreen{keys: cardKeys{
		Left:   key.NewBinding(key.WithKeys("left", "h", "up", "k"), key.WithHelp("←/h", "previous")),
		Right:  key.NewBinding(key.WithKeys("right", "l", "down", "j"), key.WithHelp("→/l", "next")),
		Select: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
	}}
}

func (p *integrationsScreen) Init() tea.Cmd { return nil }

func (p *integrationsScreen) Update(msg tea.Msg) (uikit.Screen, tea.Cmd) {
	var cmd tea.Cmd
	p.cursor, cmd = choosePlatform(msg, p.cursor, p.keys.Left, p.keys.Right, p.keys.Select)
	return p, cmd
}

func (p *integrationsScreen) View() string {
	s := p.styles
	var b strings.Builder
	b.WriteString(s.Title.Render("Integrations") + "\n\n")
	b.WriteString(wrap("Link a cloud account to the Xops platform.", p.width) + "\n\n")
	if p.cardWidth() < minCardWidth {
		// Too narrow for three cards side by side: a list reads better
		// than cards whose words break in the middle.
		for i, pl := range flow.Platforms {
			b.WriteString(choiceLine(s, i == p.cursor, pl.Title(), cardBlurb(pl), p.width) + "\n")
		}
		return b.String()
	}
	cards := make([]string, len(flow.Platforms))
	for i, pl := range flow.Platforms {
		cards[i] = platformCard(s, pl, i == p.cursor, p.cardWidth())
	}
	b.WriteString(joinCards(cards))
	return b.String()
}

// minCardWidth fits "› Microsoft" and "not supported yet" on one line each.
const minCardWidth = 18

// cardWidth shares the page's width between three cards and two gaps.
func (p *integrationsScreen) cardWidth() int {
	return (p.width - 2) / len(flow.Platforms)
}

// SetSize also names the movement keys after the layout: cards side by
// side move with ←/→, the narrow list with ↑/↓ (both work either way).
func (p *integrationsScreen) SetSize(width, height int) {
	p.width, p.height = width, height
	if p.cardWidth() < minCardWidth {
		p.keys.Left.SetHelp("↑/k", "up")
		p.keys.Right.SetHelp("↓/j", "down")
	} else {
		p.keys.Left.SetHelp("←/h", "previous")
		p.keys.Right.SetHelp("→/l", "next")
	}
}

func (p *integrationsScreen) SetStyles(s uikit.Styles) { p.styles = s }

func (p *integrationsScreen) KeyMap() help.KeyMap { return p.keys }

func (p *integrationsScreen) Capturing() bool { return false }

// platformCard draws one card of the given outer width. The card under the
// cursor has a heavier border (and colour where there is colour).
func platformCard(s uikit.Styles, pl flow.Platform, active bool, width int) string {
	st := s.Card
	if active {
		st = s.CardActive
	}
	inner := width - st.GetHorizontalFrameSize()
	title := "  " + pl.Title()
	if active {
		title = "› " + pl.Title() // the mark shows without colour too
	}
	body := s.Text.Bold(true).Render(title) + "\n" + s.Muted.Render(wrap(cardBlurb(pl), inner))
	return st.Width(width).Height(5).Render(body)
}

// cardBlurb is the card's second line.
func cardBlurb(pl flow.Platform) string {
	switch pl {
	case flow.PlatformMicrosoft:
		return "Microsoft 365 (M365)"
	default:
		return "not supported yet"
	}
}

// joinCards lays cards side by side with a one-column gap.
func joinCards(cards []string) string {
	parts := make([]string, 0, 2*len(cards))
	for i, c := range cards {
		if i > 0 {
			parts = append(parts, " ")
		}
		parts = append(parts, c)
	}
	return lipgloss.JoinHorizontal(lipgloss.Top, parts...)
}
