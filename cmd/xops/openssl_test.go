package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenSSLReadsWhatXopsWrites: the thumbprint link prints is openssl's
// SHA-1 fingerprint of the written file, and the PFX opens with its password
// only. Skipped where openssl is missing (.ci/run installs it).
func TestOpenSSLReadsWhatXopsWrites(t *testing.T) {
	t.Parallel()
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl is not installed")
	}
	e, _ := newStore(t)
	dir := t.TempDir()
	cert := filepath.Join(dir, "c.cer")
	r := mustRun(t, e, linkArgs("contoso", cert)...)
	out, err := exec.Command(openssl, "x509", "-noout", "-fingerprint", "-sha1", "-in", cert).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl x509: %v\n%s", err, out)
	}
	fp := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(string(out[strings.IndexByte(string(out), '=')+1:])), ":", ""))
	if !strings.Contains(r.stdout, "thumbprint:  "+fp+"\n") {
		t.Errorf("openssl says %s; xops printed:\n%s", fp, r.stdout)
	}

	pfx := filepath.Join(dir, "c.pfx")
	mustRun(t, env{"XOPS_STORE": e["XOPS_STORE"], "XOPS_PFX_PASSWORD": "pa55 word"}, "accounts", "export", "contoso", "--format", "pfx", "--out", pfx)
	if out, err := exec.Command(openssl, "pkcs12", "-info", "-in", pfx, "-passin", "pass:pa55 word", "-noenc").CombinedOutput(); err != nil ||
		!strings.Contains(string(out), "PRIVATE KEY") || !strings.Contains(string(out), "CN = contoso") {
		t.Errorf("openssl pkcs12 with the password: %v\n%s", err, out)
	}
	if out, err := exec.Command(openssl, "pkcs12", "-info", "-in", pfx, "-passin", "pass:wrong", "-noenc").CombinedOutput(); err == nil {
		t.Errorf("openssl opened the PFX with a wrong password:\n%s", out)
	}
}
