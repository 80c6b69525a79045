package ui

import (
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/flow/validate"
	"github.com/xops/xops/internal/safetext"
	"github.com/xops/xops/store"
	"github.com/xops/xops/ui/uikit"
)

// renameScreen gives an account a new friendly name. The name is checked as
// it is typed (flow/validate's rules); uniqueness, which ignores case, is
// checked by the rename itself, and a refusal shows under the field.
type renameScreen struct{ fieldDialog }

var _ uikit.Screen = (*renameScreen)(nil)

// renamedMsg is the rename's answer.
type renamedMsg struct {
	account store.Account
	err     error
}

func newRenameScreen(name string, svc *flow.Service) *renameScreen {
	p := &renameScreen{newFieldDialog(name, svc, dialogKeys{
		Confirm: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "rename")),
		Cancel:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	})}
	p.input.SetValue(name)
	p.input.CursorEnd()
	return p
}

func (p *renameScreen) Update(msg tea.Msg) (uikit.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case renamedMsg:
		p.busy = false
		if msg.err != nil {
			p.errText = renameError(msg.err)
			return p, nil
		}
		from, to := p.name, msg.account.Name
		return p, tea.Batch(navigate(flow.AccountRenamed{From: from, To: to}),
			uikit.Status(fmt.Sprintf("Renamed “%s” to “%s”.", from, to), false))
	case tea.KeyPressMsg:
		if p.busy {
			return p, nil
		}
		switch {
		case key.Matches(msg, p.keys.Cancel):
			return p, func() tea.Msg { return uikit.BackMsg{} }
		case key.Matches(msg, p.keys.Confirm):
			return p, p.submit()
		}
		cmd := p.edit(msg)
		if _, err := validate.Name(p.input.Value()); err != nil {
			p.errText = fieldMessage(err)
		}
		return p, cmd
	}
	return p, nil
}

// submit renames in a command; bad input stays on the page with its error.
func (p *renameScreen) submit() tea.Cmd {
	clean, err := validate.Name(p.input.Value())
	if err != nil {
		p.errText = fieldMessage(err)
		return nil
	}
	if clean == p.name {
		p.errText = "That is already its name; type another, or esc to keep it."
		return nil
	}
	p.busy = true
	svc, name := p.svc, p.name
	return func() tea.Msg {
		a, err := svc.Rename(name, clean)
		return renamedMsg{account: a, err: err}
	}
}

// renameError says what went wrong and what to do next.
func renameError(err error) string {
	var in *flow.InputError
	switch {
	case errors.As(err, &in) && len(in.Fields) > 0:
		return in.Fields[0].Label + ": " + in.Fields[0].Message
	case errors.Is(err, store.ErrDuplicateName):
		return "Another account already has that name (names ignore case); choose another."
	case errors.Is(err, store.ErrNotFound):
		return "The account is gone (another xops deleted or renamed it); esc goes back."
	}
	return "Could not rename: " + safetext.Line(err.Error()) + ". Try again, or esc to keep the name."
}

// fieldMessage is a validation error as the account form words it
// ("Friendly name: is empty: …"): flow/validate's own message.
func fieldMessage(err error) string {
	var fe *validate.FieldError
	if errors.As(err, &fe) {
		return fe.Error()
	}
	return err.Error()
}

func (p *renameScreen) View() string {
	s := p.styles
	var b strings.Builder
	b.WriteString(s.Title.Render(truncate("Rename “"+safetext.Line(p.name)+"”", p.width)) + "\n\n")
	b.WriteString(wrap("The friendly name is how xops and its commands refer to the account "+
		"(1–64 characters, unique ignoring case). Nothing changes in Entra.", p.width) + "\n\n")
	b.WriteString(s.Muted.Render("New name") + "\n" + p.input.View() + "\n")
	b.WriteString(p.status("Renaming…"))
	return b.String()
}
