package ui

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/store"
	"github.com/xops/xops/ui/uikit"
)

// fakeStore is an in-memory flow.AccountReader. It is safe for the
// concurrent use a running program makes of it.
type fakeStore struct {
	mu       sync.Mutex
	accounts []store.Account
	bad      []*store.RecordError
	err      error
	gen      uint64
	reads    int
	audit    []store.AuditEntry
}

var _ flow.AccountReader = (*fakeStore)(nil)

func (f *fakeStore) Accounts() ([]store.Account, []*store.RecordError, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	if f.err != nil {
		return nil, nil, f.err
	}
	return append([]store.Account(nil), f.accounts...), f.bad, nil
}

func (f *fakeStore) AccountByName(name string) (store.Account, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, a := range f.accounts {
		if strings.EqualFold(a.Name, name) {
			return a, nil
		}
	}
	return store.Account{}, store.ErrNotFound
}

func (f *fakeStore) HasAccounts() (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.accounts)+len(f.bad) > 0, f.err
}

func (f *fakeStore) Audit(id string) ([]store.AuditEntry, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []store.AuditEntry
	for _, e := range f.audit {
		if id == "" || e.AccountID == id {
			out = append(out, e)
		}
	}
	return out, nil
}

func (f *fakeStore) Generation() (uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.gen, nil
}

// add links an account "elsewhere" and moves the generation.
func (f *fakeStore) add(a store.Account) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.accounts = append(f.accounts, a)
	f.gen++
}

func (f *fakeStore) readCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reads
}

// testNow is the clock of the views under test: expiry words depend on it.
var testNow = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

// sampleAccounts are three accounts, one in each verification state, and
// with a certificate far from its end, one expiring in 12 days, and one
// expired (against testNow).
func sampleAccounts() []store.Account {
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	cred := func(id string, notAfter time.Time) []store.Credential {
		return []store.Credential{{ID: id, Thumbprint: "3F2A9C01D4B7E8A65C0B1F29E7D3A4C5B6E7F801", KeySize: 2048,
			NotBefore: notAfter.AddDate(-1, 0, 0), NotAfter: notAfter, Created: at}}
	}
	return []store.Account{
		{ID: "a1", Name: "contoso", Organization: "contoso.onmicrosoft.com",
			TenantID: "72f988bf-86f1-41af-91ab-2d7cd011db47", AppID: "11111111-2222-3333-4444-555555555555",
			Cloud: "global", Created: at, Status: store.StatusVerified, LastVerified: at,
			Credentials: cred("c1", time.Date(2027, 11, 1, 9, 0, 0, 0, time.UTC))},
		{ID: "a2", Name: "fabrikam", Organization: "fabrikam.onmicrosoft.com",
			TenantID: "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0", Cloud: "global", Created: at,
			Status: store.StatusFailed, FailedStep: "grant-admin-consent",
			Credentials: cred("c2", testNow.Add(12*24*time.Hour+time.Hour))},
		{ID: "a3", Name: "northwind", Organization: "northwindtraders.onmicrosoft.com",
			TenantID: "9f8e7d6c-5b4a-3928-1706-f5e4d3c2b1a0", Cloud: "global", Created: at,
			Status:      store.StatusUnverified,
			Credentials: cred("c3", testNow.Add(-48*time.Hour))},
	}
}

// manyAccounts makes n accounts named acct-00000….
func manyAccounts(n int) []store.Account {
	out := make([]store.Account, n)
	for i := range out {
		out[i] = store.Account{ID: fmt.Sprint(i), Name: fmt.Sprintf("acct-%05d", i),
			Organization: fmt.Sprintf("org%05d.onmicrosoft.com", i),
			TenantID:     fmt.Sprintf("%08d-0000-4000-8000-000000000000", i), Status: store.StatusVerified}
	}
	return out
}

