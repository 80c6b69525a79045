package ui

import (
	"errors"
	"fmt"
	"image/color"
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/store"
	"github.com/xops/xops/ui/uikit"
)

func TestQuitKeys(t *testing.T) {
	t.Parallel()
	for _, k := range []string{"q", "ctrl+c"} {
		hs := newHarness(t, Deps{Store: &fakeStore{}}, 80, 24)
		hs.keys(k)
		if !hs.quit {
			t.Errorf("%s did not quit", k)
		}
	}
}

func TestCapturingScreenGetsPrintableKeys(t *testing.T) {
	t.Parallel()
	wiz := &fakeWizard{capturing: true}
	hs := newHarness(t, Deps{Store: &fakeStore{accounts: sampleAccounts()}, Wizard: func() uikit.Screen { return wiz }}, 80, 24)
	hs.keys("n", "enter") // Home → Microsoft → wizard
	if hs.page() != flow.PageLinkWizard {
		t.Fatalf("page = %v", hs.page())
	}
	hs.keys("q", "?", "j", "tab", "esc")
	if hs.quit {
		t.Fatal("q quit while the wizard was taking text")
	}
	if hs.page() != flow.PageLinkWizard || hs.m.fullHelp {
		t.Fatalf("global keys acted while capturing: page %v, full help %v", hs.page(), hs.m.fullHelp)
	}
	if got := strings.Join(wiz.got, ","); got != "q,?,j,tab,esc" { // tab, esc: see also TestLeavingTheWizardSavesItsDraft
		t.Fatalf("wizard got %q", got)
	}
	if strings.Contains(hs.helpBar(), "q quit") {
		t.Fatalf("help offers q while q is text: %q", hs.helpBar())
	}
	if wiz.w != 63 || wiz.h != hs.m.lay.bodyHeight {
		t.Fatalf("wizard sized %dx%d, want 63x%d", wiz.w, wiz.h, hs.m.lay.bodyHeight)
	}
	hs.send(tea.WindowSizeMsg{Width: 50, Height: 20})
	hs.mustShow("ctrl+c quits") // q is text in the hidden field
	hs.keys("q")
	if hs.quit || strings.Join(wiz.got, ",") != "q,?,j,tab,esc" {
		t.Fatalf("a key reached the hidden page or quit: %v, quit %v", wiz.got, hs.quit)
	}
	hs.keys("ctrl+c")
	if !hs.quit {
		t.Fatal("ctrl+c must always quit")
	}
}

func TestWizardMessagesAndBackHandling(t *testing.T) {
	t.Parallel()
	wiz := &fakeWizard{}
	made := 0
	fs := &fakeStore{}
	hs := newHarness(t, Deps{Store: fs, Wizard: func() uikit.Screen { made++; return wiz }}, 80, 24)
	hs.keys("down", "down", "enter", "enter")
	if hs.page() != flow.PageLinkWizard || made != 1 {
		t.Fatalf("page = %v, wizards made %d", hs.page(), made)
	}
	hs.mustShow("FAKE WIZARD")

	wiz.handlesBack = true
	hs.keys("esc")
	if hs.page() != flow.PageLinkWizard || strings.Join(wiz.got, ",") != "esc" {
		t.Fatalf("esc not given to a wizard that handles it: page %v, got %v", hs.page(), wiz.got)
	}
	hs.send(uikit.BackMsg{}) // the wizard ran out of steps
	if hs.page() != flow.PageMicrosoft {
		t.Fatalf("BackMsg: page = %v", hs.page())
	}

	hs.keys("enter")
	if made != 2 {
		t.Fatalf("a new visit must make a new wizard (made %d)", made)
	}
	// The wizard saved the first account: it reports the change and goes Home.
	fs.add(sampleAccounts()[0])
	reads := fs.readCount()
	hs.send(uikit.AccountsChangedMsg{})
	hs.send(uikit.HomeMsg{})
	if fs.readCount() != reads+1 {
		t.Fatalf("AccountsChangedMsg did not reload (reads %d → %d)", reads, fs.readCount())
	}
	if hs.page() != flow.PageHome || hs.m.state.CanGoBack() {
		t.Fatalf("HomeMsg: page %v, can go back %v", hs.page(), hs.m.state.CanGoBack())
	}
	hs.mustShow("Linked accounts (1)", "contoso")
	if !hs.m.state.Linked {
		t.Fatal("state not linked after the first account")
	}
}

