// Package ui is xops's terminal interface: one root model that owns the
// frame (size, colours, status line, help bar, side navigation) and routes
// everything else to the page on screen. Where the admin is, and where each
// key leads, is decided by flow's navigation reducer; this package turns keys
// into flow events and flow effects into commands.
package ui

import (
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/ui/uikit"
)

// Deps is what the TUI needs from the rest of xops.
type Deps struct {
	// Store reads the accounts Home lists.
	Store     flow.AccountReader
	StorePath string
	Cloud     string
	Version   string
	// Sandbox shows a SANDBOX badge on every page.
	Sandbox bool
	// NoColor is set when NO_COLOR is (any non-empty value).
	NoColor bool
	// Changes, when set, is a cheap generation counter of the store. It is
	// polled every ~2s; when it moves (another xops changed the store), the
	// accounts are read again.
	Changes func() (uint64, error)
	// Wizard, when set, makes the link wizard ("Link a New Microsoft
	// Account"). Nil shows a page that says what comes next.
	Wizard func() uikit.Screen
	// ResumeDraft, when set, reports whether a link wizard is in progress
	// (a draft in the store). It is asked once, at start: when it says yes,
	// xops opens on the wizard, which offers to resume it.
	ResumeDraft func() (bool, error)
	// Now is the clock Home reads certificate expiry against (nil: time.Now).
	Now func() time.Time
	// Service runs the account actions (verify, export, rotate, rename,
	// delete). Nil leaves the details readable and says the actions are
	// not available.
	Service *flow.Service
	// VerifyAutoRetry is the verification screen's pause between automatic
	// attempts (0: its default; negative: off).
	VerifyAutoRetry time.Duration
	// SandboxUpload, set in --sandbox, uploads a certificate to the app in
	// the simulated tenant (what the admin does in Entra), so a rotation can
	// be walked through without a Microsoft tenant.
	SandboxUpload func(appID string, certPEM []byte) error
	// SandboxTenant, set in --sandbox, redoes a step verification names
	// from the account's page (d on "Redo step N"), as the wizard's
	// checklist does. Leave it nil (not a nil pointer) outside the sandbox.
	SandboxTenant SandboxTenant
	// Passphrase, when set, is attached to the program by Run: flow asks
	// through it for the store passphrase, and the root shows a masked
	// prompt over the page (settings_passphrase_prompt.go).
	Passphrase *PassphraseAsker
	// First, when set, is Home's first load, started before the program
	// (StartFirstScreen): Init takes it instead of starting its own.
	First *FirstScreen
	// Profile, when set, gives the terminal's colour profile (see
	// DetectColorProfile); nil lets Bubble Tea detect it when it starts.
	Profile *ColorProfile
	// Warnings are what xops noticed while starting and printed to stderr,
	// which the full screen hides (the saved sandbox tenant did not load…).
	// The first shows in the status line until a key is pressed, with how
	// many more there are; Settings lists them all for as long as xops runs.
	Warnings []string
}

// navMsg asks the root to apply a navigation event. Pages return it from
// commands instead of navigating themselves.
type navMsg struct{ event flow.Event }

// navigate returns the command a page uses to move the admin.
func navigate(e flow.Event) tea.Cmd { return func() tea.Msg { return navMsg{event: e} } }

// Model is the root of the TUI. It is a tea.Model; build it with New.
type Model struct {
	deps      Deps
	state     flow.State
	styles    uikit.Styles
	dark      bool
	keys      globalKeys
	help      help.Model
	fullHelp  bool
	status    statusLine
	lay       layout
	pollEvery time.Duration
	// after delivers msg after d (tea.Tick); tests replace it so that no
	// timer runs and they send the timer's message themselves.
	after func(d time.Duration, msg tea.Msg) tea.Cmd

	// lastGen is the store generation the accounts on screen were read at.
	lastGen    uint64
	hasLastGen bool

	// The pages. Those of a fixed kind live as long as the model, so they
	// keep their cursor; the link wizard and "not supported" pages are made
	// afresh on every visit.
	picker       *pickerScreen
	home         *homeScreen
	integrations *integrationsScreen
	microsoft    *microsoftScreen
	settings     *settingsScreen
	transient    uikit.Screen // the wizard or an unsupported page
	transientAt  flow.Location
	// prompt asks for the store passphrase over the page, when flow needs a key.
	prompt *passPrompt
}