// harness drives a Model synchronously: it runs commands itself, feeds
// their messages back, and never starts a timer (tests send timer messages).
type harness struct {
	t      *testing.T
	m      *Model
	quit   bool
	timers []tea.Msg // messages whose timers were started, in order
	seen   []tea.Msg // every message commands produced, in order
}

func newHarness(t *testing.T, d Deps, w, h int) *harness {
	t.Helper()
	if !d.NoColor {
		d.NoColor = true // deterministic views
	}
	hs := &harness{t: t, m: New(d)}
	hs.m.after = func(_ time.Duration, msg tea.Msg) tea.Cmd {
		hs.timers = append(hs.timers, msg)
		return nil
	}
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	hs.run(hs.m.Init())
	return hs
}

// send delivers msg and runs whatever follows from it.
func (hs *harness) send(msg tea.Msg) {
	hs.t.Helper()
	_, cmd := hs.m.Update(msg)
	hs.run(cmd)
}

// run executes cmd and everything it leads to, breadth first.
func (hs *harness) run(cmd tea.Cmd) {
	hs.t.Helper()
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 1000 {
			hs.t.Fatal("commands keep producing commands")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case tea.QuitMsg:
			hs.quit = true
		default:
			hs.seen = append(hs.seen, msg)
			_, next := hs.m.Update(msg)
			queue = append(queue, next)
		}
	}
}

// keys presses each key in turn: names like "enter", "esc", "tab",
// "shift+tab", "up", "down", "ctrl+c", or a single printable character.
func (hs *harness) keys(names ...string) {
	hs.t.Helper()
	for _, n := range names {
		hs.send(keyPress(n))
	}
}

func keyPress(name string) tea.KeyPressMsg {
	switch name {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	r := []rune(name)
	if len(r) != 1 {
		panic("unknown key " + name)
	}
	return tea.KeyPressMsg{Code: r[0], Text: name}
}

// view is the frame as the admin reads it (no escape sequences).
func (hs *harness) view() string { return ansi.Strip(hs.m.View().Content) }

func (hs *harness) page() flow.Page { return hs.m.state.At.Page }

// mustShow fails unless the frame contains every want.
func (hs *harness) mustShow(wants ...string) {
	hs.t.Helper()
	v := hs.view()
	for _, w := range wants {
		if !strings.Contains(v, w) {
			hs.t.Fatalf("frame lacks %q:\n%s", w, v)
		}
	}
}

// mustNotShow fails if the frame contains any of wants.
func (hs *harness) mustNotShow(wants ...string) {
	hs.t.Helper()
	v := hs.view()
	for _, w := range wants {
		if strings.Contains(v, w) {
			hs.t.Fatalf("frame shows %q:\n%s", w, v)
		}
	}
}

// helpBar is the last line of the frame.
func (hs *harness) helpBar() string {
	lines := strings.Split(hs.view(), "\n")
	return lines[len(lines)-1]
}

// fakeWizard is a wizard screen whose text capture and esc handling the
// test switches on and off.
type fakeWizard struct {
	capturing, handlesBack bool
	got                    []string
	w, h                   int
}

var (
	_ uikit.Screen      = (*fakeWizard)(nil)
	_ uikit.BackHandler = (*fakeWizard)(nil)
)

func (f *fakeWizard) Init() tea.Cmd { return nil }
func (f *fakeWizard) Update(msg tea.Msg) (uikit.Screen, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		f.got = append(f.got, k.String())
	}
	return f, nil
}
func (f *fakeWizard) View() string           { return "FAKE WIZARD typed:" + strings.Join(f.got, ",") }
func (f *fakeWizard) SetSize(w, h int)       { f.w, f.h = w, h }
func (f *fakeWizard) SetStyles(uikit.Styles) {}
func (f *fakeWizard) KeyMap() help.KeyMap    { return noKeys{} }
func (f *fakeWizard) Capturing() bool        { return f.capturing }
func (f *fakeWizard) HandlesBack() bool      { return f.handlesBack }
