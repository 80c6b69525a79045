//go:build linux

package main

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/xops/xops/entra/certs"
	"github.com/xops/xops/store"
)

// TestHardenedBinary drives a real xops binary, built once here, through
// what an admin's machine does to it: kill -9 at random moments, two
// processes on one store, SIGHUP to the TUI mid-form. The binary is built
// without the race detector so key generation runs at its real speed; the
// race detector still covers this test's own goroutines.
func TestHardenedBinary(t *testing.T) {
	t.Parallel()
	bin := buildXops(t)
	t.Run("kill -9 at random moments", func(t *testing.T) { t.Parallel(); testKillAtRandom(t, bin) })
	t.Run("rotation killed at random moments", func(t *testing.T) { t.Parallel(); testRotationKilledAtRandom(t, bin) })
	t.Run("two processes on one store", func(t *testing.T) { t.Parallel(); testTwoProcesses(t, bin) })
	t.Run("SIGHUP mid-form resumes the draft", func(t *testing.T) { t.Parallel(); testSighupKeepsDraft(t, bin) })
	t.Run("no key in a crash dump", func(t *testing.T) { t.Parallel(); testCrashDumpHasNoKey(t, bin) })
	t.Run("no key in a draft", func(t *testing.T) { t.Parallel(); testDraftHasNoKey(t, bin) })
}

// buildXops builds this package's command into the test's temp dir.
func buildXops(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = "/usr/local/go/bin/go"
	}
	bin := filepath.Join(t.TempDir(), "xops")
	cmd := exec.Command(goTool, "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// binEnv is the environment of the built binary in r's rig: its store, the
// sandbox tenant's endpoints and CA (the only trust it gets).
func (r *rig) binEnv() []string {
	ep := r.sb.Endpoints()
	return append(os.Environ(), "XOPS_STORE="+r.store, "SSL_CERT_FILE="+r.caFile, "SSL_CERT_DIR="+r.dir,
		"AZURE_AUTHORITY_HOST="+r.sb.URL(), "XOPS_EXCHANGE_URL="+ep.Exchange, "XOPS_GRAPH_URL="+ep.Graph,
		"XOPS_SANDBOX=", "XOPS_ACCESSIBLE=", "NO_COLOR=1")
}

// outcome is how one run of the binary ended.
type outcome struct {
	code   int
	killed bool
	out    string // stderr and stdout
	stdout string
}

// runBin runs bin; with killAfter > 0 it is sent SIGKILL after that long
// (it may have finished by then).
func runBin(t *testing.T, bin string, env []string, killAfter time.Duration, args ...string) outcome {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	var (
		out    lockedBuffer
		stdout bytes.Buffer
	)
	cmd.Stdout, cmd.Stderr = io.MultiWriter(&out, &stdout), &out
	cmd.WaitDelay = 10 * time.Second // a grandchild holding the pipes cannot hold Wait
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// A run that hangs is killed (and reported as killed) rather than
	// holding the package until go test's timeout.
	guard := time.AfterFunc(3*time.Minute, func() { _ = cmd.Process.Kill() })
	defer guard.Stop()
	if killAfter > 0 {
		timer := time.AfterFunc(killAfter, func() { _ = cmd.Process.Signal(syscall.SIGKILL) })
		defer timer.Stop()
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return outcome{out: out.String(), stdout: stdout.String()}
	case errors.As(err, &ee):
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			return outcome{code: -1, killed: true, out: out.String()}
		}
		return outcome{code: ee.ExitCode(), out: out.String(), stdout: stdout.String()}
	}
	t.Fatal(err)
	return outcome{}
}

// lockedBuffer is a buffer two copying goroutines (stdout, stderr) share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// snapshot is what a store holds: account name (lower case) → id.
type snapshot map[string]string

// observe opens the store, checks it is consistent and that every account
// is whole — the name index leads to it, every credential's key is there and
// matches its certificate — and returns its accounts. It also reports keys
// no account uses (a link killed between making the key and saving).
func observe(t *testing.T, path string) (snapshot, int) {
	t.Helper()
	st, err := store.Open(path, store.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatalf("open the store after a kill: %v", err)
	}
	defer st.Close()
	if err := st.Check(); err != nil {
		t.Fatalf("the store is not consistent: %v", err)
	}
	accounts, bad, err := st.Accounts()
	if err != nil || len(bad) > 0 {
		t.Fatalf("read the accounts: %v, unreadable records %v", err, bad)
	}
	snap := snapshot{}
	for _, a := range accounts {
		byName, err := st.AccountByName(a.Name)
		if err != nil || byName.ID != a.ID {
			t.Fatalf("account %q (%s): the name index leads to %q (%v)", a.Name, a.ID, byName.ID, err)
		}
		if len(a.Credentials) == 0 {
			t.Fatalf("account %q has no credential", a.Name)
		}
		for _, c := range a.Credentials {
			wholeKey(t, st, a.Name, c)
		}
		snap[strings.ToLower(a.Name)] = a.ID
	}
	orphans, err := st.OrphanKeys()
	if err != nil {
		t.Fatal(err)
	}
	return snap, len(orphans)
}

// wholeKey checks that a credential's key is stored and belongs to its certificate.
func wholeKey(t *testing.T, st *store.Store, name string, c store.Credential) {
	t.Helper()
	km, err := st.Key(c.ID)
	if err != nil {
		t.Fatalf("account %q: the key of credential %s is missing: %v", name, c.ID, err)
	}
	cert, err := x509.ParseCertificate(km.CertDER)
	if err != nil {
		t.Fatalf("account %q: the certificate does not parse: %v", name, err)
	}
	if got := certs.Thumbprint(cert); got != c.Thumbprint {
		t.Fatalf("account %q: stored certificate %s, account says %s", name, got, c.Thumbprint)
	}
	key, err := x509.ParsePKCS8PrivateKey(km.KeyPKCS8)
	if err != nil {
		t.Fatalf("account %q: the key does not parse: %v", name, err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		t.Fatalf("account %q: the key cannot sign", name)
	}
	if pub, ok := signer.Public().(interface{ Equal(crypto.PublicKey) bool }); !ok || !pub.Equal(cert.PublicKey) {
		t.Fatalf("account %q: the key does not match its certificate", name)
	}
}
