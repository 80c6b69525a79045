package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/xops/xops/ui/uikit"
)

// The smallest frame every page is designed to read at.
const (
	minWidth  = 60
	minHeight = 16
)

// roomyHeight is the height from which the header gets a blank row under it.
const roomyHeight = 20

// navInnerWidth fits the longest entry ("▸ Integrations").
const navInnerWidth = 14

// layout is the frame cut into regions. It is computed in one place
// (computeLayout) on every window size change and whenever the help bar
// changes height, and the sizes are handed down to the pages.
type layout struct {
	width, height int
	tooSmall      bool
	nav           bool // the side navigation is drawn
	navWidth      int  // outer width of the side navigation (0 without it)
	contentWidth  int
	headerHeight  int // the header, and a blank row under it where there is room
	bodyHeight    int // rows between the header and the status line
	statusHeight  int // 1, or 2 while a message too long for one row shows
	helpHeight    int
}

// computeLayout cuts a width×height frame into header (1 row, plus a blank
// one from roomyHeight rows up), body (side navigation and page), status line
// (statusRows rows, 1 or 2, when the page keeps minPageRows) and help
// (helpHeight rows).
func computeLayout(width, height int, nav bool, helpHeight, statusRows int) layout {
	l := layout{width: width, height: height, nav: nav}
	if width < minWidth || height < minHeight {
		l.tooSmall = true
		return l
	}
	l.headerHeight = 1
	if height >= roomyHeight {
		l.headerHeight = 2
	}
	l.helpHeight = max(1, min(helpHeight, maxHelpRows(height)))
	l.statusHeight = 1
	if statusRows > 1 && height-l.headerHeight-2-l.helpHeight >= minPageRows {
		l.statusHeight = 2
	}
	l.bodyHeight = height - l.headerHeight - l.statusHeight - l.helpHeight
	if nav {
		// inner + padding + border + margin, as uikit.Styles.Nav draws it
		l.navWidth = navInnerWidth + 3
	}
	l.contentWidth = width - l.navWidth
	return l
}

// minPageRows is what the full help always leaves the page: a few
// readable rows.
const minPageRows = 6

// maxHelpRows is the most rows the full help may take in a frame height
// rows high: all but the header (and the blank row under it from
// roomyHeight rows), the status line and minPageRows.
func maxHelpRows(height int) int {
	header := 1
	if height >= roomyHeight {
		header = 2
	}
	return height - header - 1 - minPageRows
}

// fit clips or pads s to exactly width×height cells, so that no page can
// push the frame out of shape whatever it draws. Lines are cut with ANSI
// awareness; short lines are padded with spaces.
func fit(s string, width, height int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > height {
		lines = lines[:height]
	}
	for len(lines) < height {
		lines = append(lines, "")
	}
	for i, ln := range lines {
		w := ansi.StringWidth(ln)
		if w > width {
			ln = ansi.Truncate(ln, width, "…")
			w = ansi.StringWidth(ln)
		}
		lines[i] = ln + strings.Repeat(" ", max(0, width-w))
	}
	return strings.Join(lines, "\n")
}

// wrap breaks plain text into lines no wider than width, at spaces only:
// flags like --store and IDs must never be split at their hyphens. A word
// wider than the line is cut hard.
func wrap(text string, width int) string {
	return uikit.Wrap(text, width, "")
}

// hangingWrap is wrap with continuation lines indented by indent (for
// numbered lists).
func hangingWrap(text string, width int, indent string) string {
	return uikit.Wrap(text, width, indent)
}

// truncate cuts s to width cells with an ellipsis.
func truncate(s string, width int) string {
	if width <= 0 {
		return ""
	}
	return ansi.Truncate(s, width, "…")
}

// tooSmallView is drawn instead of the pages when the terminal cannot hold
// them: garbled half-pages help no one.
// quitKey is the key that quits right now (q is text while a page captures).
func tooSmallView(width, height int, quitKey string) string {
	msg := fmt.Sprintf("Make the terminal larger (needs %d×%d, now %d×%d)\n\n%s quits", minWidth, minHeight, width, height, quitKey)
	if width <= 0 || height <= 0 {
		return msg
	}
	body := wrap(msg, width)
	return lipgloss.Place(width, height, lipgloss.Center, lipgloss.Center, body)
}
