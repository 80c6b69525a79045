//go:build linux

package main

import (
	"bytes"
	"errors"
	"io"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/entra/sandbox"
	"github.com/xops/xops/flow/wizard"
)

// pipedRun is the accessible mode with answers written to a pipe as the
// test goes, its output collected as it comes.
type pipedRun struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	mu     sync.Mutex
	out    bytes.Buffer
	errOut bytes.Buffer
	seen   int
	done   chan struct{}
}

func (r *rig) startPiped() *pipedRun {
	r.t.Helper()
	p := &pipedRun{t: r.t, cmd: r.accessibleCmd(), done: make(chan struct{})}
	stdin, err := p.cmd.StdinPipe()
	if err != nil {
		r.t.Fatal(err)
	}
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		r.t.Fatal(err)
	}
	p.stdin = stdin
	p.cmd.Stderr = &p.errOut
	if err := p.cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	go func() {
		defer close(p.done)
		buf := make([]byte, 4096)
		for {
			n, err := stdout.Read(buf)
			p.mu.Lock()
			p.out.Write(buf[:n])
			p.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return p
}

func (p *pipedRun) send(lines ...string) {
	p.t.Helper()
	if _, err := io.WriteString(p.stdin, answers(lines...)); err != nil {
		p.t.Fatal(err)
	}
}

// waitFor waits until every marker is in the output written since the last
// wait (a prompt has no line break after it, so the output is not read by
// lines).
func (p *pipedRun) waitFor(markers ...string) {
	p.t.Helper()
	deadline := time.Now().Add(screenWait)
	for {
		p.mu.Lock()
		fresh := p.out.String()[p.seen:]
		p.mu.Unlock()
		if allPresent(fresh, markers) {
			p.mu.Lock()
			p.seen = p.out.Len()
			p.mu.Unlock()
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("no %q within %s; output since the last wait:\n%s", markers, screenWait, tailOf(fresh, 1500))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop signals the process and returns its exit code and all it printed.
func (p *pipedRun) stop(sig syscall.Signal) (code int, stdout, stderr string) {
	p.t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		p.t.Fatal(err)
	}
	<-p.done
	err := p.cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		p.t.Fatal(err)
	}
	return code, p.out.String(), p.errOut.String()
}

// TestAccessibleHandoverSignalKeepsGuidedPart: an automatic run that the
// admin's role stops hands over to the guided checklist; the system stops
// that (SIGTERM, SIGHUP) after the admin ticked steps by hand. What the
// guided part did is kept as the wizard's draft, as for a plain guided link
// — its ticks, form, the run's key and the certificate file — in place of
// the run's progress (as the TUI's switch to the guided path does), and
// the next start resumes it to a saved account with that key, making
// nothing twice and leaving no draft or unused key.
func TestAccessibleHandoverSignalKeepsGuidedPart(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		sig  syscall.Signal
		at   wizard.Step
		// keySize is typed on the form: "" keeps the run's key, another
		// size makes a new one (the app does not hold its certificate).
		keySize string
	}{
		{"SIGTERM on the certificate page", syscall.SIGTERM, wizard.StepCertificate, ""},
		{"SIGHUP on the checklist", syscall.SIGHUP, wizard.StepChecklist, ""},
		{"SIGTERM after a new key", syscall.SIGTERM, wizard.StepCertificate, "3072"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newRig(t)
			r.sb.SetAdmin(sandbox.Admin{ApproveAfter: 50 * time.Millisecond, Roles: []string{entra.RoleApplicationAdministrator}})
			p := r.startPiped()
			p.send("3", "1", "Role Corp", "1") // Microsoft, set it up for me, a name; the role blocks it: guided
			p.waitFor("If the connection drops, this guided link is kept, to resume.", "done by the automatic setup.", "(grant-admin-consent)", "Done?")
			p.send("y") // consent, by hand
			p.waitFor("(assign-global-reader)", "Done?")
			if tc.at == wizard.StepCertificate {
				p.send("y", "", "", "", "", tc.keySize, "") // the role by hand; the form as filled in
				p.waitFor("Save the certificate to")
			}
			run, ok := r.autoDraft()
			if !ok || run.Credential.ID == "" {
				t.Fatalf("the automatic run's progress is not there before the stop: %+v", run)
			}
			code, out, errOut := p.stop(tc.sig)
			if code != 1 {
				t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, tailOf(out, 800), errOut)
			}
			draft, found := linkDraft(t, r.store)
			if !found {
				t.Fatalf("no guided draft kept; stderr: %s", errOut)
			}
			if draft.Step != tc.at || draft.Form.Name != "Role Corp" || draft.Form.AppID == "" || draft.Cred == nil {
				t.Fatalf("the draft is on %s for %q (App ID %q) with key %v; want %s for Role Corp with the IDs and the run's key",
					draft.Step, draft.Form.Name, draft.Form.AppID, draft.Cred, tc.at)
			}
			if newKey := tc.keySize != ""; (draft.Cred.ID == run.Credential.ID) == newKey || draft.Ticked(entra.StepUploadCertificate) == newKey {
				t.Errorf("the draft's key is the run's: %v, its upload ticked: %v; want %v and %v",
					draft.Cred.ID == run.Credential.ID, draft.Ticked(entra.StepUploadCertificate), !newKey, !newKey)
			}
			if !draft.Ticked(entra.StepRegisterApp) || !draft.Ticked(entra.StepGrantAdminConsent) {
				t.Errorf("the draft lost ticks: register-app %v (by the run), grant-admin-consent %v (by hand)",
					draft.Ticked(entra.StepRegisterApp), draft.Ticked(entra.StepGrantAdminConsent))
			}
			if tc.at == wizard.StepCertificate && !draft.Ticked(entra.StepAssignGlobalReader) {
				t.Error("the draft lost the tick of assign-global-reader, done by hand")
			}
			if _, ok := r.autoDraft(); ok {
				t.Error("the automatic run's draft stayed beside the guided one: the next start would offer both")
			}
			names, orphans := storeState(t, r.store)
			if len(names) != 0 || len(orphans) != 1 || orphans[0] != draft.Cred.ID {
				t.Fatalf("store holds %v, keys no account uses %v; want none and the draft's key %s", names, orphans, draft.Cred.ID)
			}
			want := "stopped by a signal (" + tc.sig.String() + "); no account saved; the guided link is kept with its key (thumbprint " + draft.Cred.Thumbprint + ")"
			if !strings.Contains(errOut, want) || !strings.Contains(errOut, "run xops again and choose: Resume “Role Corp”") {
				t.Errorf("stderr does not say what was kept (%q):\n%s", want, errOut)
			}

			// The next start resumes it: the run's key, saved, nothing made twice.
			in := []string{"1"} // resume
			if tc.at == wizard.StepChecklist {
				in = append(in, "y", "", "", "", "", "", "") // the role by hand; the form as kept
			}
			in = append(in, "") // the certificate at ./NAME.cer
			if tc.keySize != "" {
				in = append(in, "y") // the new certificate uploaded by hand
			}
			in = append(in, "n", "4") // verify later; quit
			res := r.accessible(answers(in...))
			if res.code != 0 {
				t.Fatalf("the resume: exit %d\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
			}
			wantLines(t, res.stdout, "A guided link of Role Corp was left unfinished.", "Saved the account Role Corp (not verified yet).")
			if strings.Contains(res.stdout, "Making a ") || strings.Contains(res.stdout, "automatic setup of") {
				t.Errorf("the resume made a key or offered the automatic run:\n%s", res.stdout)
			}
			if got := accountCredential(t, r.store, "Role Corp"); got != draft.Cred.ID {
				t.Errorf("the account uses key %s, want the kept one %s", got, draft.Cred.ID)
			}
			if names, orphans := storeState(t, r.store); len(names) != 1 || len(orphans) != 0 {
				t.Errorf("store holds %v, keys no account uses %v", names, orphans)
			}
			if _, found := linkDraft(t, r.store); found {
				t.Error("the guided draft stayed after the save")
			}
			if c := r.sb.GraphCounts(); c.Applications != 1 || c.Duplicates != 0 {
				t.Errorf("graph writes: %+v", c)
			}
		})
	}
}

// TestAccessibleAutoSignalSaysSo: an automatic run stopped by the system
// (here while it waits for the sign-in) says it was a signal, not the
// admin's ctrl+c, and what it left.
func TestAccessibleAutoSignalSaysSo(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.sb.SetAdmin(sandbox.Admin{ApproveAfter: -1}) // never signs in
	p := r.startPiped()
	p.send("3", "1", "Waiting Corp")
	p.waitFor("Waiting for you to sign in")
	code, out, errOut := p.stop(syscall.SIGTERM)
	want := "xops: stopped by a signal (terminated); nothing for Waiting Corp was made in the tenant yet; nothing saved"
	if code != 1 || !strings.Contains(errOut, want) {
		t.Errorf("exit %d (want 1), stderr does not say %q:\n%s\nstdout:\n%s", code, want, errOut, tailOf(out, 600))
	}
}
