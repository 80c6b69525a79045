package wizard

import (
	"strings"

	"github.com/xops/xops/flow/wizard"
)

// View draws the page on screen within the size SetSize gave.
func (m *Model) View() string {
	s := m.styles
	w := max(m.width, 20)
	switch {
	case m.fatal != "":
		return header(s, "", w) + "\n\n" + s.Bad.Render(wrap(m.fatal, w))
	case !m.loaded:
		return header(s, "", w) + "\n\n" + s.Muted.Render("Looking for a link in progress…")
	case m.resume != nil:
		return m.viewResume()
	}
	switch m.st.Step {
	case wizard.StepChecklist:
		return m.viewChecklist()
	case wizard.StepForm:
		if m.form != nil {
			return m.viewForm()
		}
	case wizard.StepGenerate, wizard.StepSave:
		return m.viewBusy()
	case wizard.StepCertificate:
		return m.viewCertificate()
	case wizard.StepUpload:
		return m.viewUpload()
	case wizard.StepVerify:
		if m.verify != nil {
			return header(s, wizard.StepVerify, w) + "\n" + m.verify.View()
		}
		return header(s, wizard.StepVerify, w) + "\n\n" + s.Muted.Render("Saved. Finishing…")
	}
	return header(s, m.st.Step, w)
}

// lineCount is how many lines s takes.
func lineCount(s string) int { return strings.Count(s, "\n") + 1 }
