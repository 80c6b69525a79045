package wizard

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/xops/xops/assets"
	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow/wizard"
	"github.com/xops/xops/ui/uikit"
)

// checklistKeys are the checklist page's keys.
type checklistKeys struct {
	Up, Down, Tick, ScrollDown, ScrollUp, Sandbox, Continue, Back key.Binding
	// Move is Up and Down as the help bar shows them: one entry, so that
	// space and enter still fit at 60 columns.
	Move   key.Binding
	Answer questionKeys
}

func defaultChecklistKeys() checklistKeys {
	return checklistKeys{
		Up:         binding("↑/k", "up", "up", "k"),
		Down:       binding("↓/j", "down", "down", "j"),
		Tick:       binding("space", "tick", "space"),
		ScrollDown: binding("pgdn", "more", "pgdown", "J"),
		ScrollUp:   binding("pgup", "back up", "pgup", "K"),
		Sandbox:    binding("d", "do it (sandbox)", "d"),
		Move:       binding("↑↓", "move", "up", "down", "k", "j"),
		Continue:   binding("enter", "continue", "enter"),
		Back:       binding("esc", "back", "esc"),
		Answer:     defaultQuestionKeys(),
	}
}

// checklistView is the cursor and the detail pane of the checklist page.
type checklistView struct {
	k      checklistKeys
	cursor int
	detail scroller
	width  int
	height int
}

func newChecklistView() checklistView {
	return checklistView{k: defaultChecklistKeys()}
}

func (c *checklistView) setSize(w, h int) {
	c.width, c.height = w, h
}

// focus puts the cursor on step.
func (c *checklistView) focus(step entra.Step, steps []assets.Step) {
	for i, st := range steps {
		if st.ID == step {
			c.cursor = i
		}
	}
	c.detail.top()
}

// refresh lays the detail pane out for the step under the cursor: the rows
// left under the title line, the intro line, the steps and the rule.
func (c *checklistView) refresh(s uikit.Styles, steps []assets.Step) {
	if c.cursor >= len(steps) {
		return
	}
	w := max(c.width, 20)
	c.detail.setContent(stepDetail(s, steps[c.cursor], w))
	c.detail.setHeight(max(c.height-3-len(steps), 2))
}

func (c *checklistView) keys(st wizard.State, sandbox bool) keyList {
	if st.Asking == wizard.AskUnticked {
		return keyList{c.k.Answer.Yes, c.k.Answer.No}
	}
	c.k.Sandbox.SetEnabled(sandbox)
	c.k.ScrollDown.SetEnabled(c.detail.canScrollDown())
	c.k.ScrollUp.SetEnabled(c.detail.canScrollUp())
	// Sent back here by verification (f), enter verifies again; the line
	// above the steps says so too.
	c.k.Continue.SetHelp("enter", "continue")
	if st.Saved() {
		c.k.Continue.SetHelp("enter", "verify")
	}
	// enter before the sandbox's d: the help bar keeps the first keys.
	return keyList{c.k.Move, c.k.Tick, c.k.Continue, c.k.Sandbox, c.k.ScrollDown, c.k.ScrollUp, c.k.Back}
}

func (m *Model) updateChecklist(msg tea.KeyPressMsg) tea.Cmd {
	c := &m.check
	if m.st.Asking == wizard.AskUnticked {
		switch {
		case key.Matches(msg, c.k.Answer.Yes):
			return m.apply(wizard.Answer{Yes: true})
		case key.Matches(msg, c.k.Answer.No):
			cmd := m.apply(wizard.Answer{Yes: false})
			c.focus(m.st.Focus, m.steps)
			c.refresh(m.styles, m.steps)
			return cmd
		}
		return nil
	}
	if len(m.steps) == 0 {
		return nil
	}
	move := func(d int) tea.Cmd {
		c.cursor = (c.cursor + d + len(m.steps)) % len(m.steps)
		c.detail.top()
		c.refresh(m.styles, m.steps)
		return m.apply(wizard.FocusStep{Step: m.steps[c.cursor].ID})
	}
	switch {
	case key.Matches(msg, c.k.Up):
		return move(-1)
	case key.Matches(msg, c.k.Down):
		return move(1)
	case key.Matches(msg, c.k.Tick):
		return m.apply(wizard.Toggle{Step: m.steps[c.cursor].ID})
	case key.Matches(msg, c.k.ScrollDown):
		c.detail.scroll(max(c.detail.rows()-1, 1))
	case key.Matches(msg, c.k.ScrollUp):
		c.detail.scroll(-max(c.detail.rows()-1, 1))
	case key.Matches(msg, c.k.Sandbox) && m.d.Sandbox != nil:
		return m.sandboxDo(m.steps[c.cursor].ID)
	case key.Matches(msg, c.k.Continue):
		return m.apply(wizard.Continue{})
	case key.Matches(msg, c.k.Back):
		return m.apply(wizard.Back{})
	}
	return nil
}

