package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/store"
)

// verifyOutcome is one account's verification under --all: its report, or
// why it could not run.
type verifyOutcome struct {
	name   string
	report entra.Report
	err    error
}

// verifyAll verifies every linked account, a few at a time, and prints each
// outcome in name order as soon as it and those before it are in: a line for
// each that passed, the failing checks of each that did not, then a count
// (stderr). Each outcome is stored on its account, as verify NAME does. Exit 0
// only when every account passed; a missing or wrong passphrase stops it
// before it starts (exit 2); an interruption is said once (exit 1).
func (a *app) verifyAll(cmd *cobra.Command, wait time.Duration, asJSON bool) error {
	st, err := a.openExistingStore()
	if errors.Is(err, store.ErrNoStore) {
		return a.noAccountsToVerify(asJSON, fmt.Sprintf(" (there is no store at %s)", oneLine(a.stPath)))
	}
	if err != nil {
		return err
	}
	accounts, bad, err := st.AccountSummaries()
	if err != nil {
		return failedErr(fmt.Errorf("read the accounts in %s: %w", a.stPath, err))
	}
	if len(accounts) == 0 {
		if err := a.noAccountsToVerify(asJSON, ""); err != nil {
			return err
		}
		return a.badRecords(bad)
	}
	svc, err := a.service()
	if err != nil {
		return err
	}
	// The passphrase, if the keys have one, is asked here, once, before
	// anything is printed: a wrong or missing one stops the run whole.
	if err := svc.OpenKeys(cmd.Context()); err != nil {
		return classify(err)
	}
	what := accountCount(len(accounts))
	if len(accounts) > 1 {
		what += fmt.Sprintf(", %d at a time", min(len(accounts), flow.VerifyAllAtOnce))
	}
	if wait > 0 {
		fmt.Fprintf(a.stderr, "Verifying %s, retrying failing checks for up to %s each…\n", what, wait)
	} else {
		fmt.Fprintf(a.stderr, "Verifying %s…\n", what)
	}
	ctx := cmd.Context()
	outcomes := make([]verifyOutcome, len(accounts))
	done := make([]chan struct{}, len(accounts))
	for i := range done {
		done[i] = make(chan struct{})
	}
	// Accounts start in name order as slots free up (flow.VerifyEach, as
	// Home's V), so the outcomes are printed in that order as they come.
	names := make([]string, len(accounts))
	for i, acc := range accounts {
		names[i] = acc.Name
	}
	go func() {
		check := func(ctx context.Context, name string) (entra.Report, error) { return svc.Verify(ctx, name, wait, nil) }
		_ = flow.VerifyEach(ctx, names, svc.KeysUnlocked, check, func(i int, r entra.Report, err error) {
			outcomes[i] = verifyOutcome{name: names[i], report: r, err: err}
			close(done[i])
		})
	}()
	out := newReportWriter(a.stdout, asJSON)
	passed, failed := 0, 0
	for i := range accounts {
		<-done[i]
		if ctx.Err() != nil {
			break // interrupted: said once, below
		}
		o := outcomes[i]
		if o.err == nil && o.report.OK {
			passed++
		} else {
			failed++
		}
		if err := out.write(o); err != nil {
			return failedErr(err)
		}
	}
	if err := out.close(); err != nil {
		return failedErr(err)
	}
	if ctx.Err() != nil {
		// Checks cut short record nothing: those accounts are as they were.
		return failedErr(fmt.Errorf("interrupted after %d of %s (%d verified, %d failed); the others were left as they were",
			passed+failed, accountCount(len(accounts)), passed, failed))
	}
	fmt.Fprintf(a.stderr, "%s: %d verified, %d failed\n", accountCount(len(accounts)), passed, failed)
	if err := a.badRecords(bad); err != nil {
		return err
	}
	if failed > 0 {
		return checksFailed()
	}
	return nil
}

// accountCount is "1 account" or "N accounts".
func accountCount(n int) string {
	if n == 1 {
		return "1 account"
	}
	return fmt.Sprintf("%d accounts", n)
}

// noAccountsToVerify is --all's answer when nothing is linked: not a failure.
func (a *app) noAccountsToVerify(asJSON bool, where string) error {
	if asJSON {
		if _, err := io.WriteString(a.stdout, "[]\n"); err != nil {
			return failedErr(err)
		}
		return nil
	}
	fmt.Fprintf(a.stderr, "No accounts linked yet%s, so there is nothing to verify. %s\n", where, linkHint)
	return nil
}

// reportWriter prints --all's outcomes: for people, one line per account
// that passed and the failing checks of one that did not; as JSON, an array
// with one compact report per line (an account that could not be verified
// is {"account":…,"ok":false,"error":…}).
type reportWriter struct {
	w      *bufio.Writer
	asJSON bool
	n      int
}

func newReportWriter(w io.Writer, asJSON bool) *reportWriter {
	return &reportWriter{w: bufio.NewWriter(w), asJSON: asJSON}
}

func (rw *reportWriter) write(o verifyOutcome) error {
	defer func() { rw.n++ }()
	if rw.asJSON {
		sep := ",\n"
		if rw.n == 0 {
			sep = "[\n"
		}
		var v any = o.report
		if o.err != nil {
			v = struct {
				Account string `json:"account"`
				OK      bool   `json:"ok"`
				Error   string `json:"error"`
			}{o.name, false, oneLine(o.err.Error())}
		}
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("write JSON: %w", err)
		}
		rw.w.WriteString(sep)
		rw.w.Write(b)
		return rw.w.Flush()
	}
	name := oneLine(o.name)
	switch {
	case o.err != nil:
		fmt.Fprintf(rw.w, "✗ %s: could not verify: %s\n", name, oneLine(o.err.Error()))
	case o.report.OK:
		fmt.Fprintf(rw.w, "✓ %s: verified, every check passed\n", name)
	default:
		if o.report.FailedStep != "" {
			fmt.Fprintf(rw.w, "✗ %s: failed at step %s\n", name, stepRef(o.report.FailedStep))
		} else {
			fmt.Fprintf(rw.w, "✗ %s: failed, no checklist step is at fault (its status was left as it was)\n", name)
		}
		for _, c := range o.report.Checks {
			if c.OK || c.Skipped {
				continue
			}
			fmt.Fprintf(rw.w, "    %s\n", checkLine(string(c.ID), false, false, c.Message))
			if c.Hint != "" {
				fmt.Fprintf(rw.w, "      %s\n", oneLine(c.Hint))
			}
		}
	}
	return rw.w.Flush()
}

func (rw *reportWriter) close() error {
	if !rw.asJSON {
		return nil
	}
	if rw.n == 0 {
		rw.w.WriteString("[]\n")
	} else {
		rw.w.WriteString("\n]\n")
	}
	return rw.w.Flush()
}
