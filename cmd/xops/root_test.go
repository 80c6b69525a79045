package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestVersion(t *testing.T) {
	t.Parallel()
	e, _ := newStore(t)
	r := mustRun(t, e, "version")
	if !regexp.MustCompile(`^xops \S+ \(go[^,]+, \w+/\w+\)\n$`).MatchString(r.stdout) || r.stderr != "" {
		t.Errorf("stdout %q stderr %q", r.stdout, r.stderr)
	}
}

func TestTUIRefusesWithoutTerminal(t *testing.T) {
	t.Parallel()
	e, p := newStore(t)
	r := xops(t, e, "")
	if r.code != 2 || r.stdout != "" {
		t.Fatalf("exit %d stdout %q", r.code, r.stdout)
	}
	for _, want := range []string{"terminal", "xops accounts list", "xops link microsoft"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q: %s", want, r.stderr)
		}
	}
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Error("the store was created although nothing ran")
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	t.Parallel()
	e, _ := newStore(t)
	for _, args := range [][]string{
		{"bogus"},
		{"accounts"},
		{"accounts", "bogus"},
		{"accounts", "list", "--bogus"},
		{"accounts", "list", "extra"},
		{"accounts", "show"},
		{"accounts", "rename", "a"},
		{"link"},
		{"link", "microsoft", "extra"},
		{"link", "microsoft", "--key-size", "big"},
		{"store"},
		{"accounts", "verify", "x", "--wait", "soon"},
	} {
		r := xops(t, e, "", args...)
		if r.code != 2 || r.stdout != "" || r.stderr == "" {
			t.Errorf("xops %v: exit %d stdout %q stderr %q", args, r.code, r.stdout, r.stderr)
		}
	}
}

func TestCloudIsValidatedEverywhere(t *testing.T) {
	t.Parallel()
	e, p := newStore(t)
	cases := []struct {
		env    env
		args   []string
		source string
	}{
		{e, []string{"--cloud", "moon", "accounts", "list"}, "--cloud"},
		{e, []string{"accounts", "list", "--cloud", "moon"}, "--cloud"},
		{e, []string{"version", "--cloud=moon"}, "--cloud"},
		{env{"XOPS_STORE": p, "XOPS_CLOUD": "moon"}, []string{"accounts", "list"}, "XOPS_CLOUD"},
	}
	for _, c := range cases {
		r := xops(t, c.env, "", c.args...)
		if r.code != 2 || !strings.Contains(r.stderr, c.source+": unknown cloud \"moon\"") ||
			!strings.Contains(r.stderr, "global, usgov, usgovdod, china") {
			t.Errorf("%v: exit %d stderr %q", c.args, r.code, r.stderr)
		}
	}
	// The flag wins over the environment.
	r := mustRun(t, env{"XOPS_STORE": p, "XOPS_CLOUD": "moon"}, "--cloud", "china", "accounts", "list")
	if !strings.Contains(r.stderr, "there is no store at "+p) {
		t.Errorf("the valid run did not look at the store: %q", r.stderr)
	}
}

func TestEndpointOverridesValidated(t *testing.T) {
	t.Parallel()
	e, _ := newStore(t)
	r := xops(t, e, "", "accounts", "list", "--authority-host", "login.example.com")
	if r.code != 2 || !strings.Contains(r.stderr, "--authority-host:") {
		t.Errorf("flag: exit %d stderr %q", r.code, r.stderr)
	}
	e2 := env{"XOPS_STORE": e["XOPS_STORE"], "XOPS_EXCHANGE_URL": "http://exchange.example.com"}
	r = xops(t, e2, "", "accounts", "list")
	if r.code != 2 || !strings.Contains(r.stderr, "XOPS_EXCHANGE_URL:") {
		t.Errorf("env: exit %d stderr %q", r.code, r.stderr)
	}
	e3 := env{"XOPS_STORE": e["XOPS_STORE"], "XOPS_SANDBOX": "maybe"}
	r = xops(t, e3, "", "accounts", "list")
	if r.code != 2 || !strings.Contains(r.stderr, "XOPS_SANDBOX") {
		t.Errorf("sandbox env: exit %d stderr %q", r.code, r.stderr)
	}
	mustRun(t, e, "accounts", "list", "--authority-host", "https://127.0.0.1:1", "--graph-url", "http://localhost:2/graph")
}

