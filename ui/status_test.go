package ui

import (
	"strings"
	"testing"

	"github.com/xops/xops/ui/uikit"
)

// A status message too long for one row takes two, so its end (what to do
// next) is not cut; the page gives up a row while it shows and gets it
// back when the message clears. The frame keeps its height throughout.
func TestLongStatusTakesTwoRows(t *testing.T) {
	t.Parallel()
	const text = "Sent to your clipboard (OSC 52). Some terminals ignore it: if nothing pastes, copy the text below."
	for _, size := range []struct{ w, h int }{{80, 24}, {60, 16}} {
		hs := newHarness(t, Deps{Store: &fakeStore{accounts: sampleAccounts()}}, size.w, size.h)
		body := hs.m.lay.bodyHeight
		hs.send(uikit.StatusMsg{Text: text})
		rows := strings.Split(hs.view(), "\n")
		if len(rows) != size.h {
			t.Fatalf("%dx%d: the frame has %d rows", size.w, size.h, len(rows))
		}
		status := strings.Join(strings.Fields(rows[len(rows)-3]+" "+rows[len(rows)-2]), " ")
		if status != text {
			t.Errorf("%dx%d: status rows %q\n%s", size.w, size.h, status, hs.view())
		}
		if hs.m.lay.bodyHeight != body-1 {
			t.Errorf("%dx%d: body %d rows with a two-row status, want %d", size.w, size.h, hs.m.lay.bodyHeight, body-1)
		}
		for _, msg := range hs.timers { // the message's timer fires: one row again
			hs.send(msg)
		}
		if hs.m.status.text != "" || hs.m.lay.bodyHeight != body {
			t.Errorf("%dx%d: after the timer: status %q, body %d rows, want %d", size.w, size.h, hs.m.status.text, hs.m.lay.bodyHeight, body)
		}
		if rows := strings.Split(hs.view(), "\n"); len(rows) != size.h {
			t.Fatalf("%dx%d: the frame has %d rows after the status cleared", size.w, size.h, len(rows))
		}
	}
	// A short one keeps one row.
	hs := newHarness(t, Deps{Store: &fakeStore{accounts: sampleAccounts()}}, 80, 24)
	body := hs.m.lay.bodyHeight
	hs.send(uikit.StatusMsg{Text: "Renamed “a” to “b”."})
	if hs.m.lay.bodyHeight != body {
		t.Errorf("a short status took %d rows from the page", body-hs.m.lay.bodyHeight)
	}
}