// viewChecklist draws the steps with their ticks, then the step under the
// cursor in detail, in a pane that scrolls.
func (m *Model) viewChecklist() string {
	s, c := m.styles, &m.check
	w := max(c.width, 20)
	lines := []string{header(s, wizard.StepChecklist, w)}
	switch {
	case m.st.Asking == wizard.AskUnticked:
		lines = append(lines, m.untickedQuestion(w)...)
	case m.working != "":
		lines = append(lines, s.Warn.Render(truncate(m.spin.View()+" "+m.working, w)))
	case m.st.Saved():
		lines = append(lines, s.Warn.Render(fitting(w, "Fix the step under the cursor; enter verifies again.",
			"Fix the marked step; enter verifies again.", "Fix it; enter verifies again.")))
	case m.d.Sandbox != nil:
		lines = append(lines, s.Muted.Render(fitting(w, "Sandbox: d does the step in the simulated Entra.",
			"Sandbox: d does the step for you.")))
	default:
		lines = append(lines, s.Muted.Render(fitting(w, "Do these in the Entra admin center; space ticks.",
			"Do these in Entra; space ticks each.")))
	}
	for i, st := range m.steps {
		box := "[ ]"
		if m.st.Ticked(st.ID) {
			box = s.OK.Render("[✓]")
		}
		label := fmt.Sprintf("%d. %s", i+1, st.Title)
		if st.ID == entra.StepUploadCertificate {
			label = fitting(w-6, label+" (after the form)", label+" (later)", label)
		}
		row := box + " " + truncate(label, w-6)
		if i == c.cursor {
			row = s.Selected.Render("›") + " " + box + " " + s.Selected.Render(truncate(label, w-6))
		} else {
			row = "  " + row
		}
		lines = append(lines, row)
	}
	lines = append(lines, s.Muted.Render(strings.Repeat("─", w)))
	lines = append(lines, c.detail.view(s))
	return strings.Join(lines, "\n")
}

func (m *Model) untickedQuestion(w int) []string {
	s := m.styles
	var nums []string
	for i, st := range m.steps {
		if st.ID != entra.StepUploadCertificate && !m.st.Ticked(st.ID) {
			nums = append(nums, fmt.Sprint(i+1))
		}
	}
	list := strings.Join(nums, ", ")
	q := fmt.Sprintf("Step %s not ticked. Continue anyway? y/n", list)
	if len(nums) > 1 {
		q = fmt.Sprintf("Steps %s not ticked. Continue anyway? y/n", list)
	}
	// Narrow, the question says less but keeps its y/n.
	return []string{s.Warn.Render(fitting(w, q, list+" not ticked: continue? y/n"))}
}

// stepDetail is one checklist step in full: where to go (with links), what
// to do, and what trips people up.
func stepDetail(s uikit.Styles, st assets.Step, w int) string {
	var b []string
	b = append(b, s.Subtitle.Render(wrap(st.Summary, w)))
	b = append(b, wrap("Where: "+st.Where, w))
	for _, l := range st.Links {
		b = append(b, l.Label+":", hyperlink(l.URL, w, s.Code))
	}
	for i, d := range st.Do {
		b = append(b, hang(fmt.Sprintf("%d. ", i+1), d, w))
	}
	for _, p := range st.Pitfalls {
		b = append(b, s.Warn.Render(hang("! ", p, w)))
	}
	return strings.Join(b, "\n")
}

// hang wraps text after a prefix, indenting the following lines under the text.
func hang(prefix, text string, w int) string {
	pw := ansi.StringWidth(prefix) // cells, not bytes: "› " is two
	pad := strings.Repeat(" ", pw)
	// At spaces only: an ID in a message must not break at its hyphens.
	lines := strings.Split(uikit.Wrap(text, max(w-pw, 10), ""), "\n")
	for i := range lines {
		if i == 0 {
			lines[i] = prefix + lines[i]
		} else {
			lines[i] = pad + lines[i]
		}
	}
	return strings.Join(lines, "\n")
}
