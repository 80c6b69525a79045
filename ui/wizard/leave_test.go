package wizard

import (
	"slices"
	"testing"

	"github.com/xops/xops/flow/wizard"
	"github.com/xops/xops/ui/uikit"
)

// Leaving the wizard with esc after some progress says the progress is
// kept and how to get back to it; leaving an untouched wizard says nothing
// of the kind (there is nothing to resume).
func TestLeavingSaysTheProgressIsKept(t *testing.T) {
	t.Parallel()
	const kept = "Progress kept: Link a New Microsoft Account resumes it."
	if n := len([]rune(kept)); n > 60 {
		t.Fatalf("%d cells: wider than the smallest status line", n)
	}

	h, st, _ := newTestWizard(t, 80, 24)
	h.press("space") // step 1 ticked: a draft
	h.pump(func() bool { return st.draft() != "" })
	h.press("esc")
	h.pump(func() bool { return h.sawOut(uikit.BackMsg{}) })
	h.pump(func() bool { return slices.Contains(h.statuses(), kept) })
	if st.draft() == "" {
		t.Fatal("the draft is gone, yet the status says it is kept")
	}

	// Further in: the form, back to the checklist, out.
	h, st, _ = newTestWizard(t, 80, 24)
	toForm(h)
	h.typeText("contoso")
	h.press("esc")
	h.pump(func() bool { return h.m.st.Step == wizard.StepChecklist })
	h.press("esc")
	h.pump(func() bool { return h.sawOut(uikit.BackMsg{}) })
	h.pump(func() bool { return slices.Contains(h.statuses(), kept) })
	if st.draft() == "" {
		t.Fatal("no draft after leaving from the form")
	}

	h, st, _ = newTestWizard(t, 80, 24)
	h.press("esc")
	h.pump(func() bool { return h.sawOut(uikit.BackMsg{}) })
	h.drain()
	if slices.Contains(h.statuses(), kept) || st.draft() != "" {
		t.Errorf("untouched wizard: statuses %q, draft %q", h.statuses(), st.draft())
	}
}
