package verifyview

import (
	"fmt"
	"testing"

	"github.com/xops/xops/assets"
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
