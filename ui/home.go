package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/internal/safetext"
	"github.com/xops/xops/store"
	"github.com/xops/xops/ui/uikit"
	"github.com/xops/xops/ui/verifyview"
)

// homeScreen lists the linked accounts, or — with none — says what xops does
// and offers to link one. The list sorts (s) and filters as you type (/),
// and every account action starts from it.
type homeScreen struct {
	styles        uikit.Styles
	width, height int
	storePath     string
	now           func() time.Time
	// actions: the account actions can run (a service is wired); without
	// one their keys are off, so the help bar offers only what works.
	actions bool

	loaded bool
	// partial: only the first screenful is loaded, of total; sorting and
	// filtering wait for the rest.
	partial    bool
	storeTotal int
	list       accountList
	bad        []*store.RecordError
	err        error

	table  accountTable
	filter textinput.Model
	detail bool // room for the lines about the selected account
	keys   homeKeys
	// va is verify all (V): home_verifyall.go.
	va verifyAll
}

var (
	_ uikit.Screen      = (*homeScreen)(nil)
	_ uikit.BackHandler = (*homeScreen)(nil)
)

func newHomeScreen(storePath string, now func() time.Time, actions bool) *homeScreen {
	if now == nil {
		now = time.Now
	}
	ti := newField()
	ti.Prompt = ""
	ti.Placeholder = "name, org or tenant"
	ti.CharLimit = 128
	h := &homeScreen{storePath: storePath, now: now, actions: actions, filter: ti, keys: defaultHomeKeys()}
	h.syncKeys()
	return h
}

// setAccounts shows freshly loaded accounts. The sort and the filter stay;
// the cursor stays on the same row number (clamped), which is what a reload
// after an edit expects.
func (h *homeScreen) setAccounts(accounts []store.Account, bad []*store.RecordError, err error) {
	h.loaded, h.partial = true, false
	h.err = err
	if err == nil {
		h.bad = bad
		h.list.set(accounts)
		h.table.measure(accounts)
	}
	h.table.scrollTo(h.list.len())
	h.syncKeys()
}

// setFirstPage shows the first screenful of a large store while the rest is
// read; total is how many the store holds.
func (h *homeScreen) setFirstPage(accounts []store.Account, bad []*store.RecordError, total int) {
	h.setAccounts(accounts, bad, nil)
	h.partial, h.storeTotal = true, total
	h.syncKeys()
}

// total is how many accounts there are (filtered or not; while partial, as
// the store counted them).
func (h *homeScreen) total() int {
	if h.partial {
		return h.storeTotal
	}
	return len(h.list.accounts)
}

// empty reports whether Home shows its empty state.
func (h *homeScreen) empty() bool { return h.loaded && h.err == nil && h.total() == 0 }

// typing reports whether the filter has the keyboard.
func (h *homeScreen) typing() bool { return h.filter.Focused() }

// selected is the account under the cursor (nil when none is shown).
func (h *homeScreen) selected() *store.Account {
	if h.err != nil || h.table.cursor < 0 || h.table.cursor >= h.list.len() {
		return nil
	}
	return h.list.at(h.table.cursor)
}

func (h *homeScreen) Init() tea.Cmd { return nil }

func (h *homeScreen) Update(msg tea.Msg) (uikit.Screen, tea.Cmd) {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return h, nil
	}
	defer h.syncKeys()
	if h.typing() {
		return h, h.updateFilter(km)
	}
	if cmd, handled := h.verifyAllKey(km); handled {
		return h, cmd
	}
	t := &h.table
	switch {
	case key.Matches(km, h.keys.ClearFilter):
		h.setFilter("")
		return h, nil
	case key.Matches(km, h.keys.Link):
		return h, navigate(flow.LinkRequested{})
	case key.Matches(km, h.keys.Reload):
		return h, navigate(flow.ReloadRequested{})
	case key.Matches(km, h.keys.Filter):
		return h, h.filter.Focus()
	case key.Matches(km, h.keys.Sort):
		h.list.setSort((h.list.sort + 1) % sortCount)
		t.cursor = 0
	case key.Matches(km, h.keys.Open):
		return h, h.onSelected(func(name string) flow.Event { return flow.AccountChosen{Name: name} })
	case key.Matches(km, h.keys.Verify):
		return h, h.action(flow.PageVerify)
	case key.Matches(km, h.keys.Export):
		return h, h.action(flow.PageExport)
	case key.Matches(km, h.keys.Rotate):
		return h, h.action(flow.PageRotate)
	case key.Matches(km, h.keys.Rename):
		return h, h.action(flow.PageRename)
	case key.Matches(km, h.keys.Delete):
		return h, h.action(flow.PageDelete)
	default:
		if !h.move(km) {
			return h, nil
		}
	}
	t.scrollTo(h.list.len())
	return h, nil
}

