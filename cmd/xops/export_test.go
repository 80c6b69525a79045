package main

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

func certFromFile(t *testing.T, path string) *x509.Certificate {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		t.Fatalf("%s is not PEM", path)
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestExport(t *testing.T) {
	t.Parallel()
	e, _, dir := linked(t, "contoso")
	want := certFromFile(t, filepath.Join(dir, "contoso.cer"))
	out := t.TempDir()

	r := mustRun(t, e, "accounts", "export", "contoso")
	block, _ := pem.Decode([]byte(r.stdout))
	if block == nil || block.Type != "CERTIFICATE" {
		t.Fatalf("pem to stdout: %q", r.stdout)
	}
	if c, err := x509.ParseCertificate(block.Bytes); err != nil || !c.Equal(want) {
		t.Errorf("pem export differs: %v", err)
	}

	der := filepath.Join(out, "c.der")
	mustRun(t, e, "accounts", "export", "contoso", "--format", "der", "--out", der)
	data, _ := os.ReadFile(der)
	if c, err := x509.ParseCertificate(data); err != nil || !c.Equal(want) {
		t.Errorf("der export differs: %v", err)
	}
	assertMode(t, der, 0o600)

	pfx := filepath.Join(out, "c.pfx")
	e2 := env{"XOPS_STORE": e["XOPS_STORE"], "XOPS_PFX_PASSWORD": "from env"}
	r = mustRun(t, e2, "accounts", "export", "contoso", "--format", "pfx", "--out", pfx)
	assertPFX(t, pfx, "from env", want)
	assertMode(t, pfx, 0o600)
	if !strings.Contains(r.stderr, "Connect-ExchangeOnline -AppId "+testAppID+" -Organization "+testOrg) {
		t.Errorf("no PowerShell line: %q", r.stderr)
	}

	pfx2 := filepath.Join(out, "c2.pfx")
	r = xops(t, e, "piped secret\n", "accounts", "export", "contoso", "--format", "pfx", "--out", pfx2, "--password-stdin")
	if r.code != 0 {
		t.Fatalf("--password-stdin: exit %d %s", r.code, r.stderr)
	}
	assertPFX(t, pfx2, "piped secret", want)

	for _, c := range []struct {
		env  env
		args []string
		msg  string
	}{
		{e, []string{"--format", "pfx", "--out", filepath.Join(out, "x.pfx")}, "--password-stdin"},
		{e, []string{"--format", "zip"}, "--format: "},
		{e, []string{"--out", der}, "already exists"},
		{e, []string{"--password-stdin"}, "--password-stdin: "},
	} {
		r := xops(t, c.env, "", append([]string{"accounts", "export", "contoso"}, c.args...)...)
		if r.code != 2 || r.stdout != "" || !strings.Contains(r.stderr, c.msg) {
			t.Errorf("%v: exit %d stdout %q stderr %q", c.args, r.code, r.stdout, r.stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "x.pfx")); !os.IsNotExist(err) {
		t.Error("a refused export wrote a file")
	}
	if r := xops(t, e, "", "accounts", "export", "nobody"); r.code != 1 {
		t.Errorf("unknown account: exit %d", r.code)
	}
}

func assertPFX(t *testing.T, path, password string, want *x509.Certificate) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	key, cert, _, err := pkcs12.DecodeChain(data, password)
	if err != nil || key == nil || !cert.Equal(want) {
		t.Fatalf("%s does not decode with its password: %v", path, err)
	}
	if _, _, _, err := pkcs12.DecodeChain(data, password+"x"); err == nil {
		t.Errorf("%s decodes with a wrong password", path)
	}
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Mode().Perm(); got != want {
		t.Errorf("%s has mode %o, want %o", path, got, want)
	}
}

func TestStoreCheckAndBackup(t *testing.T) {
	t.Parallel()
	e, p, _ := linked(t, "contoso")
	r := mustRun(t, e, "store", "check")
	if !strings.Contains(r.stdout, p+": ok") {
		t.Errorf("check: %q", r.stdout)
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	mustRun(t, e, "store", "backup", backup)
	assertMode(t, backup, 0o600)
	if got := accountNames(t, backup); len(got) != 1 || got[0] != "contoso" {
		t.Errorf("backup holds %v", got)
	}
	if r := xops(t, e, "", "store", "backup", backup); r.code != 2 || !strings.Contains(r.stderr, "already exists") {
		t.Errorf("backup over a file: exit %d %q", r.code, r.stderr)
	}

	damaged := filepath.Join(t.TempDir(), "damaged.db")
	os.WriteFile(damaged, []byte(strings.Repeat("not a bbolt file ", 512)), 0o600)
	r = xops(t, env{"XOPS_STORE": damaged}, "", "store", "check")
	if r.code != 1 || !strings.Contains(r.stderr, damaged) {
		t.Errorf("damaged: exit %d %q", r.code, r.stderr)
	}
}
