package ui

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/xops/xops/entra/sandbox"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/store"
	"github.com/xops/xops/ui/autosetup"
	"github.com/xops/xops/ui/uikit"
	uiwizard "github.com/xops/xops/ui/wizard"
)

// wizardHarness is the root with the real link wizard ("Set it up for me"
// or the guided checklist) on a fresh store, at w×h, in --sandbox (the
// checklist offers d).
func wizardHarness(t *testing.T, w, h int) *harness {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "xops.db"), store.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	now := func() time.Time { return testNow }
	svc := &flow.Service{Store: st, Cloud: "global", Now: now}
	sb, err := sandbox.New(sandbox.Options{Now: now}) // not started: the checklist only offers d
	if err != nil {
		t.Fatal(err)
	}
	wd := uiwizard.Deps{Service: svc, Drafts: st, Keys: st, Verifier: svc, Now: now, WorkDir: dir, User: "admin", Host: "jump1",
		Sandbox: sb}
	ad := autosetup.Deps{Service: svc, Drafts: st, Now: now, Guided: func() uikit.Screen { return uiwizard.New(wd) }}
	d := Deps{Store: &fakeStore{accounts: sampleAccounts()}, StorePath: "/home/admin/.local/share/xops/xops.db",
		Cloud: "global", Version: "v0.1.0", NoColor: true, Now: now, Sandbox: true,
		Wizard: func() uikit.Screen { return autosetup.New(ad) }}
	return newHarness(t, d, w, h)
}

// toChecklist opens the guided checklist: Integrations › Microsoft › Link,
// then "I'll do it in the Entra admin center".
var toChecklist = []string{"tab", "down", "down", "enter", "enter", "enter"}

// With the full help open at 60×16 every enabled key is listed (none cut
// off at the bottom of the help), and the page keeps the rows the help does
// not need: its own "more" hint stays on screen.
func TestFullHelpAt60x16ListsEveryKeyAndKeepsThePageHints(t *testing.T) {
	t.Parallel()
	f := newActionFixture(t, "global")
	f.link("contoso")
	check := func(name string, hs *harness, hint string) {
		t.Helper()
		hs.keys("?")
		v := hs.view()
		for _, group := range hs.m.helpKeys().FullHelp() {
			for _, b := range group {
				if b.Enabled() && !strings.Contains(v, b.Help().Key+" "+b.Help().Desc) && !strings.Contains(v, b.Help().Desc) {
					t.Errorf("%s: the full help leaves out %q %q:\n%s", name, b.Help().Key, b.Help().Desc, v)
				}
			}
		}
		if hint != "" && !strings.Contains(v, hint) {
			t.Errorf("%s: with the full help open the page's hint %q is gone:\n%s", name, hint, v)
		}
		if rows := strings.Count(v, "\n") + 1; rows != 16 {
			t.Errorf("%s: the frame is %d rows, want 16", name, rows)
		}
		hs.keys("?")
		if strings.Contains(hs.view(), "hide help") {
			t.Errorf("%s: ? did not close the full help", name)
		}
	}
	check("home", f.harness(60, 16), "")
	acct := f.harness(60, 16)
	acct.keys("enter")
	check("account", acct, "↓ more")
	wiz := wizardHarness(t, 60, 16)
	wiz.keys(toChecklist...)
	wiz.mustShow("Entra checklist")
	check("checklist", wiz, "more lines: pgdn")

	empty := newHarness(t, Deps{Store: &fakeStore{}}, 60, 16)
	empty.keys("tab")
	check("home, no account", empty, "Link a Microsoft 365 account")
}

// The page is handed its real height with the full help open and gets its
// rows back when it closes.
func TestFullHelpResizesThePage(t *testing.T) {
	t.Parallel()
	for _, size := range [][2]int{{60, 16}, {80, 24}} {
		hs := wizardHarness(t, size[0], size[1])
		hs.keys(toChecklist...)
		closed := hs.m.lay.bodyHeight
		hs.keys("?")
		open := hs.m.lay
		if open.bodyHeight+open.helpHeight != closed+1 {
			t.Errorf("%dx%d: body %d + help %d with the full help, body %d + 1 without", size[0], size[1],
				open.bodyHeight, open.helpHeight, closed)
		}
		if got := strings.Count(hs.m.bodyView(), "\n") + 1; got != open.bodyHeight {
			t.Errorf("%dx%d: the page is drawn in %d rows, the body has %d", size[0], size[1], got, open.bodyHeight)
		}
		hs.keys("?")
		if hs.m.lay.bodyHeight != closed {
			t.Errorf("%dx%d: closing the full help leaves the body at %d rows, want %d", size[0], size[1], hs.m.lay.bodyHeight, closed)
		}
	}
}

