package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/internal/safetext"
)

// View draws the frame: header, side navigation, the page, status line and
// help bar. Only the root builds a tea.View; pages return strings.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "xops"
	return v
}

// render draws the frame as a string (the tests read it through View).
func (m *Model) render() string {
	l := m.lay
	if l.width == 0 || l.height == 0 {
		return "" // no size yet: the first WindowSizeMsg is on its way
	}
	if l.tooSmall {
		quit := "q"
		if !m.keys.Quit.Enabled() {
			quit = "ctrl+c"
		}
		return tooSmallView(l.width, l.height, quit)
	}
	body := m.bodyView()
	if l.nav {
		nav := m.styles.Nav.Height(l.bodyHeight).Render(fit(m.navView(), navInnerWidth, l.bodyHeight))
		body = lipgloss.JoinHorizontal(lipgloss.Top, nav, body)
	}
	parts := []string{
		fit(m.headerView(), l.width, l.headerHeight),
		fit(body, l.width, l.bodyHeight),
		fit(m.statusView(), l.width, l.statusHeight),
		fit(m.helpView(), l.width, l.helpHeight),
	}
	return strings.Join(parts, "\n")
}

// bodyView is the page, clipped to its region.
func (m *Model) bodyView() string {
	var s string
	if m.prompt != nil {
		s = m.prompt.view(m.styles, m.lay.contentWidth)
	} else if page := m.page(); page != nil {
		s = page.View()
	} else {
		s = m.styles.Muted.Render("Reading the accounts…")
	}
	return fit(s, m.lay.contentWidth, m.lay.bodyHeight)
}

// headerView: the product name, where the admin is, and the SANDBOX badge.
// A breadcrumb too long for the line loses its first crumbs ("… › Microsoft
// › Link a New Microsoft Account"): the last one says where the admin is.
func (m *Model) headerView() string {
	name := m.styles.Title.Render("xops")
	right := ""
	if m.deps.Sandbox {
		right = m.styles.Badge.Render("SANDBOX")
	}
	room := m.lay.width - ansi.StringWidth(right) - 1
	crumbs := breadcrumb(m.state)
	left := name
	for i := range crumbs {
		trail := crumbs[i:]
		if i > 0 {
			trail = append([]string{"…"}, trail...)
		}
		left = name + m.styles.Muted.Render("  "+strings.Join(trail, " › "))
		if ansi.StringWidth(left) <= room {
			break
		}
	}
	left = truncate(left, room)
	gap := max(1, m.lay.width-ansi.StringWidth(left)-ansi.StringWidth(right))
	return left + strings.Repeat(" ", gap) + right
}

// breadcrumb names where the admin is, from the section the side navigation
// marks, the same whichever way the admin came: "Integrations › Microsoft ›
// Link a New Microsoft Account" from the first-run picker, from Home's link
// key or from the side navigation; "Home › contoso › Verify" for an account
// (named even when the action was opened from Home's list). The first-run
// picker stands alone: "Choose your platform".
func breadcrumb(s flow.State) []string {
	at := s.At
	switch at.Section() {
	case flow.SectionIntegrations:
		crumbs := []string{locationTitle(flow.Location{Page: flow.PageIntegrations})}
		if at.Page == flow.PageMicrosoft || at.Page == flow.PageLinkWizard {
			crumbs = append(crumbs, locationTitle(flow.Location{Page: flow.PageMicrosoft}))
		}
		if at.Page == flow.PageLinkWizard || at.Page == flow.PageUnsupported {
			crumbs = append(crumbs, locationTitle(at))
		}
		return crumbs
	case flow.SectionSettings:
		return []string{locationTitle(at)}
	}
	var crumbs []string
	prev := flow.Location{}
	for _, loc := range s.Trail() {
		if flow.IsAccountAction(loc.Page) && !(prev.Page == flow.PageAccount && prev.Account == loc.Account) {
			// Opened from Home: name the account the action is about.
			crumbs = append(crumbs, safetext.Line(loc.Account))
		}
		if t := locationTitle(loc); t != "" {
			crumbs = append(crumbs, t)
		}
		prev = loc
	}
	return crumbs
}

// navView is the side navigation; the entry of the current section is marked
// with ▸ as well as styled, so it shows without colour too.
func (m *Model) navView() string {
	cur := m.state.At.Section()
	lines := make([]string, 0, len(flow.Sections))
	for _, sec := range flow.Sections {
		if sec == cur {
			lines = append(lines, m.styles.NavActive.Render("▸ "+sec.Title()))
		} else {
			lines = append(lines, m.styles.NavItem.Render("  "+sec.Title()))
		}
	}
	return strings.Join(lines, "\n")
}

