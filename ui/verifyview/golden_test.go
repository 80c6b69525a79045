package verifyview

import (
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/xops/xops/entra"
)

// TestGoldenViews pins the screen at 80×24 with colourless styles (bold and
// reverse stay, so emphasis is pinned too). Refresh with -update.
func TestGoldenViews(t *testing.T) {
	t.Parallel()
	rs := allPass()
	rs[0].Warning = "The certificate expires in 21 days: rotate it (xops accounts rotate)."
	cases := []struct {
		name    string
		results []entra.CheckResult
	}{
		{"all-passed", rs},
		{"consent-missing", consentMissing()},
		{"network-failure", networkDown()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, newFake(finished("contoso", tc.results)), Deps{}, 80, 24)
			h.settle()
			h.view() // asserts the fit
			golden.RequireEqual(t, h.m.View())
		})
	}
}
