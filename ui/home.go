package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/internal/safetext"
	"github.com/xops/xops/store"
	"github.com/xops/xops/ui/uikit"
)

// homeScreen lists the linked accounts, or — with none — says what xops does
// and offers to link one.
type homeScreen struct {
	styles        uikit.Styles
	width, height int
	storePath     string

	loaded   bool
	accounts []store.Account
	bad      []*store.RecordError
	err      error

	table  accountTable
	detail bool // room for the lines about the selected account
	keys   homeKeys
}

var _ uikit.Screen = (*homeScreen)(nil)

// homeKeys are Home's keys; which are enabled depends on what Home shows.
type homeKeys struct {
	Up, Down       key.Binding
	PageUp, PageDn key.Binding
	Top, Bottom    key.Binding
	Link           key.Binding // enter on the empty state, n with accounts
	Reload         key.Binding
}

func (k homeKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Link, k.Reload}
}

func (k homeKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDn, k.Top, k.Bottom}, {k.Link, k.Reload}}
}

func newHomeScreen(storePath string) *homeScreen {
	h := &homeScreen{storePath: storePath, keys: homeKeys{
		Up:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:   key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp: key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDn: key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdown", "page down")),
		Top:    key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "first")),
		Bottom: key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "last")),
		Link:   key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "link an account")),
		Reload: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reload")),
	}}
	h.syncKeys()
	return h
}

// setAccounts shows freshly loaded accounts. The cursor stays on the same
// row number (clamped), which is what a reload after an edit expects.
func (h *homeScreen) setAccounts(accounts []store.Account, bad []*store.RecordError, err error) {
	h.loaded = true
	h.err = err
	if err == nil {
		h.accounts, h.bad = accounts, bad
		h.table.measure(accounts)
	}
	h.table.scrollTo(len(h.accounts))
	h.syncKeys()
}

// empty reports whether Home shows its empty state.
func (h *homeScreen) empty() bool { return h.loaded && h.err == nil && len(h.accounts) == 0 }

func (h *homeScreen) syncKeys() {
	list := len(h.accounts) > 0 && h.err == nil
	for _, b := range []*key.Binding{&h.keys.Up, &h.keys.Down, &h.keys.PageUp, &h.keys.PageDn, &h.keys.Top, &h.keys.Bottom} {
		b.SetEnabled(list)
	}
	if h.empty() {
		h.keys.Link.SetKeys("enter", "n")
		h.keys.Link.SetHelp("enter", "link an account")
	} else {
		h.keys.Link.SetKeys("n")
		h.keys.Link.SetHelp("n", "link an account")
	}
	h.keys.Link.SetEnabled(h.loaded && h.err == nil)
	h.keys.Reload.SetEnabled(h.loaded)
	if h.err != nil {
		h.keys.Reload.SetHelp("r", "try again")
	} else {
		h.keys.Reload.SetHelp("r", "reload")
	}
}

func (h *homeScreen) Init() tea.Cmd { return nil }

func (h *homeScreen) Update(msg tea.Msg) (uikit.Screen, tea.Cmd) {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return h, nil
	}
	t := &h.table
	switch {
	case key.Matches(km, h.keys.Link):
		return h, navigate(flow.LinkRequested{})
	case key.Matches(km, h.keys.Reload):
		return h, navigate(flow.ReloadRequested{})
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
		t.cursor = len(h.accounts) - 1
	default:
		return h, nil
	}
	t.scrollTo(len(h.accounts))
	return h, nil
}

// Rows taken by the list's surroundings: title and blank line, and the
// table header; then a blank line and the three lines about the selected
// account, which give way to rows when the page is short.
const (
	homeChromeRows  = 2 + 1
	homeDetailRows  = 1 + 3
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
	h.table.scrollTo(len(h.accounts))
}

func (h *homeScreen) SetStyles(s uikit.Styles) { h.styles = s }

func (h *homeScreen) KeyMap() help.KeyMap { return h.keys }

func (h *homeScreen) Capturing() bool { return false }

func (h *homeScreen) View() string {
	s := h.styles
	switch {
	case !h.loaded:
		return s.Title.Render("Home") + "\n\n" + s.Muted.Render("Reading the accounts…")
	case h.err != nil:
		return h.errorView()
	case len(h.accounts) == 0:
		return h.emptyView()
	}
	var b strings.Builder
	b.WriteString(s.Title.Render(fmt.Sprintf("Linked accounts (%d)", len(h.accounts))))
	if len(h.bad) > 0 {
		// Replaces the blank line under the title: the list keeps its height.
		b.WriteString("\n" + s.Warn.Render(truncate(badRecordsLine(h.bad), h.width)))
	} else {
		b.WriteString("\n")
	}
	b.WriteString("\n" + h.table.view(s, h.accounts, h.width))
	if !h.detail {
		return b.String()
	}
	for i := h.table.offset + h.table.rows; i > len(h.accounts); i-- {
		b.WriteString("\n") // keep the detail lines at the bottom
	}
	b.WriteString("\n\n" + h.selectedView())
	return b.String()
}

// selectedView spells out the account under the cursor in full: the table
// cuts long names and shows only the start of the tenant ID.
func (h *homeScreen) selectedView() string {
	s := h.styles
	if h.table.cursor < 0 || h.table.cursor >= len(h.accounts) {
		return ""
	}
	a := h.accounts[h.table.cursor]
	mark, text := statusText(a)
	lines := []string{
		s.Text.Bold(true).Render(safetext.Line(a.Name)) + "  " + statusStyle(s, a.Status).Render(mark+" "+text),
		s.Muted.Render("org    ") + s.Code.Render(safetext.Line(a.Organization)),
		s.Muted.Render("tenant ") + s.Code.Render(safetext.Line(a.TenantID)),
	}
	for i, ln := range lines {
		lines[i] = truncate(ln, h.width)
	}
	return strings.Join(lines, "\n")
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
		s.Bad.Render(wrap("✗ "+safetext.Text(h.err.Error()), h.width)) + "\n\n" +
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