func TestFullHelpToggle(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, Deps{Store: &fakeStore{accounts: sampleAccounts()}}, 80, 24)
	short := hs.m.lay.bodyHeight
	hs.mustNotShow("shift+tab", "pgdown")
	hs.keys("?")
	hs.mustShow("shift+tab", "previous section", "ctrl+c", "pgdown", "hide help")
	if hs.m.lay.bodyHeight >= short {
		t.Fatalf("full help did not take room from the page: %d ≥ %d", hs.m.lay.bodyHeight, short)
	}
	assertFrame(t, hs, 80, 24)
	hs.keys("?")
	hs.mustNotShow("shift+tab")
	if hs.m.lay.bodyHeight != short {
		t.Fatalf("body height %d, want %d again", hs.m.lay.bodyHeight, short)
	}
}

func TestHelpBarOffersOnlyWorkingKeys(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, Deps{Store: &fakeStore{accounts: sampleAccounts()}}, 100, 24)
	if strings.Contains(hs.helpBar(), "esc") {
		t.Fatalf("Home has nowhere to go back to, yet help offers esc: %q", hs.helpBar())
	}
	hs.keys("tab")
	if !strings.Contains(hs.helpBar(), "esc back") {
		t.Fatalf("Integrations help lacks esc: %q", hs.helpBar())
	}
	hs2 := newHarness(t, Deps{Store: &fakeStore{}}, 100, 24)
	if !strings.Contains(hs2.helpBar(), "tab skip to Home") {
		t.Fatalf("picker help: %q", hs2.helpBar())
	}
}

func TestHelpBarFitsAndKeepsHelpAndQuit(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, Deps{Store: &fakeStore{accounts: sampleAccounts()}}, 60, 16)
	hs.keys("tab") // Integrations has the most keys
	bar := hs.helpBar()
	if !strings.Contains(bar, "? more keys") || !strings.Contains(bar, "q quit") {
		t.Fatalf("help bar dropped ? or q: %q", bar)
	}
	if strings.Contains(bar, "…") {
		t.Fatalf("help bar cut mid-item: %q", bar)
	}
}

func TestTooSmall(t *testing.T) {
	t.Parallel()
	for _, sz := range [][2]int{{59, 16}, {60, 15}, {40, 12}, {20, 5}} {
		hs := newHarness(t, Deps{Store: &fakeStore{accounts: sampleAccounts()}}, sz[0], sz[1])
		v := strings.Join(strings.Fields(hs.view()), " ")
		want := fmt.Sprintf("Make the terminal larger (needs 60×16, now %d×%d)", sz[0], sz[1])
		if !strings.Contains(v, want) {
			t.Fatalf("%dx%d: %q lacks %q", sz[0], sz[1], v, want)
		}
		assertFrame(t, hs, sz[0], sz[1])
		hs.keys("tab", "n") // ignored: the page cannot be seen
		if hs.page() != flow.PageHome {
			t.Fatalf("keys acted on a hidden page: %v", hs.page())
		}
		hs.send(tea.WindowSizeMsg{Width: 80, Height: 24})
		hs.mustShow("Linked accounts (3)")
		hs.send(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		hs.keys("q")
		if !hs.quit {
			t.Fatal("q must quit from the too-small screen")
		}
	}
}

func TestStatusLineClearsOnlyItsOwnMessage(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, Deps{Store: &fakeStore{accounts: sampleAccounts()}}, 80, 24)
	hs.send(uikit.StatusMsg{Text: "first"})
	hs.send(uikit.StatusMsg{Text: "certificate saved", Err: false})
	if len(hs.timers) < 2 {
		t.Fatalf("no clearing timers started: %v", hs.timers)
	}
	hs.send(hs.timers[len(hs.timers)-2]) // the first message's timer fires late
	hs.mustShow("certificate saved")
	hs.send(hs.timers[len(hs.timers)-1])
	hs.mustNotShow("certificate saved")
	hs.send(uikit.StatusMsg{Text: "cannot write the file", Err: true})
	hs.mustShow("✗ cannot write the file")
}

