package entra

import (
	"fmt"
	"strings"
	"testing"
)

// The hints that suggest a --wait keep it for the command line; ScreenHint
// drops it (new and stored wordings alike) and keeps the rest.
func TestScreenHintDropsCommandLineAdvice(t *testing.T) {
	gr := judgeGlobalReader(TokenClaims{})
	if !strings.Contains(gr.Hint, "--wait 5m") {
		t.Fatalf("Global Reader hint lost its command-line advice: %q", gr.Hint)
	}
	cases := map[string]string{
		gr.Hint: "Entra ID → Roles and administrators → Global Reader → Add assignments → select the app by name → Add; it can take a few minutes to apply: retry then",
		"consent … retry in a few minutes" + waitAdvice("5m") + "; if it persists, check":              "consent … retry in a few minutes; if it persists, check",
		"→ Add (it can take a few minutes to apply: retry then, or on the command line use --wait 5m)": "→ Add (it can take a few minutes to apply: retry then)",
		"no advice here (a parenthesis)": "no advice here (a parenthesis)",
	}
	for in, want := range cases {
		got := ScreenHint(in)
		if got != want {
			t.Errorf("ScreenHint(%q)\n = %q\nwant %q", in, got, want)
		}
		if strings.Contains(got, "command line") || strings.Contains(got, "--wait") {
			t.Errorf("ScreenHint(%q) still gives command-line advice: %q", in, got)
		}
	}
}

// Advice to run again with --cloud becomes, on a screen, advice to start
// xops again with it: a running TUI cannot take a flag.
func TestScreenHintCloudAdvice(t *testing.T) {
	v := &Verifier{Endpoints: Endpoints{Cloud: "global"}}
	for _, instance := range []string{"microsoftonline.us", "partner.microsoftonline.cn", "unknown.example"} {
		h := v.cloudHint(instance)
		if !strings.HasPrefix(h, "run again with --cloud ") {
			t.Fatalf("cloudHint(%q) = %q", instance, h)
		}
		got := ScreenHint(h)
		if !strings.HasPrefix(got, "quit, then start xops again with --cloud ") || strings.Contains(got, "run again") {
			t.Errorf("ScreenHint(%q) = %q", h, got)
		}
	}
}

// A step named by its contract ID in a hint reads as its checklist number
// on a screen; the command line keeps the ID.
func TestScreenHintNumbersSteps(t *testing.T) {
	in := "copy its Application (client) ID from Overview — not the Object ID (step copy-ids)"
	want := fmt.Sprintf("copy its Application (client) ID from Overview — not the Object ID (checklist step %d)", StepCopyIDs.Number())
	if got := ScreenHint(in); got != want {
		t.Errorf("ScreenHint = %q, want %q", got, want)
	}
}
