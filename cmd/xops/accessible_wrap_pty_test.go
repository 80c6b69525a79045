//go:build linux

package main

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"golang.org/x/sys/unix"
)

// On a terminal 80 columns wide (a pty), accessible mode wraps its prose at
// word boundaries: no line is wider than the terminal unless it is one
// unbreakable unit (a URL), no word is cut, and the continuation lines are
// indented like the line they continue.
func TestAccessibleWrapsProseToTheTerminalWidth(t *testing.T) {
	t.Parallel()
	master, tty, err := openTestPTY()
	if err != nil {
		t.Skipf("no pseudo-terminal on this machine: %v", err)
	}
	defer master.Close()
	// Output only: what xops writes arrives at the master unchanged but for
	// the line discipline's \r\n.
	if tios, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS); err == nil {
		tios.Oflag &^= unix.ONLCR
		_ = unix.IoctlSetTermios(int(tty.Fd()), unix.TCSETS, tios)
	}
	var screen bytes.Buffer
	copied := make(chan struct{})
	go func() {
		_, _ = io.Copy(&screen, master) // ends with EIO once tty is closed
		close(copied)
	}()
	e, _ := newStore(t)
	var stderr bytes.Buffer
	// Microsoft, then the guided path; end of input stops at its first question.
	code := run([]string{"--accessible"}, strings.NewReader("3\n2\n"), tty, &stderr, e.get)
	tty.Close()
	<-copied
	if code != exitUsage {
		t.Errorf("exit %d, want %d (input ended)\nstderr: %s", code, exitUsage, stderr.String())
	}
	out := strings.ReplaceAll(screen.String(), "\r", "")
	lines := strings.Split(out, "\n")
	const width = 80
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > width && len(strings.Fields(l)) > 1 {
			t.Errorf("line %d is %d columns on an %d-column terminal: %q", i, w, width, l)
		}
	}
	const sentence = "Link a new Microsoft 365 account. End of input (ctrl+d) stops here with nothing saved; if the connection drops, the progress is kept, to resume."
	if strings.Contains(out, sentence) {
		t.Errorf("the %d-column sentence was not wrapped:\n%s", len(sentence), out)
	}
	if !strings.Contains(strings.Join(strings.Fields(out), " "), sentence) {
		t.Errorf("wrapping lost or cut words of %q:\n%s", sentence, out)
	}
	// The URL is never broken, and a list item's continuation sits under its text.
	if !strings.Contains(out, "\n   https://entra.microsoft.com/#view/Microsoft_AAD_RegisteredApps/ApplicationsListBlade\n") {
		t.Errorf("the App registrations URL was broken:\n%s", out)
	}
	if !strings.Contains(out, "\n   - Sign in to the Entra admin center with an account allowed to create app\n     registrations.\n") {
		t.Errorf("the list item is not wrapped under its text:\n%s", out)
	}
}
