package main

import (
	"crypto/sha1"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const (
	testAppID    = "8f3c2a51-6d0e-4b7a-9c1f-2e4d5a6b7c81"
	testTenantID = "11111111-2222-3333-4444-555555555555"
	testOrg      = "contoso.onmicrosoft.com"
)

// linkArgs are valid link flags; a test overrides what it needs.
func linkArgs(name, certOut string, extra ...string) []string {
	args := []string{"link", "microsoft", "--name", name, "--app-id", testAppID, "--tenant-id", testTenantID,
		"--org", testOrg, "--cert-out", certOut}
	return append(args, extra...)
}

func linked(t *testing.T, names ...string) (env, string, string) {
	t.Helper()
	e, p := newStore(t)
	dir := t.TempDir()
	for _, n := range names {
		mustRun(t, e, linkArgs(n, filepath.Join(dir, n+".cer"))...)
	}
	return e, p, dir
}

func TestLinkWritesCertificateAndPrintsThumbprint(t *testing.T) {
	t.Parallel()
	e, p := newStore(t)
	certOut := filepath.Join(t.TempDir(), "contoso.cer")
	r := mustRun(t, e, "link", "microsoft", "--name", "Contoso", "--app-id", "{"+strings.ToUpper(testAppID)+"}",
		"--tenant-id", testTenantID, "--org", "CONTOSO.onmicrosoft.com", "--cert-out", certOut, "--key-size", "3072", "--cert-days", "30")

	data, err := os.ReadFile(certOut)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "CERTIFICATE" {
		t.Fatalf("certificate file is not PEM: %q", data)
	}
	if strings.Contains(string(data), "PRIVATE") {
		t.Fatal("the certificate file holds a private key")
	}
	sum := sha1.Sum(block.Bytes)
	thumb := strings.ToUpper(hex.EncodeToString(sum[:]))
	if !strings.Contains(r.stdout, "thumbprint:  "+thumb+"\n") || !strings.Contains(r.stdout, "certificate: "+certOut+"\n") {
		t.Errorf("stdout %q, want thumbprint %s and the path", r.stdout, thumb)
	}
	if !strings.Contains(r.stderr, "xops accounts verify Contoso") {
		t.Errorf("stderr does not say what to do next: %q", r.stderr)
	}
	cert, _ := x509.ParseCertificate(block.Bytes)
	if cert.PublicKey == nil || cert.NotAfter.Sub(cert.NotBefore).Hours() < 30*24 {
		t.Errorf("certificate validity %v – %v", cert.NotBefore, cert.NotAfter)
	}

	show := mustRun(t, e, "accounts", "show", "contoso", "--json")
	var v map[string]any
	if err := json.Unmarshal([]byte(show.stdout), &v); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"name": "Contoso", "app_id": testAppID, "tenant_id": testTenantID, "organization": testOrg,
		"cloud": "global", "thumbprint": thumb, "key_size": 3072.0, "status": "unverified", "failed_step": nil, "last_verified": nil}
	for k, w := range want {
		if !reflect.DeepEqual(v[k], w) {
			t.Errorf("show --json %s = %#v, want %#v", k, v[k], w)
		}
	}
	rfc := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)
	for _, k := range []string{"not_before", "not_after", "created"} {
		if s, _ := v[k].(string); !rfc.MatchString(s) {
			t.Errorf("%s = %#v, want RFC 3339", k, v[k])
		}
	}
	if got := accountNames(t, p); !slices.Equal(got, []string{"Contoso"}) {
		t.Errorf("store holds %v", got)
	}
}

func TestListAndShow(t *testing.T) {
	t.Parallel()
	e, _ := newStore(t)
	r := mustRun(t, e, "accounts", "list", "--json")
	if r.stdout != "[]\n" {
		t.Errorf("empty list --json = %q, want []", r.stdout)
	}
	r = mustRun(t, e, "accounts", "list")
	if r.stdout != "" || !strings.Contains(r.stderr, "No accounts") {
		t.Errorf("empty list: stdout %q stderr %q", r.stdout, r.stderr)
	}

	e, _, _ = linked(t, "fabrikam", "Contoso")
	r = mustRun(t, e, "accounts", "list", "--json")
	var list []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil || len(list) != 2 {
		t.Fatalf("list --json: %v %q", err, r.stdout)
	}
	if list[0]["name"] != "Contoso" || list[1]["name"] != "fabrikam" {
		t.Errorf("order %v, %v", list[0]["name"], list[1]["name"])
	}
	keys := []string{"name", "app_id", "tenant_id", "organization", "cloud", "thumbprint", "key_size",
		"not_before", "not_after", "created", "status", "failed_step", "last_verified"}
	for _, k := range keys {
		if _, ok := list[0][k]; !ok {
			t.Errorf("list --json lacks %q", k)
		}
	}
	for k := range list[0] {
		if strings.Contains(strings.ToLower(k), "key") && k != "key_size" {
			t.Errorf("list --json has a key field %q", k)
		}
	}
	if strings.Contains(r.stdout, "PRIVATE") || strings.Contains(r.stdout, "pkcs8") {
		t.Error("key material in list --json")
	}

	r = mustRun(t, e, "accounts", "list")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "NAME") || !strings.HasPrefix(lines[1], "Contoso ") ||
		!strings.Contains(lines[1], "not verified") {
		t.Errorf("table:\n%s", r.stdout)
	}

	r = mustRun(t, e, "accounts", "show", "CONTOSO")
	for _, want := range []string{"Contoso", testAppID, testTenantID, "protected by file permissions only", "linked"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("show lacks %q:\n%s", want, r.stdout)
		}
	}
	r = xops(t, e, "", "accounts", "show", "nobody")
	if r.code != 1 || !strings.Contains(r.stderr, `no account named "nobody"`) {
		t.Errorf("show unknown: exit %d stderr %q", r.code, r.stderr)
	}
}

