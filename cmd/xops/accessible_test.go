package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xops/xops/store"
)

// answers joins the lines an admin would type.
func answers(lines ...string) string { return strings.Join(lines, "\n") + "\n" }

// storeState reads what a store holds: account names and keys no account uses.
func storeState(t *testing.T, path string) (names []string, orphans []string) {
	t.Helper()
	if _, err := os.Stat(path); os.IsNotExist(err) {
		return nil, nil
	}
	st, err := store.Open(path, store.Options{Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	accounts, bad, err := st.Accounts()
	if err != nil || len(bad) > 0 {
		t.Fatalf("accounts: %v %v", err, bad)
	}
	for _, a := range accounts {
		names = append(names, a.Name)
	}
	orphans, err = st.OrphanKeys()
	if err != nil {
		t.Fatal(err)
	}
	return names, orphans
}

// TestAccessibleSandboxWalkThrough links and verifies an account with plain
// prompts only, every checklist step done in the sandbox from the prompts.
func TestAccessibleSandboxWalkThrough(t *testing.T) {
	t.Parallel()
	e, path := newStore(t)
	e["TERM"] = "dumb"
	e["XOPS_SANDBOX"] = "1"
	cert := filepath.Join(t.TempDir(), "contoso.cer")
	in := answers(
		"3",                // platform: Microsoft
		"2",                // the guided path
		"s", "s", "s", "s", // register, permission, consent, Global Reader: in the sandbox
		"s",           // copy the IDs: the form offers them
		"", "contoso", // name: empty is refused, then a name
		"", "", "", // App ID, tenant ID, organization: the sandbox's
		"1024", "", "0", "", // key size: refused, then the default; lifetime: refused, default
		cert, // the certificate
		"s",  // upload it in the sandbox
		"",   // verify now: yes
		"4",  // quit
	)
	r := xops(t, e, in)
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"Choose your platform:",
		"Step 1 of 7: Entra checklist",
		"Friendly name:",
		"Key size",
		"Saved the certificate to " + cert,
		"Passed, exchange: ",
		"contoso: verified, every check passed.",
		"Home: 1 linked account.",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the output lacks %q:\n%s", want, r.stdout)
		}
	}
	// The defaults and empty answers were checked, not taken on trust.
	if !strings.Contains(r.stdout, "Friendly name:") || strings.Count(r.stdout, "Friendly name:") < 2 {
		t.Errorf("an empty name was not asked again:\n%s", r.stdout)
	}
	if strings.ContainsAny(r.stdout+r.stderr, "\x1b\x07") {
		t.Error("escape sequences in accessible output")
	}
	names, orphans := storeState(t, path)
	if len(names) != 1 || names[0] != "contoso" || len(orphans) != 0 {
		t.Fatalf("store holds %v (orphan keys %v), want [contoso] and none", names, orphans)
	}
	pem, err := os.ReadFile(cert)
	if err != nil || !strings.Contains(string(pem), "BEGIN CERTIFICATE") || strings.Contains(string(pem), "PRIVATE") {
		t.Fatalf("certificate file: %v\n%s", err, pem)
	}
}

// TestAccessibleEndOfInputLeavesNothing stops the answers after every line
// up to the save: each run says input ended, exits 2 and leaves no account,
// no key and no certificate file.
func TestAccessibleEndOfInputLeavesNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cert := filepath.Join(dir, "acme.cer")
	full := []string{"3", "2", "y", "y", "y", "y", "y", "acme", testAppID, testTenantID, "acme.onmicrosoft.com", "", "", cert, "y"}
	for n := 0; n < len(full); n++ {
		e, path := newStore(t)
		e["XOPS_ACCESSIBLE"] = "1"
		r := xops(t, e, answers(full[:n]...))
		if r.code != 2 || !strings.Contains(r.stderr, "input ended; nothing saved") {
			t.Fatalf("after %d answers: exit %d, stderr %q", n, r.code, r.stderr)
		}
		if names, orphans := storeState(t, path); len(names) != 0 || len(orphans) != 0 {
			t.Fatalf("after %d answers: store holds %v, orphan keys %v", n, names, orphans)
		}
		if _, err := os.Stat(cert); !os.IsNotExist(err) {
			t.Fatalf("after %d answers: the certificate file stayed behind (%v)", n, err)
		}
	}
	// One answer more and the account is saved; input ends at "verify now?".
	e, path := newStore(t)
	e["XOPS_ACCESSIBLE"] = "1"
	r := xops(t, e, answers(full...))
	if r.code != 2 || !strings.Contains(r.stderr, "the account acme is saved, not verified yet") {
		t.Fatalf("input ended after the save: exit %d, stderr %q", r.code, r.stderr)
	}
	if names, orphans := storeState(t, path); len(names) != 1 || len(orphans) != 0 {
		t.Fatalf("store holds %v, orphan keys %v", names, orphans)
	}
}