func TestChangesPollReloadsOnlyWhenTheStoreMoved(t *testing.T) {
	t.Parallel()
	fs := &fakeStore{accounts: sampleAccounts()[:1], gen: 7}
	hs := newHarness(t, Deps{Store: fs, Changes: fs.Generation}, 80, 24)
	if _, ok := hs.timers[0].(pollMsg); !ok {
		t.Fatalf("no poll started: %v", hs.timers)
	}
	reads := fs.readCount()
	hs.send(pollMsg{})
	if fs.readCount() != reads {
		t.Fatal("reloaded although the generation did not move")
	}
	if _, ok := hs.timers[len(hs.timers)-1].(pollMsg); !ok {
		t.Fatal("the poll did not schedule the next one")
	}
	fs.add(sampleAccounts()[1]) // another xops linked fabrikam
	hs.send(pollMsg{})
	if fs.readCount() != reads+1 {
		t.Fatalf("reads %d, want %d", fs.readCount(), reads+1)
	}
	hs.mustShow("Linked accounts (2)", "fabrikam")
}

func TestPickerGivesWayWhenAnAccountIsLinkedElsewhere(t *testing.T) {
	t.Parallel()
	fs := &fakeStore{}
	hs := newHarness(t, Deps{Store: fs, Changes: fs.Generation}, 80, 24)
	if hs.page() != flow.PagePicker {
		t.Fatalf("page = %v", hs.page())
	}
	fs.add(store.Account{ID: "x", Name: "elsewhere", Status: store.StatusUnverified})
	hs.send(pollMsg{})
	if hs.page() != flow.PageHome {
		t.Fatalf("page = %v, want Home", hs.page())
	}
	hs.mustShow("elsewhere")
}

var colourSGR = regexp.MustCompile(`\x1b\[[0-9;]*(3[0-9]|4[0-9]|9[0-7]|10[0-7])[;m]`)

func TestNoColorAndBackground(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, Deps{Store: &fakeStore{accounts: sampleAccounts()}, NoColor: true}, 80, 24)
	hs.send(tea.BackgroundColorMsg{Color: color.White})
	if hs.m.styles.Dark || !hs.m.styles.NoColor {
		t.Fatalf("styles after a light background: dark %v, noColor %v", hs.m.styles.Dark, hs.m.styles.NoColor)
	}
	raw := hs.m.View().Content
	if colourSGR.MatchString(raw) {
		t.Fatalf("NO_COLOR view carries colour: %q", colourSGR.FindString(raw))
	}
	if !strings.Contains(raw, "\x1b[") {
		t.Fatal("no emphasis at all: the cursor row must still stand out (bold/reverse)")
	}

	col := New(Deps{Store: &fakeStore{}})
	col.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	col.Update(tea.BackgroundColorMsg{Color: color.Black})
	if !col.styles.Dark || col.styles.NoColor {
		t.Fatalf("colour styles: dark %v, noColor %v", col.styles.Dark, col.styles.NoColor)
	}
	col.Update(tea.BackgroundColorMsg{Color: color.White})
	if col.styles.Dark {
		t.Fatal("light background kept dark styles")
	}
	if col.home.styles.Dark != col.styles.Dark {
		t.Fatal("pages did not get the new styles")
	}
}

func TestViewIsAltScreenAndTitled(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, Deps{Store: &fakeStore{}}, 80, 24)
	v := hs.m.View()
	if !v.AltScreen || v.WindowTitle != "xops" {
		t.Fatalf("AltScreen %v, title %q", v.AltScreen, v.WindowTitle)
	}
	if New(Deps{}).View().Content != "" {
		t.Fatal("a frame before the first size message")
	}
}

