package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/entra/sandbox"
	"github.com/xops/xops/store"
)

// globals are the flags every command accepts, before or after its name,
// each with its environment variable (the flag wins).
type globals struct {
	store         string
	cloud         string
	authorityHost string
	exchangeURL   string
	graphURL      string
	sandbox       bool
	// cloudChosen is true when --cloud or XOPS_CLOUD was given: then every
	// account is checked in that cloud, else each in the cloud it was linked in.
	cloudChosen bool
	// storeSrc is where the store path came from, to name in messages:
	// "--store", "XOPS_STORE", or "" for the default path.
	storeSrc string
}

// app is one invocation: its streams, environment and what it opened. Tests
// build one per call through run, so nothing is global.
type app struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	env    func(string) string
	now    func() time.Time
	g      globals

	st    *store.Store
	lines *bufio.Reader
	// terminal tells whether a stream is a terminal (tests replace it).
	terminal func(any) bool
	stPath   string
	sb       *sandbox.Sandbox
	// warnings are the messages warn printed, for the TUI to show.
	warnings []string
}

// run is main without os.Exit: it parses args, runs the command and returns
// the exit code of the contract.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer, env func(string) string) int {
	return newApp(stdin, stdout, stderr, env).execute(args)
}

func newApp(stdin io.Reader, stdout, stderr io.Writer, env func(string) string) *app {
	return &app{stdin: stdin, stdout: stdout, stderr: stderr, env: env, now: time.Now, terminal: isTerminal}
}

// execute runs one command line and releases what it opened.
func (a *app) execute(args []string) int {
	ctx, stop := signalContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	root := a.rootCmd()
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if cerr := a.close(); cerr != nil && err == nil {
		err = failedErr(cerr)
	}
	return report(a.stderr, err)
}

// signalStop is the cause of a command's context that a signal ended: which
// signal it was tells the admin's ctrl+c from a dropped session (SIGHUP) or
// a shutdown (SIGTERM).
type signalStop struct{ sig os.Signal }

func (s signalStop) Error() string { return s.sig.String() + " signal received" }

// signalContext is signal.NotifyContext whose cause is a signalStop naming
// the signal. As there, later signals are taken (not fatal) until stop.
func signalContext(parent context.Context, sigs ...os.Signal) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, sigs...)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			cancel(signalStop{s})
		case <-done:
		}
	}()
	var once sync.Once
	return ctx, func() {
		once.Do(func() {
			close(done)
			signal.Stop(ch)
			cancel(context.Canceled)
		})
	}
}

func (a *app) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "xops",
		Short: "Link your organisation's cloud accounts to the Xops platform",
		Long: "xops links cloud accounts to the Xops platform from any terminal. Without a command it\n" +
			"opens the interactive TUI; the commands below are its scriptable twin.\n\n" +
			"Exit codes: 0 success; 1 a check or an operation failed; 2 bad usage or bad input\n" +
			"(nothing was written). Messages go to stderr, data to stdout.",
		Args:              cobra.NoArgs,
		SilenceErrors:     true,
		SilenceUsage:      true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error { return a.resolveGlobals(cmd) },
		RunE:              a.runTUI,
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageErr("%v; see '%s --help'", err, c.CommandPath())
	})

	f := root.PersistentFlags()
	f.StringVar(&a.g.store, "store", "", "the store file (env XOPS_STORE; default $XDG_DATA_HOME/xops/xops.db)")
	f.StringVar(&a.g.cloud, "cloud", "global", "national cloud of new links: global, usgov, usgovdod, china (env XOPS_CLOUD); accounts are verified in the cloud they were linked in unless this is given")
	f.StringVar(&a.g.authorityHost, "authority-host", "", "login endpoint override (env AZURE_AUTHORITY_HOST)")
	f.StringVar(&a.g.exchangeURL, "exchange-url", "", "Exchange Online endpoint override (env XOPS_EXCHANGE_URL)")
	f.StringVar(&a.g.graphURL, "graph-url", "", "Microsoft Graph endpoint override (env XOPS_GRAPH_URL)")
	f.BoolVar(&a.g.sandbox, "sandbox", false, "use the built-in simulated tenant, with its own store (env XOPS_SANDBOX=1)")
	a.addAccessibleFlag(f)

	root.AddCommand(a.versionCmd(), a.accountsCmd(), a.linkCmd(), a.storeCmd(), a.sandboxCmd())
	return root
}

