package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/flow/validate"
)

// linkAuto is `xops link microsoft --auto`: a device-code sign-in as an
// admin, then xops makes the Entra side itself and verifies it (issue 8).
// The device code and each step go to stderr; the result to stdout. Exit
// codes as verify: 0 verified, 1 a step or a check failed, 2 bad input.
func (a *app) linkAuto(cmd *cobra.Command, lf linkFlags) error {
	for _, name := range []string{"app-id", "tenant-id", "org", "verify"} {
		if cmd.Flags().Changed(name) {
			return usageErr("--%s: not with --auto, which finds the IDs itself and always verifies; drop --%s or --auto", name, name)
		}
	}
	if lf.wait < 0 {
		return usageErr("--wait: %s is negative; give a duration such as 30s or 2m", lf.wait)
	}
	wait := lf.wait
	if !cmd.Flags().Changed("wait") {
		wait = flow.DefaultAutoWait
	}
	// Every field is checked before the store is opened (which would
	// create it) and before anyone is asked to sign in.
	if err := checkAutoInput(cmd, lf); err != nil {
		return err
	}
	if err := checkCertOut(cmd, lf.certOut, lf.in.Name); err != nil {
		return err
	}
	certOut := lf.certOut
	if certOut == "" {
		certOut = "./" + flow.CertificateFileName(lf.in.Name)
	}
	svc, err := a.service()
	if err != nil {
		return err
	}
	ep, client, err := a.endpoints()
	if err != nil {
		return err
	}
	in := flow.AutoLinkInput{Name: lf.in.Name, ClientID: lf.clientID, Wait: wait, KeySize: lf.in.KeySize, CertDays: lf.in.CertDays,
		Entra: &entra.Setup{Endpoints: ep, HTTP: client}}
	hooks := flow.AutoHooks{OnPrompt: a.showDeviceCode, OnEvent: a.showSetupEvent, OnAttempt: a.progress(wait)}
	res, err := svc.AutoLink(cmd.Context(), in, hooks)
	var ae *flow.AutoLinkError
	if errors.As(err, &ae) {
		a.explainAutoFailure(ae)
		return failedErr(fmt.Errorf("automatic setup stopped at %q (see above)", ae.Step.Title()))
	}
	if err != nil {
		return classify(err)
	}

	if abs, err := filepath.Abs(certOut); err == nil {
		certOut = abs
	}
	if err := writeNewFile(certOut, res.Credential.CertificatePEM(), 0o644); err != nil {
		// The account is linked and the certificate is on the app already:
		// the file is a copy for the admin, not worth undoing the link for.
		a.warn("could not write %s (%v); get the certificate with: xops accounts export %s --out PATH", certOut, err, shellQuote(res.Account.Name))
		certOut = "(not written)"
	}
	c, _ := res.Account.Active()
	fmt.Fprintf(a.stdout, "linked:      %s\n", oneLine(res.Account.Name))
	fmt.Fprintf(a.stdout, "certificate: %s\n", certOut)
	fmt.Fprintf(a.stdout, "thumbprint:  %s\n", c.Thumbprint)
	fmt.Fprintf(a.stdout, "valid:       %s to %s\n", rfc3339(c.NotBefore), rfc3339(c.NotAfter))
	fmt.Fprintf(a.stdout, "app id:      %s\n", res.Account.AppID)
	fmt.Fprintf(a.stdout, "tenant id:   %s\n", res.Account.TenantID)
	fmt.Fprintf(a.stdout, "org:         %s\n", res.Account.Organization)
	if res.SignedInAs != "" {
		fmt.Fprintf(a.stdout, "signed in:   %s\n", oneLine(res.SignedInAs))
	}
	a.printReport(res.Report)
	if !res.Report.OK {
		fmt.Fprintf(a.stderr, "Entra may still be applying the changes: run 'xops accounts verify %s --wait 5m' in a while.\n", shellQuote(res.Account.Name))
		return checksFailed()
	}
	return nil
}

