package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/entra/sandbox"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/store"
)

// accessibleCmd is the binary in accessible mode (TERM=dumb) against the
// rig's tenant.
func (r *rig) accessibleCmd() *exec.Cmd {
	r.t.Helper()
	ep := r.sb.Endpoints()
	cmd := selfCommand(r.t)
	cmd.Env = append(cmd.Env, "TERM=dumb", "XOPS_STORE="+r.store, "SSL_CERT_FILE="+r.caFile, "SSL_CERT_DIR="+r.dir,
		"AZURE_AUTHORITY_HOST="+r.sb.URL(), "XOPS_EXCHANGE_URL="+ep.Exchange, "XOPS_GRAPH_URL="+ep.Graph)
	cmd.Dir = r.dir // the guided path offers ./NAME.cer
	return cmd
}

// accessible runs the accessible mode with the answers on stdin.
func (r *rig) accessible(stdin string) result {
	r.t.Helper()
	cmd := r.accessibleCmd()
	var out, errOut bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = strings.NewReader(stdin), &out, &errOut
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		r.t.Fatal(err)
	}
	if strings.ContainsAny(out.String()+errOut.String(), "\x1b\x07") {
		r.t.Errorf("escape sequences in accessible output:\n%q", out.String())
	}
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// autoDraft reads the automatic link's draft from the rig's store.
func (r *rig) autoDraft() (flow.AutoProgress, bool) {
	r.t.Helper()
	st, err := store.Open(r.store, store.Options{Timeout: 2 * time.Second})
	if err != nil {
		r.t.Fatal(err)
	}
	defer st.Close()
	raw, err := st.Draft(flow.AutoDraftKind)
	if errors.Is(err, store.ErrNotFound) {
		return flow.AutoProgress{}, false
	}
	if err != nil {
		r.t.Fatal(err)
	}
	var p flow.AutoProgress
	if err := json.Unmarshal(raw, &p); err != nil {
		r.t.Fatal(err)
	}
	return p, true
}

// accountJSON is `accounts show NAME --json`.
func (r *rig) accountJSON(name string) map[string]any {
	r.t.Helper()
	res := r.xops("accounts", "show", name, "--json")
	var acc map[string]any
	if err := json.Unmarshal([]byte(res.stdout), &acc); err != nil {
		r.t.Fatalf("accounts show %s: %v\n%s%s", name, err, res.stdout, res.stderr)
	}
	return acc
}

func wantLines(t *testing.T, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("the output lacks %q:\n%s", w, out)
		}
	}
}

// TestAccessibleAutoLinksAndVerifies: Microsoft, "Set it up for me", a
// name, and the account ends linked and verified, every step said on a line.
func TestAccessibleAutoLinksAndVerifies(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.sb.SetAdmin(sandbox.Admin{ApproveAfter: 50 * time.Millisecond})
	res := r.accessible(answers("3", "1", "Auto Corp", "4"))
	if res.code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
	wantLines(t, res.stdout,
		"How do you want to make the Entra side?\n  1. "+autoChoiceAuto+"\n",
		"  2. "+autoChoiceGuided+"\n",
		"open this address on any device:\n"+r.sb.URL()+"/devicelogin\nand enter this code:\n",
		"Done, Sign in as an admin: signed in as ",
		"Done, Register the app",
		"Done, Assign the Global Reader role",
		"Passed, global-reader: ",
		"Linked and verified: Auto Corp\n",
		"Tenant ID:    "+r.sb.TenantID(),
		"Home: 1 linked account.")
	if acc := r.accountJSON("auto corp"); acc["status"] != "verified" || acc["organization"] != r.sb.Domain() {
		t.Errorf("account: %v", acc)
	}
	if _, ok := r.autoDraft(); ok {
		t.Error("the finished run's draft stayed")
	}
	if c := r.sb.GraphCounts(); c.Applications != 1 || c.RoleAssignments != 1 {
		t.Errorf("graph writes: %+v", c)
	}
}

