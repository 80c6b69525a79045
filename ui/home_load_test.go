package ui

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/store"
	"github.com/xops/xops/ui/uikit"
)

// filledStore is a real store holding n accounts (written in one batch;
// the key material is a placeholder: the list never reads it).
func filledStore(tb testing.TB, n int) *store.Store {
	tb.Helper()
	st, err := store.Open(filepath.Join(tb.TempDir(), "xops.db"), store.Options{Timeout: time.Second})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	batch := make([]store.NewAccount, n)
	for i := range batch {
		a := manyAccounts(1)[0]
		a.ID, a.Name = fmt.Sprintf("id-%05d", i), fmt.Sprintf("acct-%05d", i)
		cred := fmt.Sprintf("cred-%05d", i)
		a.Credentials = []store.Credential{{ID: cred, Thumbprint: "AB", KeySize: 2048, NotAfter: testNow.AddDate(0, 0, i%400)}}
		batch[i] = store.NewAccount{Account: a,
			Keys:  map[string]store.KeyMaterial{cred: {CertDER: []byte{1}, KeyPKCS8: []byte{1}}},
			Audit: store.AuditEntry{Action: "linked"}}
	}
	if err := st.CreateAccounts(batch); err != nil {
		tb.Fatal(err)
	}
	return st
}

func TestHomeFirstScreenBeforeTheRest(t *testing.T) {
	t.Parallel()
	st := filledStore(t, 250)
	msg := loadAccountsCmd(st, st.Generation, nil, true)().(accountsMsg)
	if !msg.partial || msg.total != 250 || len(msg.accounts) != firstPage || msg.hasGen {
		t.Fatalf("first load: partial %v, total %d, %d accounts, gen %v", msg.partial, msg.total, len(msg.accounts), msg.hasGen)
	}
	m := New(Deps{Store: st, NoColor: true, Now: func() time.Time { return testNow }})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.state, _ = m.state.Apply(flow.AppStarted{})
	_, cmd := m.Update(msg)
	hs := &harness{t: t, m: m}
	hs.mustShow("Linked accounts (250)", "Reading the other 150 accounts", "› acct-00000")
	if m.home.keys.Filter.Enabled() || m.home.keys.Sort.Enabled() {
		t.Fatal("filter and sort offered on a partial list")
	}
	hs.run(cmd) // the rest
	if m.home.partial || m.home.list.len() != 250 || !m.home.keys.Filter.Enabled() {
		t.Fatalf("after the rest: partial %v, %d shown", m.home.partial, m.home.list.len())
	}
	hs.mustNotShow("Reading the other")

	small := filledStore(t, 3)
	if msg := loadAccountsCmd(small, nil, nil, true)().(accountsMsg); msg.partial || len(msg.accounts) != 3 {
		t.Fatalf("a small store: partial %v, %d accounts", msg.partial, len(msg.accounts))
	}
}

// countingStore counts the reads Home makes of a real store.
type countingStore struct {
	*store.Store
	pages, fulls, withChecks atomic.Int32
}

func (c *countingStore) AccountsPage(offset, limit int) ([]store.Account, int, []*store.RecordError, error) {
	c.pages.Add(1)
	return c.Store.AccountsPage(offset, limit)
}

func (c *countingStore) Accounts() ([]store.Account, []*store.RecordError, error) {
	c.fulls.Add(1)
	c.withChecks.Add(1)
	return c.Store.Accounts()
}

func (c *countingStore) AccountSummaries() ([]store.Account, []*store.RecordError, error) {
	c.fulls.Add(1)
	return c.Store.AccountSummaries()
}