// group makes a command that only holds subcommands: run bare or with an
// unknown subcommand, it is a usage error (exit 2), not a silent help page.
func group(use, short string, children ...*cobra.Command) *cobra.Command {
	c := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErr("unknown command %q for %q; see '%s --help'", args[0], cmd.CommandPath(), cmd.CommandPath())
			}
			return usageErr("%q needs a command; see '%s --help'", cmd.CommandPath(), cmd.CommandPath())
		},
	}
	c.AddCommand(children...)
	return c
}

// resolveGlobals fills unset flags from the environment and validates them
// all, whether or not this command uses them: a typo fails fast (exit 2).
// A flag given with an empty value is refused rather than read as "not
// given" (a script's unset variable must not pick the default store or
// cloud); an environment variable that is empty is unset, one that holds
// only spaces is refused.
func (a *app) resolveGlobals(cmd *cobra.Command) error {
	flags := cmd.Flags()
	fromEnv := func(name, envName string, dst *string, fix string) (string, error) {
		if flags.Changed(name) {
			if strings.TrimSpace(*dst) == "" {
				return "", usageErr("--%s: is empty; %s, or leave the flag out", name, fix)
			}
			return "--" + name, nil
		}
		if v := a.env(envName); v != "" {
			if strings.TrimSpace(v) == "" {
				return "", usageErr("%s: holds only spaces; %s, or unset it", envName, fix)
			}
			*dst = v
			return envName, nil
		}
		return "--" + name, nil
	}
	var err error
	if a.g.storeSrc, err = fromEnv("store", "XOPS_STORE", &a.g.store, "give the store file's path"); err != nil {
		return err
	}
	if a.g.store == "" {
		a.g.storeSrc = "" // the default path
	}
	cloudSrc, err := fromEnv("cloud", "XOPS_CLOUD", &a.g.cloud, "give one of "+strings.Join(entra.CloudNames(), ", "))
	if err != nil {
		return err
	}
	a.g.cloudChosen = flags.Changed("cloud") || a.env("XOPS_CLOUD") != ""
	cloud, err := entra.CloudByName(a.g.cloud)
	if err != nil {
		return usageErr("%s", fromSource(err, "--cloud", cloudSrc))
	}
	a.g.cloud = cloud.Name
	for _, o := range []struct {
		flag, env string
		dst       *string
		resolve   func(v string) error
	}{
		{"authority-host", "AZURE_AUTHORITY_HOST", &a.g.authorityHost, func(v string) error {
			_, err := entra.ResolveEndpoints(cloud.Name, v, "", "")
			return err
		}},
		{"exchange-url", "XOPS_EXCHANGE_URL", &a.g.exchangeURL, func(v string) error {
			_, err := entra.ResolveEndpoints(cloud.Name, "", v, "")
			return err
		}},
		{"graph-url", "XOPS_GRAPH_URL", &a.g.graphURL, func(v string) error {
			_, err := entra.ResolveEndpoints(cloud.Name, "", "", v)
			return err
		}},
	} {
		src, err := fromEnv(o.flag, o.env, o.dst, "give an https URL such as https://login.example.com")
		if err != nil {
			return err
		}
		if strings.TrimSpace(*o.dst) == "" {
			continue
		}
		if err := o.resolve(*o.dst); err != nil {
			return usageErr("%s", fromSource(err, "--"+o.flag, src))
		}
	}
	if !flags.Changed("sandbox") {
		on, err := envBool(a.env("XOPS_SANDBOX"))
		if err != nil {
			return usageErr("XOPS_SANDBOX: %v", err)
		}
		a.g.sandbox = on
	}
	return nil
}

// fromSource renames the flag an entra error names after where the value
// really came from (an environment variable), so the admin fixes the right thing.
func fromSource(err error, flag, source string) string {
	msg := err.Error()
	if source != flag {
		msg = strings.Replace(msg, flag+":", source+":", 1)
	}
	return msg
}

// envBool reads a yes/no environment value ("" is no).
func envBool(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0", "false", "no", "off":
		return false, nil
	case "1", "true", "yes", "on":
		return true, nil
	}
	return false, fmt.Errorf("%q is not a yes/no value; use 1 or 0", v)
}
