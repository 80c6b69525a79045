package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/xops/xops/flow"
)

func (a *app) exportCmd() *cobra.Command {
	var (
		format        string
		out           string
		passwordStdin bool
	)
	c := &cobra.Command{
		Use:   "export NAME",
		Short: "Export the certificate (pem, der) or key and certificate as a password-protected PFX",
		Long: "pem and der hold the public certificate only. pfx holds the private key too, protected\n" +
			"by a password taken from XOPS_PFX_PASSWORD, else --password-stdin, else a prompt typed\n" +
			"twice on a terminal; without any of them the export is refused. Files are written with\n" +
			"mode 0600 and never overwrite anything. Without --out the export goes to stdout.",
		Args: exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			format = strings.ToLower(strings.TrimSpace(format))
			switch format {
			case flow.FormatPEM, flow.FormatDER, flow.FormatPFX:
			default:
				return usageErr("--format: unknown format %q; use pem, der or pfx", format)
			}
			if passwordStdin && format != flow.FormatPFX {
				return usageErr("--password-stdin: only a pfx export has a password; add --format pfx or drop it")
			}
			if out != "" || cmd.Flags().Changed("out") {
				if err := checkNewFile("--out", out, "NAME."+format); err != nil {
					return err
				}
			} else if format != flow.FormatPEM && a.terminal(a.stdout) {
				return usageErr("--out: a %s export is binary; give --out PATH or redirect stdout to a file", format)
			}
			svc, acc, err := a.readAccount(args[0])
			if err != nil {
				return err
			}
			password := ""
			if format == flow.FormatPFX {
				if password, err = a.pfxPassword(cmd.Context(), passwordStdin); err != nil {
					return err
				}
			}
			data, err := svc.Export(acc.Name, format, password)
			if err != nil {
				return classify(err)
			}
			if out == "" {
				if _, err := a.stdout.Write(data); err != nil {
					return failedErr(fmt.Errorf("write the export: %w", err))
				}
			} else if err := writeNewFile(out, data, 0o600); err != nil {
				return failedErr(fmt.Errorf("write %s: %w", out, err))
			} else {
				fmt.Fprintf(a.stderr, "Wrote %s (%s, mode 0600).\n", out, exportKind(format))
			}
			if format == flow.FormatPFX {
				path := out
				if path == "" {
					path = "PATH-TO-THE.pfx"
				}
				fmt.Fprintf(a.stderr, "Connect from PowerShell:\n  %s\n", flow.ConnectLine(acc, path))
			}
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&format, "format", flow.FormatPEM, "pem, der (the certificate) or pfx (key and certificate, password-protected)")
	f.StringVar(&out, "out", "", "file to write (mode 0600, never overwritten); default stdout")
	f.BoolVar(&passwordStdin, "password-stdin", false, "read the PFX password from stdin")
	return c
}

func exportKind(format string) string {
	if format == flow.FormatPFX {
		return "private key and certificate, password-protected"
	}
	return "certificate only, " + strings.ToUpper(format)
}

// pfxPassword finds the PFX password: XOPS_PFX_PASSWORD, else stdin when
// asked, else a prompt typed twice on a terminal; otherwise it refuses.
func (a *app) pfxPassword(ctx context.Context, fromStdin bool) (string, error) {
	if p := a.env("XOPS_PFX_PASSWORD"); p != "" {
		return p, nil
	}
	if fromStdin {
		b, err := io.ReadAll(a.stdin)
		if err != nil {
			return "", failedErr(fmt.Errorf("read the password from stdin: %w", err))
		}
		p := strings.TrimRight(string(b), "\r\n")
		if p == "" {
			return "", usageErr("--password-stdin: stdin held no password; pipe one in (printf '%%s' \"$PW\" | xops …)")
		}
		return p, nil
	}
	if !a.interactive() {
		return "", usageErr("--password-stdin: a pfx export needs a password and there is no terminal to ask on; set XOPS_PFX_PASSWORD or pipe it with --password-stdin")
	}
	p, err := a.readSecret(ctx, "PFX password: ")
	if err != nil {
		return "", failedErr(err)
	}
	if p == "" {
		return "", usageErr("PFX password: empty; a PFX must be protected by a password")
	}
	again, err := a.readSecret(ctx, "Again, to be sure: ")
	if err != nil {
		return "", failedErr(err)
	}
	if again != p {
		return "", usageErr("PFX password: the two passwords differ; nothing was exported")
	}
	return p, nil
}
