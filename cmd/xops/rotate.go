package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/flow/validate"
)

func (a *app) rotateCmd() *cobra.Command {
	var (
		certOut  string
		keySize  int
		certDays int
		wait     time.Duration
		cancel   bool
	)
	c := &cobra.Command{
		Use:   "rotate NAME",
		Short: "Replace an account's certificate: make a new one, then switch once Entra accepts it",
		Long: "The first run makes a new key and certificate beside the old one and writes the\n" +
			"certificate (default ./NAME-YYYY-MM-DD.cer). Upload it to the app in Entra, then run\n" +
			"rotate again: it verifies with the new certificate and, only when every check passes,\n" +
			"switches to it and removes the old key (exit 1 and nothing changed when a check fails).\n" +
			"Until then the account keeps working with the old certificate. --cancel drops the new one.",
		Args: exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if wait < 0 {
				return usageErr("--wait: %s is negative; give a duration such as 30s or 2m", wait)
			}
			if cancel {
				for _, name := range []string{"cert-out", "key-size", "cert-days", "wait"} {
					if cmd.Flags().Changed(name) {
						return usageErr("--%s: not with --cancel, which only drops the new certificate; drop --%s or --cancel", name, name)
					}
				}
			}
			svc, acc, err := a.readAccount(args[0])
			if err != nil {
				return err
			}
			_, pending := acc.PendingCredential()
			switch {
			case cancel:
				dropped, err := svc.CancelRotation(acc.Name)
				if err != nil {
					return classify(notUnderWay(err))
				}
				fmt.Fprintf(a.stderr, "Dropped the new certificate %s; %s keeps its current one.\n"+
					"If you uploaded it to Entra, delete it there too.\n", dropped.Thumbprint, oneLine(acc.Name))
				return nil
			case pending:
				if cmd.Flags().Changed("cert-out") || cmd.Flags().Changed("key-size") || cmd.Flags().Changed("cert-days") {
					return usageErr("a rotation of %q is already under way; to drop it add --cancel, to finish it run: xops accounts rotate %s",
						oneLine(acc.Name), shellQuote(acc.Name))
				}
				return a.finishRotation(cmd, acc.Name, wait)
			}
			if cmd.Flags().Changed("wait") {
				return usageErr("--wait: only applies when finishing a rotation (the second run)")
			}
			if err := validateKey(keySize, certDays); err != nil {
				return err
			}
			newName := flow.FileNameBase(acc.Name) + "-" + a.now().Format("2006-01-02") + ".cer"
			if certOut == "" && !cmd.Flags().Changed("cert-out") {
				certOut = "./" + newName
			}
			if err := checkNewFile("--cert-out", certOut, newName); err != nil {
				return err
			}
			updated, cred, err := svc.StartRotation(cmd.Context(), acc.Name, keySize, certDays)
			if err != nil {
				return classify(err)
			}
			if err := writeNewFile(certOut, cred.CertificatePEM(), 0o644); err != nil {
				if _, cerr := svc.CancelRotation(acc.Name); cerr != nil {
					err = errors.Join(err, cerr)
				}
				return failedErr(fmt.Errorf("write the new certificate (the rotation was undone): %w", err))
			}
			p, _ := updated.PendingCredential()
			fmt.Fprintf(a.stdout, "rotating:    %s\n", oneLine(updated.Name))
			fmt.Fprintf(a.stdout, "certificate: %s\n", certOut)
			fmt.Fprintf(a.stdout, "thumbprint:  %s\n", p.Thumbprint)
			fmt.Fprintf(a.stdout, "valid:       %s to %s\n", rfc3339(p.NotBefore), rfc3339(p.NotAfter))
			if a.g.sandbox {
				name := shellQuote(updated.Name)
				fmt.Fprintf(a.stderr, "Next: upload it to the simulated app beside the current one: %s\nThen run: %s\n",
					a.sandboxLine("sandbox", "do", "upload-certificate", "--account", name), a.sandboxLine("accounts", "rotate", name))
				return nil
			}
			fmt.Fprintf(a.stderr, "Next: upload %s to the app in Entra (Certificates & secrets → Certificates → Upload\n"+
				"certificate) beside the current one, then run: xops accounts rotate %s\n", certOut, shellQuote(updated.Name))
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&certOut, "cert-out", "", "where to write the new certificate (default ./NAME-YYYY-MM-DD.cer; never overwritten)")
	f.IntVar(&keySize, "key-size", flow.DefaultKeySize, "RSA key size of the new key: 2048, 3072 or 4096")
	f.IntVar(&certDays, "cert-days", flow.DefaultCertDays, "lifetime of the new certificate in days")
	f.DurationVar(&wait, "wait", 0, "when finishing: retry failing checks for up to this long (e.g. 2m)")
	f.BoolVar(&cancel, "cancel", false, "drop the new certificate of a rotation under way")
	return c
}

// finishRotation verifies with the new certificate and switches when it passes.
func (a *app) finishRotation(cmd *cobra.Command, name string, wait time.Duration) error {
	svc, err := a.service()
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "Verifying %s with its new certificate…\n", oneLine(name))
	report, old, err := svc.FinishRotation(cmd.Context(), name, wait, a.progress(wait))
	if err != nil {
		return classify(err)
	}
	a.printReport(report)
	if !report.OK {
		fmt.Fprintln(a.stderr, "Nothing changed: the account keeps its current certificate. Fix the step above and run rotate again.")
		return checksFailed()
	}
	fmt.Fprintf(a.stderr, "Rotated: %s now uses its new certificate. Delete the old one (thumbprint %s) from the app in Entra.\n",
		oneLine(name), old.Thumbprint)
	return nil
}

func notUnderWay(err error) error {
	if errors.Is(err, flow.ErrNoRotation) {
		return usageErr("%v", err)
	}
	return err
}

// validateKey checks --key-size and --cert-days before anything is made.
func validateKey(keySize, certDays int) error {
	var fields []*validate.FieldError
	for _, err := range []error{validate.KeySize(keySize), validate.CertDays(certDays)} {
		var fe *validate.FieldError
		if errors.As(err, &fe) {
			fields = append(fields, fe)
		} else if err != nil {
			return usageErr("%v", err)
		}
	}
	if len(fields) > 0 {
		return classify(&flow.InputError{Fields: fields})
	}
	return nil
}