// A first screen read before the program started is what Init shows: Home
// draws it without reading the store again, and the rest of a large store
// is read only when restAfter has passed (the first frame is out by then).
func TestHomeTakesTheFirstScreenReadBeforeTheStart(t *testing.T) {
	t.Parallel()
	st := &countingStore{Store: filledStore(t, 250)}
	first := StartFirstScreen(Deps{Store: st, Changes: st.Generation})
	first.Wait()
	if n := st.pages.Load(); n != 1 {
		t.Fatalf("StartFirstScreen read %d pages, want 1", n)
	}
	hs := newHarness(t, Deps{Store: st, Changes: st.Generation, First: first, Now: func() time.Time { return testNow }}, 80, 24)
	hs.mustShow("Linked accounts (250)", "Reading the other 150 accounts", "› acct-00000")
	if n, f := st.pages.Load(), st.fulls.Load(); n != 1 || f != 0 {
		t.Fatalf("after Init: %d page reads and %d full reads, want 1 and 0 (the first screen was read already)", n, f)
	}
	var rest bool
	for _, msg := range hs.timers {
		if _, ok := msg.(loadRestMsg); ok {
			rest = true
		}
	}
	if !rest {
		t.Fatalf("no timer for the rest of the list; timers: %#v", hs.timers)
	}
	hs.send(loadRestMsg{})
	if f := st.fulls.Load(); f != 1 {
		t.Fatalf("after the timer: %d full reads, want 1", f)
	}
	hs.mustNotShow("Reading the other")
	hs.mustShow("Linked accounts (250)")
	if n := st.withChecks.Load(); n != 0 {
		t.Fatalf("Home read the accounts with their checks %d times; it shows none (an account's page reads its own)", n)
	}

	// A reload later (r, or another xops changed the store) reads the
	// store again: the first screen is used once.
	hs.send(uikit.AccountsChangedMsg{})
	if n, f := st.pages.Load(), st.fulls.Load(); n != 1 || f != 2 {
		t.Fatalf("after a reload: %d page reads and %d full reads, want 1 and 2", n, f)
	}
}

// A first screen that failed carries its error to Home, as a load started by
// Init would.
func TestFirstScreenErrorReachesHome(t *testing.T) {
	t.Parallel()
	st := filledStore(t, 3)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	first := StartFirstScreen(Deps{Store: st})
	hs := newHarness(t, Deps{Store: st, First: first, Now: func() time.Time { return testNow }}, 80, 24)
	hs.mustShow("Could not read the accounts")
}

func TestDetectColorProfile(t *testing.T) {
	t.Parallel()
	if cp := DetectColorProfile(true); cp.first() != colorprofile.Ascii || cp.lateProfile() != nil {
		t.Fatalf("NO_COLOR: profile %v (later: %v), want Ascii and no switch", cp.first(), cp.final != nil)
	}
	cp := DetectColorProfile(false)
	want := colorprofile.Detect(os.Stdout, withoutTmux(os.Environ()))
	if got, again := cp.first(), cp.first(); got != want || again != want {
		t.Fatalf("profile %v then %v, want %v (what Bubble Tea would detect, tmux aside)", got, again, want)
	}
}

// Inside tmux the first frame does not wait for tmux to be asked: the first
// profile comes from the environment, the final one (tmux asked) is sent to
// the program afterwards when it differs, and not at all when it does not.
func TestColorProfileInsideTmux(t *testing.T) {
	t.Parallel()
	env := []string{"TERM=screen-256color", "TMUX=/tmp/nowhere,1,0", "CLICOLOR_FORCE=1"}
	cp := detectColorProfile(io.Discard, env)
	if cp.final == nil {
		t.Fatal("inside tmux no final profile is detected")
	}
	if got, want := cp.first(), colorprofile.Detect(io.Discard, withoutTmux(env)); got != want {
		t.Fatalf("first profile %v, want %v", got, want)
	}
	if got, want := cp.final(), colorprofile.Detect(io.Discard, env); got != want {
		t.Fatalf("final profile %v, want %v", got, want)
	}
	// A final profile that differs is sent; the same one is not.
	differs := &ColorProfile{first: func() colorprofile.Profile { return colorprofile.ANSI256 },
		final: func() colorprofile.Profile { return colorprofile.TrueColor }}
	if msg, ok := differs.lateProfile()().(tea.ColorProfileMsg); !ok || msg.Profile != colorprofile.TrueColor {
		t.Fatalf("late profile message %#v, want TrueColor", msg)
	}
	same := &ColorProfile{first: differs.first, final: differs.first}
	if msg := same.lateProfile()(); msg != nil {
		t.Fatalf("a final profile equal to the first sent %#v", msg)
	}
	if cp := detectColorProfile(io.Discard, []string{"TERM=xterm-256color"}); cp.final != nil || cp.lateProfile() != nil {
		t.Fatal("outside tmux a second detection runs")
	}
}

func withoutTmux(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "TMUX=") {
			out = append(out, kv)
		}
	}
	return out
}

// WarmUp only fills tables: every glyph it warms keeps its width of one
// cell under both ways the renderer measures text, before and after.
func TestWarmUpChangesNoWidth(t *testing.T) {
	t.Parallel()
	WarmUp()
	for _, r := range warmGlyphs {
		for _, m := range []ansi.Method{ansi.WcWidth, ansi.GraphemeWidth} {
			if w := m.StringWidth(string(r)); w != 1 {
				t.Fatalf("%q is %d cells wide (method %d), want 1", r, w, m)
			}
		}
	}
}
