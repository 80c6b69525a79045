package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xops/xops/entra"
)

// verify --all checks every account: a line for each that passed, the
// failing check (step, hint) of each that did not, a count on stderr, exit 1
// when any failed; --json is an array of the reports in name order; each
// outcome is stored on its account.
func TestVerifyAll(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	link := func(name string, skip ...entra.Step) {
		t.Helper()
		appID := r.app(skip...)
		cert := filepath.Join(r.dir, name+".cer")
		if res := r.xops("link", "microsoft", "--name", name, "--app-id", appID, "--tenant-id", r.sb.TenantID(),
			"--org", r.sb.Domain(), "--cert-out", cert); res.code != 0 {
			t.Fatalf("link %s: exit %d %s", name, res.code, res.stderr)
		}
		r.upload(appID, cert)
	}
	for _, n := range []string{"alpha", "bravo", "delta", "echo", "foxtrot"} {
		link(n)
	}
	link("charlie", entra.StepGrantAdminConsent)

	res := r.xops("accounts", "verify", "--all")
	if res.code != 1 {
		t.Fatalf("exit %d, want 1 (charlie fails)\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	lines := strings.Split(strings.TrimSpace(res.stdout), "\n")
	var heads []string
	for _, l := range lines {
		if !strings.HasPrefix(l, " ") {
			heads = append(heads, l)
		}
	}
	want := []string{
		"✓ alpha: verified, every check passed",
		"✓ bravo: verified, every check passed",
		"✗ charlie: failed at step grant-admin-consent (3. Grant admin consent)",
		"✓ delta: verified, every check passed",
		"✓ echo: verified, every check passed",
		"✓ foxtrot: verified, every check passed",
	}
	if strings.Join(heads, "\n") != strings.Join(want, "\n") {
		t.Errorf("stdout, in name order:\n%s\nwant the lines\n%s", res.stdout, strings.Join(want, "\n"))
	}
	if !strings.Contains(res.stdout, "    ✗ exchange-permission") {
		t.Errorf("charlie's failing check is not shown:\n%s", res.stdout)
	}
	if !strings.Contains(res.stderr, "6 accounts: 5 verified, 1 failed") {
		t.Errorf("stderr lacks the count: %q", res.stderr)
	}

	js := r.xops("accounts", "verify", "--all", "--json")
	if js.code != 1 {
		t.Fatalf("--json exit %d\n%s", js.code, js.stderr)
	}
	var reports []verifyJSON
	if err := json.Unmarshal([]byte(js.stdout), &reports); err != nil {
		t.Fatalf("--all --json is not an array: %v\n%s", err, js.stdout)
	}
	if len(reports) != 6 || reports[2].Account != "charlie" || reports[2].OK || *reports[2].FailedStep != "grant-admin-consent" || !reports[0].OK {
		t.Errorf("reports %+v", reports)
	}
	if n := strings.Count(strings.TrimSpace(js.stdout), "\n"); n != 7 {
		t.Errorf("want one report per line (8 lines with the brackets), got %d newlines", n)
	}

	var acc map[string]any
	if err := json.Unmarshal([]byte(r.xops("accounts", "show", "charlie", "--json").stdout), &acc); err != nil || acc["status"] != "failed" {
		t.Errorf("charlie's outcome was not stored: %v %v", acc["status"], err)
	}

	// Fixed in Entra: every account passes, exit 0.
	if err := r.sb.GrantAdminConsent(reports[2].appID(t, r)); err != nil {
		t.Fatal(err)
	}
	if ok := r.xops("accounts", "verify", "--all"); ok.code != 0 || !strings.Contains(ok.stderr, "6 accounts: 6 verified, 0 failed") {
		t.Errorf("after the fix: exit %d\n%s\n%s", ok.code, ok.stdout, ok.stderr)
	}
}

// appID reads the account's app ID back from the store.
func (v verifyJSON) appID(t *testing.T, r *rig) string {
	t.Helper()
	var acc map[string]any
	if err := json.Unmarshal([]byte(r.xops("accounts", "show", v.Account, "--json").stdout), &acc); err != nil {
		t.Fatal(err)
	}
	return acc["app_id"].(string)
}

// --all and NAME exclude each other; with nothing linked --all is no failure
// and creates no store.
func TestVerifyAllUsageAndEmpty(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "none", "xops.db")
	e := env{"XOPS_STORE": path}
	if r := xops(t, e, "", "accounts", "verify", "contoso", "--all"); r.code != 2 || !strings.Contains(r.stderr, "either NAME or --all") {
		t.Errorf("NAME and --all: exit %d %q", r.code, r.stderr)
	}
	if r := xops(t, e, "", "accounts", "verify"); r.code != 2 || !strings.Contains(r.stderr, "NAME") {
		t.Errorf("neither: exit %d %q", r.code, r.stderr)
	}
	r := xops(t, e, "", "accounts", "verify", "--all", "--json")
	if r.code != 0 || r.stdout != "[]\n" {
		t.Errorf("empty --json: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	r = xops(t, e, "", "accounts", "verify", "--all")
	if r.code != 0 || !strings.Contains(r.stderr, "nothing to verify") {
		t.Errorf("empty: exit %d %q", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Dir(path)); !os.IsNotExist(err) {
		t.Errorf("verify --all made the store's folder: %v", err)
	}
}

// On a store with a passphrase, verify --all asks for it once, before it
// starts: a missing or wrong one stops it with nothing on stdout (exit 2),
// the right one verifies every account.
func TestVerifyAllPassphraseFirst(t *testing.T) {
	t.Parallel()
	e, _ := sandboxEnv(t)
	dir := t.TempDir()
	for _, n := range []string{"alpha", "bravo", "charlie"} {
		mustRun(t, e, "link", "microsoft", "--auto", "--name", n, "--cert-out", filepath.Join(dir, n+".cer"))
	}
	protected := env{}
	for k, v := range e {
		protected[k] = v
	}
	protected["XOPS_NEW_PASSPHRASE"] = "a good passphrase"
	mustRun(t, protected, "store", "passphrase", "set")
	delete(protected, "XOPS_NEW_PASSPHRASE")

	for _, pass := range []string{"", "not the passphrase"} {
		protected["XOPS_PASSPHRASE"] = pass
		r := xops(t, protected, "", "accounts", "verify", "--all", "--json")
		if r.code != 2 || r.stdout != "" || strings.Count(r.stderr, "XOPS_PASSPHRASE") != 1 {
			t.Errorf("passphrase %q: exit %d, stdout %q, stderr %q; want exit 2, nothing on stdout, the variable named once", pass, r.code, r.stdout, r.stderr)
		}
	}
	protected["XOPS_PASSPHRASE"] = "a good passphrase"
	r := xops(t, protected, "", "accounts", "verify", "--all", "--json")
	var reports []verifyJSON
	if err := json.Unmarshal([]byte(r.stdout), &reports); r.code != 0 || err != nil || len(reports) != 3 {
		t.Errorf("with the passphrase: exit %d (%v)\n%s\n%s", r.code, err, r.stdout, r.stderr)
	}
}
