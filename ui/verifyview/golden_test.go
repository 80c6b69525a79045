package verifyview

import (
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/xops/xops/entra"
)

// TestGoldenViews pins the screen at 80×24 (and 60×16's 44×13) with colourless styles (bold and
// reverse stay, so emphasis is pinned too). Refresh with -update.
func TestGoldenViews(t *testing.T) {
	t.Parallel()
	rs := allPass()
	rs[0].Warning = "The certificate expires in 21 days: rotate it (xops accounts rotate)."
	cases := []struct {
		name          string
		results       []entra.CheckResult
		width, height int
	}{
		{"all-passed", rs, 80, 24},
		{"consent-missing", consentMissing(), 80, 24},
		{"network-failure", networkDown(), 80, 24},
		// 60×16 beside the side navigation: short names, nothing cut.
		{"all-passed_44x13", allPass(), 44, 13},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, newFake(finished("contoso", tc.results)), Deps{}, tc.width, tc.height)
			h.settle()
			h.view() // asserts the fit
			golden.RequireEqual(t, h.m.View())
		})
	}
}
