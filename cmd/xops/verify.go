package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow"
)

func (a *app) verifyCmd() *cobra.Command {
	var (
		asJSON bool
		all    bool
		wait   time.Duration
	)
	c := &cobra.Command{
		Use:   "verify (NAME | --all)",
		Short: "Check, live against Microsoft, that every setup step of an account was done right",
		Long: "Runs every check (certificate-local, tenant, organization, app, certificate,\n" +
			"exchange-permission, global-reader, exchange) and names the checklist step to fix when\n" +
			"one fails. Exit 0 when all pass, 1 when any fails. Progress goes to stderr.\n\n" +
			"--all verifies every linked account (a few at a time), prints a line for each that\n" +
			"passed and the failing checks of each that did not, then a summary; with --json, an\n" +
			"array of the reports, one per line. Exit 0 only when every account passed.",
		Args: func(cmd *cobra.Command, args []string) error {
			if all {
				if len(args) > 0 {
					return usageErr("--all verifies every account: give either NAME or --all, not both")
				}
				return nil
			}
			return exactArgs("NAME")(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if wait < 0 {
				return usageErr("--wait: %s is negative; give a duration such as 30s or 2m", wait)
			}
			if all {
				return a.verifyAll(cmd, wait, asJSON)
			}
			if err := a.requireStore(args[0]); err != nil {
				return err // never creates the store (nor starts the sandbox) for a name it cannot hold
			}
			svc, err := a.service()
			if err != nil {
				return err
			}
			return a.verifyAndPrint(cmd, svc, args[0], wait, asJSON)
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print the report as one JSON object (with --all, an array of them)")
	c.Flags().BoolVar(&all, "all", false, "verify every linked account")
	c.Flags().DurationVar(&wait, "wait", 0, "retry failing checks with backoff for up to this long (e.g. 2m): Entra takes a while to propagate")
	return c
}

// verifyAndPrint runs a verification, records it, prints the report (JSON or
// for people) on stdout and maps it to the exit code: 0 all passed, 1 not.
func (a *app) verifyAndPrint(cmd *cobra.Command, svc *flow.Service, name string, wait time.Duration, asJSON bool) error {
	acc, err := svc.Account(name)
	if err != nil {
		return classify(err)
	}
	if wait > 0 {
		fmt.Fprintf(a.stderr, "Verifying %s, retrying failing checks for up to %s…\n", oneLine(acc.Name), wait)
	} else {
		fmt.Fprintf(a.stderr, "Verifying %s…\n", oneLine(acc.Name))
	}
	report, err := svc.Verify(cmd.Context(), acc.Name, wait, a.progress(wait))
	if err != nil {
		return classify(err)
	}
	if asJSON {
		if err := writeJSON(a.stdout, report); err != nil {
			return failedErr(err)
		}
	} else {
		a.printReport(report)
	}
	if !report.OK {
		if report.FailedStep == "" {
			fmt.Fprintln(a.stderr, "The account's status was left as it was: no setup step is at fault.")
		}
		return checksFailed()
	}
	return nil
}

// progress reports each attempt of a verification with --wait on stderr.
func (a *app) progress(wait time.Duration) func(int, entra.Report) {
	if wait <= 0 {
		return nil
	}
	started := a.now()
	return func(attempt int, r entra.Report) {
		if r.OK {
			fmt.Fprintf(a.stderr, "attempt %d: all checks passed\n", attempt)
			return
		}
		fmt.Fprintf(a.stderr, "attempt %d (%s): %s\n", attempt, a.now().Sub(started).Round(time.Second), failureSummary(r))
	}
}

// failureSummary names the first failing check and its step.
func failureSummary(r entra.Report) string {
	for _, c := range r.Checks {
		if !c.OK && !c.Skipped {
			s := fmt.Sprintf("%s failed", c.ID)
			if c.Step != "" {
				s += fmt.Sprintf(" (step %s)", stepRef(c.Step))
			}
			return s
		}
	}
	return "failed"
}

func (a *app) printReport(r entra.Report) {
	for _, c := range r.Checks {
		fmt.Fprintln(a.stdout, checkLine(string(c.ID), c.OK, c.Skipped, c.Message))
		if c.Warning != "" {
			fmt.Fprintf(a.stdout, "    warning: %s\n", oneLine(c.Warning))
		}
		if !c.OK && !c.Skipped {
			if c.Step != "" {
				fmt.Fprintf(a.stdout, "    step to fix: %s\n", stepRef(c.Step))
			}
			if c.Hint != "" {
				fmt.Fprintf(a.stdout, "    %s\n", oneLine(c.Hint))
			}
		}
	}
	switch {
	case r.OK:
		fmt.Fprintf(a.stdout, "%s: verified, every check passed\n", oneLine(r.Account))
	case r.FailedStep != "":
		fmt.Fprintf(a.stdout, "%s: failed at step %s\n", oneLine(r.Account), stepRef(r.FailedStep))
	default:
		fmt.Fprintf(a.stdout, "%s: failed (no checklist step is at fault: see the message above)\n", oneLine(r.Account))
	}
}
