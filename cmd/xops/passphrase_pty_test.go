//go:build linux

package main

import (
	"context"
	"golang.org/x/sys/unix"
	"io"

	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestPassphrasePromptOnATerminal runs xops in a pseudo-terminal without
// XOPS_PASSPHRASE: it asks for the passphrase without echo, says so when one
// is wrong and asks again, and the right one exports the PFX.
func TestPassphrasePromptOnATerminal(t *testing.T) {
	t.Parallel()
	e, _, dir := linked(t, "contoso")
	mustRun(t, e.with(envNewPassphrase, cliPass), "store", "passphrase", "set")

	master, tty, err := openTestPTY()
	if err != nil {
		t.Skipf("no pseudo-terminal on this machine: %v", err)
	}
	out := filepath.Join(dir, "contoso.pfx")
	cmd := selfCommand(t, "accounts", "export", "contoso", "--format", "pfx", "--out", out)
	cmd.Env = append(cmd.Env, "XOPS_STORE="+e["XOPS_STORE"], "XOPS_PFX_PASSWORD=pfx secret")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var (
		mu   sync.Mutex
		seen bytes.Buffer
	)
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			mu.Lock()
			seen.Write(buf[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill(); master.Close(); tty.Close() })
	screen := func() string { mu.Lock(); defer mu.Unlock(); return seen.String() }
	waitFor := func(marker string, count int) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for strings.Count(screen(), marker) < count {
			if time.Now().After(deadline) {
				t.Fatalf("no %q on the terminal; it shows:\n%s", marker, screen())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	echoing := func() bool {
		t.Helper()
		tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
		if err != nil {
			t.Fatal(err)
		}
		return tio.Lflag&unix.ECHO != 0
	}
	if !echoing() {
		t.Fatal("the terminal does not echo before xops starts: the test cannot tell what xops changes")
	}
	waitFor("Store passphrase:", 1)
	// Echo is off once the prompt shows: what the admin types at once is
	// never on the screen (nor in a session recording).
	if echoing() {
		t.Fatal("the prompt shows while the terminal still echoes")
	}
	master.Write([]byte("wrong passphrase\r"))
	waitFor("try again", 1)
	waitFor("Store passphrase:", 2)
	master.Write([]byte(cliPass + "\r"))
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("exit %d; the terminal shows:\n%s", ee.ExitCode(), screen())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("xops did not finish; the terminal shows:\n%s", screen())
	}
	if _, err := os.Stat(out); err != nil {
		t.Fatalf("no PFX after the right passphrase: %v", err)
	}
	if !echoing() {
		t.Error("xops left the terminal without echo")
	}
	if s := screen(); strings.Contains(s, cliPass) || strings.Contains(s, "wrong passphrase") {
		t.Errorf("a typed passphrase was echoed:\n%s", s)
	}
}

// promptWatcher is a stderr that, when the prompt is written, records
// whether the terminal echoes at that very moment and then types the answer.
type promptWatcher struct {
	tty, master *os.File
	prompt      string
	answer      string
	echoAt      chan bool
}

func (w *promptWatcher) Write(p []byte) (int, error) {
	if strings.Contains(string(p), w.prompt) {
		tio, err := unix.IoctlGetTermios(int(w.tty.Fd()), unix.TCGETS)
		w.echoAt <- err != nil || tio.Lflag&unix.ECHO != 0
		_, _ = w.master.Write([]byte(w.answer + "\r"))
	}
	return len(p), nil
}

// readSecret turns echo off before its prompt is written, not after: a
// secret typed the moment the prompt shows is never echoed, whatever the
// scheduling. (The watcher checks at the prompt's write, so this holds
// deterministically, unlike a check from outside after the prompt appeared.)
func TestReadSecretTurnsEchoOffBeforeThePrompt(t *testing.T) {
	t.Parallel()
	master, tty, err := openTestPTY()
	if err != nil {
		t.Skipf("no pseudo-terminal on this machine: %v", err)
	}
	t.Cleanup(func() { master.Close(); tty.Close() })
	go func() { _, _ = io.Copy(io.Discard, master) }() // the echo, if any, must not block the terminal
	w := &promptWatcher{tty: tty, master: master, prompt: "Secret: ", answer: "s3cret value", echoAt: make(chan bool, 1)}
	a := newApp(tty, io.Discard, w, func(string) string { return "" })
	got, err := a.readSecret(context.Background(), "Secret: ")
	if err != nil {
		t.Fatal(err)
	}
	if got != "s3cret value" {
		t.Fatalf("read %q", got)
	}
	if <-w.echoAt {
		t.Fatal("the prompt was written while the terminal still echoed")
	}
	tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if tio.Lflag&unix.ECHO == 0 {
		t.Fatal("echo was not turned back on after the secret was read")
	}
}