// New builds the root model. Nothing is read until the program runs Init.
func New(d Deps) *Model {
	m := &Model{
		deps:      d,
		dark:      true, // until the terminal tells us its background
		keys:      defaultGlobalKeys(),
		help:      help.New(),
		pollEvery: pollEvery,
		after: func(d time.Duration, msg tea.Msg) tea.Cmd {
			return tea.Tick(d, func(time.Time) tea.Msg { return msg })
		},
	}
	m.picker = newPickerScreen()
	m.home = newHomeScreen(d.StorePath, d.Now, d.Service != nil)
	if d.Service != nil {
		m.home.va.svc = d.Service
	}
	m.home.va.after = func(d time.Duration, msg tea.Msg) tea.Cmd { return m.after(d, msg) }
	m.integrations = newIntegrationsScreen()
	m.microsoft = newMicrosoftScreen()
	m.settings = newSettingsScreen(d)
	m.applyStyles()
	if len(d.Warnings) > 0 {
		m.status.setWarning("Warning: "+d.Warnings[0], len(d.Warnings)-1)
	}
	return m
}

// Init asks the terminal for its background colour, starts the first load and
// the change poll.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor, m.deps.Profile.lateProfile()}
	cmds = append(cmds, m.apply(flow.AppStarted{}))
	if m.deps.Changes != nil {
		cmds = append(cmds, m.after(m.pollEvery, pollMsg{}))
	}
	return tea.Batch(cmds...)
}

// Update routes: global messages are handled here, the rest goes to the page
// on screen.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.lay.width, m.lay.height = msg.Width, msg.Height
		m.relayout()
		return m, nil
	case tea.BackgroundColorMsg:
		m.dark = msg.IsDark()
		m.applyStyles()
		return m, nil
	case tea.KeyPressMsg:
		m.status.keyPressed() // a start-up warning stays until then
		m.statusResized()
		return m, m.handleKey(msg)
	case navMsg:
		return m, m.apply(msg.event)
	case uikit.BackMsg:
		return m, m.apply(flow.BackPressed{})
	case uikit.HomeMsg:
		return m, m.apply(flow.SectionChosen{Section: flow.SectionHome})
	case uikit.AccountsChangedMsg:
		return m, m.apply(flow.ReloadRequested{})
	case uikit.StatusMsg:
		return m, m.setStatus(msg.Text, msg.Err)
	case clearStatusMsg:
		m.status.clear(msg)
		m.statusResized()
		return m, nil
	case accountsMsg:
		return m, m.accountsLoaded(msg)
	case loadRestMsg:
		return m, loadAccountsCmd(m.deps.Store, m.deps.Changes, nil, false)
	case pollMsg:
		return m, readChangesCmd(m.deps.Changes)
	case changesMsg:
		return m, m.changesRead(msg)
	case passAskMsg:
		return m, m.openPrompt(msg)
	case verifyAllMsg, verifyAllReloadMsg:
		// Verify all runs on whatever page the admin is on.
		cmd := m.home.updateVerifyAll(msg)
		m.syncKeys()
		return m, cmd
	}
	return m, m.updatePage(msg)
}

// handleKey gives the global keys their meaning, unless the page is taking
// text (then only ctrl+c is global).
func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	if key.Matches(msg, m.keys.ForceQuit) {
		m.cancelPrompt()
		return m.apply(flow.QuitRequested{})
	}
	if m.lay.tooSmall {
		// The page is not visible: acting on keys blindly would surprise.
		if key.Matches(msg, m.keys.Quit) {
			return m.apply(flow.QuitRequested{})
		}
		return nil
	}
	if m.prompt != nil {
		return m.promptKey(msg)
	}
	if m.fullHelp && msg.String() == "esc" {
		// esc closes the full help before it goes back or reaches the page
		// (which may leave on esc, or stop editing): the admin who opened
		// it expects esc to close it, as ? does. The next esc navigates.
		m.fullHelp = false
		m.relayout()
		return nil
	}
	page := m.page()
	if page != nil && page.Capturing() {
		return m.updatePage(msg)
	}
	switch {
	case key.Matches(msg, m.keys.Quit):
		return m.apply(flow.QuitRequested{})
	case key.Matches(msg, m.keys.Help):
		m.fullHelp = !m.fullHelp
		m.relayout()
		return nil
	case key.Matches(msg, m.keys.Next) && m.keys.Next.Enabled():
		return m.apply(flow.SectionCycled{Delta: 1})
	case key.Matches(msg, m.keys.Prev) && m.keys.Prev.Enabled():
		return m.apply(flow.SectionCycled{Delta: -1})
	case key.Matches(msg, m.keys.Back):
		if bh, ok := page.(uikit.BackHandler); ok && bh.HandlesBack() {
			return m.updatePage(msg)
		}
		return m.apply(flow.BackPressed{})
	}
	return m.updatePage(msg)
}

