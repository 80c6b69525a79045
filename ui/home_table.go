package ui

import (
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/internal/safetext"
	"github.com/xops/xops/store"
	"github.com/xops/xops/ui/uikit"
)

// accountTable draws the accounts as a table, rendering only the rows that
// fit: drawing costs the same for 10 accounts as for 10,000. It reads only
// the account records (the expiry is in them): no key or certificate is
// decoded to draw.
type accountTable struct {
	rows   int // visible rows (without the header)
	cursor int
	offset int // index of the first visible row
	// need is how wide each column's longest value is, measured once per
	// load (not per frame) so columns do not jump while scrolling.
	need columns
}

// columns are the widths of the table's columns; 0 hides a column.
type columns struct{ name, org, tenant, status, verified, expiry int }

const (
	colGap     = 1
	cursorMark = 2 // "› " in front of each row
	guidWidth  = 36
	// shortStatus fits every short status ("· not verified", "✗ failed").
	shortStatus = 14
	dateWidth   = len("2006-01-02")
	// expiryWidth fits "! in 30 days", "✗ expired" and a date.
	expiryWidth = 12
)

// measure records how wide the longest name, organization and status are.
// It runs once per load over every account, so it allocates nothing.
func (t *accountTable) measure(accounts []store.Account) {
	t.need = columns{name: len("NAME"), org: len("ORGANIZATION"), tenant: guidWidth, status: shortStatus,
		verified: dateWidth, expiry: expiryWidth}
	for i := range accounts {
		a := &accounts[i]
		t.need.name = max(t.need.name, cellWidth(safetext.Line(a.Name)))
		t.need.org = max(t.need.org, cellWidth(safetext.Line(a.Organization)))
		t.need.status = max(t.need.status, statusWidth(*a))
	}
}

