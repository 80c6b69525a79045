//go:build linux

package main

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xops/xops/entra/certs"
)

// TestAuditBinary drives a real xops binary through what the secrets and
// durability standards promise beyond TestHardenedBinary: no core dump of a
// process holding a key, two links of one name writing the same default
// certificate path, and the modes of every file under any umask.
func TestAuditBinary(t *testing.T) {
	t.Parallel()
	bin := buildXops(t)
	t.Run("no core dump holds the key", func(t *testing.T) { t.Parallel(); testNoCoreDump(t, bin) })
	t.Run("two links of one name and one certificate path", func(t *testing.T) { t.Parallel(); testTwoLinksOneCertPath(t, bin) })
	for _, mask := range []string{"0", "077"} {
		t.Run("file modes under umask "+mask, func(t *testing.T) { t.Parallel(); testModesUnderUmask(t, bin, mask) })
	}
}

// testNoCoreDump crashes xops with GOTRACEBACK=crash and no core size limit
// while a verification holds the decrypted key: the Go runtime then aborts
// and the kernel would write the whole memory, key included, to a core file
// any tool of the admin's user can read. xops must not be dumpable.
func testNoCoreDump(t *testing.T, bin string) {
	r, env := linkedWithHangingExchange(t, bin)

	work := t.TempDir() // the kernel writes "core" into the working folder
	cmd := exec.Command("/bin/sh", "-c", `ulimit -c unlimited && exec "$0" accounts verify contoso --wait 1m`, bin)
	cmd.Dir = work
	cmd.Env = append(env, "GOTRACEBACK=crash")
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(screenWait)
	for r.sb.TokensIssued() == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond) // the key has signed an assertion: it is in memory
	}
	if r.sb.TokensIssued() == 0 {
		_ = cmd.Process.Kill()
		t.Fatalf("no token was asked for within %s:\n%s", screenWait, out.String())
	}
	_ = cmd.Process.Signal(syscall.SIGQUIT)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("xops was not stopped by SIGQUIT (%v), so this proves nothing:\n%s", err, tailOf(out.String(), 2000))
	}
	ws, _ := ee.Sys().(syscall.WaitStatus)
	if !ws.Signaled() {
		t.Fatalf("xops exited %d instead of crashing on SIGQUIT with GOTRACEBACK=crash:\n%s", ws.ExitStatus(), tailOf(out.String(), 2000))
	}
	entries, _ := os.ReadDir(work)
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "core") {
			continue
		}
		raw, _ := os.ReadFile(filepath.Join(work, e.Name()))
		t.Errorf("the crash left %s (%d bytes); key found in it: %v", e.Name(), len(raw), keyLeaks(string(raw), storeKeys(t, r.store)))
	}
	if ws.CoreDump() {
		t.Errorf("the kernel reports a core dump of xops (signal %v)", ws.Signal())
	}
}

// testTwoLinksOneCertPath runs two links of one name at once, both writing
// the default ./NAME.cer in the same folder (two terminals, one command):
// exactly one wins and exits 0, the other exits 2 saying what exists, and
// the certificate on disk is the winner's, its key stored, no key orphaned.
func testTwoLinksOneCertPath(t *testing.T, bin string) {
	r := newRig(t)
	appID := r.app()
	env := r.binEnv()
	for k := range 3 {
		name := fmt.Sprintf("same-%d", k)
		work := filepath.Join(r.dir, name)
		if err := os.Mkdir(work, 0o700); err != nil {
			t.Fatal(err)
		}
		args := []string{"link", "microsoft", "--name", name, "--app-id", appID, "--tenant-id", r.sb.TenantID(),
			"--org", r.sb.Domain(), "--cert-out", filepath.Join(work, name+".cer")}
		o1, o2 := both(t, bin, env, 0, args, args)
		codes := []int{o1.code, o2.code}
		if !(codes[0] == 0 && codes[1] == 2 || codes[0] == 2 && codes[1] == 0) {
			t.Fatalf("round %d: two links of %s: exits %v, want one 0 and one 2\n--- first:\n%s\n--- second:\n%s", k, name, codes, o1.out, o2.out)
		}
		loser := o1
		if o1.code == 0 {
			loser = o2
		}
		if !strings.Contains(loser.out, "already exists") {
			t.Errorf("round %d: the refused link does not say what exists:\n%s", k, loser.out)
		}
		snap, orphans := observe(t, r.store)
		if orphans != 0 {
			t.Fatalf("round %d: %d key(s) belong to no account", k, orphans)
		}
		if _, ok := snap[name]; !ok {
			t.Fatalf("round %d: no account %s was saved", k, name)
		}
		acc, err := readAccount(t, r.store, name)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := acc.Active()
		raw, err := os.ReadFile(filepath.Join(work, name+".cer"))
		if err != nil {
			t.Fatalf("round %d: the winner's certificate is gone: %v", k, err)
		}
		block, _ := pem.Decode(raw)
		if block == nil {
			t.Fatalf("round %d: the certificate file is not PEM:\n%s", k, raw)
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		if got := certs.Thumbprint(cert); got != c.Thumbprint {
			t.Fatalf("round %d: the certificate on disk is %s but the account's is %s", k, got, c.Thumbprint)
		}
		if left, _ := filepath.Glob(filepath.Join(work, ".*")); len(left) > 0 {
			t.Fatalf("round %d: temporary files left: %v", k, left)
		}
	}
}

// testModesUnderUmask runs xops under umask 0 (everything the process
// creates would be open to all) and 077: the store stays 0600 in a 0700
// folder, a backup 0600, a PFX 0600, the public certificate 0644.
func testModesUnderUmask(t *testing.T, bin, mask string) {
	r := newRig(t)
	appID := r.app()
	dir := filepath.Join(r.dir, "data", "xops") // neither folder exists yet
	env := append(r.binEnv(), "XOPS_STORE="+filepath.Join(dir, "xops.db"), "XOPS_PFX_PASSWORD=correct horse battery")
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command("/bin/sh", append([]string{"-c", `umask ` + mask + ` && exec "$@"`, "sh", bin}, args...)...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("xops %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	cer, pfx, bak := filepath.Join(r.dir, "c.cer"), filepath.Join(r.dir, "c.pfx"), filepath.Join(r.dir, "b.db")
	run("link", "microsoft", "--name", "contoso", "--app-id", appID, "--tenant-id", r.sb.TenantID(), "--org", r.sb.Domain(), "--cert-out", cer)
	run("accounts", "export", "contoso", "--format", "pfx", "--out", pfx)
	run("store", "backup", bak)
	for path, want := range map[string]os.FileMode{
		filepath.Join(r.dir, "data"): 0o700, dir: 0o700, filepath.Join(dir, "xops.db"): 0o600,
		cer: 0o644, pfx: 0o600, bak: 0o600,
	} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("umask %s: %s has mode %04o, want %04o", mask, path, got, want)
		}
	}
}
