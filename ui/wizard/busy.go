package wizard

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/flow/wizard"
	"github.com/xops/xops/internal/safetext"
)

// The key generation and saving pages: a spinner while the work runs, the
// error and a retry when it fails.

// busyKeys are the keys of the key-generation and saving pages.
type busyKeys struct {
	Retry, Cancel, Back key.Binding
}

func defaultBusyKeys() busyKeys {
	return busyKeys{
		Retry:  binding("r", "try again", "r"),
		Cancel: binding("esc", "cancel", "esc"),
		Back:   binding("esc", "back", "esc"),
	}
}

func (k busyKeys) help(st wizard.State) keyList {
	k.Retry.SetEnabled(!st.Busy && st.Err != "")
	esc := k.Back
	switch {
	case st.Busy && st.Step == wizard.StepGenerate:
		esc = k.Cancel
	case st.Busy:
		esc.SetEnabled(false) // saving is one short transaction: let it end
	}
	return keyList{k.Retry, esc}
}

func (m *Model) updateBusy(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.busyKeys.Retry) && !m.st.Busy:
		return m.apply(wizard.Retry{})
	case msg.String() == "esc":
		return m.apply(wizard.Back{})
	}
	return nil
}

func (m *Model) viewBusy() string {
	s, st := m.styles, m.st
	w := max(m.width, 20)
	lines := []string{header(s, st.Step, w), ""}
	name := safetext.Line(st.Form.Name)
	switch {
	case st.Busy && st.Step == wizard.StepGenerate:
		lines = append(lines,
			m.spin.View()+" "+wrap(fmt.Sprintf("Making a %d-bit RSA key and a certificate for %q, valid %d days…",
				st.Form.KeySize, name, st.Form.CertDays), w-2),
			"",
			s.Muted.Render(wrap("This takes a few seconds (4096 bits can take longer). The private key goes straight into the store; only the certificate is shown.", w)),
			"", s.Muted.Render("esc cancels"))
	case st.Busy:
		lines = append(lines, m.spin.View()+" "+wrap(fmt.Sprintf("Saving %q…", name), w-2))
	case st.Err != "":
		what := "The key was not made."
		if st.Step == wizard.StepSave {
			what = "The account was not saved; nothing was written."
		}
		lines = append(lines, s.Bad.Render(wrap("✗ "+what, w)), wrap(safetext.Text(st.Err), w), "",
			s.Muted.Render(wrap("r tries again; esc goes back.", w)))
	}
	return strings.Join(lines, "\n")
}