// TestAccessibleAutoMissingRoleOffersGuided: an admin without Privileged
// Role Administrator gets as far as the role, is told what exists and what
// does not, and the guided checklist continues with that ticked, the form
// filled and the automatic run's key reused; saving drops the run's draft.
func TestAccessibleAutoMissingRoleOffersGuided(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.sb.SetAdmin(sandbox.Admin{ApproveAfter: 50 * time.Millisecond, Roles: []string{entra.RoleApplicationAdministrator}})
	res := r.accessible(answers("3", "1", "Role Corp",
		"1",      // continue with the guided checklist
		"y", "y", // consent and the role, done by hand (by another admin)
		"", "", "", "", "", // the form as filled in: name, App ID, tenant ID, organization, key size
		"",  // lifetime
		"",  // the certificate: ./NAME.cer
		"n", // verify now? no
		"4"))
	if res.code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
	if n := strings.Count(res.stdout, "may not grant admin consent"); n != 1 {
		t.Errorf("why the run stopped is said %d times, want once (each is read aloud in full):\n%s", n, res.stdout)
	}
	prog, ok := r.autoDraft()
	if ok {
		t.Errorf("the automatic run's draft stayed after the guided save: %+v", prog)
	}
	apps := r.sb.Apps()
	if len(apps) != 1 {
		t.Fatalf("apps: %+v", apps)
	}
	appID := apps[0].AppID
	wantLines(t, res.stdout,
		"Stopped at: ",
		"What exists in the tenant:\n",
		"  exists: ",
		"  missing: ",
		"This tenant or your role does not allow the automatic path.\nWhat next?\n  1. Continue with the guided checklist\n",
		"1. Register an app for Xops (register-app): done by the automatic setup.",
		"App (client) ID ["+appID+"]:",
		"Directory (tenant) ID ["+r.sb.TenantID()+"]:",
		"Reusing the key the automatic setup made.",
		"Done by the automatic setup: the app has this certificate already.",
		"Saved the account Role Corp (not verified yet).")
	names, orphans := storeState(t, r.store)
	if len(names) != 1 || len(orphans) != 0 {
		t.Fatalf("store holds %v, orphan keys %v", names, orphans)
	}
	if _, err := os.Stat(filepath.Join(r.dir, flow.CertificateFileName("Role Corp"))); err != nil {
		t.Errorf("certificate copy: %v", err)
	}
	if c := r.sb.GraphCounts(); c.Applications != 1 || c.Duplicates != 0 {
		t.Errorf("graph writes: %+v", c)
	}
}