// apply runs a navigation event through the reducer, switches pages when the
// location changed, and turns the effects into commands.
func (m *Model) apply(e flow.Event) tea.Cmd {
	prev := m.state.At
	next, effects := m.state.Apply(e)
	m.state = next
	var cmds []tea.Cmd
	if next.At != prev {
		cmds = append(cmds, m.enter(next.At))
	}
	for _, eff := range effects {
		switch eff.(type) {
		case flow.LoadAccountsEffect:
			var draft func() (bool, error)
			if m.state.At.Page == flow.PageLoading {
				draft = m.deps.ResumeDraft // only the first page depends on it
			}
			if first := m.deps.First; first != nil && m.state.At.Page == flow.PageLoading {
				m.deps.First = nil // read once: later loads read the store again
				cmds = append(cmds, func() tea.Msg { return first.wait() })
				break
			}
			cmds = append(cmds, loadAccountsCmd(m.deps.Store, m.deps.Changes, draft, !m.home.loaded))
		case flow.QuitEffect:
			// A verify-all under way stops: checks cut short record nothing,
			// rather than write to a store xops is closing.
			m.home.stopVerifyAll()
			cmds = append(cmds, tea.Quit)
		}
	}
	m.syncKeys()
	if m.fullHelp {
		m.relayout()
	}
	return tea.Batch(cmds...)
}

// enter makes the page at loc current: the fixed pages keep their state, the
// link wizard and "not supported" pages are made afresh. A page left behind
// that keeps a draft saves it (see saveLeftDraft).
func (m *Model) enter(loc flow.Location) tea.Cmd {
	saved := saveLeftDraft(m.transient)
	stopLeft(m.transient)
	switch loc.Page {
	case flow.PageLinkWizard:
		if m.deps.Wizard != nil {
			m.transient = m.deps.Wizard()
		} else {
			m.transient = newWizardPlaceholder()
		}
	case flow.PageUnsupported:
		m.transient = newUnsupportedScreen(loc.Platform)
	default:
		m.transient = nil
		if flow.IsAccountPage(loc.Page) {
			m.transient = m.accountPage(loc)
		}
	}
	m.transientAt = loc
	m.relayout()
	page := m.page()
	if page == nil {
		return saved
	}
	if m.transient != nil {
		m.transient.SetStyles(m.styles)
		m.sizePage(m.transient)
	}
	return tea.Batch(saved, page.Init())
}

// saveLeftDraft returns a command that saves the draft of a page the admin
// just left (tab to another section, esc out of the wizard), so that what
// was typed comes back when the wizard is opened again. Running it in a
// command is safe: the page is gone from the model and no Update reaches it
// any more.
func saveLeftDraft(left uikit.Screen) tea.Cmd {
	ds, ok := left.(uikit.DraftSaver)
	if !ok {
		return nil
	}
	return func() tea.Msg {
		if err := ds.SaveDraftNow(); err != nil {
			return uikit.StatusMsg{Text: "Could not save the link in progress: " + err.Error(), Err: true}
		}
		return nil
	}
}

// stopper is a page with work in flight (a verification) that must end
// when the admin leaves it by a global key rather than its own.
type stopper interface{ Stop() }

// stopLeft stops the work of a page the admin just left.
func stopLeft(left uikit.Screen) {
	if st, ok := left.(stopper); ok {
		st.Stop()
	}
}