// move handles the cursor keys; false when km is not one of them.
func (h *homeScreen) move(km tea.KeyPressMsg) bool {
	t := &h.table
	switch {
	case key.Matches(km, h.keys.Up):
		t.cursor--
	case key.Matches(km, h.keys.Down):
		t.cursor++
	case key.Matches(km, h.keys.PageUp):
		t.cursor -= max(1, t.rows)
	case key.Matches(km, h.keys.PageDn):
		t.cursor += max(1, t.rows)
	case key.Matches(km, h.keys.Top):
		t.cursor = 0
	case key.Matches(km, h.keys.Bottom):
		t.cursor = h.list.len() - 1
	default:
		return false
	}
	t.scrollTo(h.list.len())
	return true
}

// updateFilter is a key while the filter has the keyboard: enter keeps the
// filter and gives the keys back to the list, esc clears it, ↑/↓ move in
// the list, everything else edits the filter, which applies at once.
func (h *homeScreen) updateFilter(km tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(km, h.keys.FilterDone):
		h.filter.Blur()
		return nil
	case key.Matches(km, h.keys.FilterCancel):
		h.filter.Blur()
		h.setFilter("")
		return nil
	case km.String() == "up" || km.String() == "down":
		h.move(km)
		return nil
	}
	var cmd tea.Cmd
	h.filter, cmd = h.filter.Update(km)
	if h.filter.Value() != h.list.filter {
		h.list.setFilter(h.filter.Value())
		h.table.cursor = 0
		h.table.scrollTo(h.list.len())
	}
	return cmd
}

func (h *homeScreen) setFilter(q string) {
	h.filter.SetValue(q)
	h.list.setFilter(q)
	h.table.cursor = 0
	h.table.scrollTo(h.list.len())
}

// action opens an action page for the selected account.
func (h *homeScreen) action(p flow.Page) tea.Cmd {
	return h.onSelected(func(name string) flow.Event { return flow.AccountActionChosen{Name: name, Action: p} })
}

func (h *homeScreen) onSelected(event func(name string) flow.Event) tea.Cmd {
	a := h.selected()
	if a == nil {
		return nil
	}
	return navigate(event(a.Name))
}

// Rows taken by the list's surroundings: title and the filter line, and the
// table header; then a blank line and the four lines about the selected
// account, which give way to rows when the page is short.
const (
	homeChromeRows  = 2 + 1
	homeDetailRows  = 1 + 4
	homeMinListRows = 3
)

func (h *homeScreen) SetSize(width, height int) {
	h.width, h.height = width, height
	h.detail = height-homeChromeRows-homeDetailRows >= homeMinListRows
	rows := height - homeChromeRows
	if h.detail {
		rows -= homeDetailRows
	}
	h.table.rows = max(1, rows)
	h.table.scrollTo(h.list.len())
	// Room for "/ " and "  250 of 250" beside it: at 60×16 the placeholder
	// ("name, org or tenant") still shows whole.
	h.filter.SetWidth(min(24, max(10, width-20)))
}

func (h *homeScreen) SetStyles(s uikit.Styles) { h.styles = s }

func (h *homeScreen) KeyMap() help.KeyMap { return h.keys }

// Capturing is true while the filter takes the keys (q and ? are text then).
func (h *homeScreen) Capturing() bool { return h.typing() }

// HandlesBack: esc answers "no" to verify all's question, stops a run under
// way, and clears the filter before it leaves anything.
func (h *homeScreen) HandlesBack() bool {
	return h.typing() || h.list.filter != "" || h.va.asking > 0 || h.va.running()
}

func (h *homeScreen) View() string {
	s := h.styles
	switch {
	case !h.loaded:
		return s.Title.Render("Home") + "\n\n" + s.Muted.Render("Reading the accounts…")
	case h.err != nil:
		return h.errorView()
	case h.total() == 0:
		return h.emptyView()
	}
	now := h.now()
	var b strings.Builder
	b.WriteString(truncate(s.Title.Render(fmt.Sprintf("Linked accounts (%d)", h.total()))+
		s.Muted.Render("  sorted by "+h.list.sort.String()), h.width))
	b.WriteString("\n" + h.filterLine())
	b.WriteString("\n" + h.table.view(s, &h.list, h.width, now))
	if h.list.len() == 0 {
		b.WriteString("\n" + s.Muted.Render(truncate("  No account matches; esc clears.", h.width)))
	}
	if !h.detail {
		return b.String()
	}
	shown := max(h.list.len(), 1)
	for i := h.table.offset + h.table.rows; i > shown; i-- {
		b.WriteString("\n") // keep the detail lines at the bottom
	}
	b.WriteString("\n\n" + h.selectedView(now))
	return b.String()
}

