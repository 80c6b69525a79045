package ui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/internal/safetext"
	"github.com/xops/xops/ui/verifyview"
)

// SandboxTenant is what the account pages can do in the simulated tenant of
// `xops --sandbox`: the admin-center actions that fix an app already
// registered. With it, a step that verification names can be redone from
// Home (the link wizard's checklist has its own d for the same).
// *sandbox.Sandbox implements it.
type SandboxTenant interface {
	AddExchangePermission(appID string) error
	GrantAdminConsent(appID string) error
	AssignGlobalReader(appID string) error
	UploadCertificate(appID string, certPEM []byte) error
}

// sandboxRedo performs one failed step again in the simulated tenant, for
// one linked account.
type sandboxRedo struct {
	tenant  SandboxTenant
	svc     *flow.Service
	account string
}

// sandboxRedoneMsg reports a step redone in the sandbox.
type sandboxRedoneMsg struct {
	step entra.Step
	err  error
}

// sandboxCanRedo reports whether the sandbox can redo step for an account
// that exists: registering the app again would give it a new App ID (the
// account keeps the old one), and the IDs and the key are xops's, not Entra's.
func sandboxCanRedo(step entra.Step) bool {
	switch step {
	case entra.StepAddExchangePermission, entra.StepGrantAdminConsent, entra.StepAssignGlobalReader,
		entra.StepUploadCertificate:
		return true
	}
	return false
}

// cmd does step in the simulated tenant for the account's app, reading the
// account as it is now (its App ID, its active certificate).
func (r *sandboxRedo) cmd(step entra.Step) tea.Cmd {
	tenant, svc, name := r.tenant, r.svc, r.account
	return func() tea.Msg {
		err := redoInSandbox(tenant, svc, name, step)
		return sandboxRedoneMsg{step: step, err: err}
	}
}

func redoInSandbox(tenant SandboxTenant, svc *flow.Service, name string, step entra.Step) error {
	a, err := svc.Account(name)
	if err != nil {
		return fmt.Errorf("read the account %q: %w", name, err)
	}
	switch step {
	case entra.StepAddExchangePermission:
		return tenant.AddExchangePermission(a.AppID)
	case entra.StepGrantAdminConsent:
		return tenant.GrantAdminConsent(a.AppID)
	case entra.StepAssignGlobalReader:
		return tenant.AssignGlobalReader(a.AppID)
	case entra.StepUploadCertificate:
		cert, err := svc.Export(a.Name, flow.FormatPEM, "") // the public certificate only
		if err != nil {
			return fmt.Errorf("read the certificate to upload: %w", err)
		}
		return tenant.UploadCertificate(a.AppID, cert)
	}
	return fmt.Errorf("the sandbox cannot redo %s for a linked account", verifyview.StepLabel(step))
}

// sandboxNote is the line the step-to-redo view shows about the sandbox.
func sandboxNote(redo *sandboxRedo, step entra.Step, working bool, done entra.Step, err error) string {
	switch {
	case redo == nil || !sandboxCanRedo(step):
		return ""
	case working:
		return "Sandbox: doing it…"
	case err != nil:
		// The sandbox's own errors start "sandbox: ": say it once.
		return "✗ Sandbox: " + strings.TrimPrefix(safetext.Line(err.Error()), "sandbox: ")
	case done == step:
		return "✓ Done in the sandbox: r verifies again."
	}
	return "Sandbox: press d to do it in the simulated Entra."
}
