package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/entra/sandbox"
	"github.com/xops/xops/store"
)

// rig is a sandbox tenant started by the test and an xops subprocess set up
// the way the independent rig drives the binary: endpoint overrides and
// SSL_CERT_FILE pointing at the tenant's CA (the only trust it gets).
type rig struct {
	t      *testing.T
	sb     *sandbox.Sandbox
	store  string
	caFile string
	dir    string
}

func newRig(t *testing.T) *rig {
	t.Helper()
	sb, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, sb.CAPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	return &rig{t: t, sb: sb, store: filepath.Join(dir, "xops.db"), caFile: ca, dir: dir}
}

// xops runs the binary (this test binary standing in for it) as a subprocess.
func (r *rig) xops(args ...string) result {
	r.t.Helper()
	ep := r.sb.Endpoints()
	cmd := selfCommand(r.t, args...)
	cmd.Env = append(cmd.Env, "XOPS_STORE="+r.store, "SSL_CERT_FILE="+r.caFile, "SSL_CERT_DIR="+r.dir,
		"AZURE_AUTHORITY_HOST="+r.sb.URL(), "XOPS_EXCHANGE_URL="+ep.Exchange, "XOPS_GRAPH_URL="+ep.Graph)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		r.t.Fatal(err)
	}
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// app registers an app in the tenant and performs the steps not skipped
// (the certificate upload comes after linking).
func (r *rig) app(skip ...entra.Step) string {
	r.t.Helper()
	appID, err := r.sb.RegisterApp("xops")
	if err != nil {
		r.t.Fatal(err)
	}
	skipped := map[entra.Step]bool{}
	for _, s := range skip {
		skipped[s] = true
	}
	for _, s := range []struct {
		step entra.Step
		do   func(string) error
	}{
		{entra.StepAddExchangePermission, r.sb.AddExchangePermission},
		{entra.StepGrantAdminConsent, r.sb.GrantAdminConsent},
		{entra.StepAssignGlobalReader, r.sb.AssignGlobalReader},
	} {
		if !skipped[s.step] {
			if err := s.do(appID); err != nil {
				r.t.Fatal(err)
			}
		}
	}
	return appID
}

func (r *rig) upload(appID, certFile string) {
	r.t.Helper()
	data, err := os.ReadFile(certFile)
	if err != nil {
		r.t.Fatal(err)
	}
	if err := r.sb.UploadCertificate(appID, data); err != nil {
		r.t.Fatal(err)
	}
}

type verifyJSON struct {
	Account    string  `json:"account"`
	OK         bool    `json:"ok"`
	FailedStep *string `json:"failed_step"`
	Checks     []struct {
		ID      string `json:"id"`
		OK      bool   `json:"ok"`
		Skipped bool   `json:"skipped"`
		Step    string `json:"step"`
		Message string `json:"message"`
	} `json:"checks"`
}

func decodeReport(t *testing.T, s string) verifyJSON {
	t.Helper()
	var v verifyJSON
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("verify --json: %v\n%s", err, s)
	}
	if len(v.Checks) != len(entra.CheckOrder) {
		t.Fatalf("%d checks, want %d", len(v.Checks), len(entra.CheckOrder))
	}
	for i, id := range entra.CheckOrder {
		if v.Checks[i].ID != string(id) {
			t.Errorf("check %d is %q, want %q", i, v.Checks[i].ID, id)
		}
	}
	return v
}

func TestSandboxLinkVerifyEndToEnd(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	appID := r.app()
	certOut := filepath.Join(r.dir, "contoso.cer")

	// Linked before the upload: --verify names the missing step, exit 1.
	res := r.xops("link", "microsoft", "--name", "contoso", "--app-id", appID, "--tenant-id", r.sb.TenantID(),
		"--org", r.sb.Domain(), "--cert-out", certOut, "--verify")
	if res.code != 1 || !strings.Contains(res.stdout, "failed at step upload-certificate") {
		t.Fatalf("link --verify before upload: exit %d\nstdout %s\nstderr %s", res.code, res.stdout, res.stderr)
	}
	if !strings.Contains(res.stdout, "thumbprint:") {
		t.Errorf("link printed no thumbprint: %s", res.stdout)
	}

	r.upload(appID, certOut)
	res = r.xops("accounts", "verify", "contoso", "--json")
	if res.code != 0 {
		t.Fatalf("verify after upload: exit %d\nstdout %s\nstderr %s", res.code, res.stdout, res.stderr)
	}
	v := decodeReport(t, res.stdout)
	if !v.OK || v.Account != "contoso" || (v.FailedStep != nil && *v.FailedStep != "") {
		t.Errorf("report %+v", v)
	}
	for _, c := range v.Checks {
		if !c.OK || c.Skipped {
			t.Errorf("check %s: %+v", c.ID, c)
		}
	}
	if strings.Contains(res.stderr, "{") || !strings.Contains(res.stderr, "Verifying contoso") {
		t.Errorf("stderr should carry progress only: %q", res.stderr)
	}

	show := r.xops("accounts", "show", "contoso", "--json")
	var acc map[string]any
	if err := json.Unmarshal([]byte(show.stdout), &acc); err != nil {
		t.Fatal(err)
	}
	if acc["status"] != "verified" || acc["last_verified"] == nil || acc["failed_step"] != nil {
		t.Errorf("account after verify: status %v last_verified %v failed_step %v", acc["status"], acc["last_verified"], acc["failed_step"])
	}
}