// assertFrame checks that the frame is exactly w×h cells.
func assertFrame(t *testing.T, hs *harness, w, h int) {
	t.Helper()
	lines := strings.Split(hs.view(), "\n")
	if len(lines) != h {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), h, hs.view())
	}
	for i, ln := range lines {
		if n := len([]rune(ln)); n > w {
			t.Fatalf("line %d is %d wide (> %d): %q", i, n, w, ln)
		}
	}
}

// assertPageFits checks that the page itself stays inside its region, so
// the frame never has to cut it (a cut line or a lost last line).
func assertPageFits(t *testing.T, hs *harness) {
	t.Helper()
	page := hs.m.page()
	if page == nil {
		return
	}
	view := ansi.Strip(page.View())
	if n := lineCount(view); n > hs.m.lay.bodyHeight {
		t.Fatalf("%v at %dx%d: %d lines for %d rows:\n%s", hs.page(), hs.m.lay.width, hs.m.lay.height, n, hs.m.lay.bodyHeight, view)
	}
	for _, ln := range strings.Split(view, "\n") {
		if w := ansi.StringWidth(ln); w > hs.m.lay.contentWidth {
			t.Fatalf("%v at %dx%d: line %q is %d wide for %d", hs.page(), hs.m.lay.width, hs.m.lay.height, ln, w, hs.m.lay.contentWidth)
		}
	}
}

// TestEveryPageFitsEverySize walks every page at several sizes and checks
// the frame keeps its shape.
func TestEveryPageFitsEverySize(t *testing.T) {
	t.Parallel()
	walks := [][]string{
		{}, {"enter"}, {"down", "down", "enter"}, {"down", "down", "enter", "enter"},
		{"tab"}, {"tab", "tab"}, {"tab", "tab", "tab"}, {"?"},
	}
	for _, size := range [][2]int{{60, 16}, {80, 24}, {120, 40}, {61, 17}} {
		for _, accounts := range [][]store.Account{nil, sampleAccounts(), manyAccounts(500)} {
			for _, walk := range walks {
				hs := newHarness(t, Deps{Store: &fakeStore{accounts: accounts}, Sandbox: true}, size[0], size[1])
				hs.keys(walk...)
				assertFrame(t, hs, size[0], size[1])
				assertPageFits(t, hs)
			}
		}
	}
}

func TestStartResumesADraftInTheWizard(t *testing.T) {
	t.Parallel()
	asked := 0
	wiz := &fakeWizard{}
	fs := &fakeStore{accounts: sampleAccounts()}
	d := Deps{Store: fs, Changes: fs.Generation, Wizard: func() uikit.Screen { return wiz },
		ResumeDraft: func() (bool, error) { asked++; return true, nil }}
	hs := newHarness(t, d, 80, 24)
	if hs.page() != flow.PageLinkWizard {
		t.Fatalf("page = %v, want the wizard (a draft is waiting)", hs.page())
	}
	hs.mustShow("FAKE WIZARD", "Integrations › Microsoft › Link a New Microsoft Account")
	fs.add(store.Account{ID: "z", Name: "zeta"})
	hs.send(pollMsg{}) // a reload must not ask again, nor move the admin
	if asked != 1 || hs.page() != flow.PageLinkWizard {
		t.Fatalf("asked %d times, page %v", asked, hs.page())
	}
	hs.send(uikit.BackMsg{})
	if hs.page() != flow.PageMicrosoft {
		t.Fatalf("back from a resumed wizard: %v", hs.page())
	}

	broken := newHarness(t, Deps{Store: &fakeStore{}, ResumeDraft: func() (bool, error) { return false, errors.New("disk on fire") }}, 80, 24)
	if broken.page() != flow.PagePicker {
		t.Fatalf("page = %v, want the picker", broken.page())
	}
	broken.mustShow("✗ Could not look for a link in progress: read the draft: disk on fire")
}
