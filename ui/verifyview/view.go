package verifyview

import (
	"fmt"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/internal/safetext"
	"github.com/xops/xops/ui/uikit"
)

// Layout constants: the checks sit two columns in, their details under
// their titles.
const (
	checkIndent  = "  "
	detailIndent = "      "
	minWrap      = 20
)

// View implements uikit.Screen: a header, the checks (scrolling when they do
// not fit), and a status footer pinned to the bottom of the given height.
func (m *Model) View() string {
	body, _, _ := m.body()
	header, footer := m.chrome(len(body))

	window := m.window(len(body))
	offset := min(max(m.offset, 0), max(len(body)-window, 0))
	shown := append([]string(nil), body[offset:min(offset+window, len(body))]...)
	if len(body) > window {
		shown = append(shown, m.styles.Muted.Render(scrollHint(offset, len(body), window)))
	}
	// Pad so the footer stays at the bottom whatever the checks' height.
	for len(header)+len(shown)+len(footer) < m.height {
		shown = append(shown, "")
	}

	lines := make([]string, 0, len(header)+len(shown)+len(footer))
	lines = append(lines, header...)
	lines = append(lines, shown...)
	lines = append(lines, footer...)
	return strings.Join(lines, "\n")
}

// chrome is the header and the footer for a body of total lines: each with
// its blank row that sets it apart from the checks, unless the checks would
// then not fit (they scroll), when those rows go to the checks.
func (m *Model) chrome(total int) (header, footer []string) {
	header, footer = m.header(), m.footer()
	if total <= m.height-len(header)-len(footer) {
		return header, footer
	}
	return header[:len(header)-1], footer[1:]
}

// header is the title and a line that says what is happening, then a blank
// row.
func (m *Model) header() []string {
	title := m.styles.Title.Render(ansi.Truncate("Verify “"+line(m.deps.Account)+"”", m.width, "…"))
	sub := "Checking the setup live with Microsoft"
	if m.attempt > 1 {
		sub += fmt.Sprintf(" · attempt %d", m.attempt)
	}
	lines := []string{title}
	lines = append(lines, m.render(m.styles.Subtitle, "", sub)...)
	return append(lines, "")
}

// body lists every check, with the details of the failed ones. failStart and
// failEnd span the first failed check's lines (-1 when none failed), so the
// screen can scroll it into view.
func (m *Model) body() (lines []string, failStart, failEnd int) {
	failStart, failEnd = -1, -1
	for _, id := range m.checkIDs() {
		r, have := m.results[id]
		start := len(lines)
		lines = append(lines, m.checkRow(id, r, have)...)
		if have && !r.OK && !r.Skipped {
			lines = append(lines, m.failureDetail(r)...)
			if failStart < 0 {
				failStart, failEnd = start, len(lines)-1
			}
		}
		if have && r.Warning != "" {
			lines = append(lines, m.render(m.styles.Warn, detailIndent, "⚠ "+r.Warning)...)
		}
	}
	return lines, failStart, failEnd
}

// checkIDs is every check in report order, then any the verifier reported
// that this screen does not know (a newer entra), so nothing is hidden.
func (m *Model) checkIDs() []entra.CheckID {
	ids := append([]entra.CheckID(nil), entra.CheckOrder...)
	known := map[entra.CheckID]bool{}
	for _, id := range ids {
		known[id] = true
	}
	for _, r := range m.report.Checks {
		if !known[r.ID] {
			known[r.ID] = true
			ids = append(ids, r.ID)
		}
	}
	return ids
}

