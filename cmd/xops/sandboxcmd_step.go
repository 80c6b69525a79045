package main

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/entra/certs"
	"github.com/xops/xops/entra/sandbox"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/store"
)

// The sandbox's do and undo: one checklist step on an app of the simulated
// tenant, named by App ID or by a linked account.

// maxCertFile bounds what --cert reads: a certificate is a few KiB.
const maxCertFile = 1 << 20

// sandboxTarget is the app a step acts on, and the account it was named by.
type sandboxTarget struct {
	flag    string // "--app" or "--account": what the admin gave
	appID   string
	account *store.Account
	svc     *flow.Service
	status  sandbox.AppStatus
}

// what names the app in messages.
func (t *sandboxTarget) what() string {
	s := fmt.Sprintf("the app %s (%s)", shellQuote(t.status.Name), t.status.AppID)
	if t.account != nil {
		s += " of account " + shellQuote(t.account.Name)
	}
	return s
}

func (a *app) sandboxStepCmd(undo bool) *cobra.Command {
	var appID, account, certFile string
	c := &cobra.Command{
		Use:   "do STEP (--app APPID | --account NAME) [--cert FILE]",
		Short: "Perform a checklist step on an app in the simulated tenant",
		Long: "Performs one checklist step, by its ID, on an app of the simulated tenant, as the admin\n" +
			"does in the Entra admin center. STEP is one of:\n  " + stepList(sandboxSteps) + ".\n" +
			"--app names the app by its App (client) ID, --account by a linked account. upload-certificate\n" +
			"uploads --cert FILE, or with --account the account's certificate: the new one while a\n" +
			"rotation is under way, else the one in use.",
	}
	if undo {
		c.Use = "undo STEP (--app APPID | --account NAME)"
		c.Short = "Undo a checklist step on an app in the simulated tenant, to see verification name it"
		c.Long = "Reverses one checklist step on an app of the simulated tenant. STEP is one of:\n  " + stepList(sandboxUndoSteps) + "\n" +
			"(removing the permission takes its admin consent with it). 'accounts verify' then fails\n" +
			"and names the step; 'sandbox do' puts it back."
	}
	c.Args = cobra.ArbitraryArgs // checked after --sandbox, so that is said first
	c.RunE = func(cmd *cobra.Command, args []string) error {
		if err := a.requireSandbox(); err != nil {
			return err
		}
		if err := exactArgs("STEP")(cmd, args); err != nil {
			return err
		}
		step, err := parseSandboxStep(args[0], undo)
		if err != nil {
			return err
		}
		var cert *uploadCert
		if !undo {
			if cert, err = checkCertFlag(cmd, step, certFile, cmd.Flags().Changed("account")); err != nil {
				return err
			}
		}
		t, err := a.sandboxTarget(cmd, appID, account)
		if err != nil {
			return err
		}
		if undo {
			return a.sandboxUndo(t, step)
		}
		return a.sandboxDo(t, step, cert)
	}
	f := c.Flags()
	f.StringVar(&appID, "app", "", "the app's App (client) ID (see 'xops --sandbox sandbox show')")
	f.StringVar(&account, "account", "", "a linked account: the step acts on its app")
	if !undo {
		f.StringVar(&certFile, "cert", "", "upload-certificate: the certificate file (.cer, PEM or DER) to upload")
	}
	return c
}

