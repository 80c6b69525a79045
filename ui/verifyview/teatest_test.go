package verifyview

import (
	"testing"
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/ui/uikit"
)

// testRoot hosts the screen the way the real root does: it sizes it, draws
// its help bar from its KeyMap, and acts on the messages it emits.
type testRoot struct {
	screen  *Model
	help    help.Model
	done    *DoneMsg
	fixes   []entra.Step
	changed int
	// failed and passed get a value when the screen shows that verdict, so
	// the test types its next key only once the screen can take it.
	failed, passed chan struct{}
}

func (r *testRoot) Init() tea.Cmd { return r.screen.Init() }

func (r *testRoot) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		r.screen.SetSize(msg.Width, msg.Height-1)
		r.help.SetWidth(msg.Width)
		return r, nil
	case tea.KeyPressMsg:
		if msg.String() == "ctrl+c" {
			return r, tea.Quit
		}
	case DoneMsg:
		r.done = &msg
		return r, tea.Quit
	case FixStepMsg:
		r.fixes = append(r.fixes, msg.Step)
		return r, nil
	case uikit.AccountsChangedMsg:
		r.changed++
		return r, nil
	}
	_, cmd := r.screen.Update(msg)
	if !r.screen.Running() && r.screen.Attempts() > 0 {
		if r.screen.Report().OK {
			signal(r.passed)
		} else if len(r.screen.Report().Checks) > 0 {
			signal(r.failed)
		}
	}
	return r, cmd
}

func (r *testRoot) View() tea.View {
	return tea.NewView(r.screen.View() + "\n" + r.help.View(r.screen.KeyMap()))
}

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

func waitSignal(t *testing.T, c chan struct{}, what string) {
	t.Helper()
	select {
	case <-c:
	case <-time.After(20 * time.Second): // a hang guard, not a timing assertion
		t.Fatalf("the screen never showed %s", what)
	}
}

// TestProgramFailsThenPassesOnRetry runs the screen in a real Bubble Tea
// program: the first verification finds consent missing, the admin presses
// r (the consent is granted meanwhile), the second passes, enter leaves.
func TestProgramFailsThenPassesOnRetry(t *testing.T) {
	t.Parallel()
	f := newFake(finished("contoso", consentMissing()), finished("contoso", allPass()))
	screen := New(Deps{Verifier: f, Account: "contoso", AutoRetry: -1})
	screen.SetStyles(uikit.NewStyles(true, true))
	root := &testRoot{screen: screen, help: help.New(), failed: make(chan struct{}, 1), passed: make(chan struct{}, 1)}

	tm := teatest.NewTestModel(t, root,
		teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))

	waitSignal(t, root.failed, "the failed verification")
	tm.Type("r")
	waitSignal(t, root.passed, "the passing verification")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})

	final := tm.FinalModel(t, teatest.WithFinalTimeout(20*time.Second)).(*testRoot)
	if final.done == nil {
		t.Fatal("the screen never emitted DoneMsg")
	}
	if !final.done.Report.OK || final.done.Report.Account != "contoso" {
		t.Errorf("DoneMsg report = %+v, want a passing report for contoso", final.done.Report)
	}
	if got := final.screen.Attempts(); got != 2 {
		t.Errorf("attempts = %d, want 2", got)
	}
	if f.Calls() != 2 {
		t.Errorf("verifier called %d times, want 2", f.Calls())
	}
	if final.changed != 2 {
		t.Errorf("AccountsChangedMsg sent %d times, want once per finished attempt (2)", final.changed)
	}
	if len(final.fixes) != 0 {
		t.Errorf("unexpected FixStepMsg: %v", final.fixes)
	}
}