// statusText is the status line's text with its mark ("✗ " for an error),
// unstyled and on one line.
func (m *Model) statusText() string {
	// Status text often quotes errors from outside (servers, files).
	text := safetext.Line(m.status.text)
	if m.status.err {
		return "✗ " + text
	}
	return text
}

// statusView is the status line: one row, or two (wrapped) for a message
// wider than the frame when the layout gave it two.
func (m *Model) statusView() string {
	if m.status.text == "" {
		return ""
	}
	if m.status.warn {
		// nothing failed: no ✗
		return m.styles.Warn.Render(m.warningLine(safetext.Line(m.status.text)))
	}
	text := m.statusText()
	if m.lay.statusHeight > 1 {
		rows := strings.Split(wrap(text, m.lay.width), "\n")
		if len(rows) > 2 {
			rows = []string{rows[0], strings.Join(rows[1:], " ")}
		}
		text = strings.Join(rows, "\n")
	}
	style := m.styles.StatusBar
	if m.status.err {
		style = m.styles.Bad
	}
	return styledRows(style, text)
}

// styledRows styles each row on its own, so that fit's cut of a long row
// cannot drop the style's reset.
func styledRows(style lipgloss.Style, text string) string {
	rows := strings.Split(text, "\n")
	for i, r := range rows {
		rows[i] = style.Render(r)
	}
	return strings.Join(rows, "\n")
}

// warningLine is "! text", cut to the line; the rest is on Settings, and
// the line says so in words that are never cut: "(+2 more on Settings)" when
// there are other warnings, "(whole on Settings)" when only the cut hides
// something.
func (m *Model) warningLine(text string) string {
	line := "! " + text
	w := m.lay.width
	suffix := ""
	switch {
	case m.status.more > 0:
		suffix = fmt.Sprintf(" (+%d more on Settings)", m.status.more)
	case ansi.StringWidth(line) > w:
		suffix = " (whole on Settings)"
	}
	if suffix == "" {
		return line
	}
	if room := w - ansi.StringWidth(suffix); ansi.StringWidth(line) > room {
		line = truncate(line, room)
	}
	return line + suffix
}

// helpView is the help bar. The short form drops keys from the end until the
// line fits, but always keeps "?" (which lists them all) and "q"; the help
// bubble's own truncation can overflow the line.
func (m *Model) helpView() string {
	hk := m.helpKeys()
	if m.fullHelp {
		return m.fullHelpView(hk)
	}
	var items []key.Binding
	for _, b := range hk.ShortHelp() {
		if b.Enabled() {
			items = append(items, b)
		}
	}
	// Measure each item once (plain text: the styles add no width) and drop
	// by arithmetic, then render once: re-rendering per dropped key cost
	// more than the whole page on every keystroke.
	sepW := ansi.StringWidth(m.help.ShortSeparator)
	widths := make([]int, len(items))
	total := 0
	for i, b := range items {
		widths[i] = ansi.StringWidth(b.Help().Key) + 1 + ansi.StringWidth(b.Help().Desc)
		total += widths[i]
		if i > 0 {
			total += sepW
		}
	}
	for total > m.lay.width {
		drop := dropFrom(items)
		if drop < 0 {
			break
		}
		total -= widths[drop]
		if len(items) > 1 {
			total -= sepW
		}
		items = append(items[:drop], items[drop+1:]...)
		widths = append(widths[:drop], widths[drop+1:]...)
	}
	hm := m.help
	hm.SetWidth(0) // measured here instead
	return hm.ShortHelpView(items)
}

// dropFrom picks the key the short help bar gives up next when it is too
// long: the last one, but the page's main action (enter) only when nothing
// else is left, and "?" and "q" never. A page that lists enter after its
// other keys still shows it at 60 columns.
func dropFrom(items []key.Binding) int {
	for _, keepEnter := range []bool{true, false} {
		for i := len(items) - 1; i >= 0; i-- {
			k := items[i].Keys()
			if len(k) == 0 {
				return i
			}
			switch {
			case k[0] == "?", k[0] == "q":
				continue
			case k[0] == "enter" && keepEnter:
				continue
			}
			return i
		}
	}
	return -1
}

