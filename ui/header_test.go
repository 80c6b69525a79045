package ui

import (
	"strings"
	"testing"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/ui/uikit"
)

// headerLine is the first line of the frame, trailing blanks dropped.
func headerLine(hs *harness) string {
	return strings.TrimRight(strings.SplitN(hs.view(), "\n", 2)[0], " ")
}

// TestBreadcrumbSaysWhereTheAdminIsWhicheverWayTheyCame: the first-run path
// (picker → Microsoft → wizard) reads as the linked one does, from the
// section the side navigation marks, and so do Home's link key and tab.
func TestBreadcrumbSaysWhereTheAdminIsWhicheverWayTheyCame(t *testing.T) {
	t.Parallel()
	const want = "xops  Integrations › Microsoft › Link a New Microsoft Account"
	wiz := func() uikit.Screen { return &fakeWizard{} }

	first := newHarness(t, Deps{Store: &fakeStore{}, Wizard: wiz}, 80, 24)
	if got := headerLine(first); got != "xops  Choose your platform" {
		t.Errorf("picker header %q", got)
	}
	first.keys("down", "down", "enter")
	if got := headerLine(first); got != "xops  Integrations › Microsoft" {
		t.Errorf("first run, Microsoft: header %q", got)
	}
	first.keys("enter")
	if got := headerLine(first); got != want {
		t.Errorf("first run, wizard: header %q, want %q", got, want)
	}

	byKey := newHarness(t, Deps{Store: &fakeStore{accounts: sampleAccounts()}, Wizard: wiz}, 80, 24)
	byKey.keys("n", "enter")
	if byKey.page() != flow.PageLinkWizard {
		t.Fatalf("page %v", byKey.page())
	}
	if got := headerLine(byKey); got != want {
		t.Errorf("Home's n: header %q, want %q", got, want)
	}

	byTab := newHarness(t, Deps{Store: &fakeStore{accounts: sampleAccounts()}, Wizard: wiz}, 80, 24)
	byTab.keys("tab")
	if got := headerLine(byTab); got != "xops  Integrations" {
		t.Errorf("Integrations header %q", got)
	}
	byTab.keys("l", "l", "enter", "enter")
	if got := headerLine(byTab); got != want {
		t.Errorf("tab: header %q, want %q", got, want)
	}

	unsupported := newHarness(t, Deps{Store: &fakeStore{}}, 80, 24)
	unsupported.keys("enter")
	if got := headerLine(unsupported); got != "xops  Integrations › AWS" {
		t.Errorf("first run, AWS: header %q", got)
	}
}

// TestBreadcrumbKeepsItsEndWhenNarrow: at 60 columns with the SANDBOX badge
// the first crumbs give way, never the page the admin is on.
func TestBreadcrumbKeepsItsEndWhenNarrow(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, Deps{Store: &fakeStore{}, Sandbox: true, Wizard: func() uikit.Screen { return &fakeWizard{} }}, 60, 16)
	hs.keys("down", "down", "enter", "enter")
	got := headerLine(hs)
	if !strings.HasPrefix(got, "xops  … › Microsoft › Link a New Microsoft Account") || !strings.HasSuffix(got, "SANDBOX") {
		t.Errorf("header at 60 columns: %q", got)
	}
}

// keyedPage is a page whose help lists its main action last, after keys
// that do not all fit at 60 columns.
type keyedPage struct{ fakeWizard }

type keyedMap []key.Binding

func (k keyedMap) ShortHelp() []key.Binding  { return k }
func (k keyedMap) FullHelp() [][]key.Binding { return [][]key.Binding{k} }

func (p *keyedPage) KeyMap() help.KeyMap {
	b := func(k, desc string) key.Binding { return key.NewBinding(key.WithKeys(k), key.WithHelp(k, desc)) }
	return keyedMap{b("up", "move up"), b("down", "move down"), b("space", "tick the step"),
		b("d", "do it in the sandbox"), b("enter", "verify again"), b("pgdown", "more"), b("esc", "back")}
}

// TestHelpBarKeepsEnter: when the help bar is too long it gives up the
// page's other keys first; enter stays with "?" and "q".
func TestHelpBarKeepsEnter(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, Deps{Store: &fakeStore{}, Wizard: func() uikit.Screen { return &keyedPage{} }}, 60, 16)
	hs.keys("down", "down", "enter", "enter")
	if hs.page() != flow.PageLinkWizard {
		t.Fatalf("page %v", hs.page())
	}
	bar := hs.helpBar()
	for _, want := range []string{"up move up", "enter verify again", "? more keys", "q quit"} {
		if !strings.Contains(bar, want) {
			t.Errorf("the help bar lacks %q: %q", want, bar)
		}
	}
	if strings.Contains(bar, "pgdown") || len([]rune(bar)) > 60 {
		t.Errorf("the help bar kept a minor key or overflows: %q", bar)
	}
}
