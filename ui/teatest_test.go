package ui

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/store"
)

// These runs drive the real program loop (renderer, commands, timers) and
// assert the final model, never frames in flight.

const waitLong = 15 * time.Second // generous: the machine is shared

func startProgram(t *testing.T, m *Model) *teatest.TestModel {
	t.Helper()
	return teatest.NewTestModel(t, m,
		teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
}

func waitForText(t *testing.T, tm *teatest.TestModel, text string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(text)) },
		teatest.WithDuration(waitLong), teatest.WithCheckInterval(20*time.Millisecond))
}

func finalModel(t *testing.T, tm *teatest.TestModel) *Model {
	t.Helper()
	m, ok := tm.FinalModel(t, teatest.WithFinalTimeout(waitLong)).(*Model)
	if !ok {
		t.Fatal("final model is not *ui.Model")
	}
	return m
}

func TestProgramFreshStoreOpensThePicker(t *testing.T) {
	t.Parallel()
	tm := startProgram(t, New(Deps{Store: &fakeStore{}}))
	waitForText(t, tm, "Welcome")
	tm.Send(keyPress("q"))
	m := finalModel(t, tm)
	if m.state.At.Page != flow.PagePicker || m.state.Linked {
		t.Fatalf("final page %v, linked %v; want the picker, not linked", m.state.At.Page, m.state.Linked)
	}
	if m.picker.cursor != 0 {
		t.Fatalf("picker cursor %d, want 0 (AWS)", m.picker.cursor)
	}
}

func TestProgramLinkedStoreOpensHome(t *testing.T) {
	t.Parallel()
	tm := startProgram(t, New(Deps{Store: &fakeStore{accounts: sampleAccounts()[:1]}}))
	waitForText(t, tm, "contoso")
	tm.Send(keyPress("q"))
	m := finalModel(t, tm)
	if m.state.At.Page != flow.PageHome || !m.state.Linked {
		t.Fatalf("final page %v, linked %v; want Home, linked", m.state.At.Page, m.state.Linked)
	}
	if len(m.home.list.accounts) != 1 || m.home.list.accounts[0].Name != "contoso" {
		t.Fatalf("Home lists %+v", m.home.list.accounts)
	}
}

// TestProgramRealStore runs against a bbolt store in a temp dir: first run
// shows the picker; an account linked by "another xops" (the store API,
// as the CLI would) shows up on Home through the generation poll.
func TestProgramRealStore(t *testing.T) {
	t.Parallel()
	st, err := store.Open(filepath.Join(t.TempDir(), "xops.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })

	m := New(Deps{Store: st, Changes: st.Generation, StorePath: st.Path()})
	m.pollEvery = 50 * time.Millisecond // poll often: the test waits on it
	tm := startProgram(t, m)
	waitForText(t, tm, "Welcome")

	err = st.CreateAccount(store.Account{Name: "contoso", AppID: "11111111-2222-3333-4444-555555555555",
		TenantID: "72f988bf-86f1-41af-91ab-2d7cd011db47", Organization: "contoso.onmicrosoft.com",
		Cloud: "global"}, store.AuditEntry{})
	if err != nil {
		t.Fatal(err)
	}
	waitForText(t, tm, "contoso")
	tm.Send(keyPress("q"))
	final := finalModel(t, tm)
	if final.state.At.Page != flow.PageHome {
		t.Fatalf("final page %v, want Home (the picker gives way once an account is linked)", final.state.At.Page)
	}
	if len(final.home.list.accounts) != 1 || final.home.list.accounts[0].Status != store.StatusUnverified {
		t.Fatalf("Home lists %+v", final.home.list.accounts)
	}

	// A second start on the same file opens on Home straight away.
	tm2 := startProgram(t, New(Deps{Store: st}))
	waitForText(t, tm2, "contoso")
	tm2.Send(keyPress("ctrl+c"))
	if p := finalModel(t, tm2).state.At.Page; p != flow.PageHome {
		t.Fatalf("second start: page %v, want Home", p)
	}
}
