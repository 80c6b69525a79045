package autosetup

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/store"
	"github.com/xops/xops/ui/uikit"
)

// fixedNow is the tests' clock.
var fixedNow = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

// fakeService is flow's real input checks on a real store, with AutoLink
// replaced by a script that streams prompt, events and attempts.
type fakeService struct {
	*flow.Service
	script func(ctx context.Context, in flow.AutoLinkInput, hooks flow.AutoHooks) (flow.AutoLinkResult, error)
	got    chan flow.AutoLinkInput
}

func (f *fakeService) AutoLink(ctx context.Context, in flow.AutoLinkInput, hooks flow.AutoHooks) (flow.AutoLinkResult, error) {
	f.got <- in
	return f.script(ctx, in, hooks)
}

// placeholder stands for the guided wizard.
type placeholder struct{}

func (placeholder) Init() tea.Cmd                             { return nil }
func (p *placeholder) Update(tea.Msg) (uikit.Screen, tea.Cmd) { return p, nil }
func (placeholder) View() string                              { return "GUIDED WIZARD" }
func (placeholder) SetSize(int, int)                          {}
func (placeholder) SetStyles(uikit.Styles)                    {}
func (placeholder) KeyMap() help.KeyMap                       { return keyList{} }
func (placeholder) Capturing() bool                           { return false }

// newStore opens a store in a temporary directory.
func newStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "xops.db"), store.Options{Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// newScreen makes the screen on a real store with a scripted AutoLink.
func newScreen(t *testing.T, script func(context.Context, flow.AutoLinkInput, flow.AutoHooks) (flow.AutoLinkResult, error)) (*Model, *fakeService, *store.Store, *int) {
	t.Helper()
	st := newStore(t)
	svc := &fakeService{Service: &flow.Service{Store: st, Now: func() time.Time { return fixedNow }}, script: script, got: make(chan flow.AutoLinkInput, 4)}
	guided := 0
	m := newModel(Deps{Service: svc, Drafts: st, Now: func() time.Time { return fixedNow },
		Entra:  func() flow.AdminSetup { return nil },
		Guided: func() uikit.Screen { guided++; return &placeholder{} }})
	m.SetSize(80, 23)
	return m, svc, st, &guided
}

// load runs Init's command and hands its message over.
func load(t *testing.T, m *Model) {
	t.Helper()
	send(m, m.Init()())
	if m.phase != phaseChoose && m.child == nil {
		t.Fatalf("after loading: phase %d", m.phase)
	}
}

func send(m *Model, msg tea.Msg) tea.Cmd {
	_, cmd := m.Update(msg)
	return cmd
}

func press(m *Model, k string) tea.Cmd {
	var msg tea.KeyPressMsg
	switch k {
	case "enter":
		msg = tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		msg = tea.KeyPressMsg{Code: tea.KeyEscape}
	case "down":
		msg = tea.KeyPressMsg{Code: tea.KeyDown}
	case "up":
		msg = tea.KeyPressMsg{Code: tea.KeyUp}
	default:
		r := []rune(k)[0]
		msg = tea.KeyPressMsg{Code: r, Text: k}
	}
	return send(m, msg)
}

func typeText(m *Model, s string) {
	for _, r := range s {
		send(m, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// pumpUntil hands the run's messages to Update until cond holds or the run ends.
func pumpUntil(t *testing.T, m *Model, cond func() bool) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for !cond() {
		select {
		case msg, ok := <-m.msgs:
			if !ok {
				if !cond() {
					t.Fatalf("the run ended before the condition held; screen:\n%s", plain(m))
				}
				return
			}
			send(m, msg)
		case <-deadline:
			t.Fatalf("timed out; screen:\n%s", plain(m))
		}
	}
}

// plain is the view without styling.
func plain(m *Model) string { return ansi.Strip(m.View()) }

func mustContain(t *testing.T, view string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(view, w) {
			t.Errorf("the screen lacks %q:\n%s", w, view)
		}
	}
}
