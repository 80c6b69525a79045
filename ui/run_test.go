package ui

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/ui/uikit"
)

// TestRunEndsWithItsContext: a cancelled context ends the TUI and Run says
// why, so the command line can exit cleanly on a signal.
func TestRunEndsWithItsContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe() // input that never ends, like an idle terminal
	defer pw.Close()
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Deps{Store: &fakeStore{}, NoColor: true},
			tea.WithInput(pr), tea.WithOutput(&out), tea.WithWindowSize(80, 24), tea.WithoutSignals())
	}()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Run returned %v, want context.Canceled", err)
		}
	case <-time.After(waitLong):
		t.Fatal("Run did not end with its context")
	}
}

// TestRunQuitsOnQ: the admin's q ends Run without an error.
func TestRunQuitsOnQ(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- Run(context.Background(), Deps{Store: &fakeStore{}},
			tea.WithInput(bytes.NewReader([]byte("q"))), tea.WithOutput(&out), tea.WithWindowSize(80, 24), tea.WithoutSignals())
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run returned %v, want nil", err)
		}
	case <-time.After(waitLong):
		t.Fatal("q did not end Run")
	}
}

// savingWizard counts the drafts the root asks it to save, and says when
// it is on screen.
type savingWizard struct {
	fakeWizard
	saves   int
	err     error
	entered chan struct{}
}

func (s *savingWizard) Init() tea.Cmd { close(s.entered); return nil }

func (s *savingWizard) SaveDraftNow() error { s.saves++; return s.err }

// Update returns the savingWizard itself (the embedded one would return
// only the fakeWizard, as a screen replacing itself would).
func (s *savingWizard) Update(msg tea.Msg) (uikit.Screen, tea.Cmd) {
	_, cmd := s.fakeWizard.Update(msg)
	return s, cmd
}

// TestRunSavesTheDraftOnQuit: quitting from the wizard keeps its draft, and
// a failing save is reported, not swallowed.
func TestRunSavesTheDraftOnQuit(t *testing.T) {
	t.Parallel()
	for _, saveErr := range []error{nil, errors.New("disk full")} {
		wiz := &savingWizard{err: saveErr, entered: make(chan struct{})}
		d := Deps{Store: &fakeStore{accounts: sampleAccounts()}, Wizard: func() uikit.Screen { return wiz },
			ResumeDraft: func() (bool, error) { return true, nil }} // opens on the wizard
		pr, pw := io.Pipe()
		go func() {
			<-wiz.entered
			_, _ = pw.Write([]byte{0x03}) // ctrl+c
		}()
		var out bytes.Buffer
		err := Run(context.Background(), d, tea.WithInput(pr),
			tea.WithOutput(&out), tea.WithWindowSize(80, 24), tea.WithoutSignals())
		_ = pw.Close()
		if wiz.saves != 1 {
			t.Fatalf("draft saved %d times, want 1 (Run: %v)", wiz.saves, err)
		}
		if saveErr == nil && err != nil {
			t.Fatalf("Run: %v", err)
		}
		if saveErr != nil && (err == nil || !errors.Is(err, saveErr)) {
			t.Fatalf("Run returned %v, want the save error", err)
		}
	}
}

// TestLeavingTheWizardSavesItsDraft: leaving the wizard keeps what was
// typed; a failing save says so in the status line.
func TestLeavingTheWizardSavesItsDraft(t *testing.T) {
	t.Parallel()
	wiz := &savingWizard{entered: make(chan struct{})}
	hs := newHarness(t, Deps{Store: &fakeStore{accounts: sampleAccounts()}, Wizard: func() uikit.Screen { return wiz }}, 80, 24)
	hs.keys("n", "enter")
	if wiz.saves != 0 {
		t.Fatalf("saved %d times before leaving", wiz.saves)
	}
	hs.keys("tab") // tab belongs to the wizard: it stays
	if wiz.saves != 0 || hs.page() != flow.PageLinkWizard || strings.Join(wiz.got, ",") != "tab" {
		t.Fatalf("tab in the wizard: saves %d, page %v, wizard got %v", wiz.saves, hs.page(), wiz.got)
	}
	hs.send(uikit.HomeMsg{})
	if wiz.saves != 1 || hs.page() != flow.PageHome {
		t.Fatalf("saves %d, page %v", wiz.saves, hs.page())
	}

	failing := &savingWizard{entered: make(chan struct{}), err: errors.New("disk full")}
	hs2 := newHarness(t, Deps{Store: &fakeStore{accounts: sampleAccounts()}, Wizard: func() uikit.Screen { return failing }}, 80, 24)
	hs2.keys("n", "enter", "esc")
	hs2.mustShow("✗ Could not save the link in progress: disk full")
}
