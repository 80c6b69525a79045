package main

import (
	"bytes"
	"strings"
	"testing"
)

// xopsOneStream runs the command line in process with stdout and stderr on
// one stream, as on a terminal where both are the screen.
func xopsOneStream(t *testing.T, e env, stdin string, args ...string) (int, string) {
	t.Helper()
	var out bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &out, e.get)
	return code, out.String()
}

// With answers from a pipe nothing echoes the Enter that ends an answer, so
// the prompt's line is still open after it: whatever comes next — the next
// line of text, a refusal, or the error the run ends with on stderr — starts
// on a line of its own, and the output ends with a line break.
func TestAccessiblePipedAnswerNeverRunsOn(t *testing.T) {
	t.Parallel()

	t.Run("quit", func(t *testing.T) {
		t.Parallel()
		e, _ := newStore(t)
		code, out := xopsOneStream(t, e, "4\n", "--accessible")
		if code != 0 || !strings.HasSuffix(out, "Choose 1 to 4: \n") {
			t.Errorf("exit %d; the output does not end with the answered prompt and a line break:\n%q", code, tailOf(out, 200))
		}
	})

	t.Run("error after an answer", func(t *testing.T) {
		t.Parallel()
		e, _, _ := linked(t, "contoso")
		mustRun(t, e.with(envNewPassphrase, "a long enough passphrase"), "store", "passphrase", "set")
		// Link, set it up for me, a name: the keys cannot be opened
		// (wrong XOPS_PASSPHRASE), and the run ends with that error.
		code, out := xopsOneStream(t, e.with(envPassphrase, "not the passphrase"), answers("1", "1", "Piped"), "--accessible")
		if code != 2 || !strings.Contains(out, "XOPS_PASSPHRASE does not open this store's keys") {
			t.Fatalf("exit %d, want 2 and the passphrase refused:\n%s", code, out)
		}
		if !strings.Contains(out, "Friendly name for the account: \nxops: ") {
			t.Errorf("the error does not start on a line of its own after the answered prompt:\n%q", tailOf(out, 300))
		}
	})
}
