package wizard

import (
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/xops/xops/flow/validate"
)

// The golden views are the wizard at 80×24 without colour and at a fixed
// clock, escape sequences stripped so the files read as the admin sees them
// (the OSC 8 links are checked in TestChecklistDetailScrollsAndLinks).
// Refresh with: go test ./ui/wizard -run Golden -update

func TestGoldenChecklist(t *testing.T) {
	t.Parallel()
	h, _, _ := newTestWizard(t, 80, 24)
	h.press("space", "down", "space", "down")
	golden.RequireEqual(t, h.view())
}

func TestGoldenForm(t *testing.T) {
	t.Parallel()
	h, _, _ := newTestWizard(t, 80, 24)
	toForm(h)
	h.typeText("Contoso production")
	h.press("enter")
	focusOn(h, validate.FieldAppID)
	h.typeText("{" + appID + "}")
	h.press("enter")
	focusOn(h, validate.FieldTenantID)
	h.typeText(appID)
	golden.RequireEqual(t, h.view())
}
