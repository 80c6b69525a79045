package ui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/internal/safetext"
	"github.com/xops/xops/store"
	"github.com/xops/xops/ui/uikit"
	"github.com/xops/xops/ui/verifyview"
)

// accountScreen is the details of one linked account: every field, the
// certificate(s), the last verification check by check and the audit
// history. Every action on the account starts here too.
type accountScreen struct {
	styles        uikit.Styles
	width, height int
	name          string
	reader        flow.AccountReader
	now           func() time.Time
	actions       bool // a service runs the actions; without one their keys are off

	loaded  bool
	account store.Account
	audit   []store.AuditEntry
	err     error
	sealed  bool // keys encrypted with a passphrase

	body scrollBody
	keys accountKeys
}

var _ uikit.Screen = (*accountScreen)(nil)

// accountKeys are the details page's keys.
type accountKeys struct {
	scroll                                 scrollKeys
	Verify, Export, Rotate, Rename, Delete key.Binding
	Reload                                 key.Binding
}

func (k accountKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Verify, k.Export, k.Rotate, k.Rename, k.Delete, k.scroll.Down, k.Reload}
}

func (k accountKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Verify, k.Export, k.Rotate, k.Rename, k.Delete},
		{k.scroll.Down, k.scroll.Up, k.scroll.PageDn, k.scroll.PageUp, k.Reload},
	}
}

// accountLoadedMsg is the account and its history, read in a command.
type accountLoadedMsg struct {
	name    string
	account store.Account
	audit   []store.AuditEntry
	err     error
	// sealed: the store's keys are encrypted with a passphrase (one setting read).
	sealed bool
}

func newAccountScreen(name string, reader flow.AccountReader, now func() time.Time, actions bool) *accountScreen {
	if now == nil {
		now = time.Now
	}
	return &accountScreen{name: name, reader: reader, now: now, actions: actions, keys: accountKeys{
		scroll: defaultScrollKeys(),
		Verify: key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "verify")),
		Export: key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "export")),
		Rotate: key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "rotate")),
		Rename: key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "rename")),
		Delete: key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "delete")),
		Reload: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reload")),
	}}
}

func (p *accountScreen) Init() tea.Cmd { return loadAccountCmd(p.reader, p.name) }

// loadAccountCmd reads one account and its audit history.
func loadAccountCmd(r flow.AccountReader, name string) tea.Cmd {
	return func() tea.Msg {
		msg := accountLoadedMsg{name: name}
		if r == nil {
			msg.err = errNoStore
			return msg
		}
		a, err := r.AccountByName(name)
		if err != nil {
			msg.err = err
			return msg
		}
		msg.account = a
		if ss, ok := r.(flow.SettingStore); ok {
			prot, _ := flow.ReadProtection(ss) // unreadable: say file permissions, the weaker claim
			msg.sealed = prot == flow.ProtectionPassphrase
		}
		if msg.audit, err = r.Audit(a.ID); err != nil {
			msg.err = fmt.Errorf("read the history of %q: %w", a.Name, err)
		}
		return msg
	}
}

func (p *accountScreen) Update(msg tea.Msg) (uikit.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case accountLoadedMsg:
		if msg.name != p.name {
			return p, nil
		}
		p.loaded, p.account, p.audit, p.err, p.sealed = true, msg.account, msg.audit, msg.err, msg.sealed
		p.relayout()
		return p, nil
	case uikit.AccountsChangedMsg:
		return p, loadAccountCmd(p.reader, p.name)
	case tea.KeyPressMsg:
		return p, p.handleKey(msg)
	}
	return p, nil
}

func (p *accountScreen) handleKey(km tea.KeyPressMsg) tea.Cmd {
	if p.keys.scroll.update(km, &p.body) {
		return nil
	}
	act := func(page flow.Page) tea.Cmd {
		return navigate(flow.AccountActionChosen{Name: p.name, Action: page})
	}
	switch {
	case key.Matches(km, p.keys.Reload):
		return loadAccountCmd(p.reader, p.name)
	case key.Matches(km, p.keys.Verify):
		return act(flow.PageVerify)
	case key.Matches(km, p.keys.Export):
		return act(flow.PageExport)
	case key.Matches(km, p.keys.Rotate):
		return act(flow.PageRotate)
	case key.Matches(km, p.keys.Rename):
		return act(flow.PageRename)
	case key.Matches(km, p.keys.Delete):
		return act(flow.PageDelete)
	}
	return nil
}

