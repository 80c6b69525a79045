package ui

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/store"
	"github.com/xops/xops/ui/uikit"
	"github.com/xops/xops/ui/verifyview"
)

// recordingTenant is a SandboxTenant that records what it was asked to do.
type recordingTenant struct{ did []string }

func (r *recordingTenant) AddExchangePermission(appID string) error {
	r.did = append(r.did, "permission "+appID)
	return nil
}

func (r *recordingTenant) GrantAdminConsent(appID string) error {
	r.did = append(r.did, "consent "+appID)
	return nil
}

func (r *recordingTenant) AssignGlobalReader(appID string) error {
	r.did = append(r.did, "reader "+appID)
	return nil
}

func (r *recordingTenant) UploadCertificate(appID string, certPEM []byte) error {
	if !strings.HasPrefix(string(certPEM), "-----BEGIN CERTIFICATE-----") {
		return errors.New("not a PEM certificate")
	}
	r.did = append(r.did, "upload "+appID)
	return nil
}

func fixScreen(t *testing.T, redo *sandboxRedo, step entra.Step) *accountVerifyScreen {
	t.Helper()
	p := newAccountVerifyScreen(verifyview.Deps{Account: "contoso", Now: time.Now})
	if redo != nil {
		p.withSandbox(redo)
	}
	p.SetSize(80, 24)
	p.Update(verifyview.FixStepMsg{Step: step})
	return p
}

func TestRedoStepKeyOnlyWhereTheSandboxCan(t *testing.T) {
	t.Parallel()
	redo := &sandboxRedo{tenant: &recordingTenant{}, account: "contoso"}
	for _, tc := range []struct {
		step entra.Step
		redo *sandboxRedo
		want bool
	}{
		{entra.StepGrantAdminConsent, redo, true},
		{entra.StepAddExchangePermission, redo, true},
		{entra.StepAssignGlobalReader, redo, true},
		{entra.StepUploadCertificate, redo, true},
		{entra.StepRegisterApp, redo, false}, // a new app would have another App ID
		{entra.StepEnterIDs, redo, false},
		{entra.StepGenerateKey, redo, false},
		{entra.StepGrantAdminConsent, nil, false}, // not in the sandbox
	} {
		p := fixScreen(t, tc.redo, tc.step)
		view := ansi.Strip(p.View())
		if got := p.keys.Sandbox.Enabled(); got != tc.want {
			t.Errorf("%s (sandbox %v): d enabled %v, want %v", tc.step, tc.redo != nil, got, tc.want)
		}
		if got := strings.Contains(view, "press d"); got != tc.want {
			t.Errorf("%s (sandbox %v): the view offers d: %v, want %v\n%s", tc.step, tc.redo != nil, got, tc.want, view)
		}
		if _, cmd := p.Update(keyPress("d")); (cmd != nil) != tc.want {
			t.Errorf("%s (sandbox %v): d gave a command: %v, want %v", tc.step, tc.redo != nil, cmd != nil, tc.want)
		}
	}
}