// page is the screen at the current location (nil while loading).
func (m *Model) page() uikit.Screen {
	switch m.state.At.Page {
	case flow.PagePicker:
		return m.picker
	case flow.PageHome:
		return m.home
	case flow.PageIntegrations:
		return m.integrations
	case flow.PageMicrosoft:
		return m.microsoft
	case flow.PageSettings:
		return m.settings
	case flow.PageLinkWizard, flow.PageUnsupported:
		if m.transient != nil && m.transientAt == m.state.At {
			return m.transient
		}
	}
	if flow.IsAccountPage(m.state.At.Page) && m.transient != nil && m.transientAt == m.state.At {
		return m.transient
	}
	return nil
}

// updatePage hands msg to the page on screen and keeps what it returns.
func (m *Model) updatePage(msg tea.Msg) tea.Cmd {
	page := m.page()
	if page == nil {
		return nil
	}
	next, cmd := page.Update(msg)
	if m.transient != nil && page == m.transient {
		m.transient = next
	}
	m.syncKeys()
	if m.fullHelp {
		m.relayout() // the page's keys may have changed, and with them the help's height
	}
	return cmd
}

// accountsLoaded hands fresh accounts to Home and tells the reducer whether
// any account is linked (unreadable records count: they are accounts too).
func (m *Model) accountsLoaded(msg accountsMsg) tea.Cmd {
	if msg.partial {
		// The first screenful of a large store: drawn now, the rest follows.
		m.home.setFirstPage(msg.accounts, msg.bad, msg.total)
		cmd := m.apply(flow.AccountsLoaded{Linked: msg.total > 0, Draft: msg.draft})
		// The rest waits until the first frame is out: decoding thousands
		// of accounts on every core would hold back the renderer's tick.
		return tea.Batch(cmd, m.after(restAfter, loadRestMsg{}))
	}
	if msg.hasGen {
		m.lastGen, m.hasLastGen = msg.gen, true
	}
	m.home.setAccounts(msg.accounts, msg.bad, msg.err)
	linked := len(msg.accounts)+len(msg.bad) > 0
	cmd := m.apply(flow.AccountsLoaded{Linked: linked, Draft: msg.draft, Err: msg.err})
	switch {
	case msg.err != nil:
		return tea.Batch(cmd, m.setStatus("Could not read the accounts — press r on Home to try again", true))
	case msg.draftErr != nil:
		return tea.Batch(cmd, m.setStatus("Could not look for a link in progress: "+msg.draftErr.Error(), true))
	}
	return cmd
}

// changesRead reloads when the store's generation moved, and waits for the
// next poll either way. A failing poll is not worth an alarm: the next load
// will say what is wrong.
func (m *Model) changesRead(msg changesMsg) tea.Cmd {
	next := m.after(m.pollEvery, pollMsg{})
	if msg.err != nil {
		return next
	}
	if m.hasLastGen && msg.gen == m.lastGen {
		return next
	}
	m.lastGen, m.hasLastGen = msg.gen, true
	return tea.Batch(next, m.apply(flow.ReloadRequested{}))
}

// setStatus shows a status line and starts the timer that clears it.
func (m *Model) setStatus(text string, isErr bool) tea.Cmd {
	clear := m.status.set(text, isErr)
	m.statusResized()
	return m.after(statusTTL, clear)
}

// statusRows is how many rows the status line wants: two for a message
// wider than the frame (its end usually says what to do next), else one. A
// start-up warning keeps to one row: it names Settings for the rest.
func (m *Model) statusRows() int {
	if m.status.text == "" || m.status.warn {
		return 1
	}
	if ansi.StringWidth(m.statusText()) > m.lay.width {
		return 2
	}
	return 1
}

// statusResized lays the frame out again when the status line changed height.
func (m *Model) statusResized() {
	if m.lay.width == 0 || m.lay.tooSmall {
		return
	}
	if m.statusRows() != m.lay.statusHeight {
		m.relayout()
	}
}