func (p *accountScreen) SetSize(width, height int) {
	p.width, p.height = width, height
	p.relayout()
}

func (p *accountScreen) SetStyles(s uikit.Styles) {
	p.styles = s
	p.relayout()
}

func (p *accountScreen) KeyMap() help.KeyMap { return p.keys }

func (p *accountScreen) Capturing() bool { return false }

// relayout rebuilds the text (it depends on the width and the styles) and
// enables the keys that apply.
func (p *accountScreen) relayout() {
	ok := p.loaded && p.err == nil && p.actions
	for _, b := range []*key.Binding{&p.keys.Verify, &p.keys.Export, &p.keys.Rotate, &p.keys.Rename, &p.keys.Delete} {
		b.SetEnabled(ok)
	}
	_, hasActive := p.account.Active()
	p.keys.Verify.SetEnabled(ok && hasActive)
	p.keys.Export.SetEnabled(ok && hasActive)
	p.keys.Rotate.SetHelp("o", "rotate")
	if _, pending := p.account.PendingCredential(); pending {
		p.keys.Rotate.SetHelp("o", "resume the rotation")
	}
	p.keys.Reload.SetEnabled(p.loaded)
	p.body.set(p.lines(), p.height-2)
	p.keys.scroll.enable(p.body.canScroll())
}

func (p *accountScreen) View() string {
	s := p.styles
	title := s.Title.Render(truncate(safetext.Line(p.name), p.width))
	if ok := p.loaded && p.err == nil; ok {
		mark, text := statusText(p.account)
		title = truncate(s.Title.Render(safetext.Line(p.account.Name))+"  "+statusStyle(s, p.account.Status).Render(mark+" "+text), p.width)
	}
	return title + "\n\n" + p.body.view(s)
}

// lines is the page's text, before scrolling.
func (p *accountScreen) lines() []string {
	s, w := p.styles, max(p.width, 20)
	switch {
	case !p.loaded:
		return []string{s.Muted.Render("Reading the account…")}
	case errors.Is(p.err, store.ErrNotFound):
		return strings.Split(wrap("No account is named “"+safetext.Line(p.name)+"” any more: another xops may have "+
			"renamed or deleted it. esc goes back to the list.", w), "\n")
	case p.err != nil:
		return append(styled(s.Bad, hangingWrap("✗ "+safetext.Text(p.err.Error()), w, "  ")),
			strings.Split(wrap("Press r to try again; `xops store check` looks for damage in the store file.", w), "\n")...)
	}
	a, now := p.account, p.now()
	var out []string
	add := func(text ...string) { out = append(out, text...) }
	field := func(label, value string) {
		add(labeled(s.Muted.Render(label), s.Code.Render(safetext.Line(value)), w)...)
	}
	field("Organization", a.Organization)
	field("Tenant ID", a.TenantID)
	field("App ID", a.AppID)
	field("Cloud", orDash(a.Cloud))
	field("Linked", stamp(a.Created))
	field("Last verified", orNever(a.LastVerified))

	add("", s.Subtitle.Bold(true).Render("Certificate (thumbprint as Entra lists it)"))
	if c, ok := a.Active(); ok {
		add(p.credLines("In use", c, now)...)
	} else {
		add(styled(s.Bad, hangingWrap("✗ no active certificate: rotate (o) to make one", w, "  "))...)
	}
	if c, ok := a.PendingCredential(); ok {
		add(p.credLines("New, pending", c, now)...)
		add(styled(s.Warn, hangingWrap("! A rotation is under way: both certificates are kept until the new one "+
			"passes verification. o resumes it.", w, "  "))...)
	}
	if p.sealed {
		add(styled(s.Muted, wrap("Keys are encrypted with your passphrase; they are opened only to verify, "+
			"export a PFX or rotate.", w))...)
	} else {
		add(styled(s.Muted, wrap("Keys are protected by the store file's permissions only (0600, your user); "+
			"passphrase protection is not set up.", w))...)
	}

	add("", s.Subtitle.Bold(true).Render("Last verification"))
	if len(a.LastChecks) == 0 {
		add(s.Muted.Render("Never verified. v verifies it now."))
	}
	for _, c := range a.LastChecks {
		add(p.checkLines(c)...)
	}

	add("", s.Subtitle.Bold(true).Render(fmt.Sprintf("History (%d)", len(p.audit))))
	for i := len(p.audit) - 1; i >= 0; i-- { // newest first
		e := p.audit[i]
		line := s.Muted.Render(e.At.UTC().Format("2006-01-02 15:04")+"  ") + safetext.Line(e.Action)
		if e.Detail != "" {
			line += s.Muted.Render(" · " + safetext.Line(e.Detail))
		}
		add(truncate(line, w))
	}
	return out
}