// checkAutoInput validates the fields of an automatic link as flow.AutoLink
// does, all at once, plus what only the command line can get wrong: 0 given
// for --key-size or --cert-days (flow reads 0 as "the default") and an
// empty --client-id (flow reads it as "not given").
func checkAutoInput(cmd *cobra.Command, lf linkFlags) error {
	var fields []*validate.FieldError
	add := func(err error) {
		var fe *validate.FieldError
		if errors.As(err, &fe) {
			fields = append(fields, fe)
		}
	}
	_, err := validate.Name(lf.in.Name)
	add(err)
	add(validate.KeySize(lf.in.KeySize))
	add(validate.CertDays(lf.in.CertDays))
	if cmd.Flags().Changed("client-id") {
		if strings.TrimSpace(lf.clientID) == "" {
			add(&validate.FieldError{Field: flow.FieldClientID, Label: flow.LabelClientID,
				Message: "is empty; give the Application (client) ID of the public client to sign in with, or leave --client-id out for Microsoft Graph Command Line Tools"})
		} else {
			_, err := validate.GUID(flow.FieldClientID, flow.LabelClientID, lf.clientID)
			add(err)
		}
	}
	if len(fields) > 0 {
		return classify(&flow.InputError{Fields: fields})
	}
	return nil
}

// showDeviceCode tells the admin where to sign in, on stderr.
func (a *app) showDeviceCode(p entra.DeviceCodePrompt) {
	fmt.Fprintf(a.stderr, "To sign in as an admin, open %s on any device and enter the code %s\n",
		oneLine(p.VerificationURL), oneLine(p.UserCode))
	if !p.ExpiresAt.IsZero() {
		fmt.Fprintf(a.stderr, "(the code works until %s; waiting for you to finish…)\n", codeDeadline(p.ExpiresAt, a.now()))
	}
}

// codeDeadline is when a sign-in code stops working, as the admin reads it
// on a jump host whose clock zone may not be theirs: the time with its zone,
// and how long that is from now ("03:51 UTC, in 15 minutes").
func codeDeadline(at, now time.Time) string {
	left := at.Sub(now).Round(time.Minute)
	when := at.Local().Format("15:04 MST")
	switch {
	case left >= 2*time.Minute:
		return fmt.Sprintf("%s, in %d minutes", when, int(left.Minutes()))
	case left > 0:
		return when + ", in about a minute"
	}
	return when
}

// showSetupEvent reports each step of the automatic setup as it ends.
func (a *app) showSetupEvent(e entra.SetupEvent) {
	if line := symbolWords.setupEventLine(e); line != "" {
		fmt.Fprintln(a.stderr, line)
	}
}

// explainAutoFailure says what exists in the tenant, what does not, and the
// way out, so nothing half-made is left unexplained.
func (a *app) explainAutoFailure(ae *flow.AutoLinkError) {
	for _, l := range symbolWords.inventoryLines(ae.Inventory) {
		fmt.Fprintln(a.stderr, l)
	}
	name := shellQuote(ae.Progress.Name)
	if ae.Guided() {
		in, _ := ae.GuidedInput()
		fmt.Fprintln(a.stderr, "This tenant or your role does not allow the automatic path. Do the missing steps in the Entra admin center")
		fmt.Fprintf(a.stderr, "(run 'xops' for the guided checklist), then: xops link microsoft --name %s --app-id %s --tenant-id %s --org %s\n",
			name, orPlaceholder(in.AppID, "APP-ID"), orPlaceholder(in.TenantID, "TENANT-ID"), orPlaceholder(in.Organization, "ORG"))
		return
	}
	fmt.Fprintf(a.stderr, "Run the same command again to resume where it stopped (nothing is made twice): xops link microsoft --auto --name %s\n", name)
}

func orPlaceholder(v, placeholder string) string {
	if v == "" {
		return placeholder
	}
	return shellQuote(v)
}
