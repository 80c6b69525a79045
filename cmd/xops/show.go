package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/store"
)

func (a *app) accountsShowCmd() *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "show NAME",
		Short: "Show one account: IDs, certificate, last verification, history (never the key)",
		Args:  exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, acc, err := a.readAccount(args[0])
			if err != nil {
				return err
			}
			history, err := a.st.Audit(acc.ID)
			if err != nil {
				return failedErr(fmt.Errorf("read the history of %q: %w", acc.Name, err))
			}
			// One setting says how keys are protected: no key is read, none opened.
			prot, err := svc.KeyProtection()
			if err != nil {
				return failedErr(err)
			}
			if asJSON {
				v := detailJSON(acc, history)
				v.KeyProtection = string(prot)
				return classify(writeJSON(a.stdout, v))
			}
			a.printDetails(a.stdout, acc, history, prot == flow.ProtectionPassphrase)
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	return c
}

func (a *app) printDetails(w io.Writer, acc store.Account, history []store.AuditEntry, sealed bool) {
	now := a.now()
	row := func(label, value string) { fmt.Fprintf(w, "%-18s %s\n", label+":", value) }
	row("Name", oneLine(acc.Name))
	row("Organization", oneLine(acc.Organization))
	row("App (client) ID", oneLine(acc.AppID))
	row("Tenant ID", oneLine(acc.TenantID))
	row("Cloud", oneLine(acc.Cloud))
	row("Status", statusText(acc))
	if !acc.LastVerified.IsZero() {
		row("Last verified", acc.LastVerified.Local().Format(time.RFC1123))
	}
	row("Linked", acc.Created.Local().Format(time.RFC1123))
	certRows := func(label string, c store.Credential) {
		row(label, c.Thumbprint+" (SHA-1 thumbprint, as the Entra portal shows it)")
		row("  key", fmt.Sprintf("RSA %d", c.KeySize))
		row("  valid", fmt.Sprintf("%s to %s", c.NotBefore.Format("2006-01-02"), expiryText(c.NotAfter, now)))
	}
	if c, ok := acc.Active(); ok {
		certRows("Certificate", c)
	}
	if p, ok := acc.PendingCredential(); ok {
		certRows("New certificate", p)
		row("  rotation", "under way: upload it in Entra, then run 'xops accounts rotate "+shellQuote(acc.Name)+"'")
	}
	if sealed {
		row("Private key", "in the store, encrypted with your passphrase (opened only to verify, export a PFX or rotate)")
	} else {
		row("Private key", "in the store, protected by file permissions only ("+a.stPath+")")
	}
	if len(acc.LastChecks) > 0 {
		fmt.Fprintln(w, "\nLast verification:")
		for _, c := range acc.LastChecks {
			fmt.Fprintln(w, "  "+checkLine(c.ID, c.OK, c.Skipped, c.Message))
			if !c.OK && !c.Skipped {
				if c.Step != "" {
					fmt.Fprintf(w, "      step to fix: %s\n", stepRef(entra.Step(c.Step)))
				}
				if c.Hint != "" {
					fmt.Fprintf(w, "      %s\n", oneLine(c.Hint))
				}
			}
		}
	}
	if len(history) > 0 {
		fmt.Fprintln(w, "\nHistory:")
		for _, h := range history {
			line := fmt.Sprintf("  %s  %s", h.At.Local().Format("2006-01-02 15:04"), h.Action)
			if h.Detail != "" {
				line += ": " + oneLine(h.Detail)
			}
			fmt.Fprintln(w, line)
		}
	}
}

// checkLine is one verification check for people: ✓, ✗ or – (skipped).
func checkLine(id string, ok, skipped bool, msg string) string {
	mark := "✗"
	switch {
	case skipped:
		mark = "–"
	case ok:
		mark = "✓"
	}
	line := fmt.Sprintf("%s %-20s", mark, id)
	if msg != "" {
		line += " " + oneLine(msg)
	}
	return strings.TrimRight(line, " ")
}

// exactArgs names the missing or extra positional arguments (exit 2).
func exactArgs(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != len(names) {
			return usageErr("%s takes %s (got %d argument(s)); usage: %s", cmd.CommandPath(), strings.Join(names, " "), len(args), cmd.UseLine())
		}
		return nil
	}
}
