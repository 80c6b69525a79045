package ui

import (
	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/ui/uikit"
)

// wizardPlaceholder stands where "Link a New Microsoft Account" goes while
// the wizard is not in this build (Deps.Wizard is nil). It says what will
// happen there and changes nothing.
type wizardPlaceholder struct {
	styles        uikit.Styles
	width, height int
}

var _ uikit.Screen = (*wizardPlaceholder)(nil)

func newWizardPlaceholder() *wizardPlaceholder { return &wizardPlaceholder{} }

func (p *wizardPlaceholder) Init() tea.Cmd { return nil }

func (p *wizardPlaceholder) Update(tea.Msg) (uikit.Screen, tea.Cmd) { return p, nil }

func (p *wizardPlaceholder) View() string {
	s := p.styles
	return s.Title.Render("Link a New Microsoft Account") + "\n\n" +
		wrap("The linking wizard is not in this build yet. Here it will:", p.width) + "\n\n" +
		hangingWrap("1. guide you through the Entra app registration;", p.width, "   ") + "\n" +
		hangingWrap("2. take the app's IDs and your domain;", p.width, "   ") + "\n" +
		hangingWrap("3. make the key and the certificate;", p.width, "   ") + "\n" +
		hangingWrap("4. check live that every step was done right.", p.width, "   ") + "\n\n" +
		s.Muted.Render(wrap("Nothing was changed. Press esc to go back.", p.width))
}

func (p *wizardPlaceholder) SetSize(width, height int) { p.width, p.height = width, height }

func (p *wizardPlaceholder) SetStyles(s uikit.Styles) { p.styles = s }

func (p *wizardPlaceholder) KeyMap() help.KeyMap { return noKeys{} }

func (p *wizardPlaceholder) Capturing() bool { return false }