// TestAccessibleRefusesBadFieldsByName: every refusal names the field and
// the admin is asked again; a taken name is refused at its prompt.
func TestAccessibleRefusesBadFieldsByName(t *testing.T) {
	t.Parallel()
	e, linkedStore := newStore(t)
	dir := t.TempDir()
	mustRun(t, e, "link", "microsoft", "--name", "Taken", "--app-id", testAppID, "--tenant-id", testTenantID,
		"--org", "taken.onmicrosoft.com", "--cert-out", filepath.Join(dir, "taken.cer"))
	e["TERM"] = "dumb"
	in := answers("1", "2", "n", "n", "n", "n", "n", "y",
		"taken", "new\x1b[2Jname", "fresh",
		"not-a-guid", testAppID,
		testAppID, testTenantID,
		"not a domain", "fresh.onmicrosoft.com")
	r := xops(t, e, in)
	if r.code != 2 {
		t.Fatalf("exit %d, stderr %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "Not done yet: Register an app for Xops;") {
		t.Errorf("the steps left undone were not named:\n%s", r.stdout)
	}
	for _, want := range []string{
		`Friendly name: an account named "taken" already exists`,
		"Friendly name: contains a terminal escape sequence",
		"App (client) ID: expected 36 characters",
		"Directory (tenant) ID: is the same as the App (client) ID",
		"Organization ID: contains a space",
	} {
		if !strings.Contains(r.stdout, "  "+want) {
			t.Errorf("no refusal %q:\n%s", want, r.stdout)
		}
	}
	if strings.ContainsAny(r.stdout, "\x1b") {
		t.Errorf("the typed escape came back to the terminal:\n%q", r.stdout)
	}
	if names, _ := storeState(t, linkedStore); len(names) != 1 {
		t.Fatalf("store holds %v", names)
	}
}

// TestAccessibleCertificateNeverReplacedWithoutAsking: an existing file is
// kept when the admin says no, and another path is asked for.
func TestAccessibleCertificateNeverReplacedWithoutAsking(t *testing.T) {
	t.Parallel()
	e, _ := newStore(t)
	e["XOPS_ACCESSIBLE"] = "yes"
	dir := t.TempDir()
	existing := filepath.Join(dir, "keep.cer")
	if err := os.WriteFile(existing, []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other.cer")
	in := answers("3", "2", "y", "y", "y", "y", "y", "acme", testAppID, testTenantID, "acme.onmicrosoft.com", "", "",
		existing, "n", other, "y", "n", "4")
	r := xops(t, e, in)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if b, _ := os.ReadFile(existing); string(b) != "mine" {
		t.Fatalf("the existing file was replaced: %q", b)
	}
	if !strings.Contains(r.stdout, "already exists. Replace it?") {
		t.Errorf("no question before replacing:\n%s", r.stdout)
	}
	if b, err := os.ReadFile(other); err != nil || !strings.Contains(string(b), "BEGIN CERTIFICATE") {
		t.Fatalf("the certificate is not at the other path: %v", err)
	}
	if !strings.Contains(r.stdout, "Not verified. Later: xops accounts verify acme") {
		t.Errorf("declining verification says nothing:\n%s", r.stdout)
	}
}

// TestAccessibleModeChoice: TERM=dumb, XOPS_ACCESSIBLE and --accessible turn
// it on; --accessible=false wins over both; a bad value is a usage error.
func TestAccessibleModeChoice(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		env        map[string]string
		args       []string
		accessible bool
		code       int
	}{
		{"dumb terminal", map[string]string{"TERM": "dumb"}, nil, true, 0},
		{"env", map[string]string{"XOPS_ACCESSIBLE": "1"}, nil, true, 0},
		{"flag", nil, []string{"--accessible"}, true, 0},
		{"flag after env", map[string]string{"TERM": "dumb", "XOPS_ACCESSIBLE": "1"}, []string{"--accessible=false"}, false, 2},
		{"plain TUI", map[string]string{"TERM": "xterm"}, nil, false, 2},
		{"bad env", map[string]string{"XOPS_ACCESSIBLE": "maybe"}, nil, false, 2},
	} {
		e, _ := newStore(t)
		for k, v := range tc.env {
			e[k] = v
		}
		r := xops(t, e, answers("4"), tc.args...)
		if r.code != tc.code || strings.Contains(r.stdout, "accessible mode") != tc.accessible {
			t.Errorf("%s: exit %d (want %d), accessible %v (want %v)\n%s%s", tc.name, r.code, tc.code,
				!tc.accessible, tc.accessible, r.stdout, r.stderr)
		}
	}
}
