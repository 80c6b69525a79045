package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// sandboxEnv is a fresh sandbox store (not made yet) in a temp dir.
func sandboxEnv(t *testing.T) (env, string) {
	t.Helper()
	e, path := newStore(t)
	e["XOPS_SANDBOX"] = "1"
	return e, path
}

// sandboxShow is `sandbox show --json`, decoded.
func sandboxShow(t *testing.T, e env) sandboxJSON {
	t.Helper()
	r := mustRun(t, e, "sandbox", "show", "--json")
	var v sandboxJSON
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
		t.Fatalf("show --json: %v\n%s", err, r.stdout)
	}
	return v
}

// linkLineArgs finds the `xops --sandbox link microsoft …` line register
// printed and returns its arguments after "xops".
func linkLineArgs(t *testing.T, stderr string) []string {
	t.Helper()
	for line := range strings.SplitSeq(stderr, "\n") {
		if f := strings.Fields(line); len(f) > 3 && f[0] == "xops" && f[2] == "link" {
			return f[1:]
		}
	}
	t.Fatalf("register printed no link line:\n%s", stderr)
	return nil
}

// The whole command-line path in the simulated tenant: register, the
// guided link with the IDs register printed, each step, verify; a step
// undone is the one verification names; a rotation finished by uploading
// the new certificate with sandbox do.
func TestSandboxCmdFullPath(t *testing.T) {
	t.Parallel()
	e, _ := sandboxEnv(t)
	dir := t.TempDir()

	reg := mustRun(t, e, "sandbox", "register", "demo")
	appID := strings.TrimSpace(reg.stdout)
	if !strings.Contains(reg.stderr, "--app-id "+appID) {
		t.Fatalf("register's link line lacks the app ID %s:\n%s", appID, reg.stderr)
	}
	for _, step := range []string{"add-exchange-permission", "grant-admin-consent", "assign-global-reader"} {
		r := mustRun(t, e, "sandbox", "do", step, "--app", appID)
		if !strings.Contains(r.stderr, "Done in the simulated tenant: "+step) {
			t.Fatalf("do %s says:\n%s", step, r.stderr)
		}
	}
	cer := filepath.Join(dir, "demo.cer")
	link := append(linkLineArgs(t, reg.stderr), "--cert-out", cer)
	mustRun(t, e, link...)
	if r := xops(t, e, "", "accounts", "verify", "demo"); r.code != 1 {
		t.Fatalf("verify before the upload: exit %d, want 1\n%s", r.code, r.stderr)
	}
	// The file link wrote, by --app; the same again changes nothing.
	mustRun(t, e, "sandbox", "do", "upload-certificate", "--app", appID, "--cert", cer)
	if r := mustRun(t, e, "sandbox", "do", "upload-certificate", "--account", "demo"); !strings.Contains(r.stderr, "Already done") {
		t.Fatalf("uploading the same certificate again:\n%s", r.stderr)
	}
	mustRun(t, e, "accounts", "verify", "demo")

	v := sandboxShow(t, e)
	if v.TenantID == "" || v.Organization == "" || len(v.Apps) != 1 {
		t.Fatalf("show: %+v", v)
	}
	got := v.Apps[0]
	if got.AppID != appID || len(got.StepsDone) != 4 || len(got.Certificates) != 1 || !slices.Equal(got.Accounts, []string{"demo"}) {
		t.Fatalf("show's app: %+v", got)
	}

	undo := mustRun(t, e, "sandbox", "undo", "grant-admin-consent", "--account", "demo")
	if !strings.Contains(undo.stderr, "Undone in the simulated tenant: grant-admin-consent") {
		t.Fatalf("undo says:\n%s", undo.stderr)
	}
	r := xops(t, e, "", "accounts", "verify", "demo", "--json")
	var rep verifyJSON
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || r.code != 1 || rep.FailedStep == nil || *rep.FailedStep != "grant-admin-consent" {
		t.Fatalf("verify after undo: exit %d, %v\n%s\n%s", r.code, err, r.stdout, r.stderr)
	}
	mustRun(t, e, "sandbox", "do", "grant-admin-consent", "--account", "demo")
	mustRun(t, e, "accounts", "verify", "demo")

	mustRun(t, e, "accounts", "rotate", "demo", "--cert-out", filepath.Join(dir, "demo-new.cer"))
	if r := xops(t, e, "", "accounts", "rotate", "demo"); r.code != 1 {
		t.Fatalf("rotate before the upload: exit %d, want 1\n%s", r.code, r.stderr)
	}
	up := mustRun(t, e, "sandbox", "do", "upload-certificate", "--account", "demo")
	if !strings.Contains(up.stderr, "new certificate") || !strings.Contains(up.stderr, "accounts rotate demo") {
		t.Fatalf("the upload during a rotation says:\n%s", up.stderr)
	}
	if r := mustRun(t, e, "accounts", "rotate", "demo"); !strings.Contains(r.stderr, "Rotated") {
		t.Fatalf("rotate after the upload:\n%s", r.stderr)
	}
	if v := sandboxShow(t, e); len(v.Apps[0].Certificates) != 2 {
		t.Fatalf("after the rotation the app has certificates %v, want 2", v.Apps[0].Certificates)
	}
}

