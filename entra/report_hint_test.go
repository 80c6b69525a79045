package entra

import (
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
