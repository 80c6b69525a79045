package verifyview

import (
	"context"
	"testing"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/entra/certs"
	"github.com/xops/xops/entra/sandbox"
)

// sandboxVerifier runs entra's real checks against the simulated tenant,
// the way flow will for a stored account.
type sandboxVerifier struct {
	v      *entra.Verifier
	target entra.Target
	cred   *certs.Credential
}

func (s sandboxVerifier) VerifyAccount(ctx context.Context, name string, onCheck func(entra.CheckResult)) (entra.Report, error) {
	t := s.target
	t.Account = name
	return s.v.Verify(ctx, t, s.cred, onCheck), nil
}

// TestAgainstTheSandbox drives the screen with entra's real checks: consent
// not granted is caught and named, f jumps to step 3, and once the consent
// is granted in the simulated tenant, r passes.
func TestAgainstTheSandbox(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("generates an RSA key and runs a TLS sandbox")
	}
	sb, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatalf("sandbox.New: %v", err)
	}
	if err := sb.Start(); err != nil {
		t.Fatalf("sandbox.Start: %v", err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	cred, err := certs.Generate(context.Background(), certs.Request{CommonName: "contoso", KeySize: 2048, Days: 365})
	if err != nil {
		t.Fatalf("certs.Generate: %v", err)
	}
	appID, err := sb.RegisterApp("xops")
	if err != nil {
		t.Fatalf("RegisterApp: %v", err)
	}
	for name, err := range map[string]error{
		"AddExchangePermission": sb.AddExchangePermission(appID),
		"AssignGlobalReader":    sb.AssignGlobalReader(appID),
		"UploadCertificate":     sb.UploadCertificate(appID, cred.CertificatePEM()),
	} {
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	v := sandboxVerifier{
		v:      &entra.Verifier{Endpoints: sb.Endpoints(), HTTP: sb.HTTPClient()},
		target: entra.Target{AppID: appID, TenantID: sb.TenantID(), Organization: sb.Domain()},
		cred:   cred,
	}

	h := newHarness(t, nil, Deps{Verifier: v}, 80, 24)
	h.settle()
	h.wantView("✓ Tenant exists", "✓ Entra accepts our certificate", "✗ Exchange.ManageAsApp granted",
		"Step to fix: 3. Grant admin consent", "✗ Fix step 3 (Grant admin consent), then retry.")
	if got := h.m.Report().FailedStep; got != entra.StepGrantAdminConsent {
		t.Fatalf("failed step = %q, want %q", got, entra.StepGrantAdminConsent)
	}
	h.press("f")
	if fix := h.drain("FixStepMsg", isFix).(FixStepMsg); fix.Step != entra.StepGrantAdminConsent {
		t.Errorf("FixStepMsg.Step = %q", fix.Step)
	}

	if err := sb.GrantAdminConsent(appID); err != nil {
		t.Fatalf("GrantAdminConsent: %v", err)
	}
	h.press("r")
	h.settle()
	h.wantView("All 8 checks passed", "attempt 2")
	if !h.m.Report().OK {
		t.Errorf("report after consent = %+v", h.m.Report())
	}
}