// Without --sandbox the group refuses before anything is opened: a real
// store is never touched, and none is made.
func TestSandboxCmdRefusesWithoutSandbox(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"sandbox"},
		{"sandbox", "show"},
		{"sandbox", "show", "--json"},
		{"sandbox", "register", "demo"},
		{"sandbox", "register"},
		{"sandbox", "do", "add-exchange-permission", "--app", "1addb30c-683a-4ca5-9f55-06ee160ac516"},
		{"sandbox", "undo", "grant-admin-consent", "--account", "demo"},
	} {
		e, path := newStore(t)
		e["XOPS_SANDBOX"] = "0"
		r := xops(t, e, "", args...)
		if r.code != 2 || !strings.Contains(r.stderr, "the sandbox commands act on the simulated tenant of xops --sandbox: add --sandbox") {
			t.Errorf("%v: exit %d\n%s", args, r.code, r.stderr)
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Errorf("%v made a store: %v", args, err)
		}
	}
}

// Reading the tenant or naming an app with no sandbox store yet makes none.
func TestSandboxCmdNoStore(t *testing.T) {
	t.Parallel()
	e, path := sandboxEnv(t)
	if v := sandboxShow(t, e); v.TenantID == "" || len(v.Apps) != 0 {
		t.Fatalf("show without a store: %+v", v)
	}
	r := xops(t, e, "", "sandbox", "do", "add-exchange-permission", "--app", "1addb30c-683a-4ca5-9f55-06ee160ac516")
	if r.code != 2 || !strings.Contains(r.stderr, "--app: no app registration") {
		t.Fatalf("do without a store: exit %d\n%s", r.code, r.stderr)
	}
	r = xops(t, e, "", "sandbox", "undo", "assign-global-reader", "--account", "demo")
	if r.code != 2 || !strings.Contains(r.stderr, `--account: no account named "demo"`) {
		t.Fatalf("undo without a store: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("a store was made: %v", err)
	}
}

// Every bad input is exit 2, names the argument or flag and the fix, and
// changes nothing in the tenant.
func TestSandboxCmdBadInput(t *testing.T) {
	t.Parallel()
	e, path := sandboxEnv(t)
	dir := t.TempDir()
	linked := strings.TrimSpace(mustRun(t, e, "sandbox", "register", "linked").stdout)
	mustRun(t, e, "link", "microsoft", "--name", "linked", "--app-id", linked, "--tenant-id", "8f3c2a51-6d0e-4b7a-9c1f-2e4d5a6b7c80",
		"--org", "contoso-sandbox.onmicrosoft.com", "--cert-out", filepath.Join(dir, "linked.cer"))
	bare := strings.TrimSpace(mustRun(t, e, "sandbox", "register", "bare").stdout)

	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	text := write("notes.txt", []byte("hello\n"))
	key := write("key.pem", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1, 2, 3}}))
	csr := write("req.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: []byte{1, 2, 3}}))
	ec := write("ec.cer", ecCertificate(t))
	unreadable := write("locked.cer", []byte("x"))
	if err := os.Chmod(unreadable, 0); err != nil {
		t.Fatal(err)
	}

	upload := []string{"sandbox", "do", "upload-certificate", "--app", bare}
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"sandbox", "do", "frobnicate", "--app", bare}, []string{`STEP: "frobnicate" is not a step`, "add-exchange-permission, grant-admin-consent, assign-global-reader or upload-certificate"}},
		{[]string{"sandbox", "undo", "frobnicate", "--app", bare}, []string{"STEP:", "add-exchange-permission, grant-admin-consent or assign-global-reader"}},
		{[]string{"sandbox", "do", "register-app", "--app", bare}, []string{"STEP: register-app", "sandbox register NAME"}},
		{[]string{"sandbox", "do", "copy-ids", "--app", bare}, []string{"STEP: copy-ids happens in xops", "sandbox show"}},
		{[]string{"sandbox", "do", "generate-key", "--app", bare}, []string{"STEP: generate-key happens in xops"}},
		{[]string{"sandbox", "undo", "upload-certificate", "--app", bare}, []string{"STEP: upload-certificate cannot be undone"}},
		{[]string{"sandbox", "do", "--app", bare}, []string{"takes STEP"}},
		{[]string{"sandbox", "do", "add-exchange-permission"}, []string{"--app or --account:", "--account NAME"}},
		{[]string{"sandbox", "do", "add-exchange-permission", "--app", bare, "--account", "linked"}, []string{"--app and --account:", "not both"}},
		{[]string{"sandbox", "do", "add-exchange-permission", "--app", "nope"}, []string{`--app: "nope" is not an App (client) ID`, "sandbox show"}},
		{[]string{"sandbox", "do", "add-exchange-permission", "--app", ""}, []string{"--app: is empty"}},
		{[]string{"sandbox", "do", "add-exchange-permission", "--app", "00000000-0000-4000-8000-000000000000"}, []string{"--app: no app registration has the App ID", "sandbox register NAME"}},
		{[]string{"sandbox", "undo", "assign-global-reader", "--account", "nobody"}, []string{`--account: no account named "nobody"`, "accounts list"}},
		{[]string{"sandbox", "do", "grant-admin-consent", "--app", bare}, []string{"would grant nothing", "add-exchange-permission first"}},
		{[]string{"sandbox", "do", "add-exchange-permission", "--app", bare, "--cert", text}, []string{"--cert: only with upload-certificate"}},
		{upload, []string{"--cert: upload-certificate with --app needs the certificate", "--account"}},
		{append(upload, "--cert", ""), []string{"--cert: is empty"}},
		{append(upload, "--cert", filepath.Join(dir, "missing.cer")), []string{"--cert:", "does not exist"}},
		{append(upload, "--cert", dir), []string{"--cert:", "is a folder"}},
		{append(upload, "--cert", text), []string{"--cert:", "is not a certificate"}},
		{append(upload, "--cert", key), []string{"--cert:", "private key"}},
		{append(upload, "--cert", csr), []string{"--cert:", `"CERTIFICATE REQUEST"`}},
		{append(upload, "--cert", ec), []string{"--cert: Entra refuses", "RSA"}},
		{[]string{"sandbox", "register", "  "}, []string{"NAME: is empty"}},
		{[]string{"sandbox", "register", "a\x1b[2Jb"}, []string{"NAME: holds control characters"}},
		{[]string{"sandbox", "register"}, []string{"takes NAME"}},
		{[]string{"sandbox", "show", "extra"}, []string{"takes no arguments"}},
		{[]string{"sandbox", "frob"}, []string{`unknown command "frob"`}},
	}
	if os.Geteuid() != 0 { // root reads a file of mode 0
		cases = append(cases, struct {
			args []string
			want []string
		}{append(upload, "--cert", unreadable), []string{"--cert: cannot read"}})
	}
	before := sandboxShow(t, e)
	for _, c := range cases {
		r := xops(t, e, "", c.args...)
		if r.code != 2 {
			t.Errorf("%q: exit %d, want 2\n%s", c.args, r.code, r.stderr)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(r.stderr, w) {
				t.Errorf("%q: stderr lacks %q:\n%s", c.args, w, r.stderr)
			}
		}
	}
	if after := sandboxShow(t, e); !sameTenant(before, after) {
		t.Fatalf("bad input changed the tenant:\nbefore %+v\nafter  %+v", before, after)
	}
	if names := accountNames(t, path); !slices.Equal(names, []string{"linked"}) {
		t.Fatalf("accounts after bad input: %v", names)
	}
}

func sameTenant(a, b sandboxJSON) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// ecCertificate is a valid certificate whose key Entra refuses (not RSA).
func ecCertificate(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ec"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
