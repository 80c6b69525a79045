package wizard

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/flow/wizard"
	"github.com/xops/xops/internal/safetext"
)

// resumeKeys are the keys of the resume question.
type resumeKeys struct {
	Up, Down, Choose, Back key.Binding
}

// resumeView asks what to do with a draft found when the wizard opens:
// resume it, or start over (which deletes the draft and its unused key).
// A draft that cannot be read only offers to start over.
type resumeView struct {
	k      resumeKeys
	draft  wizard.State
	broken error
	cursor int // 0 resume, 1 start over
}

func newResumeView(st wizard.State) *resumeView {
	return &resumeView{k: resumeKeys{
		Up:     binding("↑/k", "up", "up", "k"),
		Down:   binding("↓/j", "down", "down", "j"),
		Choose: binding("enter", "choose", "enter"),
		Back:   binding("esc", "back", "esc"),
	}, draft: st}
}

func newBrokenDraftView(err error) *resumeView {
	r := newResumeView(wizard.New())
	r.broken, r.cursor = err, 1
	r.k.Up.SetEnabled(false)
	r.k.Down.SetEnabled(false)
	r.k.Choose.SetHelp("enter", "start over")
	return r
}

func (r *resumeView) keys() keyList { return keyList{r.k.Up, r.k.Down, r.k.Choose, r.k.Back} }

func (r *resumeView) label() string {
	if name := r.draft.Form.Name; name != "" {
		return fmt.Sprintf("Resume “%s” (step %d, %s)", safetext.Line(name), r.draft.Step.Number(), r.draft.Step.Title())
	}
	return fmt.Sprintf("Resume (step %d, %s; no name yet)", r.draft.Step.Number(), r.draft.Step.Title())
}

func (m *Model) updateResume(msg tea.KeyPressMsg) tea.Cmd {
	r := m.resume
	switch {
	case key.Matches(msg, r.k.Up), key.Matches(msg, r.k.Down):
		if r.broken == nil {
			r.cursor = 1 - r.cursor
		}
	case key.Matches(msg, r.k.Back):
		return back
	case key.Matches(msg, r.k.Choose):
		m.resume = nil
		if r.cursor == 0 {
			return m.resumeDraft(r.draft)
		}
		// Start over from the draft, so its unused key is discarded too.
		m.st = r.draft
		cmd := m.apply(wizard.StartOver{})
		m.check.focus(m.st.Focus, m.steps)
		m.check.refresh(m.styles, m.steps)
		return cmd
	}
	return nil
}

// resumeDraft makes the wizard the draft, on its page.
func (m *Model) resumeDraft(st wizard.State) tea.Cmd {
	m.st = st
	m.check.focus(m.st.Focus, m.steps)
	m.check.refresh(m.styles, m.steps)
	return m.enter(wizard.StepChecklist)
}

// ResumeWithoutAsking makes the draft Init finds open as it is, without the
// question whether to resume it: the automatic path, switching to the
// guided one, has just written it for this very link. A draft that cannot
// be read still says so.
func (m *Model) ResumeWithoutAsking() { m.resumeNow = true }

func (m *Model) viewResume() string {
	r, s := m.resume, m.styles
	w := max(m.width, 20)
	lines := []string{header(s, "", w), ""}
	if r.broken != nil {
		lines = append(lines,
			s.Bad.Render(wrap("A wizard in progress was found, but it cannot be used:", w)),
			wrap(safetext.Line(r.broken.Error()), w), "",
			wrap("Start over: the old draft is deleted and you begin at the checklist.", w), "",
			s.Selected.Render("› Start over"))
		return strings.Join(lines, "\n")
	}
	lines = append(lines, wrap("You have a link in progress from an earlier session.", w), "")
	over := "Start over (forget it)"
	if r.draft.Cred != nil { // before the form no key exists: promise only what happens
		over = "Start over (forget it, and delete its unused key)"
	}
	opts := []string{r.label(), over}
	for i, o := range opts {
		if i == r.cursor {
			lines = append(lines, s.Selected.Render(hang("› ", o, w)))
		} else {
			lines = append(lines, hang("  ", o, w))
		}
	}
	return strings.Join(lines, "\n")
}