// syncKeys enables the global keys that do something right now, so the help
// bar never offers a key that does nothing.
func (m *Model) syncKeys() {
	loading := m.state.At.Page == flow.PageLoading
	// Inside the wizard tab belongs to the wizard (its fields and lists):
	// a key that moves between fields must not leave the page.
	inWizard := m.state.At.Page == flow.PageLinkWizard && m.deps.Wizard != nil
	// A page that uses esc itself shows its own esc key (what esc does
	// there); the global "esc back" would say something else.
	pageEsc := false
	if page := m.page(); page != nil {
		bh, ok := page.(uikit.BackHandler)
		pageEsc = page.Capturing() || (ok && bh.HandlesBack())
	}
	pageEsc = pageEsc || m.prompt != nil // esc cancels the passphrase prompt
	m.keys.Back.SetEnabled(m.state.CanGoBack() && !pageEsc)
	m.keys.Next.SetEnabled(!loading && !inWizard)
	m.keys.Prev.SetEnabled(!loading && !inWizard)
	if m.state.At.Page == flow.PagePicker {
		// The picker has no side navigation to move through: say where tab leads.
		m.keys.Next.SetHelp("tab", "skip to Home")
		m.keys.Prev.SetHelp("shift+tab", "skip to Settings")
	} else {
		m.keys.Next.SetHelp("tab", "next section")
		m.keys.Prev.SetHelp("shift+tab", "previous section")
	}
	if page := m.page(); (page != nil && page.Capturing()) || m.prompt != nil {
		// The page (or the passphrase prompt) takes every key but ctrl+c: q and ? are text now, and
		// tab is the page's (a field's), not the side navigation's.
		m.keys.Quit.SetEnabled(false)
		m.keys.Help.SetEnabled(false)
		m.keys.Next.SetEnabled(false)
		m.keys.Prev.SetEnabled(false)
	} else {
		m.keys.Quit.SetEnabled(true)
		m.keys.Help.SetEnabled(true)
	}
}

// applyStyles rebuilds the styles (background known or changed) and hands
// them to every page.
func (m *Model) applyStyles() {
	m.styles = uikit.NewStyles(m.dark, m.deps.NoColor)
	m.help.Styles = help.Styles{
		Ellipsis:       m.styles.Muted,
		ShortKey:       m.styles.Key,
		ShortDesc:      m.styles.Muted,
		ShortSeparator: m.styles.Muted,
		FullKey:        m.styles.Key,
		FullDesc:       m.styles.Muted,
		FullSeparator:  m.styles.Muted,
	}
	for _, p := range []uikit.Screen{m.picker, m.home, m.integrations, m.microsoft, m.settings, m.transient} {
		if p != nil {
			p.SetStyles(m.styles)
		}
	}
}

// relayout recomputes the frame's regions and hands the sizes down.
//
// With the full help open the page's size and the help's rows depend on
// each other: a page made shorter may start to scroll and enable its scroll
// keys, which lengthens the help. The layout is redone until the help's
// rows hold (a few rounds at most; keys only appear as the page shrinks),
// else the help's last row, which holds esc and ?, would be cut off.
func (m *Model) relayout() {
	m.syncKeys()
	helpHeight := 1
	if m.fullHelp {
		helpHeight = lineCount(m.fullHelpView(m.helpKeys()))
	}
	for range 4 {
		m.lay = computeLayout(m.lay.width, m.lay.height, m.state.ShowsNav(), helpHeight, m.statusRows())
		m.help.SetWidth(m.lay.width)
		for _, p := range []uikit.Screen{m.picker, m.home, m.integrations, m.microsoft, m.settings, m.transient} {
			if p != nil {
				m.sizePage(p)
			}
		}
		if !m.fullHelp {
			return
		}
		m.syncKeys()
		next := lineCount(m.fullHelpView(m.helpKeys()))
		if next <= helpHeight {
			return
		}
		helpHeight = next
	}
}

func (m *Model) sizePage(p uikit.Screen) {
	if m.lay.tooSmall {
		return
	}
	p.SetSize(m.lay.contentWidth, m.lay.bodyHeight)
}

func (m *Model) helpKeys() helpKeys {
	var pk help.KeyMap
	if page := m.page(); page != nil {
		pk = page.KeyMap()
	}
	if m.prompt != nil {
		pk = m.prompt.keys
	}
	return helpKeys{page: pk, global: m.keys, fullHelp: m.fullHelp}
}