// credLines describes one certificate: its role and thumbprint (SHA-1, as
// Entra lists it), key size, validity.
func (p *accountScreen) credLines(role string, c store.Credential, now time.Time) []string {
	s, w := p.styles, max(p.width, 20)
	e, at := expiryOf(store.Account{Credentials: []store.Credential{{NotAfter: c.NotAfter}}}, now)
	out := labeled(s.Muted.Render(role), s.Code.Render(safetext.Line(c.Thumbprint)), w)
	return append(out,
		truncate(s.Muted.Render(fmt.Sprintf("%-14s", "Key"))+fmt.Sprintf("RSA %d", c.KeySize), w),
		truncate(s.Muted.Render(fmt.Sprintf("%-14s", "Valid"))+c.NotBefore.UTC().Format("2006-01-02")+" → "+
			expiryStyle(s, e).Render(expiryWords(e, at, now)), w))
}

// labeled is "label  value" in a 14-cell label column, or, where the value
// would be cut (a GUID or thumbprint on a narrow page), the value on a line
// of its own under the label: IDs are shown whole, to be compared.
func labeled(label, value string, w int) []string { return labeledAt(label, value, w, 14) }

// labeledAt is labeled with the values from column col: the rotation's
// labels ("New thumbprint") are a cell longer than the account page's.
func labeledAt(label, value string, w, col int) []string {
	lw := ansi.StringWidth(label)
	if pad := max(1, col-lw); lw+pad+ansi.StringWidth(value) <= w {
		return []string{label + strings.Repeat(" ", pad) + value}
	}
	return []string{truncate(label, w), "  " + value}
}

// checkLines is one check of the last verification: ✓, ✗ with the step to
// redo and the hint, or skipped.
func (p *accountScreen) checkLines(c store.CheckRecord) []string {
	s, w := p.styles, max(p.width, 20)
	title := verifyview.CheckTitle(entra.CheckID(c.ID))
	switch {
	case c.OK:
		return []string{truncate(s.OK.Render("✓ ")+title, w)}
	case c.Skipped:
		return []string{truncate(s.Muted.Render("– "+title+" (skipped)"), w)}
	}
	out := []string{truncate(s.Bad.Render("✗ ")+title, w)}
	if c.Message != "" {
		out = append(out, strings.Split(indent(safetext.Line(c.Message), w, "    "), "\n")...)
	}
	if c.Step != "" {
		out = append(out, styled(s.Warn, indent("Redo checklist step "+verifyview.StepLabel(entra.Step(c.Step)), w, "    "))...)
	}
	if c.Hint != "" {
		out = append(out, styled(s.Muted, indent(safetext.Line(entra.ScreenHint(c.Hint)), w, "    "))...)
	}
	return out
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func orNever(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return stamp(t)
}

// stamp is a time as the pages show it (UTC, to the minute).
func stamp(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// styled renders each line of text on its own, so a page can count and
// scroll lines.
func styled(st lipgloss.Style, text string) []string {
	lines := strings.Split(text, "\n")
	for i, ln := range lines {
		lines[i] = st.Render(ln)
	}
	return lines
}

// indent wraps text to fit w with every line behind prefix.
func indent(text string, w int, prefix string) string {
	lines := strings.Split(wrap(text, max(w-len(prefix), 10)), "\n")
	for i, ln := range lines {
		lines[i] = prefix + ln
	}
	return strings.Join(lines, "\n")
}
