package ui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/xops/xops/internal/safetext"
	"github.com/xops/xops/store"
	"github.com/xops/xops/ui/uikit"
)

// accountTable draws the accounts as a table, rendering only the rows that
// fit: drawing costs the same for 10 accounts as for 10,000.
type accountTable struct {
	rows   int // visible rows (without the header)
	cursor int
	offset int // index of the first visible row
	// need is how wide each column's longest value is, measured once per
	// load (not per frame) so columns do not jump while scrolling.
	need columns
}

// column widths of the table; see columnWidths.
type columns struct{ name, org, tenant, status int }

const (
	colGap     = 1
	cursorMark = 2 // "› " in front of each row
	guidWidth  = 36
	// shortStatus fits every short status ("· not verified", "✗ failed").
	shortStatus = 14
)

// measure records how wide the longest name, organization and status are.
// It runs once per load over every account, so it allocates nothing.
func (t *accountTable) measure(accounts []store.Account) {
	t.need = columns{name: len("NAME"), org: len("ORGANIZATION"), tenant: guidWidth, status: shortStatus}
	for _, a := range accounts {
		t.need.name = max(t.need.name, cellWidth(safetext.Line(a.Name)))
		t.need.org = max(t.need.org, cellWidth(safetext.Line(a.Organization)))
		t.need.status = max(t.need.status, statusWidth(a))
	}
}

// statusWidth is the width of the status cell's long form (mark, space,
// text), without building the string.
func statusWidth(a store.Account) int {
	if a.Status == store.StatusFailed && a.FailedStep != "" {
		return 2 + len("failed at step ") + cellWidth(safetext.Line(a.FailedStep))
	}
	_, text := statusText(a) // a constant: nothing to build
	return 2 + len(text)
}

// cellWidth is the width of s in terminal cells, with a fast path for
// ASCII (names and domains nearly always are).
func cellWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return ansi.StringWidth(s)
		}
	}
	return len(s)
}

// columnWidths shares width between the columns. Name and organization
// start at a minimum and grow in turns, one cell each, up to what the
// longest value needs (capped: a 64-character name must not push the rest
// out). Status and tenant only grow when they can grow whole: the status
// column shows "✗ failed" until "✗ failed at step …" fits, the tenant its
// first 8 characters until the whole GUID does. On narrow pages the tenant
// column goes: the lines under the table show it.
func columnWidths(width int, need columns) columns {
	need.name, need.org = min(need.name, 24), min(need.org, 32)
	avail := width - cursorMark - 3*colGap
	c := columns{name: min(need.name, 10), org: min(need.org, 12), tenant: 9, status: shortStatus}
	if avail < c.name+c.org+c.tenant+c.status {
		c.tenant = 0
		avail += colGap
	}
	extra := avail - (c.name + c.org + c.tenant + c.status)
	for extra > 0 && (c.name < need.name || c.org < need.org) {
		if c.name < need.name {
			c.name++
			extra--
		}
		if extra > 0 && c.org < need.org {
			c.org++
			extra--
		}
	}
	if d := need.status - c.status; d > 0 && d <= extra {
		c.status, extra = need.status, extra-d
	}
	if c.tenant > 0 && guidWidth-c.tenant <= extra {
		c.tenant = guidWidth
	}
	return c
}

// scrollTo keeps the cursor within the visible rows.
func (t *accountTable) scrollTo(total int) {
	t.cursor = max(0, min(t.cursor, total-1))
	if t.rows <= 0 {
		t.offset = t.cursor
		return
	}
	if t.cursor < t.offset {
		t.offset = t.cursor
	}
	if t.cursor >= t.offset+t.rows {
		t.offset = t.cursor - t.rows + 1
	}
	t.offset = max(0, min(t.offset, total-t.rows))
}

// view draws the header and the visible rows.
func (t *accountTable) view(s uikit.Styles, accounts []store.Account, width int) string {
	c := columnWidths(width, t.need)
	var b strings.Builder
	b.WriteString(s.Muted.Render(strings.Repeat(" ", cursorMark) +
		row(c, "NAME", "ORGANIZATION", "TENANT") + "STATUS"))
	end := min(len(accounts), t.offset+t.rows)
	for i := t.offset; i < end; i++ {
		a := accounts[i]
		status := statusCell(s, a, c.status)
		// Stored text is drawn only after escapes and controls are gone.
		line := row(c, safetext.Line(a.Name), safetext.Line(a.Organization),
			shortTenant(safetext.Line(a.TenantID), c.tenant))
		b.WriteString("\n")
		if i == t.cursor {
			b.WriteString(s.Selected.Render("› "+line) + status)
		} else {
			b.WriteString("  " + s.Text.Render(line) + status)
		}
	}
	return b.String()
}

// row lays out the plain cells of one row; the status cell is appended by
// the caller because it carries its own colour.
func row(c columns, name, org, tenant string) string {
	cell := func(s string, w int) string {
		s = ansi.Truncate(s, w, "…")
		return s + strings.Repeat(" ", max(0, w-ansi.StringWidth(s)))
	}
	gap := strings.Repeat(" ", colGap)
	out := cell(name, c.name) + gap + cell(org, c.org) + gap
	if c.tenant > 0 {
		out += cell(tenant, c.tenant) + gap
	}
	return out
}

// shortTenant shows the tenant GUID whole when it fits, else its first 8
// characters (enough to tell tenants apart at a glance).
func shortTenant(id string, w int) string {
	if len(id) <= w {
		return id
	}
	if len(id) > 8 {
		return id[:8] + "…"
	}
	return id
}

// statusText is the account's verification status in words, with the mark
// that tells the states apart without colour.
func statusText(a store.Account) (mark, text string) {
	switch a.Status {
	case store.StatusVerified:
		return "✓", "verified"
	case store.StatusFailed:
		if a.FailedStep != "" {
			return "✗", "failed at step " + safetext.Line(a.FailedStep)
		}
		return "✗", "failed (no setup step at fault)"
	default:
		return "·", "not verified"
	}
}

// statusCell is the status column of a row, coloured. Where "failed at step
// X" does not fit, it says "failed": the line under the table names the step.
func statusCell(s uikit.Styles, a store.Account, width int) string {
	mark, text := statusText(a)
	cell := mark + " " + text
	if ansi.StringWidth(cell) > width && a.Status == store.StatusFailed {
		cell = mark + " failed"
	}
	return statusStyle(s, a.Status).Render(ansi.Truncate(cell, width, "…"))
}

// statusStyle colours a verification status.
func statusStyle(s uikit.Styles, st store.Status) lipgloss.Style {
	switch st {
	case store.StatusVerified:
		return s.OK
	case store.StatusFailed:
		return s.Bad
	default:
		return s.Muted
	}
}