// TestFullHelpGolden pins the 60×16 frames with the full help open. Refresh
// with go test ./ui -run TestFullHelpGolden -update, then read the diff.
func TestFullHelpGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		accounts []store.Account
		keys     []string
	}{
		{"home_60x16", sampleAccounts(), []string{"?"}},
		{"home_empty_60x16", nil, []string{"tab", "?"}},
		{"account_60x16", sampleAccounts(), []string{"enter", "?"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := Deps{Store: &fakeStore{accounts: tt.accounts}, StorePath: "/home/admin/.local/share/xops/xops.db",
				Cloud: "global", Version: "v0.1.0", NoColor: true, Now: func() time.Time { return testNow }}
			hs := newHarness(t, d, 60, 16)
			hs.keys(tt.keys...)
			golden.RequireEqual(t, hs.view())
		})
	}
	t.Run("checklist_60x16", func(t *testing.T) {
		t.Parallel()
		hs := wizardHarness(t, 60, 16)
		hs.keys(append(toChecklist, "?")...)
		golden.RequireEqual(t, hs.view())
	})
}

// TestFullHelpListsEveryKeyWhenThePageRescrolls: opening the full help
// makes the page shorter, which can enable its scroll keys and so lengthen
// the help by a row; that row must be shown, not cut off (seen at 80×24 on
// an account page: esc, pgdn and ? were missing).
func TestFullHelpListsEveryKeyWhenThePageRescrolls(t *testing.T) {
	t.Parallel()
	d := Deps{Store: &fakeStore{accounts: sampleAccounts()}, NoColor: true, Now: func() time.Time { return testNow }}
	hs := newHarness(t, d, 80, 24)
	hs.keys("enter", "?")
	v := hs.view()
	for _, group := range hs.m.helpKeys().FullHelp() {
		for _, b := range group {
			if b.Enabled() && !strings.Contains(v, b.Help().Desc) {
				t.Errorf("the full help leaves out %q %q:\n%s", b.Help().Key, b.Help().Desc, v)
			}
		}
	}
	if got := lineCount(hs.m.fullHelpView(hs.m.helpKeys())); got != hs.m.lay.helpHeight {
		t.Errorf("the full help takes %d rows, the layout gives it %d", got, hs.m.lay.helpHeight)
	}
}

// TestEscClosesTheFullHelpFirst: with the full help open, esc closes it and
// stays on the page (on an account page and in the link wizard, which takes
// esc itself); the next esc goes back as usual. ? closes it too. The help
// says that esc closes it.
func TestEscClosesTheFullHelpFirst(t *testing.T) {
	t.Parallel()
	d := Deps{Store: &fakeStore{accounts: sampleAccounts()}, NoColor: true, Now: func() time.Time { return testNow }}
	hs := newHarness(t, d, 80, 24)
	hs.keys("enter")
	hs.mustBeOn(flow.PageAccount)
	hs.keys("?")
	if v := hs.view(); !regexp.MustCompile(`\?/esc +hide help`).MatchString(v) {
		t.Fatalf("the full help does not say esc closes it:\n%s", v)
	}
	hs.keys("esc")
	hs.mustBeOn(flow.PageAccount)
	if hs.m.fullHelp {
		t.Fatalf("esc left the full help open:\n%s", hs.view())
	}
	hs.mustNotShow("hide help")
	hs.keys("esc")
	hs.mustBeOn(flow.PageHome)

	hs.keys("?", "?")
	if hs.m.fullHelp {
		t.Fatal("? did not close the full help")
	}

	wiz := wizardHarness(t, 80, 24)
	wiz.keys(toChecklist...)
	wiz.mustShow("Entra checklist")
	wiz.keys("?", "esc")
	if wiz.m.fullHelp || wiz.page() != flow.PageLinkWizard {
		t.Fatalf("esc with the full help open over the checklist: help open %v, page %v:\n%s", wiz.m.fullHelp, wiz.page(), wiz.view())
	}
	wiz.mustShow("Entra checklist")
}
