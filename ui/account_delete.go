package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/internal/safetext"
	"github.com/xops/xops/store"
	"github.com/xops/xops/ui/uikit"
)

// deleteScreen deletes an account once its name is typed: the account and
// its key material go, the audit log keeps the event (without secrets).
type deleteScreen struct{ fieldDialog }

var _ uikit.Screen = (*deleteScreen)(nil)

// deletedMsg is the delete's answer.
type deletedMsg struct {
	account store.Account
	err     error
}

func newDeleteScreen(name string, svc *flow.Service) *deleteScreen {
	return &deleteScreen{newFieldDialog(name, svc, dialogKeys{
		Confirm: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "delete for good")),
		Cancel:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "keep it")),
	})}
}

func (p *deleteScreen) Update(msg tea.Msg) (uikit.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case deletedMsg:
		p.busy = false
		if msg.err != nil {
			p.errText = "Could not delete: " + safetext.Line(msg.err.Error()) + ". Nothing was removed; try again or esc."
			return p, nil
		}
		text := "Deleted “" + msg.account.Name + "” and its key."
		if c, ok := msg.account.Active(); ok {
			text += " Remove certificate " + c.Thumbprint + " (or the app) in Entra too."
		}
		return p, tea.Batch(navigate(flow.AccountDeleted{Name: p.name}), uikit.Status(text, false))
	case tea.KeyPressMsg:
		if p.busy {
			return p, nil
		}
		switch {
		case key.Matches(msg, p.keys.Cancel):
			return p, func() tea.Msg { return uikit.BackMsg{} }
		case key.Matches(msg, p.keys.Confirm):
			if p.input.Value() != p.name {
				p.errText = "The name does not match: type “" + p.name + "” exactly, or esc to keep the account."
				return p, nil
			}
			p.busy = true
			svc, name := p.svc, p.name
			return p, func() tea.Msg {
				a, err := svc.Delete(name)
				return deletedMsg{account: a, err: err}
			}
		}
		return p, p.edit(msg)
	}
	return p, nil
}

func (p *deleteScreen) View() string {
	s := p.styles
	name := safetext.Line(p.name)
	var b strings.Builder
	b.WriteString(s.Title.Render(truncate("Delete “"+name+"”", p.width)) + "\n\n")
	b.WriteString(wrap("This removes the account and its private key from this store. It cannot be "+
		"undone; the audit log keeps a line saying it was deleted. The app registration and "+
		"its certificate stay in Entra: remove them there if they are no longer used.", p.width) + "\n\n")
	b.WriteString(s.Muted.Render(truncate("Type “"+name+"” to confirm", p.width)) + "\n" + p.input.View() + "\n")
	b.WriteString(p.status("Deleting…"))
	return b.String()
}