func TestStoreFlagAndEnvEitherSide(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fromEnv, before, after := filepath.Join(dir, "env.db"), filepath.Join(dir, "before.db"), filepath.Join(dir, "after.db")
	e := env{"XOPS_STORE": fromEnv}
	// With no store there, the list names the path it looked at.
	for _, c := range []struct {
		path string
		args []string
	}{
		{before, []string{"--store", before, "accounts", "list"}},
		{after, []string{"accounts", "list", "--store", after}},
	} {
		args := c.args
		r := mustRun(t, e, args...)
		if !strings.Contains(r.stderr, "there is no store at "+c.path) {
			t.Errorf("%v: --store not used: %q", args, r.stderr)
		}
		if strings.Contains(r.stderr, fromEnv) {
			t.Errorf("%v: XOPS_STORE won over --store: %q", args, r.stderr)
		}
	}
	if r := mustRun(t, e, "accounts", "list"); !strings.Contains(r.stderr, "there is no store at "+fromEnv) {
		t.Errorf("XOPS_STORE not used: %q", r.stderr)
	}
}

func TestLockedStoreNamesTheFile(t *testing.T) {
	t.Parallel()
	e, p := newStore(t)
	mustRun(t, e, "accounts", "list") // create it
	holder := selfCommand(t)
	holder.Env = append(os.Environ(), "XOPS_TEST_HOLD="+p, "GORACE=atexit_sleep_ms=0")
	stdin, err := holder.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := holder.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); holder.Wait() }()
	buf := make([]byte, 8)
	if n, err := out.Read(buf); err != nil || !strings.HasPrefix(string(buf[:n]), "holding") {
		t.Fatalf("holder did not take the lock: %q %v", buf[:n], err)
	}

	start := time.Now()
	r := xops(t, e, "", "accounts", "list", "--json")
	took := time.Since(start)
	if r.code != 1 || !strings.Contains(r.stderr, p) || !strings.Contains(r.stderr, "in use") {
		t.Errorf("exit %d stderr %q", r.code, r.stderr)
	}
	if took > 10*time.Second {
		t.Errorf("waited %v for a held store", took) // a generous bound: never hang
	}
}

func TestFlagsWinOverEnvironment(t *testing.T) {
	t.Parallel()
	resolve := func(e env, args ...string) globals {
		t.Helper()
		var out, errOut strings.Builder
		a := newApp(strings.NewReader(""), &out, &errOut, e.get)
		if code := a.execute(append(args, "version")); code != 0 {
			t.Fatalf("%v: exit %d %s", args, code, errOut.String())
		}
		return a.g
	}
	e := env{"XOPS_STORE": "/env.db", "XOPS_CLOUD": "china", "AZURE_AUTHORITY_HOST": "https://login.env.example",
		"XOPS_EXCHANGE_URL": "https://exchange.env.example", "XOPS_GRAPH_URL": "https://graph.env.example", "XOPS_SANDBOX": "1"}
	g := resolve(e)
	want := globals{store: "/env.db", cloud: "china", authorityHost: "https://login.env.example",
		exchangeURL: "https://exchange.env.example", graphURL: "https://graph.env.example", sandbox: true,
		cloudChosen: true, storeSrc: "XOPS_STORE"}
	if g != want {
		t.Errorf("from the environment: %+v, want %+v", g, want)
	}
	g = resolve(e, "--store", "/flag.db", "--cloud", "USGov", "--authority-host", "https://login.flag.example",
		"--exchange-url", "https://exchange.flag.example", "--graph-url", "https://graph.flag.example", "--sandbox=false")
	want = globals{store: "/flag.db", cloud: "usgov", authorityHost: "https://login.flag.example",
		exchangeURL: "https://exchange.flag.example", graphURL: "https://graph.flag.example",
		cloudChosen: true, storeSrc: "--store"}
	if g != want {
		t.Errorf("flags over the environment: %+v, want %+v", g, want)
	}
	if g := resolve(env{}); g != (globals{cloud: "global"}) {
		t.Errorf("defaults: %+v", g)
	}
}

// signalContext ends the command's context with a cause naming the signal,
// so a dropped session (SIGHUP) can be told from ctrl+c; stop may be called
// twice, and without a signal the cause is plain Canceled.
func TestSignalContextNamesTheSignal(t *testing.T) {
	ctx, stop := signalContext(context.Background(), syscall.SIGUSR1)
	defer stop()
	if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the signal did not end the context")
	}
	var by signalStop
	if !errors.As(context.Cause(ctx), &by) || by.sig != syscall.SIGUSR1 || !errors.Is(ctx.Err(), context.Canceled) {
		t.Fatalf("cause %v, err %v: want the SIGUSR1 named, and Canceled", context.Cause(ctx), ctx.Err())
	}
	stop()
	stop()

	ctx, stop = signalContext(context.Background(), syscall.SIGUSR1)
	stop()
	if !errors.Is(context.Cause(ctx), context.Canceled) {
		t.Fatalf("stopped without a signal: cause %v", context.Cause(ctx))
	}
}