func TestLinkBadInputExit2NothingWritten(t *testing.T) {
	t.Parallel()
	e, p, dir := linked(t, "existing")
	cases := []struct {
		flag string
		args []string
	}{
		{"--name", []string{"--name", ""}},
		{"--name", []string{"--name", strings.Repeat("n", 65)}},
		{"--name", []string{"--name", "EXISTING"}},
		{"--app-id", []string{"--app-id", "1234"}},
		{"--app-id", []string{"--app-id", ""}},
		{"--tenant-id", []string{"--tenant-id", "zzzzzzzz-2222-3333-4444-555555555555"}},
		{"--tenant-id", []string{"--tenant-id", testAppID}},
		{"--org", []string{"--org", "not a domain"}},
		{"--key-size", []string{"--key-size", "1024"}},
		{"--cert-days", []string{"--cert-days", "0"}},
		{"--cert-days", []string{"--cert-days", "-5"}},
	}
	for _, c := range cases {
		certOut := filepath.Join(dir, "new.cer")
		args := append(linkArgs("newone", certOut), c.args...) // later flags win
		r := xops(t, e, "", args...)
		if r.code != 2 || r.stdout != "" || !strings.Contains(r.stderr, c.flag+": ") {
			t.Errorf("%v: exit %d stdout %q stderr %q", c.args, r.code, r.stdout, r.stderr)
		}
		if _, err := os.Stat(certOut); !os.IsNotExist(err) {
			t.Errorf("%v: a certificate was written", c.args)
		}
		if got := accountNames(t, p); !slices.Equal(got, []string{"existing"}) {
			t.Errorf("%v: store holds %v", c.args, got)
		}
	}
}

func TestLinkNeverOverwritesCertificate(t *testing.T) {
	t.Parallel()
	e, p := newStore(t)
	certOut := filepath.Join(t.TempDir(), "taken.cer")
	os.WriteFile(certOut, []byte("mine"), 0o644)
	r := xops(t, e, "", linkArgs("contoso", certOut)...)
	if r.code != 2 || !strings.Contains(r.stderr, "--cert-out: ") || !strings.Contains(r.stderr, "already exists") {
		t.Errorf("exit %d stderr %q", r.code, r.stderr)
	}
	if data, _ := os.ReadFile(certOut); string(data) != "mine" {
		t.Error("the existing file was overwritten")
	}
	if got := accountNames(t, p); len(got) != 0 {
		t.Errorf("store holds %v", got)
	}
	r = xops(t, e, "", linkArgs("contoso", filepath.Join(t.TempDir(), "no", "such", "dir.cer"))...)
	if r.code != 2 || !strings.Contains(r.stderr, "--cert-out: ") {
		t.Errorf("missing folder: exit %d stderr %q", r.code, r.stderr)
	}
}

func TestLinkDefaultCertOut(t *testing.T) {
	e, _ := newStore(t)
	dir := t.TempDir()
	t.Chdir(dir)
	args := []string{"link", "microsoft", "--name", "North/wind", "--app-id", testAppID, "--tenant-id", testTenantID, "--org", testOrg}
	r := mustRun(t, e, args...)
	if _, err := os.Stat(filepath.Join(dir, "North-wind.cer")); err != nil || !strings.Contains(r.stdout, "certificate: "+filepath.Join(dir, "North-wind.cer")+"\n") {
		t.Errorf("default --cert-out: %v\n%s", err, r.stdout)
	}
}