// TestAccessibleAutoEndOfInputResumes: input ends while the run waits on
// Graph; the run stops, says its progress is kept, and the next start
// offers to resume it, which links without making anything twice.
func TestAccessibleAutoEndOfInputResumes(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.sb.SetAdmin(sandbox.Admin{ApproveAfter: 50 * time.Millisecond, Roles: []string{entra.RoleApplicationAdministrator}})
	// First a run that made the app and stopped at consent, which this
	// admin may not grant: "Stop here", and input ends at the next question.
	res := r.accessible(answers("3", "1", "Resumed", "2"))
	if res.code != 2 || !strings.Contains(res.stderr, "input ended; nothing saved; the automatic setup of Resumed is not finished; what it made is kept") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
	// Then a run that input ends in the middle of: Graph hangs after the
	// sign-in, and stdin closes once the sign-in is reported.
	r.sb.SetAdmin(sandbox.Admin{ApproveAfter: 50 * time.Millisecond})
	r.sb.SetFault(sandbox.ServiceGraph, sandbox.Fault{Hang: true})
	cmd := r.accessibleCmd()
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(stdin, answers("1")); err != nil { // resume
		t.Fatal(err)
	}
	var seen strings.Builder
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		seen.WriteString(sc.Text() + "\n")
		if strings.HasPrefix(sc.Text(), "Done, Sign in as an admin") {
			break
		}
	}
	stdin.Close() // ctrl+d while Graph hangs
	rest, _ := io.ReadAll(stdout)
	seen.Write(rest)
	werr := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(werr, &ee) || ee.ExitCode() != 2 || !strings.Contains(errOut.String(), "what it made is kept") {
		t.Fatalf("ended mid-run: %v\nstdout:\n%s\nstderr:\n%s", werr, seen.String(), errOut.String())
	}
	wantLines(t, seen.String(), "An automatic setup of Resumed was left unfinished.", `1. Resume setting up "Resumed" for me`, "The run stopped at: ")
	if p, ok := r.autoDraft(); !ok || p.Setup.AppID == "" || p.Credential.ID == "" {
		t.Fatalf("the progress was not kept: %+v", p)
	}
	before := r.sb.GraphCounts()

	// The next start offers it again; resuming finishes the link.
	r.sb.SetFault(sandbox.ServiceGraph, sandbox.Fault{})
	res = r.accessible(answers("1", "4"))
	if res.code != 0 {
		t.Fatalf("resume: exit %d\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
	wantLines(t, res.stdout, "Done, Register the app (Exchange permission, certificate) (already there)", "Linked and verified: Resumed")
	if acc := r.accountJSON("Resumed"); acc["status"] != "verified" {
		t.Errorf("account: %v", acc)
	}
	after := r.sb.GraphCounts()
	if after.Applications != 1 || after.ServicePrincipals != 1 || after.Duplicates != 0 || after.Applications != before.Applications {
		t.Errorf("something was made twice: before %+v, after %+v", before, after)
	}
	if _, orphans := storeState(t, r.store); len(orphans) != 0 {
		t.Errorf("orphan keys %v", orphans)
	}
	if _, ok := r.autoDraft(); ok {
		t.Error("the finished run's draft stayed")
	}
}

// TestAccessibleAutoRefusesBadName: the friendly name is checked as the form
// checks it, the refusal names the field, and nothing is written.
func TestAccessibleAutoRefusesBadName(t *testing.T) {
	t.Parallel()
	e, path := newStore(t)
	mustRun(t, e, "link", "microsoft", "--name", "Taken", "--app-id", testAppID, "--tenant-id", testTenantID,
		"--org", "taken.onmicrosoft.com", "--cert-out", filepath.Join(t.TempDir(), "taken.cer"))
	e["XOPS_ACCESSIBLE"] = "1"
	r := xops(t, e, answers("1", "1", "", "bad\x1b[2Jname", "TAKEN", strings.Repeat("x", 65)))
	if r.code != 2 || !strings.Contains(r.stderr, "input ended") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if got := strings.Count(r.stdout, "  Friendly name: "); got != 4 {
		t.Errorf("%d refusals naming the field, want 4:\n%s", got, r.stdout)
	}
	wantLines(t, r.stdout, "Friendly name: contains a terminal escape sequence", `Friendly name: an account named "TAKEN" already exists`)
	if strings.Contains(r.stdout, "sign-in code") {
		t.Errorf("a refused name started a run:\n%s", r.stdout)
	}
	if names, orphans := storeState(t, path); len(names) != 1 || len(orphans) != 0 {
		t.Fatalf("store holds %v, orphan keys %v", names, orphans)
	}
	st, err := store.Open(path, store.Options{Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Draft(flow.AutoDraftKind); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a draft was written: %v", err)
	}
}

// TestAccessibleAutoGuidedNewKeyDropsTheRunsKey: after the switch, a form
// that changes the key size makes a new key, asks for its upload (the app
// holds the old certificate only), and once the account is saved the run's
// key and draft are gone: no key left unused.
func TestAccessibleAutoGuidedNewKeyDropsTheRunsKey(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.sb.SetAdmin(sandbox.Admin{ApproveAfter: 50 * time.Millisecond, Roles: []string{entra.RoleApplicationAdministrator}})
	res := r.accessible(answers("3", "1", "Rekeyed",
		"1", "y", "y", // guided; consent and the role by hand
		"", "", "", "", "3072", "", // the form, with a bigger key
		"",  // the certificate: ./NAME.cer
		"y", // uploaded by hand
		"n", "4"))
	if res.code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
	wantLines(t, res.stdout, "making a new one (that key is removed once the account is saved)",
		"Making a 3072-bit RSA key", "Saved the account Rekeyed (not verified yet).")
	if strings.Contains(res.stdout, "Done by the automatic setup: the app has this certificate already.") {
		t.Errorf("the new certificate's upload was skipped:\n%s", res.stdout)
	}
	if names, orphans := storeState(t, r.store); len(names) != 1 || len(orphans) != 0 {
		t.Fatalf("store holds %v, orphan keys %v", names, orphans)
	}
	if _, ok := r.autoDraft(); ok {
		t.Error("the automatic run's draft stayed after the guided save")
	}
}
