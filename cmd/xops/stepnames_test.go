package main

import (
	"fmt"
	"testing"

	"github.com/xops/xops/assets"
	"github.com/xops/xops/entra"
)

// The human output names a checklist step as the checklist does: its ID
// (as --json says it) with its number and title from assets.
func TestStepRefUsesTheChecklistTitles(t *testing.T) {
	steps, err := assets.Checklist()
	if err != nil {
		t.Fatal(err)
	}
	for i, st := range steps {
		if got, want := stepRef(st.ID), fmt.Sprintf("%s (%d. %s)", st.ID, i+1, st.Title); got != want {
			t.Errorf("stepRef(%s) = %q, want %q", st.ID, got, want)
		}
		if got := stepTitle(st.ID); got != st.Title {
			t.Errorf("stepTitle(%s) = %q, want %q", st.ID, got, st.Title)
		}
	}
	if got := stepRef(entra.StepEnterIDs); got != string(entra.StepEnterIDs) {
		t.Errorf("stepRef(enter-ids) = %q, want the bare ID", got)
	}
}
