package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/xops/xops/store"
)

func (a *app) accountsCmd() *cobra.Command {
	return group("accounts", "List, inspect, verify, export, rename and delete linked accounts",
		a.accountsListCmd(), a.accountsShowCmd(), a.verifyCmd(), a.exportCmd(), a.rotateCmd(), a.renameCmd(), a.deleteCmd())
}

func (a *app) accountsListCmd() *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "list",
		Short: "List linked accounts",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := a.openExistingStore()
			if errors.Is(err, store.ErrNoStore) {
				// No store is no account: the same answer as an empty
				// store, and nothing is created by a read.
				if asJSON {
					return classify(writeJSONList(a.stdout, nil))
				}
				fmt.Fprintf(a.stderr, "No accounts linked yet (there is no store at %s). %s\n", oneLine(a.stPath), linkHint)
				return nil
			}
			if err != nil {
				return err
			}
			accounts, bad, err := st.AccountSummaries() // the list prints no checks
			if err != nil {
				return failedErr(fmt.Errorf("read the accounts in %s: %w", a.stPath, err))
			}
			if asJSON {
				if err := writeJSONList(a.stdout, accounts); err != nil {
					return failedErr(err)
				}
			} else {
				a.printTable(accounts)
			}
			return a.badRecords(bad)
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print a JSON array ([] when empty)")
	return c
}

// badRecords reports records that do not decode: the good ones were printed,
// but the run fails (exit 1) so that scripts notice.
func (a *app) badRecords(bad []*store.RecordError) error {
	if len(bad) == 0 {
		return nil
	}
	for _, b := range bad {
		fmt.Fprintf(a.stderr, "xops: %s: %s\n", a.stPath, oneLine(b.Error()))
	}
	return failedErr(fmt.Errorf("%s: %d record(s) cannot be read; the others are intact (run 'xops store check', restore from a backup)", a.stPath, len(bad)))
}

// linkHint follows "No accounts linked yet".
const linkHint = "Link one with 'xops link microsoft …', or run 'xops' for the guided wizard."

func (a *app) printTable(accounts []store.Account) {
	if len(accounts) == 0 {
		fmt.Fprintln(a.stderr, "No accounts linked yet. "+linkHint)
		return
	}
	now := a.now()
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tORGANIZATION\tTENANT\tSTATUS\tLAST VERIFIED\tCERTIFICATE EXPIRES")
	for _, acc := range accounts {
		last := "-"
		if !acc.LastVerified.IsZero() {
			last = acc.LastVerified.Local().Format("2006-01-02 15:04")
		}
		c, _ := acc.Active()
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", cell(acc.Name), cell(acc.Organization), cell(acc.TenantID),
			statusText(acc), last, expiryText(c.NotAfter, now))
	}
	tw.Flush()
}

// cell cleans outside text for a table cell: one line, no tabs.
func cell(s string) string {
	return strings.ReplaceAll(oneLine(s), "\t", " ")
}

// writeJSONList prints accounts as a JSON array, one compact object per
// line: as easy to read with jq or grep as an indented one, and several
// times cheaper to write for an MSP's ten thousand accounts.
func writeJSONList(w io.Writer, accounts []store.Account) error {
	if len(accounts) == 0 {
		_, err := io.WriteString(w, "[]\n")
		return err
	}
	buf := bufio.NewWriterSize(w, 64<<10)
	buf.WriteString("[\n")
	for i, acc := range accounts {
		b, err := json.Marshal(toJSON(acc))
		if err != nil {
			return fmt.Errorf("write JSON: %w", err)
		}
		buf.Write(b)
		if i < len(accounts)-1 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
	}
	buf.WriteString("]\n")
	if err := buf.Flush(); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}
