package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/xops/xops/store"
)

// TestMain lets the test binary stand in for the xops binary (XOPS_TEST_MAIN=1)
// and for a process that holds a store's lock (XOPS_TEST_HOLD=path).
func TestMain(m *testing.M) {
	if os.Getenv("XOPS_TEST_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
	}
	if p := os.Getenv("XOPS_TEST_HOLD"); p != "" {
		os.Exit(holdLock(p))
	}
	os.Exit(m.Run())
}

// holdLock opens the bbolt file with its exclusive lock, says so, and keeps
// it until stdin closes.
func holdLock(path string) int {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		os.Stderr.WriteString(err.Error())
		return 3
	}
	os.Stdout.WriteString("holding\n")
	buf := make([]byte, 1)
	os.Stdin.Read(buf)
	db.Close()
	return 0
}

// result is one in-process run of xops.
type result struct {
	code           int
	stdout, stderr string
}

// env is an environment for one run: nothing leaks in from the test's own.
type env map[string]string

func (e env) get(k string) string { return e[k] }

// xops runs the command line in process, with stdin and the given environment.
func xops(t *testing.T, e env, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut, e.get)
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// mustRun fails the test unless xops exits 0.
func mustRun(t *testing.T, e env, args ...string) result {
	t.Helper()
	r := xops(t, e, "", args...)
	if r.code != 0 {
		t.Fatalf("xops %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// newStore returns an environment whose store is a fresh file in a temp dir.
func newStore(t *testing.T) (env, string) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "xops.db")
	return env{"XOPS_STORE": p}, p
}

// accountNames lists what the store holds, read straight from the store.
func accountNames(t *testing.T, path string) []string {
	t.Helper()
	if _, err := os.Stat(path); os.IsNotExist(err) {
		return nil
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
	var names []string
	for _, a := range accounts {
		names = append(names, a.Name)
	}
	return names
}

// selfCommand runs the test binary as xops.
func selfCommand(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// A run that hangs is killed after a while (the test then fails on its
	// exit code) rather than holding the whole package until go test's
	// timeout; WaitDelay keeps a leftover grandchild holding the output
	// pipes from doing the same.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.WaitDelay = 10 * time.Second
	// A race-enabled binary sleeps a second at exit unless told not to.
	cmd.Env = append(os.Environ(), "XOPS_TEST_MAIN=1", "GORACE=atexit_sleep_ms=0")
	return cmd
}
