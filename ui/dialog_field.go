package ui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/internal/safetext"
	"github.com/xops/xops/ui/uikit"
)

// dialogKeys are the keys of the one-field dialogs (rename, delete).
type dialogKeys struct{ Confirm, Cancel key.Binding }

func (k dialogKeys) ShortHelp() []key.Binding  { return []key.Binding{k.Confirm, k.Cancel} }
func (k dialogKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// fieldDialog is what the one-field dialogs on an account (rename, delete)
// share: the account, one text field for a name, an error or a busy line
// under it, and the Screen methods that do not depend on what the dialog
// does. Each dialog embeds it and writes its own Update and View.
type fieldDialog struct {
	styles uikit.Styles
	width  int
	name   string
	svc    *flow.Service

	input   textinput.Model
	errText string // under the field
	busy    bool
	keys    dialogKeys
}

// newFieldDialog makes the dialog for the account name, its field empty.
func newFieldDialog(name string, svc *flow.Service, keys dialogKeys) fieldDialog {
	ti := newField()
	ti.Prompt = "› "
	ti.CharLimit = 64
	return fieldDialog{name: name, svc: svc, input: ti, keys: keys}
}

func (d *fieldDialog) Init() tea.Cmd { return d.input.Focus() }

// edit gives a key that is neither confirm nor cancel to the field and
// clears the error it answered.
func (d *fieldDialog) edit(msg tea.KeyPressMsg) tea.Cmd {
	var cmd tea.Cmd
	d.input, cmd = d.input.Update(msg)
	d.errText = ""
	return cmd
}

// status is the line under the field: busyText while the dialog waits for
// its answer, else the error if there is one.
func (d *fieldDialog) status(busyText string) string {
	switch {
	case d.busy:
		return d.styles.Muted.Render(busyText)
	case d.errText != "":
		return d.styles.Bad.Render(hangingWrap("✗ "+safetext.Line(d.errText), d.width, "  "))
	}
	return ""
}

func (d *fieldDialog) SetSize(w, _ int) {
	d.width = w
	d.input.SetWidth(max(10, w-4))
}

func (d *fieldDialog) SetStyles(s uikit.Styles) { d.styles = s }

func (d *fieldDialog) KeyMap() help.KeyMap { return d.keys }

// Capturing: the page is one text field.
func (d *fieldDialog) Capturing() bool { return true }