func TestRedoStepInTheSandbox(t *testing.T) {
	t.Parallel()
	st, err := store.Open(filepath.Join(t.TempDir(), "xops.db"), store.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	svc := &flow.Service{Store: st, Cloud: "global", Now: time.Now}
	const appID = "8f3c2a51-6d0e-4b7a-9c1f-2e4d5a6b7c81"
	if _, err := svc.Link(t.Context(), flow.LinkInput{Name: "contoso", AppID: appID,
		TenantID: "11111111-2222-3333-4444-555555555555", Organization: "contoso.onmicrosoft.com",
		KeySize: 2048, CertDays: 365}, nil); err != nil {
		t.Fatal(err)
	}
	tenant := &recordingTenant{}
	for _, step := range []entra.Step{entra.StepGrantAdminConsent, entra.StepUploadCertificate} {
		p := fixScreen(t, &sandboxRedo{tenant: tenant, svc: svc, account: "contoso"}, step)
		_, cmd := p.Update(keyPress("d"))
		if cmd == nil {
			t.Fatalf("%s: d did nothing", step)
		}
		if _, again := p.Update(keyPress("r")); again != nil || !p.fixing {
			t.Fatalf("%s: r verified while the sandbox was at work", step)
		}
		p.Update(cmd())
		if view := ansi.Strip(p.View()); !strings.Contains(view, "Done in the sandbox: r verifies again") {
			t.Fatalf("%s: after d the view says\n%s", step, view)
		}
		if p.keys.Sandbox.Enabled() || !p.keys.Again.Enabled() {
			t.Fatalf("%s: after d, d enabled %v and r %v; want r only", step, p.keys.Sandbox.Enabled(), p.keys.Again.Enabled())
		}
	}
	if want := []string{"consent " + appID, "upload " + appID}; strings.Join(tenant.did, ",") != strings.Join(want, ",") {
		t.Fatalf("the sandbox did %v, want %v", tenant.did, want)
	}

	// An account that is gone: the error is said, nothing is done.
	p := fixScreen(t, &sandboxRedo{tenant: tenant, svc: svc, account: "fabrikam"}, entra.StepGrantAdminConsent)
	_, cmd := p.Update(keyPress("d"))
	p.Update(cmd())
	if view := ansi.Strip(p.View()); !strings.Contains(view, "✗ Sandbox: read the account") {
		t.Fatalf("a missing account: the view says\n%s", view)
	}
	if len(tenant.did) != 2 {
		t.Fatalf("the sandbox did %v for a missing account", tenant.did)
	}
}

// The upload step redone for a linked account says where its certificate
// comes from (an export), not the wizard's "after the form".
func TestRedoUploadSaysToExport(t *testing.T) {
	t.Parallel()
	text := ansi.Strip(strings.Join(stepToRedo(uikit.NewStyles(true, true), entra.StepUploadCertificate, 200, false), "\n"))
	if !strings.Contains(text, "1. Export the certificate first: e on Home") || strings.Contains(text, "after the form") {
		t.Fatalf("redo upload says:\n%s", text)
	}
	// The file to pick is the one the admin exported, not one "xops saved".
	if !strings.Contains(text, "pick the .cer file you exported") || strings.Contains(text, "xops saved") {
		t.Fatalf("redo upload names the file as:\n%s", text)
	}
}

// In a rotation the certificate to upload is the new one, which export
// (e) does not write: the step says where the new one is saved instead.
func TestRedoUploadInARotationSaysToSaveTheNewOne(t *testing.T) {
	t.Parallel()
	text := ansi.Strip(strings.Join(stepToRedo(uikit.NewStyles(true, true), entra.StepUploadCertificate, 200, true), "\n"))
	if strings.Contains(text, "Export the certificate first") || !strings.Contains(text, "o resumes the rotation, and s on its page saves the new certificate") {
		t.Fatalf("redo upload in a rotation says:\n%s", text)
	}
}

// The rotation's verification screen knows it checks the new certificate.
func TestRotationVerifyScreenIsMarkedRotating(t *testing.T) {
	t.Parallel()
	p := &rotateScreen{styles: uikit.NewStyles(true, true), width: 80, height: 24}
	_ = p.verifyNew()
	if p.verify == nil || !p.verify.rotating {
		t.Fatal("the rotation's verify screen would tell the admin to export (e), which writes the old certificate")
	}
}

// The sandbox's own errors start "sandbox: ": the note says "Sandbox:" once.
func TestSandboxNoteSaysSandboxOnce(t *testing.T) {
	t.Parallel()
	redo := &sandboxRedo{}
	err := fmt.Errorf("sandbox: app %q: %w", "x", errors.New("no such app registration in the sandbox tenant"))
	got := sandboxNote(redo, entra.StepGrantAdminConsent, false, "", err)
	if got != `✗ Sandbox: app "x": no such app registration in the sandbox tenant` {
		t.Errorf("note %q", got)
	}
}