// fullHelpView lists every enabled key. Where rows are plenty it lays them
// out in as many columns as the width holds (column-major, in the order the
// key maps give); in a short frame (under roomyHeight rows), and wherever
// the columns would need more rows than the help may take, it runs them on
// as lines of "key desc • key desc" when that takes fewer rows: every row
// the help does not take is the page's, so the page's own "more" hints
// stay on screen. The help bubble's own full view drops whole columns that
// do not fit, global keys included.
func (m *Model) fullHelpView(hk helpKeys) string {
	var items []helpItem
	for _, group := range hk.FullHelp() {
		for _, b := range group {
			if b.Enabled() {
				items = append(items, helpItem{b.Help().Key, b.Help().Desc})
			}
		}
	}
	if len(items) == 0 {
		return ""
	}
	cols := m.helpColumns(items)
	flow := m.helpFlow(items)
	limit := maxHelpRows(m.lay.height)
	switch {
	case len(flow) >= len(cols):
		return strings.Join(cols, "\n")
	case m.lay.height < roomyHeight, len(cols) > limit:
		return strings.Join(flow, "\n")
	}
	return strings.Join(cols, "\n")
}

// helpItem is one key of the full help.
type helpItem struct{ key, desc string }

// helpColumns lays the keys out in as many columns as the width holds.
func (m *Model) helpColumns(items []helpItem) []string {
	const gap = 3
	layout := func(cols int) (rows int, keyW, descW []int, total int) {
		rows = (len(items) + cols - 1) / cols
		keyW, descW = make([]int, cols), make([]int, cols)
		for i, it := range items {
			c := i / rows
			keyW[c] = max(keyW[c], ansi.StringWidth(it.key))
			descW[c] = max(descW[c], ansi.StringWidth(it.desc))
		}
		for c := range cols {
			total += keyW[c] + 1 + descW[c]
		}
		return rows, keyW, descW, total + gap*(cols-1)
	}
	cols := len(items)
	rows, keyW, descW, total := layout(cols)
	for cols > 1 && total > m.lay.width {
		cols--
		rows, keyW, descW, total = layout(cols)
	}
	lines := make([]string, rows)
	for i, it := range items {
		c, r := i/rows, i%rows
		cell := m.styles.Key.Render(it.key) + strings.Repeat(" ", keyW[c]-ansi.StringWidth(it.key)+1) +
			m.styles.Muted.Render(it.desc)
		if c < cols-1 {
			cell += strings.Repeat(" ", descW[c]-ansi.StringWidth(it.desc)+gap)
		}
		lines[r] += cell
	}
	return lines
}

// helpFlow runs the keys on as lines of "key desc • key desc", as the short
// help bar reads, breaking between keys (never inside one) at the width.
func (m *Model) helpFlow(items []helpItem) []string {
	sep := m.help.ShortSeparator
	sepW := ansi.StringWidth(sep)
	var lines []string
	line, lineW := "", 0
	for _, it := range items {
		w := ansi.StringWidth(it.key) + 1 + ansi.StringWidth(it.desc)
		cell := m.styles.Key.Render(it.key) + " " + m.styles.Muted.Render(it.desc)
		if lineW > 0 && lineW+sepW+w > m.lay.width {
			lines = append(lines, line)
			line, lineW = "", 0
		}
		if lineW > 0 {
			line += m.styles.Muted.Render(sep)
			lineW += sepW
		}
		line += cell
		lineW += w
	}
	return append(lines, line)
}

// locationTitle names a location in the header's breadcrumb.
func locationTitle(loc flow.Location) string {
	switch loc.Page {
	case flow.PagePicker:
		return "Choose your platform"
	case flow.PageHome:
		return "Home"
	case flow.PageIntegrations:
		return "Integrations"
	case flow.PageMicrosoft:
		return "Microsoft"
	case flow.PageLinkWizard:
		return "Link a New Microsoft Account"
	case flow.PageUnsupported:
		return loc.Platform.Title()
	case flow.PageSettings:
		return "Settings"
	case flow.PageAccount:
		return safetext.Line(loc.Account)
	case flow.PageVerify:
		return "Verify"
	case flow.PageExport:
		return "Export"
	case flow.PageRotate:
		return "Rotate the certificate"
	case flow.PageRename:
		return "Rename"
	case flow.PageDelete:
		return "Delete"
	}
	return ""
}

// lineCount is the number of rows s takes.
func lineCount(s string) int {
	if s == "" {
		return 0
	}
	return strings.Count(s, "\n") + 1
}
