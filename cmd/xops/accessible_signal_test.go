//go:build linux

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow/wizard"
)

// The real binary in accessible mode (TERM=dumb) in a pseudo-terminal,
// linking a new account in the sandbox: stopped by the system after the
// key is made — SIGHUP, SIGTERM, or the terminal hanging up as when the SSH
// connection drops — it keeps the link as the wizard's draft (page, key,
// certificate file), says so, and the next start resumes it to a saved
// account with that same key (one key made in all, no draft left; the TUI
// offers it too). Stopped by the admin — ctrl+d, ctrl+c — it leaves
// nothing, as its first screen promises.
func TestAccessibleSignalKeepsNewLink(t *testing.T) {
	t.Parallel()
	bin := buildXops(t)
	for _, tc := range []struct {
		name string
		at   wizard.Step // where the stop comes: the certificate or the upload page
		stop func(p *ptyRun)
		// keep is the message a kept link ends with ("" when the terminal
		// is gone and nothing can be read; nothing is kept when discard).
		keep    string
		discard string // the message when the admin stopped: nothing kept
		code    int
		tui     bool // also check the full-screen TUI offers the draft
	}{
		{name: "SIGHUP", at: wizard.StepCertificate, stop: signalTo(syscall.SIGHUP), code: 1, tui: true,
			keep: "stopped by a signal (hangup); no account saved; the guided link is kept with its key (thumbprint "},
		{name: "SIGTERM", at: wizard.StepUpload, stop: signalTo(syscall.SIGTERM), code: 1,
			keep: "stopped by a signal (terminated); no account saved; the guided link is kept with its key (thumbprint "},
		{name: "terminal hung up", at: wizard.StepUpload, stop: hangUp, code: 1},
		{name: "ctrl+d", at: wizard.StepUpload, stop: func(p *ptyRun) { p.press("\x04") }, code: 2,
			discard: "input ended; nothing saved"},
		{name: "ctrl+c", at: wizard.StepUpload, stop: func(p *ptyRun) { p.press("\x03") }, code: 1,
			discard: "interrupted; nothing saved"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := privateDir(t)
			storePath := filepath.Join(dir, "xops.db")
			cert := filepath.Join(dir, "contoso.cer")
			env := append(os.Environ(), "XOPS_STORE="+storePath, "TERM=dumb", "NO_COLOR=1",
				"XOPS_SANDBOX=1", "XOPS_ACCESSIBLE=", "GORACE=atexit_sleep_ms=0")

			p := startInPTY(t, bin, env)
			p.waitFor("Choose your platform:")
			// Microsoft, the guided path, the checklist done in the sandbox,
			// the form with the sandbox's IDs and the default key.
			p.press(strings.Join([]string{"3", "2", "s", "s", "s", "s", "s", "contoso", "", "", "", "", ""}, "\r") + "\r")
			p.waitFor("Done. Thumbprint", "Save the certificate to")
			if tc.at == wizard.StepUpload {
				p.press(cert + "\r")
				p.waitFor("Saved the certificate to", "Step 5 of 7", "Done?")
			}
			tc.stop(p)
			code := p.wait()
			out := p.screen()
			if strings.Contains(out, "panic:") {
				t.Fatalf("xops panicked:\n%s", tailOf(out, 3000))
			}
			if code != tc.code {
				t.Errorf("exit %d, want %d; last output:\n%s", code, tc.code, tailOf(out, 800))
			}
			draft, found := linkDraft(t, storePath)
			names, orphans := storeState(t, storePath)
			if len(names) != 0 {
				t.Fatalf("accounts %v saved by a stopped link", names)
			}

			if tc.discard != "" {
				if !strings.Contains(out, tc.discard) || strings.Contains(out, "the guided link is kept") {
					t.Errorf("the stop does not say %q (and nothing kept); last output:\n%s", tc.discard, tailOf(out, 800))
				}
				if found || len(orphans) != 0 {
					t.Errorf("the admin's stop left a draft (%v) or keys %v", found, orphans)
				}
				if _, err := os.Stat(cert); !os.IsNotExist(err) {
					t.Errorf("the certificate file stayed behind (%v)", err)
				}
				return
			}

			if !found {
				t.Fatalf("no draft kept; last output:\n%s", tailOf(out, 800))
			}
			if draft.Step != tc.at || draft.Cred == nil || draft.Form.Name != "contoso" {
				t.Fatalf("the draft is on %s for %q with key %v, want %s for contoso with its key", draft.Step, draft.Form.Name, draft.Cred, tc.at)
			}
			if len(orphans) != 1 || orphans[0] != draft.Cred.ID {
				t.Fatalf("keys no account uses: %v, want the draft's one key %s", orphans, draft.Cred.ID)
			}
			if tc.at == wizard.StepUpload && draft.CertPath != cert {
				t.Errorf("the draft's certificate file is %q, want %q", draft.CertPath, cert)
			}
			if tc.keep != "" {
				want := tc.keep + draft.Cred.Thumbprint + ")"
				if flat := strings.Join(strings.Fields(out), " "); !strings.Contains(flat, want) || !strings.Contains(flat, "run xops again and choose: Resume “contoso”") {
					t.Errorf("stderr does not say what was kept (%q); last output:\n%s", want, tailOf(out, 800))
				}
			}

			if tc.tui { // the full-screen TUI offers the same draft
				tuiEnv := append(os.Environ(), "XOPS_STORE="+storePath, "TERM=xterm-256color", "NO_COLOR=1",
					"XOPS_SANDBOX=1", "XOPS_ACCESSIBLE=")
				tp := startInPTY(t, bin, tuiEnv)
				tp.waitFor("Resume", "contoso")
				if err := tp.cmd.Process.Signal(syscall.SIGTERM); err != nil {
					t.Fatal(err)
				}
				tp.wait()
			}

			// The next accessible start resumes it: the same key, saved and verified.
			in := []string{"1"} // resume
			if tc.at == wizard.StepCertificate {
				in = append(in, cert)
			}
			in = append(in, "s", "", "4") // upload in the sandbox, verify now, quit
			cmd := exec.Command(bin)
			cmd.Env = env
			cmd.Stdin = strings.NewReader(answers(in...))
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("the resume: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
			}
			wantLines(t, stdout.String(),
				"A guided link of contoso was left unfinished.",
				"1. Resume “contoso” (step "+map[wizard.Step]string{wizard.StepCertificate: "4", wizard.StepUpload: "5"}[tc.at],
				"contoso: verified, every check passed.")
			if strings.Contains(stdout.String(), "Making a ") {
				t.Errorf("the resumed link made another key:\n%s", stdout.String())
			}
			if got := accountCredential(t, storePath, "contoso"); got != draft.Cred.ID {
				t.Errorf("the account uses key %s, want the kept one %s", got, draft.Cred.ID)
			}
			if names, orphans := storeState(t, storePath); len(names) != 1 || len(orphans) != 0 {
				t.Errorf("store holds %v, keys no account uses %v; want [contoso] and none", names, orphans)
			}
			if _, found := linkDraft(t, storePath); found {
				t.Error("the draft is still there after the account was saved")
			}
		})
	}
}

