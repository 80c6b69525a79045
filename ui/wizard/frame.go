package wizard

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/xops/xops/flow/wizard"
	"github.com/xops/xops/ui/uikit"
)

// header is the wizard's first line: where the admin is, out of how many.
func header(s uikit.Styles, step wizard.Step, width int) string {
	title := "Link a New Microsoft Account"
	pos := ""
	if n := step.Number(); n > 0 {
		pos = fmt.Sprintf("%d/%d %s", n, len(wizard.Steps), step.Title())
	}
	line := s.Title.Render(title)
	if pos != "" {
		if lipgloss.Width(title)+3+lipgloss.Width(pos) <= width {
			line += s.Muted.Render(" · " + pos)
		} else {
			line = s.Title.Render(truncate(pos, width))
		}
	}
	return line
}

// wrap breaks text into lines of at most width cells, on spaces where it can.
func wrap(text string, width int) string {
	if width <= 0 {
		return text
	}
	return ansi.Wrap(text, width, " ")
}

// truncate cuts s to width cells with an ellipsis.
func truncate(s string, width int) string {
	if width <= 0 {
		return ""
	}
	return ansi.Truncate(s, width, "…")
}

// fitting is the first of texts, longest first, that fits in width cells;
// the last, cut, when none does. A line says the same in fewer words at
// 60×16 instead of losing its end.
func fitting(width int, texts ...string) string {
	for _, t := range texts {
		if ansi.StringWidth(t) <= width {
			return t
		}
	}
	return truncate(texts[len(texts)-1], width)
}

// hyperlink draws url as an OSC 8 hyperlink whose visible text is the URL
// itself, broken into lines of width cells. Every piece is its own link to
// the whole URL (with one id, so terminals underline it as one), since a
// URL wider than the screen must still be readable and clickable.
func hyperlink(url string, width int, style lipgloss.Style) string {
	if width <= 0 {
		width = len(url)
	}
	var lines []string
	for rest := url; rest != ""; {
		n := min(width, len(rest))
		piece := rest[:n]
		rest = rest[n:]
		lines = append(lines, ansi.SetHyperlink(url, "id=xops-"+shortHash(url))+style.Render(piece)+ansi.ResetHyperlink())
	}
	return strings.Join(lines, "\n")
}

// shortHash names a URL for the OSC 8 id parameter.
func shortHash(s string) string {
	var h uint32 = 2166136261
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return fmt.Sprintf("%08x", h)
}

// scroller shows a window of lines and remembers where it is.
type scroller struct {
	lines  []string
	offset int
	height int
}

func (sc *scroller) setContent(text string) {
	sc.lines = strings.Split(text, "\n")
	sc.clamp()
}

func (sc *scroller) setHeight(h int) {
	sc.height = max(h, 1)
	sc.clamp()
}

func (sc *scroller) scroll(n int) {
	sc.offset += n
	sc.clamp()
}

func (sc *scroller) top() { sc.offset = 0 }

func (sc *scroller) clamp() {
	sc.offset = max(0, min(sc.offset, len(sc.lines)-sc.rows()))
}

// canScroll reports whether there is more than fits.
func (sc *scroller) canScroll() bool { return len(sc.lines) > sc.height }

// canScrollDown reports whether lines are hidden below: the help bar offers
// pgdn only then (at the end it would do nothing).
func (sc *scroller) canScrollDown() bool {
	return sc.canScroll() && sc.offset+sc.rows() < len(sc.lines)
}

// canScrollUp reports whether lines are hidden above.
func (sc *scroller) canScrollUp() bool { return sc.canScroll() && sc.offset > 0 }

// rows is how many lines of content show: one less than the height when a
// scroll hint takes the last line.
func (sc *scroller) rows() int {
	if sc.canScroll() {
		return max(sc.height-1, 1)
	}
	return sc.height
}

// view draws the window, followed by a scroll hint when not everything fits.
func (sc *scroller) view(s uikit.Styles) string {
	end := min(len(sc.lines), sc.offset+sc.rows())
	out := append([]string(nil), sc.lines[sc.offset:end]...)
	if sc.canScroll() {
		hint := fmt.Sprintf("▼ %d more lines: pgdn", len(sc.lines)-end)
		if end == len(sc.lines) {
			hint = "▲ end: pgup to go back"
		}
		out = append(out, s.Muted.Render(hint))
	}
	return strings.Join(out, "\n")
}
