package main

import (
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
	waitFor("Store passphrase:", 1)
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
	if s := screen(); strings.Contains(s, cliPass) || strings.Contains(s, "wrong passphrase") {
		t.Errorf("a typed passphrase was echoed:\n%s", s)
	}
}