func TestRenameAndDelete(t *testing.T) {
	t.Parallel()
	e, p, _ := linked(t, "contoso", "fabrikam")
	mustRun(t, e, "accounts", "rename", "CONTOSO", "Northwind")
	if got := accountNames(t, p); !slices.Equal(got, []string{"fabrikam", "Northwind"}) {
		t.Errorf("after rename: %v", got)
	}
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"accounts", "rename", "northwind", "FABRIKAM"}, 2, "already exists"},
		{[]string{"accounts", "rename", "northwind", ""}, 2, "NEWNAME: "},
		{[]string{"accounts", "rename", "nobody", "x"}, 1, `no account named "nobody"`},
		{[]string{"accounts", "delete", "northwind"}, 2, "--yes"},
		{[]string{"accounts", "delete", "nobody", "--yes"}, 1, `no account named "nobody"`},
	} {
		r := xops(t, e, "", c.args...)
		if r.code != c.code || !strings.Contains(r.stderr, c.msg) {
			t.Errorf("%v: exit %d stderr %q", c.args, r.code, r.stderr)
		}
	}
	if got := accountNames(t, p); !slices.Equal(got, []string{"fabrikam", "Northwind"}) {
		t.Errorf("refused commands changed the store: %v", got)
	}
	r := mustRun(t, e, "accounts", "delete", "northwind", "--yes")
	if !strings.Contains(r.stderr, "Deleted Northwind") || !strings.Contains(r.stderr, "Entra") {
		t.Errorf("delete said %q", r.stderr)
	}
	if got := accountNames(t, p); !slices.Equal(got, []string{"fabrikam"}) {
		t.Errorf("after delete: %v", got)
	}
}

func TestDeleteAsksOnATerminal(t *testing.T) {
	t.Parallel()
	e, p, _ := linked(t, "contoso")
	ask := func(answer string) result {
		var out, errOut strings.Builder
		a := newApp(strings.NewReader(answer), &out, &errOut, e.get)
		a.terminal = func(any) bool { return true }
		return result{code: a.execute([]string{"accounts", "delete", "contoso"}), stdout: out.String(), stderr: errOut.String()}
	}
	if r := ask("fabrikam\n"); r.code != 2 || !strings.Contains(r.stderr, "not deleted") {
		t.Errorf("wrong name: exit %d stderr %q", r.code, r.stderr)
	}
	if got := accountNames(t, p); len(got) != 1 {
		t.Fatalf("deleted on a wrong answer: %v", got)
	}
	if r := ask("Contoso\n"); r.code != 0 || !strings.Contains(r.stderr, "Type the account's name") {
		t.Errorf("right name: exit %d stderr %q", r.code, r.stderr)
	}
	if got := accountNames(t, p); len(got) != 0 {
		t.Errorf("not deleted: %v", got)
	}
}

func TestRotateStartAndCancel(t *testing.T) {
	t.Parallel()
	e, _, dir := linked(t, "contoso")
	before := mustRun(t, e, "accounts", "show", "contoso", "--json").stdout

	if r := xops(t, e, "", "accounts", "rotate", "contoso", "--cancel"); r.code != 2 || !strings.Contains(r.stderr, "no rotation") {
		t.Errorf("cancel without rotation: %d %q", r.code, r.stderr)
	}
	if r := xops(t, e, "", "accounts", "rotate", "contoso", "--key-size", "1000", "--cert-out", filepath.Join(dir, "x.cer")); r.code != 2 ||
		!strings.Contains(r.stderr, "--key-size: ") {
		t.Errorf("bad key size: %d %q", r.code, r.stderr)
	}
	if r := xops(t, e, "", "accounts", "rotate", "contoso", "--cert-out", filepath.Join(dir, "contoso.cer")); r.code != 2 ||
		!strings.Contains(r.stderr, "already exists") {
		t.Errorf("existing --cert-out: %d %q", r.code, r.stderr)
	}
	if after := mustRun(t, e, "accounts", "show", "contoso", "--json").stdout; after != before {
		t.Errorf("refused rotations changed the account:\n%s\n%s", before, after)
	}

	newCert := filepath.Join(dir, "new.cer")
	mustRun(t, e, "accounts", "rotate", "contoso", "--cert-out", newCert)
	if _, err := os.Stat(newCert); err != nil {
		t.Fatal(err)
	}
	if r := xops(t, e, "", "accounts", "rotate", "contoso", "--cert-out", filepath.Join(dir, "again.cer")); r.code != 2 ||
		!strings.Contains(r.stderr, "already under way") ||
		!strings.HasSuffix(strings.TrimSpace(r.stderr), "run: xops accounts rotate contoso") { // the command last, to paste
		t.Errorf("second start: %d %q", r.code, r.stderr)
	}
	r := mustRun(t, e, "accounts", "rotate", "contoso", "--cancel")
	if !strings.Contains(r.stderr, "Dropped the new certificate") {
		t.Errorf("cancel said %q", r.stderr)
	}
	after := mustRun(t, e, "accounts", "show", "contoso", "--json").stdout
	var b, a map[string]any
	json.Unmarshal([]byte(before), &b)
	json.Unmarshal([]byte(after), &a)
	if a["thumbprint"] != b["thumbprint"] || a["pending_certificate"] != nil {
		t.Errorf("after cancel: thumbprint %v (was %v), pending %v", a["thumbprint"], b["thumbprint"], a["pending_certificate"])
	}
}
