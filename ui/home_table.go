package ui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/xops/xops/store"
	"github.com/xops/xops/ui/uikit"
)

// accountTable draws the accounts as a table, rendering only the rows that
// fit: drawing costs the same for 10 accounts as for 10,000.
type accountTable struct {
	rows   int // visible rows (without the header)
	cursor int
	offset int // index of the first visible row
}

// column widths of the table; see columnWidths.
type columns struct{ name, org, tenant, status int }

const (
	colGap     = 2
	cursorMark = 2 // "› " in front of each row
)

// columnWidths shares width between the columns. Every column gets a
// minimum; the rest goes round-robin to status, organization and name up to
// what they usually need. The tenant GUID shows its first 8 characters
// unless the whole GUID fits (half a GUID helps no more than 8 characters),
// and on narrow screens not at all: the line under the table shows it.
func columnWidths(width int) columns {
	avail := width - cursorMark - 3*colGap
	c := columns{name: 10, org: 12, tenant: 9, status: 14}
	ideal := columns{name: 24, org: 30, tenant: 36, status: 40}
	if avail < c.name+c.org+c.tenant+c.status {
		c.tenant = 0
		avail += colGap
	}
	extra := avail - (c.name + c.org + c.tenant + c.status)
	for extra > 0 {
		grew := false
		for _, col := range []struct{ w, ideal *int }{
			{&c.status, &ideal.status}, {&c.org, &ideal.org}, {&c.name, &ideal.name},
		} {
			if extra > 0 && *col.w < *col.ideal {
				*col.w++
				extra--
				grew = true
			}
		}
		if !grew {
			break
		}
	}
	if c.tenant > 0 && extra >= ideal.tenant-c.tenant {
		c.tenant = ideal.tenant
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
	c := columnWidths(width)
	var b strings.Builder
	b.WriteString(s.Muted.Render(strings.Repeat(" ", cursorMark) +
		row(c, "NAME", "ORGANIZATION", "TENANT") + "STATUS"))
	end := min(len(accounts), t.offset+t.rows)
	for i := t.offset; i < end; i++ {
		a := accounts[i]
		status := statusCell(s, a, c.status)
		line := row(c, a.Name, a.Organization, shortTenant(a.TenantID, c.tenant))
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
			return "✗", "failed at step " + a.FailedStep
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
