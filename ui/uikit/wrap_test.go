package uikit

import (
	"strings"
	"testing"
)

// Wrap breaks at spaces only: an ID stays whole on its line, continuation
// lines take the indent, and a word wider than the line is cut.
func TestWrapKeepsIDsWhole(t *testing.T) {
	t.Parallel()
	const id = "f08aab8f-8168-46ce-ad94-4b0923457c81"
	got := Wrap("1. Entra has no app with ID "+id+" here", 40, "   ")
	want := "1. Entra has no app with ID\n   " + id + "\n   here"
	if got != want {
		t.Errorf("Wrap =\n%s\nwant\n%s", got, want)
	}
	for _, l := range strings.Split(Wrap(strings.Repeat("x", 25), 10, ""), "\n") {
		if len(l) > 10 {
			t.Errorf("a long word is not cut: %q", l)
		}
	}
}
