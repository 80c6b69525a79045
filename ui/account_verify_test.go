package ui

import (
	"strings"
	"testing"

	"github.com/xops/xops/flow"
)

// Verification opened from an account goes back to it with enter, and the
// help bar says so (not verifyview's "continue"); opened from Home's list,
// enter goes back to Home and says that.
func TestAccountVerifyEnterSaysWhereItGoesBack(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		keys []string
		want string
		page flow.Page
	}{
		{"from the account", []string{"enter", "v"}, "enter back to the account", flow.PageAccount},
		{"from Home", []string{"v"}, "enter back to Home", flow.PageHome},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newActionFixture(t, "global")
			f.link("contoso")
			hs := f.harness(80, 24)
			hs.keys(tt.keys...)
			hs.mustBeOn(flow.PageVerify)
			hs.mustShow("✓") // a result: enter leaves with it
			bar := hs.helpBar()
			if !strings.Contains(bar, tt.want) || strings.Contains(bar, "continue") {
				t.Fatalf("help bar %q, want %q", bar, tt.want)
			}
			hs.keys("enter")
			hs.mustBeOn(tt.page)
		})
	}
}