// signalTo sends sig to the xops under test.
func signalTo(sig syscall.Signal) func(*ptyRun) {
	return func(p *ptyRun) {
		p.t.Helper()
		if err := p.cmd.Process.Signal(sig); err != nil {
			p.t.Fatal(err)
		}
	}
}

// hangUp closes the terminal's master side, as sshd does when the
// connection drops: the kernel hangs the terminal up (SIGHUP, reads end).
// The master is in blocking mode and its reader is blocked in a read that
// holds it open, so a byte written on the terminal side lets that read
// return and the close happen.
func hangUp(p *ptyRun) {
	p.t.Helper()
	if err := p.master.Close(); err != nil {
		p.t.Fatal(err)
	}
	if _, err := p.tty.Write([]byte("\n")); err != nil {
		p.t.Fatal(err)
	}
}

// TestAccessibleSignalKeepsTicks: the ticks alone are worth keeping, as the
// TUI keeps them: SIGTERM on the checklist, before any key, leaves the
// draft on the checklist with the steps done and no key, and the next
// start offers it.
func TestAccessibleSignalKeepsTicks(t *testing.T) {
	t.Parallel()
	bin := buildXops(t)
	dir := privateDir(t)
	storePath := filepath.Join(dir, "xops.db")
	env := append(os.Environ(), "XOPS_STORE="+storePath, "TERM=dumb", "NO_COLOR=1",
		"XOPS_SANDBOX=1", "XOPS_ACCESSIBLE=", "GORACE=atexit_sleep_ms=0")
	p := startInPTY(t, bin, env)
	p.waitFor("Choose your platform:")
	p.press("3\r2\rs\rs\r") // Microsoft, guided, two steps done in the sandbox
	p.waitFor("Sandbox: done:", "3. ", "Done?")
	signalTo(syscall.SIGTERM)(p)
	if code := p.wait(); code != 1 {
		t.Errorf("exit %d, want 1; last output:\n%s", code, tailOf(p.screen(), 800))
	}
	label := "Resume (step 1, Entra checklist; no name yet)"
	if flat := strings.Join(strings.Fields(p.screen()), " "); !strings.Contains(flat, "stopped by a signal (terminated); no account saved; the guided link is kept: run xops again and choose: "+label) {
		t.Errorf("stderr does not say what was kept; last output:\n%s", tailOf(p.screen(), 800))
	}
	draft, found := linkDraft(t, storePath)
	if !found || draft.Step != wizard.StepChecklist || draft.Cred != nil ||
		!draft.Ticked(entra.StepRegisterApp) || !draft.Ticked(entra.StepAddExchangePermission) || draft.Ticked(entra.StepGrantAdminConsent) {
		t.Fatalf("the draft (found %v) is on %s with key %v, ticks %v %v %v; want the checklist, no key, the first two ticked",
			found, draft.Step, draft.Cred, draft.Ticked(entra.StepRegisterApp), draft.Ticked(entra.StepAddExchangePermission), draft.Ticked(entra.StepGrantAdminConsent))
	}
	if _, orphans := storeState(t, storePath); len(orphans) != 0 {
		t.Errorf("keys %v, want none: no key was made", orphans)
	}
	cmd := exec.Command(bin) // the next start offers it (input ends there)
	cmd.Env = env
	cmd.Stdin = strings.NewReader("")
	out, _ := cmd.Output()
	wantLines(t, string(out), "1. "+label)
	if _, found := linkDraft(t, storePath); !found {
		t.Error("the draft is gone after the offer")
	}
}