// stepList is "a, b, c or d".
func stepList(steps []entra.Step) string {
	s := make([]string, len(steps))
	for i, st := range steps {
		s[i] = string(st)
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// parseSandboxStep reads STEP: a step the command can do (or undo), or
// a usage error that says why not and lists those it can.
func parseSandboxStep(arg string, undo bool) (entra.Step, error) {
	step := entra.Step(strings.ToLower(strings.TrimSpace(arg)))
	valid := sandboxSteps
	verb := "do"
	if undo {
		valid, verb = sandboxUndoSteps, "undo"
	}
	for _, s := range valid {
		if s == step {
			return step, nil
		}
	}
	use := "; give one of " + stepList(valid)
	switch {
	case step == entra.StepRegisterApp && !undo:
		return "", usageErr("STEP: register-app makes a new app rather than acting on one: run '%s'%s", "xops --sandbox sandbox register NAME", use)
	case step == entra.StepCopyIDs || step == entra.StepEnterIDs:
		return "", usageErr("STEP: %s happens in xops, not in Entra: copy the IDs 'xops --sandbox sandbox show' prints into 'xops --sandbox link microsoft'%s", step, use)
	case step == entra.StepGenerateKey:
		return "", usageErr("STEP: generate-key happens in xops: 'link microsoft' makes the key and certificate%s", use)
	case undo && (step == entra.StepUploadCertificate || step == entra.StepRegisterApp):
		return "", usageErr("STEP: %s cannot be undone in the simulated tenant%s", step, use)
	case step == "":
		return "", usageErr("STEP: is empty%s", use)
	}
	return "", usageErr("STEP: %q is not a step 'sandbox %s' knows%s", oneLine(arg), verb, use)
}

// uploadCert is a certificate to upload, where it came from (the flag to
// name when Entra refuses it) and how to name it in messages.
type uploadCert struct {
	data        []byte
	flag, label string
}

// checkCertFlag checks --cert against the step and reads the file: the
// certificate to upload, or nil to upload the account's.
func checkCertFlag(cmd *cobra.Command, step entra.Step, path string, byAccount bool) (*uploadCert, error) {
	given := cmd.Flags().Changed("cert")
	switch {
	case given && step != entra.StepUploadCertificate:
		return nil, usageErr("--cert: only with upload-certificate (%s uploads nothing); drop --cert", step)
	case !given && step == entra.StepUploadCertificate && !byAccount:
		return nil, usageErr("--cert: upload-certificate with --app needs the certificate: add --cert FILE (the .cer file 'link microsoft' wrote), or name the account with --account instead of --app to upload its certificate")
	case !given:
		return nil, nil
	}
	data, err := readCertFile(path)
	if err != nil {
		return nil, err
	}
	return &uploadCert{data: data, flag: "--cert", label: "the certificate in " + path}, nil
}

// readCertFile reads and checks the certificate --cert names, before the
// store is opened: the public part, PEM or DER.
func readCertFile(path string) ([]byte, error) {
	if strings.TrimSpace(path) == "" {
		return nil, usageErr("--cert: is empty; give the path of the .cer file 'link microsoft' or 'accounts rotate' wrote")
	}
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, usageErr("--cert: %s does not exist; give the path of the .cer file 'link microsoft' or 'accounts rotate' wrote", path)
	case err != nil:
		return nil, usageErr("--cert: cannot read %s: %v", path, err)
	case fi.IsDir():
		return nil, usageErr("--cert: %s is a folder; give the .cer file in it", path)
	case fi.Size() > maxCertFile:
		return nil, usageErr("--cert: %s is %d bytes, too large to be a certificate; give the .cer file", path, fi.Size())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, usageErr("--cert: cannot read %s: %v", path, err)
	}
	if strings.Contains(string(data), "PRIVATE KEY") {
		return nil, usageErr("--cert: %s holds a private key; give the public certificate (the .cer file), all Entra takes", path)
	}
	if block, _ := pem.Decode(data); block != nil {
		if block.Type != "CERTIFICATE" {
			return nil, usageErr("--cert: %s holds a PEM %q block, not a certificate; give the .cer file", path, block.Type)
		}
		data = block.Bytes
	}
	if _, err := x509.ParseCertificate(data); err != nil {
		return nil, usageErr("--cert: %s is not a certificate (PEM or DER); give the .cer file 'link microsoft' or 'accounts rotate' wrote", path)
	}
	return data, nil
}

// sandboxTarget finds the app --app or --account names, in the saved tenant.
// It never creates a store: without one there is no app and no account.
func (a *app) sandboxTarget(cmd *cobra.Command, appID, account string) (*sandboxTarget, error) {
	byApp, byAccount := cmd.Flags().Changed("app"), cmd.Flags().Changed("account")
	switch {
	case byApp && byAccount:
		return nil, usageErr("--app and --account: give one of them, not both (--account acts on the account's app)")
	case !byApp && !byAccount:
		return nil, usageErr("--app or --account: name the app, by its App (client) ID (--app, see 'xops --sandbox sandbox show') or by a linked account (--account NAME)")
	case byApp && strings.TrimSpace(appID) == "":
		return nil, usageErr("--app: is empty; give the App (client) ID 'xops --sandbox sandbox show' lists")
	case byApp && !entra.IsGUID(strings.TrimSpace(appID)):
		return nil, usageErr("--app: %q is not an App (client) ID (a GUID); copy one from 'xops --sandbox sandbox show'", oneLine(appID))
	case byAccount && strings.TrimSpace(account) == "":
		return nil, usageErr("--account: is empty; give a linked account's name (see 'xops --sandbox accounts list')")
	}
	t := &sandboxTarget{flag: "--app", appID: strings.ToLower(strings.TrimSpace(appID))}
	if byAccount {
		t.flag = "--account"
	}
	_, err := a.openExistingStore()
	switch {
	case errors.Is(err, store.ErrNoStore) && byAccount:
		return nil, usageErr("--account: no account named %q: there is no sandbox store at %s yet; link one with 'xops --sandbox link microsoft …' (see 'xops --sandbox sandbox register')", oneLine(account), a.stPath)
	case errors.Is(err, store.ErrNoStore):
		return nil, usageErr("--app: no app registration has the App ID %s: nothing is registered yet (there is no sandbox store at %s); register one with 'xops --sandbox sandbox register NAME'", t.appID, a.stPath)
	case err != nil:
		return nil, err
	}
	if t.svc, err = a.readService(); err != nil {
		return nil, err
	}
	if byAccount {
		acc, err := t.svc.Account(account)
		if errors.Is(err, store.ErrNotFound) {
			return nil, usageErr("--account: no account named %q; see 'xops --sandbox accounts list', or give the app with --app", oneLine(strings.TrimSpace(account)))
		}
		if err != nil {
			return nil, classify(err)
		}
		t.account, t.appID = &acc, acc.AppID
	}
	sb, err := a.startSandbox()
	if err != nil {
		return nil, err
	}
	t.status, err = sb.App(t.appID)
	switch {
	case errors.Is(err, sandbox.ErrNoSuchApp) && byAccount:
		return nil, usageErr("--account: the app of %s (App ID %s) is not in the simulated tenant (linked against another tenant, or deleted); see 'xops --sandbox sandbox show'", shellQuote(t.account.Name), t.appID)
	case errors.Is(err, sandbox.ErrNoSuchApp):
		return nil, usageErr("--app: no app registration has the App ID %s in the simulated tenant; see 'xops --sandbox sandbox show', or register one with 'xops --sandbox sandbox register NAME'", t.appID)
	case err != nil:
		return nil, failedErr(err)
	}
	return t, nil
}

// sandboxDo performs step on the target's app. cert is --cert's
// certificate, or nil for the account's.
func (a *app) sandboxDo(t *sandboxTarget, step entra.Step, cert *uploadCert) error {
	if step == entra.StepUploadCertificate && cert == nil {
		var err error
		if cert, err = accountCertificate(t); err != nil {
			return err
		}
	}
	var data []byte
	switch {
	case step == entra.StepGrantAdminConsent && !t.status.ExchangePermission:
		return usageErr("STEP: grant-admin-consent on %s would grant nothing: it has no Exchange permission yet; do add-exchange-permission first (nothing was changed)", t.what())
	case step == entra.StepUploadCertificate:
		data = cert.data
		thumb := thumbprint(data)
		for _, have := range t.status.Thumbprints {
			if have == thumb {
				fmt.Fprintf(a.stderr, "Already done: %s (thumbprint %s) is uploaded on %s; nothing was changed.\n", cert.label, thumb, t.what())
				a.sandboxNext(t, step)
				return nil
			}
		}
	case stepDone(t.status, step):
		fmt.Fprintf(a.stderr, "Already done: %s on %s; nothing was changed.\n", stepRef(step), t.what())
		a.sandboxNext(t, step)
		return nil
	}
	if err := a.sb.Perform(step, t.appID, data); err != nil {
		var refused *sandbox.CertificateRefused
		switch {
		case errors.As(err, &refused):
			// The portal's refusal: RSA only, SHA-2 signature, not expired.
			return usageErr("%s: Entra refuses %s: %s (nothing was changed)", cert.flag, cert.label, refused.Error())
		case errors.Is(err, sandbox.ErrAlreadyUploaded):
			// Another xops uploaded it since this one looked.
			fmt.Fprintf(a.stderr, "Already done: %s is uploaded on %s; nothing was changed.\n", cert.label, t.what())
			a.sandboxNext(t, step)
			return nil
		}
		return failedErr(fmt.Errorf("%s on %s: %w", step, t.what(), err))
	}
	if step == entra.StepUploadCertificate {
		fmt.Fprintf(a.stderr, "Done in the simulated tenant: %s on %s: uploaded %s, thumbprint %s.\n",
			stepRef(step), t.what(), cert.label, thumbprint(data))
	} else {
		fmt.Fprintf(a.stderr, "Done in the simulated tenant: %s on %s.\n", stepRef(step), t.what())
	}
	if st, err := a.sb.App(t.appID); err == nil {
		t.status = st
	}
	a.sandboxNext(t, step)
	return nil
}

// accountCertificate is the certificate to upload for --account: the new
// one of a rotation under way, else the one in use (public parts only; no
// key is opened).
func accountCertificate(t *sandboxTarget) (*uploadCert, error) {
	name := t.account.Name
	if _, pending := t.account.PendingCredential(); pending {
		pem, _, err := t.svc.PendingCertificate(name)
		if err != nil {
			return nil, failedErr(err)
		}
		return &uploadCert{data: pem, flag: "--account", label: "the account's new certificate (rotation under way)"}, nil
	}
	pem, err := t.svc.Export(name, flow.FormatPEM, "")
	if err != nil {
		return nil, failedErr(err)
	}
	return &uploadCert{data: pem, flag: "--account", label: "the account's certificate in use"}, nil
}

// thumbprint is a certificate's SHA-1 thumbprint as the portal shows it
// (PEM or DER in; "" when it does not parse).
func thumbprint(cert []byte) string {
	if block, _ := pem.Decode(cert); block != nil {
		cert = block.Bytes
	}
	c, err := x509.ParseCertificate(cert)
	if err != nil {
		return ""
	}
	return certs.Thumbprint(c)
}

// sandboxNext says what to run after a step: the next step not done, else
// linking, uploading or verifying.
func (a *app) sandboxNext(t *sandboxTarget, after entra.Step) {
	target := t.flag + " " + t.appID
	if t.account != nil {
		target = t.flag + " " + shellQuote(t.account.Name)
	}
	for _, s := range sandboxSteps[:3] {
		if !stepDone(t.status, s) {
			fmt.Fprintf(a.stderr, "Next: %s\n", a.sandboxLine("sandbox", "do", string(s), target))
			return
		}
	}
	switch {
	case t.account != nil:
		if _, pending := t.account.PendingCredential(); pending {
			fmt.Fprintf(a.stderr, "Next: %s\n", a.sandboxLine("accounts", "rotate", shellQuote(t.account.Name)))
			return
		}
		if after != entra.StepUploadCertificate && !stepDone(t.status, entra.StepUploadCertificate) {
			fmt.Fprintf(a.stderr, "Next: %s\n", a.sandboxLine("sandbox", "do", string(entra.StepUploadCertificate), target))
			return
		}
		fmt.Fprintf(a.stderr, "Next: %s\n", a.sandboxLine("accounts", "verify", shellQuote(t.account.Name)))
	case !stepDone(t.status, entra.StepUploadCertificate):
		v := sandboxJSON{TenantID: a.sb.TenantID(), Organization: a.sb.Domain()}
		fmt.Fprintf(a.stderr, "Next: link it, then upload its certificate with 'sandbox do upload-certificate --account NAME':\n  %s\n",
			a.linkLine(t.status.Name, t.appID, v))
	}
}

// sandboxUndo reverses step on the target's app.
func (a *app) sandboxUndo(t *sandboxTarget, step entra.Step) error {
	if !stepDone(t.status, step) {
		fmt.Fprintf(a.stderr, "Nothing to undo: %s is not done on %s; nothing was changed.\n", stepRef(step), t.what())
		return nil
	}
	var err error
	also := ""
	switch step {
	case entra.StepAddExchangePermission:
		err = a.sb.RemoveExchangePermission(t.appID)
		if t.status.AdminConsent {
			also = " (its admin consent went with it)"
		}
	case entra.StepGrantAdminConsent:
		err = a.sb.RevokeAdminConsent(t.appID)
	case entra.StepAssignGlobalReader:
		err = a.sb.RemoveGlobalReader(t.appID)
	}
	if err != nil {
		return failedErr(fmt.Errorf("undo %s on %s: %w", step, t.what(), err))
	}
	fmt.Fprintf(a.stderr, "Undone in the simulated tenant: %s on %s%s.\n", stepRef(step), t.what(), also)
	if t.account != nil {
		fmt.Fprintf(a.stderr, "Verification now names it: %s\nPut it back with: %s\n",
			a.sandboxLine("accounts", "verify", shellQuote(t.account.Name)),
			a.sandboxLine("sandbox", "do", string(step), "--account", shellQuote(t.account.Name)))
	} else {
		fmt.Fprintf(a.stderr, "Put it back with: %s\n", a.sandboxLine("sandbox", "do", string(step), "--app", t.appID))
	}
	return nil
}
