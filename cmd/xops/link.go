package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/xops/xops/entra/certs"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/store"
)

func (a *app) linkCmd() *cobra.Command {
	return group("link", "Link a cloud account to Xops", a.linkMicrosoftCmd())
}

type linkFlags struct {
	in       flow.LinkInput
	certOut  string
	verify   bool
	wait     time.Duration
	auto     bool
	clientID string
}

func (a *app) linkMicrosoftCmd() *cobra.Command {
	var lf linkFlags
	c := &cobra.Command{
		Use:   "microsoft --name N (--app-id GUID --tenant-id GUID --org DOMAIN | --auto)",
		Short: "Link a Microsoft 365 account (the app registration is done in Entra first)",
		Long: "Validates the IDs, makes an RSA key and a self-signed certificate, stores the account\n" +
			"(not verified yet), writes the certificate (PEM, default ./NAME.cer) and prints its SHA-1\n" +
			"thumbprint. Upload that file to the app in Entra (Certificates & secrets → Certificates),\n" +
			"then run 'xops accounts verify NAME' (or link with --verify).\n\n" +
			"With --auto, xops signs you in as an admin by device code (the code and URL go to stderr),\n" +
			"registers the app with the Exchange permission and the certificate, grants consent,\n" +
			"assigns Global Reader, saves the account and verifies it, retrying up to --wait.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if lf.auto {
				return a.linkAuto(cmd, lf)
			}
			if cmd.Flags().Changed("client-id") {
				return usageErr("--client-id: only with --auto (the admin sign-in); add --auto or drop --client-id")
			}
			return a.linkMicrosoft(cmd, lf)
		},
	}
	f := c.Flags()
	f.StringVar(&lf.in.Name, "name", "", "friendly name, 1–64 characters, unique ignoring case")
	f.StringVar(&lf.in.AppID, "app-id", "", "Application (client) ID of the app registration")
	f.StringVar(&lf.in.TenantID, "tenant-id", "", "Directory (tenant) ID")
	f.StringVar(&lf.in.Organization, "org", "", "Organization ID: the tenant's initial *.onmicrosoft.com domain")
	f.IntVar(&lf.in.KeySize, "key-size", flow.DefaultKeySize, "RSA key size: 2048, 3072 or 4096")
	f.IntVar(&lf.in.CertDays, "cert-days", flow.DefaultCertDays, "certificate lifetime in days")
	f.StringVar(&lf.certOut, "cert-out", "", "where to write the certificate (default ./NAME.cer; never overwritten)")
	f.BoolVar(&lf.verify, "verify", false, "verify the account right after linking (exit 1 if a check fails)")
	f.DurationVar(&lf.wait, "wait", 0, "with --verify: retry failing checks for up to this long (e.g. 2m); with --auto default 2m")
	f.BoolVar(&lf.auto, "auto", false, "sign in as an admin (device code) and let xops do the Entra side itself, then verify")
	f.StringVar(&lf.clientID, "client-id", "", "with --auto: the public client to sign in with (default Microsoft Graph Command Line Tools)")
	return c
}

