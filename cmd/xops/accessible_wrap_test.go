package main

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// unwrap joins wrapped lines back into one, for comparing with the input.
func unwrap(lines []string) string {
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return strings.Join(lines, " ")
}

func TestWrapProseBreaksAtWordsOnly(t *testing.T) {
	t.Parallel()
	const width = 80
	for _, tc := range []struct {
		name, line string
		keep       []string // must sit whole on one line
		indent     string   // of the continuation lines
	}{
		{
			name:   "sentence",
			line:   "Link a new Microsoft 365 account. End of input (ctrl+d) stops here with nothing saved; if the connection drops, the progress is kept, to resume after verification.",
			keep:   []string{"verification."},
			indent: "",
		},
		{
			name:   "command after a colon",
			line:   "Entra may still be applying the changes: verify again in a while, from Home (Verify an account) or with: xops accounts verify 'Contoso Ltd' --wait 5m",
			keep:   []string{"xops accounts verify 'Contoso Ltd' --wait 5m"},
			indent: "",
		},
		{
			name:   "quoted command",
			line:   "  Note: could not remove the automatic setup's unused key (disk full, it seems, again); 'xops store check --prune' removes it.",
			keep:   []string{"'xops store check --prune'"},
			indent: "  ",
		},
		{
			name:   "url",
			line:   "    App registrations: https://entra.microsoft.com/#view/Microsoft_AAD_RegisteredApps/ApplicationsListBlade",
			keep:   []string{"https://entra.microsoft.com/#view/Microsoft_AAD_RegisteredApps/ApplicationsListBlade"},
			indent: "    ",
		},
		{
			name:   "list item",
			line:   "    - Sign in to the Entra admin center with an account allowed to create app registrations.",
			indent: "      ",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines := wrapProse(tc.line, width)
			if len(lines) < 2 {
				t.Fatalf("a %d-column line was not wrapped at %d: %q", len(tc.line), width, lines)
			}
			for i, l := range lines {
				one := len(strings.Fields(strings.TrimSpace(l))) == 1
				if ansi.StringWidth(l) > width && !one && !containsAny(l, tc.keep) {
					t.Errorf("line %d is %d columns wide: %q", i, ansi.StringWidth(l), l)
				}
				if i > 0 && !strings.HasPrefix(l, tc.indent) || i > 0 && strings.HasPrefix(l, tc.indent+" ") {
					t.Errorf("continuation line %d is not indented by exactly %q: %q", i, tc.indent, l)
				}
			}
			for _, k := range tc.keep {
				if !containsAny(strings.Join(lines, "\n"), []string{k}) {
					t.Errorf("%q was broken:\n%s", k, strings.Join(lines, "\n"))
				}
			}
			if got := unwrap(lines); got != strings.TrimSpace(tc.line) {
				t.Errorf("wrapping changed the text:\n got %q\nwant %q", got, strings.TrimSpace(tc.line))
			}
		})
	}
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func TestWrapProseKeepsShortLinesAndNoWidth(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("verification ", 20)
	if got := wrapProse(long, 0); len(got) != 1 || got[0] != long {
		t.Errorf("width 0 (not a terminal) changed the line: %q", got)
	}
	if got := wrapProse("Choose 1 to 4: ", 80); len(got) != 1 || got[0] != "Choose 1 to 4: " {
		t.Errorf("a short question changed: %q", got)
	}
	// A question keeps its trailing space on its last line, where the answer goes.
	q := strings.Repeat("word ", 20) + "[Y/n] "
	got := wrapProse(q, 40)
	if last := got[len(got)-1]; !strings.HasSuffix(last, "[Y/n] ") {
		t.Errorf("the question's last line lost its space: %q", got)
	}
}

// A refused answer read from a pipe (nothing echoed it) starts on a line of
// its own, not after the prompt; lines are never wrapped when stdout is not
// a terminal.
func TestAccessibleRefusalFromAPipeStartsANewLine(t *testing.T) {
	t.Parallel()
	e, _ := newStore(t)
	r := xops(t, e, "9\nq\n3\n2\n", "--accessible")
	for _, want := range []string{
		"Choose 1 to 4: \nPlease type a number from 1 to 4.\nChoose 1 to 4: \nPlease type a number from 1 to 4.\nChoose 1 to 4: \n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, ": Please") {
		t.Errorf("a refusal runs on after its prompt:\n%s", r.stdout)
	}
	const long = "Link a new Microsoft 365 account. End of input (ctrl+d) stops here with nothing saved;"
	if !strings.Contains(r.stdout, long) {
		t.Errorf("a long line was wrapped though stdout is not a terminal:\n%s", r.stdout)
	}
}