// filterLine is the line under the title: the filter while one is typed,
// else verify all's question or progress, else the filter set, else the
// warning about unreadable records, else the last verify all's summary.
func (h *homeScreen) filterLine() string {
	s := h.styles
	va, vaBad := h.verifyAllLine()
	switch {
	case h.typing():
		return truncate(s.Key.Render("/ ")+h.filter.View()+s.Muted.Render(fmt.Sprintf("  %d of %d", h.list.len(), h.total())), h.width)
	case h.va.asking > 0:
		return s.Warn.Render(truncate(va, h.width))
	case h.va.running():
		return s.Text.Render(truncate(va, h.width))
	case h.list.filter != "":
		return truncate(s.Muted.Render("filter: ")+s.Text.Render(safetext.Line(h.filter.Value()))+
			s.Muted.Render(fmt.Sprintf("  %d of %d · esc clears", h.list.len(), h.total())), h.width)
	case h.partial:
		return s.Muted.Render(truncate(fmt.Sprintf("Reading the other %d accounts…", h.storeTotal-h.list.len()), h.width))
	case len(h.bad) > 0:
		return s.Warn.Render(truncate(badRecordsLine(h.bad), h.width))
	case va != "" && vaBad:
		return s.Bad.Render(truncate(va, h.width))
	case va != "":
		return s.Muted.Render(truncate(va, h.width))
	}
	return ""
}

// selectedView spells out the account under the cursor in full: the table
// cuts long names and may hide the organization, tenant and last check.
func (h *homeScreen) selectedView(now time.Time) string {
	s := h.styles
	a := h.selected()
	if a == nil {
		return ""
	}
	mark, text := statusText(*a)
	short := text
	if a.Status == store.StatusFailed && failedAt(entra.Step(a.FailedStep)) != "" {
		text += ": " + verifyview.StepName(entra.Step(a.FailedStep)) // a known step's name, as the checklist says it
	}
	e, at := expiryOf(*a, now)
	cert := expiryStyle(s, e).Render(expiryWords(e, at, now))
	if _, ok := a.PendingCredential(); ok {
		under := " · rotation under way"
		if lipgloss.Width("cert   "+cert+under) > h.width {
			under = " · rotating" // 60×16: whole, rather than "rotation under…"
		}
		cert += s.Warn.Render(under)
	}
	when := ""
	if !a.LastVerified.IsZero() {
		when = s.Muted.Render(" · checked " + verifiedText(*a))
	}
	first := func(text string) string {
		return s.Text.Bold(true).Render(safetext.Line(a.Name)) + "  " + statusStyle(s, a.Status).Render(mark+" "+text) + when
	}
	head := first(text)
	if when != "" && lipgloss.Width(head) > h.width {
		// The step's name goes before the date of the check is cut: the
		// step's number says which one, and the account's page names it.
		head = first(short)
	}
	if when != "" && lipgloss.Width(head) > h.width {
		// At 60×16: "failed at step 6 on 2026-11-01", not "checked 202…".
		when = s.Muted.Render(" on " + verifiedText(*a))
		head = first(short)
	}
	lines := []string{
		head,
		s.Muted.Render("org    ") + s.Code.Render(safetext.Line(a.Organization)),
		s.Muted.Render("tenant ") + s.Code.Render(safetext.Line(a.TenantID)),
		s.Muted.Render("cert   ") + cert,
	}
	for i, ln := range lines {
		lines[i] = truncate(ln, h.width)
	}
	return strings.Join(lines, "\n")
}

// expiryWords is the expiry as a sentence for the lines under the table.
func expiryWords(e expiry, at, now time.Time) string {
	date := at.UTC().Format("2006-01-02")
	switch e {
	case expiryNone:
		return "no active certificate"
	case expiryExpired:
		return "✗ expired on " + date
	case expirySoon:
		return "! expires " + date + " (" + strings.TrimPrefix(expiryText(e, at, now), "! ") + ")"
	}
	return "expires " + date
}

func (h *homeScreen) emptyView() string {
	s := h.styles
	var b strings.Builder
	b.WriteString(s.Title.Render("Home") + "\n\n")
	b.WriteString(s.Text.Bold(true).Render("No account is linked yet.") + "\n\n")
	b.WriteString(wrap("xops links your organisation's Microsoft 365 tenant to the Xops platform: "+
		"it guides you through the app registration in Microsoft Entra ID, makes the key and "+
		"certificate, and checks live that every step was done right.", h.width) + "\n\n")
	b.WriteString(s.Selected.Render("› Link a Microsoft 365 account") + s.Muted.Render("  (enter)"))
	return b.String()
}

func (h *homeScreen) errorView() string {
	s := h.styles
	where := ""
	if h.storePath != "" {
		where = " The store file is " + safetext.Line(h.storePath) + "."
	}
	return s.Title.Render("Home") + "\n\n" +
		s.Bad.Render(hangingWrap("✗ "+safetext.Text(h.err.Error()), h.width, "  ")) + "\n\n" +
		wrap("Press r to try again."+where+" `xops store check` looks for damage in the file.", h.width)
}

// badRecordsLine says how many stored accounts cannot be read and names the
// first, so the admin knows the list is incomplete.
func badRecordsLine(bad []*store.RecordError) string {
	noun := "account cannot"
	if len(bad) > 1 {
		noun = "accounts cannot"
	}
	return fmt.Sprintf("⚠ %d stored %s be read (%s) — run `xops store check`", len(bad), noun, safetext.Line(bad[0].Error()))
}