func TestSandboxVerifyNamesTheMissingStep(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	appID := r.app(entra.StepGrantAdminConsent)
	certOut := filepath.Join(r.dir, "fabrikam.cer")
	if res := r.xops("link", "microsoft", "--name", "fabrikam", "--app-id", appID, "--tenant-id", r.sb.TenantID(),
		"--org", r.sb.Domain(), "--cert-out", certOut); res.code != 0 {
		t.Fatalf("link: exit %d %s", res.code, res.stderr)
	}
	r.upload(appID, certOut)

	res := r.xops("accounts", "verify", "fabrikam", "--json")
	if res.code != 1 {
		t.Fatalf("verify: exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	v := decodeReport(t, res.stdout)
	if v.OK || v.FailedStep == nil || *v.FailedStep != string(entra.StepGrantAdminConsent) {
		t.Errorf("report %+v", v)
	}
	human := r.xops("accounts", "verify", "fabrikam")
	if human.code != 1 || !strings.Contains(human.stdout, "failed at step grant-admin-consent (3. Grant admin consent)") {
		t.Errorf("human verify: exit %d\n%s", human.code, human.stdout)
	}
	list := r.xops("accounts", "list", "--json")
	var accounts []map[string]any
	if err := json.Unmarshal([]byte(list.stdout), &accounts); err != nil || len(accounts) != 1 ||
		accounts[0]["failed_step"] != "grant-admin-consent" || accounts[0]["status"] != "failed" {
		t.Errorf("list after a failed verify (%v): %s", err, list.stdout)
	}
}

// tenantState edits the sandbox tenant saved in a store, as the TUI's
// checklist would between runs.
func tenantState(t *testing.T, storePath string, edit func(sb *sandbox.Sandbox)) {
	t.Helper()
	st, err := store.Open(storePath, store.Options{Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sb, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if state, err := st.Setting(sandboxStateKey); err == nil {
		if err := sb.LoadState(state); err != nil {
			t.Fatal(err)
		}
	} else if !errors.Is(err, store.ErrNotFound) {
		t.Fatal(err)
	}
	edit(sb)
	state, err := sb.MarshalState()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutSetting(sandboxStateKey, state); err != nil {
		t.Fatal(err)
	}
}

func TestSandboxFlagKeepsTenantAcrossRuns(t *testing.T) {
	t.Parallel()
	e, p := newStore(t)
	e["XOPS_SANDBOX"] = "1"
	var appID string
	tenantState(t, p, func(sb *sandbox.Sandbox) {
		var err error
		if appID, err = sb.RegisterApp("xops"); err != nil {
			t.Fatal(err)
		}
		for _, do := range []func(string) error{sb.AddExchangePermission, sb.GrantAdminConsent, sb.AssignGlobalReader} {
			if err := do(appID); err != nil {
				t.Fatal(err)
			}
		}
	})
	certOut := filepath.Join(t.TempDir(), "sb.cer")
	r := xops(t, e, "", "link", "microsoft", "--name", "sandboxed", "--app-id", appID, "--tenant-id", sandbox.DefaultTenantID,
		"--org", sandbox.DefaultDomain, "--cert-out", certOut, "--verify")
	// The app from the saved state was found: only the upload is missing.
	if r.code != 1 || !strings.Contains(r.stdout, "failed at step upload-certificate") {
		t.Fatalf("link --verify in the sandbox: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	tenantState(t, p, func(sb *sandbox.Sandbox) {
		data, err := os.ReadFile(certOut)
		if err != nil {
			t.Fatal(err)
		}
		if err := sb.UploadCertificate(appID, data); err != nil {
			t.Fatal(err)
		}
	})
	r = xops(t, e, "", "--sandbox", "accounts", "verify", "sandboxed", "--json")
	if r.code != 0 {
		t.Fatalf("verify in the sandbox after the upload: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	decodeReport(t, r.stdout)
}

func TestSandboxStoreIsBesideTheDefault(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_DATA_HOME", dir)
	for _, c := range []struct {
		g    globals
		want string
	}{
		{globals{}, filepath.Join(dir, "xops", "xops.db")},
		{globals{sandbox: true}, filepath.Join(dir, "xops", "xops-sandbox.db")},
		{globals{sandbox: true, store: "/elsewhere.db"}, "/elsewhere.db"},
	} {
		a := &app{g: c.g}
		if got, err := a.storePath(); err != nil || got != c.want {
			t.Errorf("%+v: %q %v, want %q", c.g, got, err, c.want)
		}
	}
}

func TestSandboxRotate(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	appID := r.app()
	oldCert := filepath.Join(r.dir, "old.cer")
	if res := r.xops("link", "microsoft", "--name", "contoso", "--app-id", appID, "--tenant-id", r.sb.TenantID(),
		"--org", r.sb.Domain(), "--cert-out", oldCert); res.code != 0 {
		t.Fatalf("link: %d %s", res.code, res.stderr)
	}
	r.upload(appID, oldCert)

	newCert := filepath.Join(r.dir, "new.cer")
	res := r.xops("accounts", "rotate", "contoso", "--cert-out", newCert)
	if res.code != 0 || !strings.Contains(res.stdout, "thumbprint:") {
		t.Fatalf("rotate start: %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	newThumb := strings.TrimSpace(strings.SplitN(strings.SplitN(res.stdout, "thumbprint:", 2)[1], "\n", 2)[0])

	// Not uploaded yet: the finish fails and nothing changes.
	res = r.xops("accounts", "rotate", "contoso")
	if res.code != 1 || !strings.Contains(res.stdout, "failed at step upload-certificate") || !strings.Contains(res.stderr, "Nothing changed") {
		t.Fatalf("rotate finish before upload: %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	if res := r.xops("accounts", "verify", "contoso"); res.code != 0 {
		t.Fatalf("the old certificate stopped working mid-rotation: %s", res.stdout)
	}
	show := r.xops("accounts", "show", "contoso", "--json")
	if !strings.Contains(show.stdout, `"pending_certificate"`) || !strings.Contains(show.stdout, newThumb) {
		t.Errorf("show mid-rotation: %s", show.stdout)
	}

	r.upload(appID, newCert)
	res = r.xops("accounts", "rotate", "contoso")
	if res.code != 0 || !strings.Contains(res.stderr, "Rotated") {
		t.Fatalf("rotate finish: %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	show = r.xops("accounts", "show", "contoso", "--json")
	var acc map[string]any
	if err := json.Unmarshal([]byte(show.stdout), &acc); err != nil {
		t.Fatal(err)
	}
	if acc["thumbprint"] != newThumb || acc["pending_certificate"] != nil || acc["status"] != "verified" {
		t.Errorf("after rotation: thumbprint %v pending %v status %v", acc["thumbprint"], acc["pending_certificate"], acc["status"])
	}
	if res := r.xops("accounts", "verify", "contoso", "--json"); res.code != 0 {
		t.Errorf("verify with the new certificate: %d %s", res.code, res.stdout)
	}
}

// TestSandboxVerifyWaitSeesConsentGrantedMeanwhile: Entra applies a consent
// some time after the click; --wait keeps asking for fresh tokens until it shows.
func TestSandboxVerifyWaitSeesConsentGrantedMeanwhile(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	appID := r.app(entra.StepGrantAdminConsent)
	certOut := filepath.Join(r.dir, "c.cer")
	if res := r.xops("link", "microsoft", "--name", "contoso", "--app-id", appID, "--tenant-id", r.sb.TenantID(),
		"--org", r.sb.Domain(), "--cert-out", certOut); res.code != 0 {
		t.Fatalf("link: %d %s", res.code, res.stderr)
	}
	r.upload(appID, certOut)

	ep := r.sb.Endpoints()
	cmd := selfCommand(t, "accounts", "verify", "contoso", "--json", "--wait", "60s")
	cmd.Env = append(cmd.Env, "XOPS_STORE="+r.store, "SSL_CERT_FILE="+r.caFile, "SSL_CERT_DIR="+r.dir,
		"AZURE_AUTHORITY_HOST="+r.sb.URL(), "XOPS_EXCHANGE_URL="+ep.Exchange, "XOPS_GRAPH_URL="+ep.Graph)
	var out bytes.Buffer
	cmd.Stdout = &out
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stderr)
	var progress []string
	granted := false
	for lines.Scan() {
		progress = append(progress, lines.Text())
		if !granted && strings.HasPrefix(lines.Text(), "attempt 1") {
			if !strings.Contains(lines.Text(), "grant-admin-consent") {
				t.Errorf("first attempt: %q", lines.Text())
			}
			if err := r.sb.GrantAdminConsent(appID); err != nil {
				t.Fatal(err)
			}
			granted = true
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("verify --wait: %v\nstderr:\n%s\nstdout:\n%s", err, strings.Join(progress, "\n"), out.String())
	}
	if v := decodeReport(t, out.String()); !v.OK {
		t.Errorf("final report %+v", v)
	}
	if !granted {
		t.Errorf("no progress on stderr: %q", progress)
	}
}
