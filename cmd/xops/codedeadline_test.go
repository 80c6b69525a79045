package main

import (
	"strings"
	"testing"
	"time"
)

// A sign-in code's deadline carries its clock zone and the time left: the
// jump host's zone may not be the admin's.
func TestCodeDeadline(t *testing.T) {
	now := time.Date(2026, 11, 30, 3, 36, 0, 0, time.UTC)
	for left, want := range map[time.Duration]string{
		15 * time.Minute:                ", in 15 minutes",
		14*time.Minute + 40*time.Second: ", in 15 minutes",
		50 * time.Second:                ", in about a minute",
		-time.Minute:                    "",
	} {
		got := codeDeadline(now.Add(left), now)
		zone := now.Add(left).Local().Format("MST")
		if !strings.Contains(got, zone) {
			t.Errorf("%v left: %q does not say its zone %s", left, got, zone)
		}
		if want != "" && !strings.HasSuffix(got, want) {
			t.Errorf("%v left: %q, want it to end %q", left, got, want)
		}
		if want == "" && strings.Contains(got, " in ") {
			t.Errorf("%v left: %q counts time that is gone", left, got)
		}
	}
}
