package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/entra/sandbox"
	"github.com/xops/xops/store"
)

// The sandbox commands are the CLI's way into the simulated Entra admin
// center of `xops --sandbox`: what the wizard's and the account pages' d do
// in the TUI, so the whole command-line path (link, verify, rotate) can be
// walked, and scripted in demos, without a Microsoft tenant.

// sandboxSteps are the checklist steps `sandbox do` performs on an app.
var sandboxSteps = []entra.Step{
	entra.StepAddExchangePermission, entra.StepGrantAdminConsent,
	entra.StepAssignGlobalReader, entra.StepUploadCertificate,
}

// sandboxUndoSteps are those `sandbox undo` reverses (the simulated tenant
// cannot delete a certificate).
var sandboxUndoSteps = sandboxSteps[:3]

func (a *app) sandboxCmd() *cobra.Command {
	c := group("sandbox", "Act in the simulated tenant of xops --sandbox: show it, register an app, do or undo a checklist step",
		a.sandboxShowCmd(), a.sandboxRegisterCmd(), a.sandboxStepCmd(false), a.sandboxStepCmd(true))
	c.Long = "The simulated Entra admin center of 'xops --sandbox', from the command line: register an\n" +
		"app, perform (or undo) the checklist steps on it, and see what is done. With them the\n" +
		"guided 'link microsoft', 'accounts verify' and 'accounts rotate' can be tried without a\n" +
		"Microsoft tenant. They need --sandbox (or XOPS_SANDBOX=1) and touch only the sandbox store."
	bare := c.RunE
	c.RunE = func(cmd *cobra.Command, args []string) error {
		if err := a.requireSandbox(); err != nil {
			return err
		}
		return bare(cmd, args)
	}
	return c
}

// requireSandbox refuses, before anything is opened, a sandbox command run
// against a real tenant's store.
func (a *app) requireSandbox() error {
	if !a.g.sandbox {
		return usageErr("the sandbox commands act on the simulated tenant of xops --sandbox: add --sandbox (or set XOPS_SANDBOX=1)")
	}
	return nil
}

// sandboxLine is a command to run next, with --store when it came from the
// flag (an environment variable carries over by itself).
func (a *app) sandboxLine(args ...string) string {
	line := "xops --sandbox"
	if a.g.storeSrc == "--store" {
		line += " --store " + shellQuote(a.g.store)
	}
	return line + " " + strings.Join(args, " ")
}

// --- show ---

// sandboxJSON is what `sandbox show --json` prints.
type sandboxJSON struct {
	TenantID     string           `json:"tenant_id"`
	Organization string           `json:"organization"`
	Apps         []sandboxAppJSON `json:"apps"`
}

type sandboxAppJSON struct {
	Name  string `json:"name"`
	AppID string `json:"app_id"`
	// StepsDone are the contract IDs of the steps done on the app.
	StepsDone []string `json:"steps_done"`
	// Certificates are the SHA-1 thumbprints uploaded, as the portal lists them.
	Certificates           []string `json:"certificates"`
	Disabled               bool     `json:"disabled"`
	ConditionalAccessBlock bool     `json:"conditional_access_block"`
	// Accounts are the linked accounts that use the app.
	Accounts []string `json:"accounts"`
}

func (a *app) sandboxShowCmd() *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "show",
		Short: "Show the simulated tenant's IDs and each app registration with the steps done on it",
		Args:  cobra.ArbitraryArgs, // checked after --sandbox, so that is said first
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.requireSandbox(); err != nil {
				return err
			}
			if err := cobra.NoArgs(cmd, args); err != nil {
				return usageErr("%s takes no arguments (got %q); usage: %s", cmd.CommandPath(), args[0], cmd.UseLine())
			}
			sb, accounts, err := a.sandboxForReading()
			if err != nil {
				return err
			}
			v := sandboxView(sb, accounts)
			if asJSON {
				return classify(writeJSON(a.stdout, v))
			}
			a.printSandbox(v)
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	return c
}