func (a *app) linkMicrosoft(cmd *cobra.Command, lf linkFlags) error {
	if lf.wait < 0 {
		return usageErr("--wait: %s is negative; give a duration such as 30s or 2m", lf.wait)
	}
	if lf.wait > 0 && !lf.verify {
		return usageErr("--wait: only means something with --verify; add --verify or drop --wait")
	}
	// Bad input is refused before the store is opened: on a fresh machine
	// opening it would create the file, and nothing may be written.
	norm, _, ferrs := flow.NormalizeLinkInput(lf.in)
	if len(ferrs) > 0 {
		return classify(&flow.InputError{Fields: ferrs})
	}
	// The certificate's path too: a bad one must not leave a new store behind.
	if err := checkCertOut(cmd, lf.certOut, norm.Name); err != nil {
		return err
	}
	svc, err := a.readService()
	if err != nil {
		return err
	}
	// Validate everything (the name's uniqueness too) before touching the
	// certificate path or the store.
	in, warnings, ferrs := svc.CheckLinkInput(lf.in)
	if len(ferrs) > 0 {
		return classify(&flow.InputError{Fields: ferrs})
	}
	certOut := lf.certOut
	if certOut == "" {
		certOut = "./" + flow.CertificateFileName(in.Name)
	}
	if err := checkNewFile("--cert-out", certOut, flow.CertificateFileName(in.Name)); err != nil {
		return err
	}
	if lf.verify {
		if svc, err = a.service(); err != nil {
			return err
		}
	}
	for _, w := range warnings {
		a.warn("%s", oneLine(w))
	}

	written := false
	res, err := svc.Link(cmd.Context(), in, func(cred *certs.Credential) error {
		if err := writeNewFile(certOut, cred.CertificatePEM(), 0o644); err != nil {
			if errors.Is(err, fs.ErrExist) {
				// Another xops (a second terminal, the same command) wrote it
				// since checkNewFile looked: refused input, like a taken name.
				return usageErr("--cert-out: %s already exists (another xops wrote it meanwhile?) and xops never overwrites a file; nothing was linked, choose another path or move that file away", certOut)
			}
			return fmt.Errorf("write the certificate: %w", err)
		}
		written = true
		return nil
	})
	if err != nil {
		if written {
			os.Remove(certOut) // nothing was linked: leave nothing behind
		}
		return classify(err)
	}

	c, _ := res.Account.Active()
	if abs, err := filepath.Abs(certOut); err == nil {
		certOut = abs // the admin may fetch it from another machine
	}
	fmt.Fprintf(a.stdout, "linked:      %s\n", oneLine(res.Account.Name))
	fmt.Fprintf(a.stdout, "certificate: %s\n", certOut)
	fmt.Fprintf(a.stdout, "thumbprint:  %s\n", c.Thumbprint)
	fmt.Fprintf(a.stdout, "valid:       %s to %s\n", rfc3339(c.NotBefore), rfc3339(c.NotAfter))
	if a.g.sandbox {
		// The simulated tenant has no admin center: its upload is a command.
		name := shellQuote(res.Account.Name)
		fmt.Fprintf(a.stderr, "Next: upload it to the simulated app: %s\n", a.sandboxLine("sandbox", "do", "upload-certificate", "--account", name))
		if !lf.verify {
			fmt.Fprintf(a.stderr, "Then run: %s\n", a.sandboxLine("accounts", "verify", name))
			return nil
		}
		return a.verifyAndPrint(cmd, svc, res.Account.Name, lf.wait, false)
	}
	fmt.Fprintf(a.stderr, "Next: in the Entra admin center, open the app → Certificates & secrets → Certificates →\n"+
		"Upload certificate → %s → Add, and check that Entra lists thumbprint %s.\n", certOut, c.Thumbprint)
	if host, err := os.Hostname(); err == nil && a.env("SSH_CONNECTION") != "" {
		user := a.env("USER")
		if user == "" {
			user = "you"
		}
		fmt.Fprintf(a.stderr, "To fetch the file to the machine with your browser: scp %s@%s:%s .\n", user, host, shellQuote(certOut))
	}
	if !lf.verify {
		fmt.Fprintf(a.stderr, "Then run: xops accounts verify %s\n", shellQuote(res.Account.Name))
		return nil
	}
	return a.verifyAndPrint(cmd, svc, res.Account.Name, lf.wait, false)
}

// checkCertOut checks --cert-out of a link, or the default ./NAME.cer.
func checkCertOut(cmd *cobra.Command, certOut, name string) error {
	if certOut == "" && !cmd.Flags().Changed("cert-out") {
		certOut = "./" + flow.CertificateFileName(name)
	}
	return checkNewFile("--cert-out", certOut, flow.CertificateFileName(name))
}

// checkNewFile refuses (exit 2) an empty path, a folder, a path that exists
// or whose folder does not: xops never overwrites a file, and says so before
// anything is stored. example is a file name to suggest inside a folder.
func checkNewFile(flag, path, example string) error {
	if strings.TrimSpace(path) == "" {
		what := "give a file path"
		if strings.HasPrefix(flag, "--") {
			what = "give a file path, or drop " + flag
		}
		if flag == "--cert-out" {
			what += " for the default ./NAME.cer"
		}
		if flag == "--out" {
			what += " to write to stdout"
		}
		return usageErr("%s: is empty; %s", flag, what)
	}
	if fi, err := os.Lstat(path); err == nil {
		if fi.IsDir() {
			return usageErr("%s: %s is a folder; give a file path in it, such as %s", flag, path, filepath.Join(path, example))
		}
		return usageErr("%s: %s already exists and xops never overwrites a file; choose another path or move that file away", flag, path)
	} else if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
		return usageErr("%s: cannot use %s: %v", flag, path, err)
	}
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil {
		return usageErr("%s: the folder %s does not exist; create it or choose another path", flag, dir)
	} else if !st.IsDir() {
		return usageErr("%s: %s is not a folder (it is a file); choose a path inside a folder", flag, dir)
	}
	return nil
}

// writeNewFile writes data to path with perm, all or nothing, and never
// replaces a file: the bytes go to a temporary file beside it first, which is
// then hard-linked into place (the link fails if path appeared meanwhile). A
// kill at any moment leaves either no file at path or the whole one.
func writeNewFile(path string, data []byte, perm os.FileMode) error {
	return writeWhole(path, data, perm, false)
}

// writeWhole writes data to path with perm, all or nothing (store.WriteFile):
// the file has no name until it is whole and synced, so a kill, a crash or
// a full disk leaves path as it was — no file, or the old one whole — and
// no copy under a temporary name. Without replace an existing path is
// never replaced (fs.ErrExist); with replace it is, in one rename.
func writeWhole(path string, data []byte, perm os.FileMode, replace bool) error {
	return store.WriteFile(path, perm, replace, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// shellQuote quotes a name for a command line the admin may paste.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.@", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(oneLine(s), "'", `'\''`) + "'"
}
