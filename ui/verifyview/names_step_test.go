package verifyview

import (
	"fmt"
	"testing"

	"github.com/xops/xops/assets"
	"github.com/xops/xops/entra"
)

// Every screen names a checklist step by StepName / StepLabel / stepRef:
// each must say the checklist's own title, so the admin finds the step.
func TestStepNamesAreTheChecklistTitles(t *testing.T) {
	steps, err := assets.Checklist()
	if err != nil {
		t.Fatal(err)
	}
	for i, st := range steps {
		if got := StepName(st.ID); got != st.Title {
			t.Errorf("StepName(%s) = %q, the checklist says %q", st.ID, got, st.Title)
		}
		if got, want := StepLabel(st.ID), fmt.Sprintf("%d. %s", i+1, st.Title); got != want {
			t.Errorf("StepLabel(%s) = %q, want %q", st.ID, got, want)
		}
		if got, want := stepRef(st.ID), fmt.Sprintf("step %d (%s)", i+1, st.Title); got != want {
			t.Errorf("stepRef(%s) = %q, want %q", st.ID, got, want)
		}
	}
}

// The screen gives no command-line advice: entra's hint keeps "--wait 5m"
// for the command line, and the screen shows it without.
func TestFailedGlobalReaderHintHasNoCommandLineAdvice(t *testing.T) {
	t.Parallel()
	hint := "Entra ID → Roles and administrators → Global Reader → Add assignments → select the app by name → Add; it can take a few minutes to apply: retry then (on the command line: --wait 5m)"
	f := newFake(finished("contoso", failing(entra.CheckGlobalReader, entra.StepAssignGlobalReader,
		"the token carries no Global Reader directory role", hint, entra.CheckExchange)))
	h := newHarness(t, f, Deps{}, 120, 30)
	h.settle()
	h.wantView("Step to fix: 4. Make the app a Global Reader", "retry then")
	h.wantNotView("command line", "--wait")
}