// checkRow is one check's mark and title. A title too long for the width
// takes its short name ("Domain belongs to the tenant" at 60×16 beside the
// side navigation), and one longer still wraps under itself: never cut.
func (m *Model) checkRow(id entra.CheckID, r entra.CheckResult, have bool) []string {
	title := line(CheckTitle(id))
	titleStyle := m.styles.Text
	var mark, note string
	switch {
	case !have && m.phase == phaseRunning:
		mark = m.styles.Muted.Render(spinFrames.Frames[m.frame])
	case !have:
		mark, note = m.styles.Muted.Render("·"), "not run"
	case r.Skipped:
		mark, note = m.styles.Muted.Render("–"), "skipped"
	case r.OK:
		mark = m.styles.OK.Render("✓")
	default:
		mark = m.styles.Bad.Render("✗")
		titleStyle = m.styles.Bad
	}
	under := strings.Repeat(" ", len(checkIndent)+2) // under the title, past the mark
	noteW := 0
	if note != "" {
		noteW = len(note) + 3 // " (note)"
	}
	if short := shortCheckTitle(id); short != "" && len(under)+ansi.StringWidth(title)+noteW > m.width {
		title = short
	}
	width := max(m.width-len(under), minWrap)
	parts := strings.Split(ansi.Wrap(title, width, " -/"), "\n")
	rows := make([]string, len(parts))
	for i, p := range parts {
		lead := under
		if i == 0 {
			lead = checkIndent + mark + " "
		}
		rows[i] = lead + titleStyle.Render(strings.TrimRight(p, " "))
	}
	if note != "" {
		n := "(" + note + ")"
		last := len(rows) - 1
		if ansi.StringWidth(rows[last])+1+len(n) <= m.width {
			rows[last] += " " + m.styles.Muted.Render(n)
		} else {
			rows = append(rows, under+m.styles.Muted.Render(n))
		}
	}
	return rows
}

// failureDetail says what went wrong, which step to fix and how. A failure
// no checklist step explains (the network, the clock, Exchange itself) says
// so, and offers no step to go back to.
func (m *Model) failureDetail(r entra.CheckResult) []string {
	var lines []string
	if r.Message != "" {
		lines = append(lines, m.render(m.styles.Text, detailIndent, r.Message)...)
	}
	if r.Step != "" {
		lines = append(lines, m.render(m.styles.Text, detailIndent, "Step to fix: "+StepLabel(r.Step))...)
		if r.Hint != "" {
			lines = append(lines, m.render(m.styles.Muted, detailIndent, "How: "+entra.ScreenHint(r.Hint))...)
		}
		return lines
	}
	lines = append(lines, m.render(m.styles.Muted, detailIndent, "Not a setup mistake: no checklist step needs changing.")...)
	hint := entra.ScreenHint(r.Hint)
	if hint == "" {
		hint = "Check the network, then retry."
	}
	return append(lines, m.render(m.styles.Muted, detailIndent, "What to do: "+hint)...)
}

// footer is the status: progress while running, the verdict after, and the
// auto-retry countdown.
func (m *Model) footer() []string {
	lines := []string{""}
	add := func(st lipgloss.Style, s string) { lines = append(lines, m.render(st, "", s)...) }
	switch m.phase {
	case phaseRunning:
		done := 0
		for _, id := range entra.CheckOrder {
			if _, ok := m.results[id]; ok {
				done++
			}
		}
		add(m.styles.Muted, fmt.Sprintf("Checking… %d of %d done.", done, len(entra.CheckOrder)))
	case phaseCancelled:
		add(m.styles.Muted, "Verification cancelled. Press r to run it again.")
	case phaseError:
		add(m.styles.Bad, "✗ Couldn't run the verification: "+m.err.Error())
	case phaseDone:
		m.verdict(add)
	}
	switch {
	case m.counting:
		left := m.retryAt.Sub(m.deps.Now())
		add(m.styles.Warn, m.fitting(fmt.Sprintf("Retrying in %s (Entra can take minutes to apply a change).", seconds(left)),
			fmt.Sprintf("Retrying in %s: Entra can be slow.", seconds(left))))
	case m.gaveUp:
		add(m.styles.Muted, fmt.Sprintf("Stopped retrying by itself after %s: r tries again.", minutes(m.deps.RetryWindow)))
	}
	return lines
}