// statusWidth is the width of the status cell's long form (mark, space,
// text), without building the string.
func statusWidth(a store.Account) int {
	if a.Status == store.StatusFailed && a.FailedStep != "" {
		if t := failedAt(entra.Step(a.FailedStep)); t != "" {
			return 2 + len(t)
		}
		return 2 + len("failed at ") + cellWidth(safetext.Line(a.FailedStep))
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

// columnWidths shares width between the columns. Name, status and expiry
// always show; the organization joins when it fits. Name and organization
// then grow in turns, one cell each, up to what the longest value needs
// (capped: a 64-character name must not push the rest out). Then the status
// grows to "✗ failed at step N" where it can grow whole, and the tenant and
// the last verification join where there is room: the lines under the
// table spell out the selected account in full. Last, the tenant grows to
// the whole GUID when it can grow whole.
func columnWidths(width int, need columns) columns {
	need.name, need.org = min(need.name, 24), min(need.org, 32)
	c := columns{name: min(need.name, 10), status: shortStatus, expiry: expiryWidth}
	left := width - cursorMark - (c.name + colGap + c.status + colGap + c.expiry)
	join := func(w *int, n int) {
		if left >= n+colGap {
			*w = n
			left -= n + colGap
		}
	}
	join(&c.org, min(need.org, 12))
	for left > 0 && (c.name < need.name || (c.org > 0 && c.org < need.org)) {
		if c.name < need.name {
			c.name++
			left--
		}
		if left > 0 && c.org > 0 && c.org < need.org {
			c.org++
			left--
		}
	}
	// "✗ failed at step 3" where it fits whole; else "✗ failed", and the
	// lines under the table name the step.
	if d := need.status - c.status; d > 0 && d <= left {
		c.status, left = need.status, left-d
	}
	join(&c.tenant, 9)
	join(&c.verified, dateWidth)
	if c.tenant > 0 && guidWidth-c.tenant <= left {
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

// view draws the header and the visible rows of list.
func (t *accountTable) view(s uikit.Styles, list *accountList, width int, now time.Time) string {
	c := columnWidths(width, t.need)
	var b strings.Builder
	header := strings.Repeat(" ", cursorMark) + row(c, "NAME", "ORGANIZATION", "TENANT") +
		pad("STATUS", c.status) + strings.Repeat(" ", colGap)
	if c.verified > 0 {
		header += pad("VERIFIED", c.verified) + strings.Repeat(" ", colGap)
	}
	b.WriteString(s.Muted.Render(header + "EXPIRES"))
	end := min(list.len(), t.offset+t.rows)
	gap := strings.Repeat(" ", colGap)
	for i := t.offset; i < end; i++ {
		a := list.at(i)
		// Stored text is drawn only after escapes and controls are gone.
		line := row(c, safetext.Line(a.Name), safetext.Line(a.Organization),
			shortTenant(safetext.Line(a.TenantID), c.tenant))
		b.WriteString("\n")
		if i == t.cursor {
			b.WriteString(s.Selected.Render("› " + line))
		} else {
			b.WriteString("  " + s.Text.Render(line))
		}
		b.WriteString(statusCell(s, *a, c.status) + gap)
		if c.verified > 0 {
			b.WriteString(s.Muted.Render(pad(verifiedText(*a), c.verified)) + gap)
		}
		b.WriteString(expiryCell(s, *a, now))
	}
	return b.String()
}

// row lays out the plain cells of one row; the status and dates are
// appended by the caller because they carry their own colours.
func row(c columns, name, org, tenant string) string {
	gap := strings.Repeat(" ", colGap)
	out := pad(name, c.name) + gap
	if c.org > 0 {
		out += pad(org, c.org) + gap
	}
	if c.tenant > 0 {
		out += pad(tenant, c.tenant) + gap
	}
	return out
}

// pad cuts s to w cells (with an ellipsis) and pads it to exactly w.
func pad(s string, w int) string {
	s = ansi.Truncate(s, w, "…")
	return s + strings.Repeat(" ", max(0, w-cellWidth(s)))
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
		if t := failedAt(entra.Step(a.FailedStep)); t != "" {
			return "✗", t
		}
		if a.FailedStep != "" {
			return "✗", "failed at " + safetext.Line(a.FailedStep)
		}
		return "✗", "failed (no setup step at fault)"
	default:
		return "·", "not verified"
	}
}

// failedAt names the step a failed verification points at, as the
// checklist numbers it ("failed at step 3"); "" for a step xops does not
// know. Constants: the list measures 10,000 of them without building any.
func failedAt(step entra.Step) string {
	switch step {
	case entra.StepRegisterApp:
		return "failed at step 1"
	case entra.StepAddExchangePermission:
		return "failed at step 2"
	case entra.StepGrantAdminConsent:
		return "failed at step 3"
	case entra.StepAssignGlobalReader:
		return "failed at step 4"
	case entra.StepCopyIDs:
		return "failed at step 5"
	case entra.StepUploadCertificate:
		return "failed at step 6"
	case entra.StepEnterIDs:
		return "failed: the IDs"
	case entra.StepGenerateKey:
		return "failed: the key"
	}
	return ""
}

// statusCell is the status column of a row, coloured and padded to width.
// Where "failed at step X" does not fit, it says "failed": the lines under
// the table name the step.
func statusCell(s uikit.Styles, a store.Account, width int) string {
	mark, text := statusText(a)
	cell := mark + " " + text
	if ansi.StringWidth(cell) > width && a.Status == store.StatusFailed {
		cell = mark + " failed"
	}
	return statusStyle(s, a.Status).Render(pad(cell, width))
}

// verifiedText is the day of the last verification, or "never".
func verifiedText(a store.Account) string {
	if a.LastVerified.IsZero() {
		return "never"
	}
	return a.LastVerified.UTC().Format("2006-01-02")
}

// expiryCell is the certificate's end: amber within 30 days, red once
// past, and in words either way.
func expiryCell(s uikit.Styles, a store.Account, now time.Time) string {
	e, at := expiryOf(a, now)
	return expiryStyle(s, e).Render(expiryText(e, at, now))
}

// expiryStyle colours an expiry.
func expiryStyle(s uikit.Styles, e expiry) lipgloss.Style {
	switch e {
	case expiryExpired:
		return s.Bad
	case expirySoon:
		return s.Warn
	case expiryNone:
		return s.Muted
	}
	return s.Text
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
