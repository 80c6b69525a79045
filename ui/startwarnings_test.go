package ui

import (
	"strings"
	"testing"

	"github.com/xops/xops/flow"
)

const unreadableTenant = `the saved sandbox tenant did not load, so a fresh one started; the old one is kept in the store as setting "sandbox.tenant.unreadable-20261130T020724Z" (sandbox: decode state: unexpected end of JSON input)`

// A warning printed at start (stderr, hidden by the full screen) shows in
// the status line and stays there, whatever timers fire, until a key is
// pressed; Settings keeps it whole for the rest of the run.
func TestStartWarningStaysUntilAKeyAndOnSettings(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, Deps{Store: &fakeStore{accounts: sampleAccounts()}, Sandbox: true, Warnings: []string{unreadableTenant}}, 80, 24)
	status := "! Warning: the saved sandbox tenant did not load, so a fres… (whole on Settings)"
	hs.mustShow(status)
	for _, msg := range hs.timers { // every timer started so far fires: the warning stays
		hs.send(msg)
	}
	hs.mustShow(status)
	hs.keys("down")
	hs.mustNotShow("Warning:")

	hs.keys("shift+tab")
	if hs.page() != flow.PageSettings {
		t.Fatalf("page = %v, want Settings", hs.page())
	}
	flat := strings.Join(strings.Fields(hs.view()), " ")
	for _, want := range []string{"At start xops warned:", `"sandbox.tenant.unreadable-20261130T020724Z"`, "unexpected end of JSON input"} {
		if !strings.Contains(flat, want) {
			t.Fatalf("Settings lacks %q:\n%s", want, hs.view())
		}
	}
}

// Without warnings the status line starts empty and Settings lists none.
func TestNoStartWarning(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, Deps{Store: &fakeStore{accounts: sampleAccounts()}}, 80, 24)
	hs.mustNotShow("Warning:")
	hs.keys("shift+tab")
	hs.mustNotShow("warned")
}

// The real program loop shows it too, from the first frames on.
func TestProgramShowsStartWarning(t *testing.T) {
	t.Parallel()
	tm := startProgram(t, New(Deps{Store: &fakeStore{accounts: sampleAccounts()[:1]}, Warnings: []string{unreadableTenant}}))
	waitForText(t, tm, "Warning: the saved sandbox tenant did not load")
	tm.Send(keyPress("q"))
	if m := finalModel(t, tm); m.status.text != "" || len(m.settings.warnings) != 1 {
		t.Fatalf("after q: status %q (the key clears it), Settings warnings %q", m.status.text, m.settings.warnings)
	}
}

// Several warnings at start: the status line shows the first and says how
// many more Settings lists; cut to the width, it still says so.
func TestSeveralStartWarningsCountTheRest(t *testing.T) {
	t.Parallel()
	second := "the clock runs ahead"
	third := "XOPS_CLOUD is set twice"
	for _, w := range []int{80, 60} {
		hs := newHarness(t, Deps{Store: &fakeStore{accounts: sampleAccounts()}, Sandbox: true,
			Warnings: []string{unreadableTenant, second, third}}, w, 24)
		line := statusRow(hs)
		if !strings.HasPrefix(line, "! Warning: the saved sandbox tenant") || !strings.HasSuffix(line, "(+2 more on Settings)") {
			t.Errorf("%d columns: status line %q", w, line)
		}
		hs.keys("shift+tab")
		flat := strings.Join(strings.Fields(hs.view()), " ")
		for _, want := range []string{second, third} {
			if !strings.Contains(flat, want) {
				t.Errorf("%d columns: Settings lacks %q:\n%s", w, want, hs.view())
			}
		}
	}
	// One warning too long for the line says where to read it whole.
	hs := newHarness(t, Deps{Store: &fakeStore{accounts: sampleAccounts()}, Warnings: []string{unreadableTenant}}, 80, 24)
	if line := statusRow(hs); !strings.HasSuffix(line, "… (whole on Settings)") {
		t.Errorf("one long warning: status line %q", line)
	}
	// A short one is shown as it is.
	hs = newHarness(t, Deps{Store: &fakeStore{accounts: sampleAccounts()}, Warnings: []string{third}}, 80, 24)
	if line := statusRow(hs); line != "! Warning: "+third {
		t.Errorf("one short warning: status line %q", line)
	}
}

// statusRow is the status line: the row above the help bar.
func statusRow(hs *harness) string {
	rows := strings.Split(hs.view(), "\n")
	return strings.TrimRight(rows[len(rows)-2], " ")
}