// verdict adds the outcome of a finished attempt to the footer.
func (m *Model) verdict(add func(lipgloss.Style, string)) {
	r := m.report
	warnings := 0
	for _, c := range r.Checks {
		if c.Warning != "" {
			warnings++
		}
	}
	switch {
	case r.OK:
		add(m.styles.OK, m.fitting(fmt.Sprintf("✓ All %d checks passed: “%s” is verified.", len(r.Checks), line(m.deps.Account)),
			fmt.Sprintf("✓ All %d checks passed: verified.", len(r.Checks))))
	case r.FailedStep != "":
		add(m.styles.Bad, m.fitting("✗ Fix "+stepRef(r.FailedStep)+", then retry.", "✗ Fix "+shortStep(r.FailedStep)+", then retry."))
	default:
		add(m.styles.Bad, "✗ Not a setup mistake: solve the problem above, then retry.")
	}
	if warnings > 0 {
		text := m.fitting("⚠ 1 warning above: act before it becomes a failure.", "⚠ 1 warning above: act on it.")
		if warnings > 1 {
			text = m.fitting(fmt.Sprintf("⚠ %d warnings above: act before they become failures.", warnings),
				fmt.Sprintf("⚠ %d warnings above: act on them.", warnings))
		}
		add(m.styles.Warn, text)
	}
}

// fitting is long when it fits on one line, else short (which may wrap):
// at 60×16 the footer's lines are the checks' room.
func (m *Model) fitting(long, short string) string {
	if ansi.StringWidth(long) <= m.width {
		return long
	}
	return short
}

// scrollHint tells where the hidden checks are.
func scrollHint(offset, total, window int) string {
	above, below := offset, total-offset-window
	switch {
	case above > 0 && below > 0:
		return fmt.Sprintf("%s↑ %d more above, ↓ %d more below (j/k)", checkIndent, above, below)
	case above > 0:
		return fmt.Sprintf("%s↑ %d more above (k)", checkIndent, above)
	default:
		return fmt.Sprintf("%s↓ %d more below (j)", checkIndent, below)
	}
}

// window is how many body lines fit; when they do not all fit, one line is
// kept for the scroll hint.
func (m *Model) window(total int) int {
	header, footer := m.chrome(total)
	free := m.height - len(header) - len(footer)
	if total > free {
		free--
	}
	return max(free, 1)
}

func (m *Model) maxOffset() int {
	body, _, _ := m.body()
	return max(len(body)-m.window(len(body)), 0)
}

func (m *Model) clampOffset() {
	m.offset = min(max(m.offset, 0), m.maxOffset())
}

// scrollToFailure brings the first failed check's details into view.
func (m *Model) scrollToFailure() {
	body, start, end := m.body()
	if start < 0 {
		return
	}
	window := m.window(len(body))
	if end >= m.offset+window {
		m.offset = end - window + 1
	}
	if start < m.offset {
		m.offset = start
	}
	m.clampOffset()
}

// render cleans text that may have come from a server, wraps it to the
// screen's width after indent, and styles each line. Lines break at spaces
// only: IDs and thumbprints are compared with the portal's and must not be
// split at their hyphens; a word wider than the line is cut.
func (m *Model) render(st lipgloss.Style, indent, s string) []string {
	width := max(m.width-ansi.StringWidth(indent), minWrap)
	var out []string
	for _, para := range strings.Split(text(s), "\n") {
		for _, l := range strings.Split(uikit.Wrap(para, width, ""), "\n") {
			out = append(out, indent+st.Render(strings.TrimRight(l, " ")))
		}
	}
	return out
}

// line and text are the one place this screen cleans outside text (account
// names, server messages) before drawing it: entra already sanitises, but a
// terminal is worth the second look.
func line(s string) string { return safetext.Line(s) }
func text(s string) string { return safetext.Text(s) }

// seconds formats a countdown, rounding up so it never shows 0s early.
func seconds(d time.Duration) string {
	s := (d + time.Second - 1) / time.Second
	return fmt.Sprintf("%ds", max(s, 0))
}

// minutes formats the retry window in words.
func minutes(d time.Duration) string {
	if d%time.Minute == 0 {
		if d == time.Minute {
			return "1 minute"
		}
		return fmt.Sprintf("%d minutes", d/time.Minute)
	}
	return d.String()
}
