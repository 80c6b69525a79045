package ui

import (
	"strings"
	"testing"

	"github.com/xops/xops/flow"
)

// The "not supported yet" page goes back with enter as well as esc, and its
// help bar says so: every key that works there is listed, once.
func TestUnsupportedHelpListsEveryKey(t *testing.T) {
	t.Parallel()
	for _, back := range []string{"enter", "esc"} {
		hs := newHarness(t, Deps{Store: &fakeStore{}}, 60, 16)
		hs.keys("enter") // AWS
		hs.mustBeOn(flow.PageUnsupported)
		bar := hs.helpBar()
		if !strings.Contains(bar, "enter/esc back") {
			t.Errorf("help bar %q does not offer enter (and esc) to go back", bar)
		}
		if n := strings.Count(bar, "back"); n != 1 {
			t.Errorf("help bar %q lists going back %d times, want once", bar, n)
		}
		hs.keys("?")
		if v := hs.view(); !strings.Contains(v, "enter/esc back") {
			t.Errorf("full help does not list enter/esc:\n%s", v)
		}
		hs.keys("?", back)
		if hs.page() != flow.PagePicker {
			t.Errorf("%s on the unsupported page: page = %v, want the picker", back, hs.page())
		}
	}
}
