package ui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/ui/uikit"
)

// pickerScreen is "Choose your platform", shown on first run only (while no
// account is linked): AWS, Azure, Microsoft in that order, cursor on AWS.
type pickerScreen struct {
	styles        uikit.Styles
	width, height int
	cursor        int
	keys          listKeys
}

var _ uikit.Screen = (*pickerScreen)(nil)

func newPickerScreen() *pickerScreen {
	return &pickerScreen{keys: newListKeys("choose")}
}

func (p *pickerScreen) Init() tea.Cmd { return nil }

func (p *pickerScreen) Update(msg tea.Msg) (uikit.Screen, tea.Cmd) {
	var cmd tea.Cmd
	p.cursor, cmd = choosePlatform(msg, p.cursor, p.keys.Up, p.keys.Down, p.keys.Select)
	return p, cmd
}

// View puts the choice first in importance: on a short page (60×16 with
// the full help open) the welcome's title goes, then the closing note, and
// the choice and what xops does always stay.
func (p *pickerScreen) View() string {
	s := p.styles
	var choice strings.Builder
	choice.WriteString(s.Subtitle.Render("Choose your platform") + "\n")
	for i, pl := range flow.Platforms {
		choice.WriteString("\n" + choiceLine(s, i == p.cursor, pl.Title(), platformBlurb(pl), p.width))
	}
	welcome := wrap("xops links your organisation's cloud accounts to the Xops platform. "+
		"For Microsoft 365 it guides you through the app registration in Microsoft Entra ID, "+
		"makes the certificate, and checks live that every step was done right.", p.width)
	title := s.Title.Render("Welcome to xops")
	note := s.Muted.Render(wrap("You are asked this until your first account is linked; "+
		"then xops opens on Home.", p.width))

	body := welcome + "\n\n" + choice.String()
	if lineCount(body)+2 <= p.height {
		body = title + "\n\n" + body
	}
	if lineCount(body)+1+lineCount(note) <= p.height {
		body += "\n\n" + note
	}
	// The first-run offer of a passphrase (issue 6), skippable by doing nothing:
	// the least important line, the first to go on a short page.
	offer := s.Muted.Render(wrap("Keys are kept in a file only you can read. To encrypt them with a "+
		"passphrase as well, shift+tab opens Settings, then p.", p.width))
	if lineCount(body)+1+lineCount(offer) <= p.height {
		body += "\n" + offer
	}
	return body
}

func (p *pickerScreen) SetSize(width, height int) { p.width, p.height = width, height }

func (p *pickerScreen) SetStyles(s uikit.Styles) { p.styles = s }

func (p *pickerScreen) KeyMap() help.KeyMap { return p.keys }

func (p *pickerScreen) Capturing() bool { return false }

// platformBlurb says in a few words what choosing the platform leads to.
func platformBlurb(p flow.Platform) string {
	if p.Supported() {
		return "Microsoft 365 through Entra ID"
	}
	return "not supported yet"
}

// choiceLine draws one entry of a vertical choice: a cursor mark, the name in
// a fixed column and a muted blurb. The mark (›) shows without colour too.
func choiceLine(s uikit.Styles, selected bool, name, blurb string, width int) string {
	const nameCol = 11
	pad := strings.Repeat(" ", max(1, nameCol-len(name)))
	if selected {
		return truncate(s.Selected.Render("› "+name)+pad+s.Text.Render(blurb), width)
	}
	return truncate("  "+s.Text.Render(name)+pad+s.Muted.Render(blurb), width)
}

// choosePlatform moves a cursor over flow.Platforms with prev and next, and
// on choose navigates to the platform under it: the first-run picker and the
// Integrations page choose a platform alike, with their own keys.
func choosePlatform(msg tea.Msg, cursor int, prev, next, choose key.Binding) (int, tea.Cmd) {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return cursor, nil
	}
	switch {
	case key.Matches(km, prev):
		cursor = max(0, cursor-1)
	case key.Matches(km, next):
		cursor = min(len(flow.Platforms)-1, cursor+1)
	case key.Matches(km, choose):
		return cursor, navigate(flow.PlatformChosen{Platform: flow.Platforms[cursor]})
	}
	return cursor, nil
}