// sandboxForReading is the saved tenant and the linked accounts by App ID.
// Without a store it is the fresh tenant a first run would make (its IDs are
// fixed), and no store is created by looking.
func (a *app) sandboxForReading() (*sandbox.Sandbox, map[string][]string, error) {
	st, err := a.openExistingStore()
	if errors.Is(err, store.ErrNoStore) {
		sb, err := sandbox.New(sandbox.Options{Now: a.now})
		if err != nil {
			return nil, nil, failedErr(fmt.Errorf("make the sandbox tenant: %w", err))
		}
		return sb, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	sb, err := a.startSandbox()
	if err != nil {
		return nil, nil, err
	}
	accounts, _, err := st.AccountSummaries() // a bad record is 'accounts list''s to report
	if err != nil {
		return nil, nil, failedErr(fmt.Errorf("read the accounts in %s: %w", a.stPath, err))
	}
	byApp := map[string][]string{}
	for _, acc := range accounts {
		id := strings.ToLower(acc.AppID)
		byApp[id] = append(byApp[id], acc.Name)
	}
	return sb, byApp, nil
}

// sandboxView gathers what show prints.
func sandboxView(sb *sandbox.Sandbox, accounts map[string][]string) sandboxJSON {
	v := sandboxJSON{TenantID: sb.TenantID(), Organization: sb.Domain(), Apps: []sandboxAppJSON{}}
	for _, s := range sb.Apps() {
		app := sandboxAppJSON{
			Name: s.Name, AppID: s.AppID, StepsDone: []string{}, Certificates: []string{},
			Disabled: s.Disabled, ConditionalAccessBlock: s.BlockedByPolicy, Accounts: []string{},
		}
		for _, step := range sandboxSteps {
			if stepDone(s, step) {
				app.StepsDone = append(app.StepsDone, string(step))
			}
		}
		app.Certificates = append(app.Certificates, s.Thumbprints...)
		app.Accounts = append(app.Accounts, accounts[strings.ToLower(s.AppID)]...)
		v.Apps = append(v.Apps, app)
	}
	return v
}

// stepDone reports whether step is done on the app.
func stepDone(s sandbox.AppStatus, step entra.Step) bool {
	switch step {
	case entra.StepAddExchangePermission:
		return s.ExchangePermission
	case entra.StepGrantAdminConsent:
		return s.AdminConsent
	case entra.StepAssignGlobalReader:
		return s.GlobalReader
	case entra.StepUploadCertificate:
		return len(s.Thumbprints) > 0
	}
	return false
}

func (a *app) printSandbox(v sandboxJSON) {
	w := a.stdout
	fmt.Fprintln(w, "Simulated tenant (xops --sandbox)")
	fmt.Fprintf(w, "  %-18s %s\n", "Tenant ID:", v.TenantID)
	fmt.Fprintf(w, "  %-18s %s\n", "Organization ID:", oneLine(v.Organization))
	if len(v.Apps) == 0 {
		fmt.Fprintf(a.stderr, "No app registrations yet. Register one: %s\n", a.sandboxLine("sandbox", "register", "NAME"))
		return
	}
	for _, app := range v.Apps {
		fmt.Fprintf(w, "\n%s\n", oneLine(app.Name))
		fmt.Fprintf(w, "  %-18s %s\n", "App (client) ID:", app.AppID)
		if len(app.Accounts) == 0 {
			fmt.Fprintf(w, "  %-18s none yet\n", "Linked account:")
			fmt.Fprintf(w, "  %-18s %s\n", "Link it with:", a.linkLine(app.Name, app.AppID, v))
		} else {
			names := make([]string, len(app.Accounts))
			for i, n := range app.Accounts {
				names[i] = oneLine(n)
			}
			fmt.Fprintf(w, "  %-18s %s\n", "Linked account:", strings.Join(names, ", "))
		}
		for _, step := range sandboxSteps {
			done := false
			for _, d := range app.StepsDone {
				done = done || d == string(step)
			}
			mark := "✗"
			if done {
				mark = "✓"
			}
			fmt.Fprintf(w, "  %s %-24s %d. %s\n", mark, step, step.Number(), stepTitle(step))
		}
		for _, t := range app.Certificates {
			fmt.Fprintf(w, "      certificate %s (SHA-1 thumbprint)\n", t)
		}
		if app.Disabled {
			fmt.Fprintln(w, "  ✗ disabled: sign-in is turned off for the app")
		}
		if app.ConditionalAccessBlock {
			fmt.Fprintln(w, "  ✗ a Conditional Access policy blocks the app's sign-in")
		}
	}
}

// linkLine is the guided link of an app, its IDs filled in.
func (a *app) linkLine(name, appID string, v sandboxJSON) string {
	return a.sandboxLine("link", "microsoft", "--name", shellQuote(name), "--app-id", appID,
		"--tenant-id", v.TenantID, "--org", shellQuote(v.Organization))
}

// --- register ---

func (a *app) sandboxRegisterCmd() *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "register NAME",
		Short: "Register an app in the simulated tenant (register-app); prints its App (client) ID",
		Long: "Registers an app called NAME in the simulated tenant, as step 1 of the checklist does in\n" +
			"the Entra admin center, and prints its App (client) ID on stdout. The commands to run next\n" +
			"(the app's steps, then the guided link with every ID filled in) go to stderr.",
		Args: cobra.ArbitraryArgs, // checked after --sandbox, so that is said first
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.requireSandbox(); err != nil {
				return err
			}
			if err := exactArgs("NAME")(cmd, args); err != nil {
				return err
			}
			name := strings.TrimSpace(args[0])
			switch {
			case name == "":
				return usageErr("NAME: is empty; give the app a display name, such as demo (nothing was registered)")
			case oneLine(name) != name:
				return usageErr("NAME: holds control characters; type a plain name (nothing was registered)")
			}
			sb, err := a.startSandbox()
			if err != nil {
				return err
			}
			appID, err := sb.RegisterApp(name)
			if err != nil {
				return failedErr(err)
			}
			v := sandboxJSON{TenantID: sb.TenantID(), Organization: sb.Domain()}
			if asJSON {
				err = writeJSON(a.stdout, map[string]string{"name": name, "app_id": appID, "tenant_id": v.TenantID, "organization": v.Organization})
				if err != nil {
					return failedErr(err)
				}
			} else {
				fmt.Fprintln(a.stdout, appID)
			}
			step := func(s entra.Step, target string) string {
				return "  " + a.sandboxLine("sandbox", "do", string(s), target)
			}
			fmt.Fprintf(a.stderr, "Registered the app %s in the simulated tenant (step 1, register-app).\n"+
				"Next, do its steps in the simulated Entra:\n%s\n%s\n%s\n"+
				"link it (the IDs are filled in):\n  %s\n"+
				"then upload the certificate the link makes, and verify:\n%s\n  %s\n",
				shellQuote(name),
				step(entra.StepAddExchangePermission, "--app "+appID),
				step(entra.StepGrantAdminConsent, "--app "+appID),
				step(entra.StepAssignGlobalReader, "--app "+appID),
				a.linkLine(name, appID, v),
				step(entra.StepUploadCertificate, "--account "+shellQuote(name)),
				a.sandboxLine("accounts", "verify", shellQuote(name)))
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print one JSON object (name, app_id, tenant_id, organization)")
	return c
}
