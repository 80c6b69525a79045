package entra_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/entra/certs"
	"github.com/xops/xops/entra/sandbox"
)

// One test per row of DESIGN.md's diagnosis table, plus the all-good path:
// the sandbox tenant is set up with exactly one mistake, and the report must
// name the failing check and step and pass or skip the others as it should.

const (
	otherTenant = "11111111-2222-4333-8444-555555555555"
	otherDomain = "fabrikam.onmicrosoft.com"
)

func failing(t *testing.T, r entra.Report, id entra.CheckID, step entra.Step, words ...string) {
	t.Helper()
	c := r.Check(id)
	if c.OK || c.Skipped {
		t.Fatalf("check %s: ok=%v skipped=%v, want a failure", id, c.OK, c.Skipped)
	}
	if c.Step != step {
		t.Errorf("check %s names step %q, want %q", id, c.Step, step)
	}
	all := strings.ToLower(c.Message + " " + c.Hint)
	for _, w := range words {
		if !strings.Contains(all, strings.ToLower(w)) {
			t.Errorf("check %s: %q (hint %q) does not mention %q", id, c.Message, c.Hint, w)
		}
	}
}

func TestVerifyAllGood(t *testing.T) {
	t.Parallel()
	tn := setup(t)
	var seen []entra.CheckID
	r := tn.verifier().Verify(t.Context(), tn.target, tn.cred, func(c entra.CheckResult) { seen = append(seen, c.ID) })
	assertReport(t, r, want{}, "")
	if len(seen) != len(entra.CheckOrder) {
		t.Errorf("onCheck saw %d results, want %d: %v", len(seen), len(entra.CheckOrder), seen)
	}
	if !strings.Contains(r.Check(entra.CheckExchange).Message, "Get-OrganizationConfig") {
		t.Errorf("exchange message %q", r.Check(entra.CheckExchange).Message)
	}
	// The JSON shape of the contract.
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if _, ok := m["failed_step"]; ok {
		t.Errorf("failed_step present in a passing report: %s", b)
	}
	checks, _ := m["checks"].([]any)
	first, _ := checks[0].(map[string]any)
	if first["id"] != "certificate-local" || first["ok"] != true {
		t.Errorf("first check JSON = %v", first)
	}
	for _, k := range []string{"skipped", "step", "hint"} {
		if _, ok := first[k]; ok {
			t.Errorf("passing check JSON carries %q: %v", k, first)
		}
	}
}

// 90002: tenant not found.
func TestDiagnoseTenantNotFound(t *testing.T) {
	t.Parallel()
	tn := setup(t)
	tn.target.TenantID = otherTenant
	r := tn.verify(t)
	assertReport(t, r, want{
		entra.CheckTenant: "fail", entra.CheckOrganization: "skip", entra.CheckApp: "skip", entra.CheckCertificate: "skip",
		entra.CheckExchangePermission: "skip", entra.CheckGlobalReader: "skip", entra.CheckExchange: "skip",
	}, entra.StepCopyIDs)
	failing(t, r, entra.CheckTenant, entra.StepCopyIDs, otherTenant)
	if h := r.Check(entra.CheckOrganization).Hint; !strings.Contains(h, tn.sb.TenantID()) {
		t.Errorf("organization hint %q should name the domain's real tenant", h)
	}
}

// A tenant ID that is really the App ID, and vice versa.
func TestDiagnoseSwappedIDs(t *testing.T) {
	t.Parallel()
	tn := setup(t)
	tn.target.AppID, tn.target.TenantID = tn.target.TenantID, tn.target.AppID
	r := tn.verify(t)
	failing(t, r, entra.CheckTenant, entra.StepCopyIDs, "swapped")
	if r.FailedStep != entra.StepCopyIDs {
		t.Errorf("failed_step %q", r.FailedStep)
	}
	tn.target.TenantID = tn.target.AppID
	r = tn.verify(t)
	failing(t, r, entra.CheckTenant, entra.StepCopyIDs, "same value")
}

// 90038 / 900432: the tenant lives in another national cloud.
func TestDiagnoseTenantInOtherCloud(t *testing.T) {
	t.Parallel()
	tn := setup(t)
	tn.sb.AddForeignTenant(otherTenant, "gcchigh.onmicrosoft.us", "microsoftonline.us")
	tn.target.TenantID, tn.target.Organization = otherTenant, "gcchigh.onmicrosoft.us"
	r := tn.verify(t)
	failing(t, r, entra.CheckTenant, entra.StepCopyIDs, "--cloud usgov")
	if r.FailedStep != entra.StepCopyIDs {
		t.Errorf("failed_step %q", r.FailedStep)
	}
	for _, id := range []entra.CheckID{entra.CheckApp, entra.CheckCertificate, entra.CheckExchange} {
		if !r.Check(id).Skipped {
			t.Errorf("%s should be skipped: %+v", id, r.Check(id))
		}
	}
}

// The organization domain belongs to another tenant.
func TestDiagnoseOrganizationOfAnotherTenant(t *testing.T) {
	t.Parallel()
	tn := setup(t)
	tn.sb.AddForeignTenant(otherTenant, otherDomain, "")
	tn.target.Organization = otherDomain
	r := tn.verify(t)
	assertReport(t, r, want{entra.CheckOrganization: "fail", entra.CheckExchange: "skip"}, entra.StepCopyIDs)
	failing(t, r, entra.CheckOrganization, entra.StepCopyIDs, otherDomain, otherTenant)
}

func TestDiagnoseOrganizationUnknown(t *testing.T) {
	t.Parallel()
	tn := setup(t)
	tn.target.Organization = "nobody-here.onmicrosoft.com"
	r := tn.verify(t)
	assertReport(t, r, want{entra.CheckOrganization: "fail", entra.CheckExchange: "skip"}, entra.StepCopyIDs)
}

// 700016: application not found in the directory.
func TestDiagnoseAppNotFound(t *testing.T) {
	t.Parallel()
	tn := setup(t)
	tn.target.AppID = otherTenant
	r := tn.verify(t)
	assertReport(t, r, want{
		entra.CheckApp: "fail", entra.CheckCertificate: "skip", entra.CheckExchangePermission: "skip",
		entra.CheckGlobalReader: "skip", entra.CheckExchange: "skip",
	}, entra.StepRegisterApp)
	failing(t, r, entra.CheckApp, entra.StepRegisterApp, otherTenant, "copy-ids")
}

// 7000112: application disabled.
func TestDiagnoseAppDisabled(t *testing.T) {
	t.Parallel()
	tn := setup(t)
	if err := tn.sb.DisableApp(tn.target.AppID); err != nil {
		t.Fatal(err)
	}
	r := tn.verify(t)
	assertReport(t, r, want{
		entra.CheckApp: "fail", entra.CheckCertificate: "skip", entra.CheckExchangePermission: "skip",
		entra.CheckGlobalReader: "skip", entra.CheckExchange: "skip",
	}, entra.StepRegisterApp)
	failing(t, r, entra.CheckApp, entra.StepRegisterApp, "disabled")
}

// 700027: the certificate xops signs with is not uploaded on the app.
func TestDiagnoseCertificateNotUploaded(t *testing.T) {
	t.Parallel()
	tn := setup(t, entra.StepUploadCertificate)
	_, other := credentials(t)
	if err := tn.sb.UploadCertificate(tn.target.AppID, other.CertificatePEM()); err != nil {
		t.Fatal(err)
	}
	r := tn.verify(t)
	assertReport(t, r, want{
		entra.CheckCertificate: "fail", entra.CheckExchangePermission: "skip",
		entra.CheckGlobalReader: "skip", entra.CheckExchange: "skip",
	}, entra.StepUploadCertificate)
	failing(t, r, entra.CheckCertificate, entra.StepUploadCertificate, certs.Thumbprint(tn.cred.Certificate))
}

// 700024: the assertion is outside its valid time range (a clock is off).
func TestDiagnoseClockSkew(t *testing.T) {
	t.Parallel()
	tn := setup(t)
	tn.sb.SetClockSkew(time.Hour)
	r := tn.verify(t)
	assertReport(t, r, want{
		entra.CheckCertificate: "fail", entra.CheckExchangePermission: "skip",
		entra.CheckGlobalReader: "skip", entra.CheckExchange: "skip",
	}, "")
	failing(t, r, entra.CheckCertificate, "", "clock")
}

// 500011: the tenant has no Exchange Online.
func TestDiagnoseNoExchangeOnline(t *testing.T) {
	t.Parallel()
	tn := setup(t)
	tn.sb.SetExchangeOnline(false)
	r := tn.verify(t)
	assertReport(t, r, want{entra.CheckExchangePermission: "skip", entra.CheckExchange: "fail"}, "")
	failing(t, r, entra.CheckExchange, "", "Exchange Online")
}

// 53003: blocked by Conditional Access.
func TestDiagnoseConditionalAccess(t *testing.T) {
	t.Parallel()
	tn := setup(t)
	if err := tn.sb.SetConditionalAccessBlock(tn.target.AppID, true); err != nil {
		t.Fatal(err)
	}
	r := tn.verify(t)
	assertReport(t, r, want{
		entra.CheckApp: "fail", entra.CheckCertificate: "skip", entra.CheckExchangePermission: "skip",
		entra.CheckGlobalReader: "skip", entra.CheckExchange: "skip",
	}, "")
	failing(t, r, entra.CheckApp, "", "Conditional Access")
}

// No roles claim because the permission was never added.
func TestDiagnosePermissionNotAdded(t *testing.T) {
	t.Parallel()
	tn := setup(t, entra.StepAddExchangePermission)
	r := tn.verify(t)
	assertReport(t, r, want{entra.CheckExchangePermission: "fail", entra.CheckExchange: "skip"}, entra.StepAddExchangePermission)
	failing(t, r, entra.CheckExchangePermission, entra.StepAddExchangePermission, "Exchange.ManageAsApp")
}

// No roles claim because admin consent was never granted.
func TestDiagnoseConsentNotGranted(t *testing.T) {
	t.Parallel()
	tn := setup(t, entra.StepGrantAdminConsent)
	r := tn.verify(t)
	assertReport(t, r, want{entra.CheckExchangePermission: "fail", entra.CheckExchange: "skip"}, entra.StepGrantAdminConsent)
	failing(t, r, entra.CheckExchangePermission, entra.StepGrantAdminConsent, "consent")
}

// No Global Reader in wids.
func TestDiagnoseGlobalReaderNotAssigned(t *testing.T) {
	t.Parallel()
	tn := setup(t, entra.StepAssignGlobalReader)
	r := tn.verify(t)
	assertReport(t, r, want{entra.CheckGlobalReader: "fail", entra.CheckExchange: "skip"}, entra.StepAssignGlobalReader)
	failing(t, r, entra.CheckGlobalReader, entra.StepAssignGlobalReader, "Global Reader")
}

// Without Global Reader, Graph cannot tell a missing permission from missing
// consent: the report still names the first of the two steps and both fail.
func TestDiagnoseConsentAndGlobalReaderMissing(t *testing.T) {
	t.Parallel()
	tn := setup(t, entra.StepGrantAdminConsent, entra.StepAssignGlobalReader)
	r := tn.verify(t)
	assertReport(t, r, want{entra.CheckExchangePermission: "fail", entra.CheckGlobalReader: "fail", entra.CheckExchange: "skip"}, entra.StepAddExchangePermission)
	failing(t, r, entra.CheckExchangePermission, entra.StepAddExchangePermission, "consent")
}

// Exchange itself refuses: 403 → assign-global-reader, 401 → consent side.
func TestDiagnoseExchangeRefusals(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status int
		step   entra.Step
	}{{403, entra.StepAssignGlobalReader}, {401, entra.StepGrantAdminConsent}} {
		tn := setup(t)
		tn.sb.SetFault(sandbox.ServiceExchange, sandbox.Fault{Status: tc.status})
		r := tn.verify(t)
		assertReport(t, r, want{entra.CheckExchange: "fail"}, tc.step)
		failing(t, r, entra.CheckExchange, tc.step, "HTTP")
	}
}

// certificate-local: an expired certificate, and one expiring soon.
func TestCertificateLocal(t *testing.T) {
	t.Parallel()
	tn := setup(t)
	v := tn.verifier()
	v.Now = func() time.Time { return tn.cred.Certificate.NotAfter.Add(time.Hour) }
	r := v.Verify(t.Context(), tn.target, tn.cred, nil)
	failing(t, r, entra.CheckCertificateLocal, entra.StepGenerateKey, "expired")
	for _, id := range []entra.CheckID{entra.CheckApp, entra.CheckCertificate, entra.CheckExchange} {
		if !r.Check(id).Skipped || !strings.Contains(r.Check(id).Message, "certificate-local") {
			t.Errorf("%s should wait on certificate-local: %+v", id, r.Check(id))
		}
	}
	if r.FailedStep != entra.StepGenerateKey {
		t.Errorf("failed_step %q", r.FailedStep)
	}

	v.Now = func() time.Time { return tn.cred.Certificate.NotAfter.Add(-12 * 24 * time.Hour) }
	r = v.Verify(t.Context(), tn.target, tn.cred, nil)
	c := r.Check(entra.CheckCertificateLocal)
	if !c.OK || !strings.Contains(c.Warning, "12 days") {
		t.Errorf("expiring certificate: %+v", c)
	}
	if !r.OK {
		t.Errorf("a warning must not fail the report: %+v", r)
	}

	_, other := credentials(t)
	mixed := *tn.cred
	mixed.Key = other.Key
	r = tn.verifier().Verify(t.Context(), tn.target, &mixed, nil)
	failing(t, r, entra.CheckCertificateLocal, entra.StepGenerateKey, "does not belong")
}

// "common" and friends are aliases, not a tenant ID.
func TestDiagnoseTenantAlias(t *testing.T) {
	t.Parallel()
	tn := setup(t)
	tn.target.TenantID = "organizations"
	r := tn.verify(t)
	failing(t, r, entra.CheckTenant, entra.StepCopyIDs, "alias")
}

// Missing input names the form (enter-ids), and a missing key pair names
// generate-key; nothing is sent for checks that cannot run.
func TestDiagnoseMissingInput(t *testing.T) {
	t.Parallel()
	tn := setup(t)
	for name, tc := range map[string]struct {
		edit  func(*entra.Target)
		check entra.CheckID
	}{
		"no app id":       {func(tg *entra.Target) { tg.AppID = "" }, entra.CheckApp},
		"no tenant id":    {func(tg *entra.Target) { tg.TenantID = "" }, entra.CheckTenant},
		"no organization": {func(tg *entra.Target) { tg.Organization = "" }, entra.CheckOrganization},
	} {
		tg := tn.target
		tc.edit(&tg)
		r := tn.verifier().Verify(t.Context(), tg, tn.cred, nil)
		c := r.Check(tc.check)
		if c.OK || c.Skipped || c.Step != entra.StepEnterIDs || r.FailedStep != entra.StepEnterIDs {
			t.Errorf("%s: %+v, failed_step %q", name, c, r.FailedStep)
		}
	}
	r := tn.verifier().Verify(t.Context(), tn.target, nil, nil)
	failing(t, r, entra.CheckCertificateLocal, entra.StepGenerateKey, "no key pair")
	if !r.Check(entra.CheckApp).Skipped {
		t.Errorf("app ran without a key: %+v", r.Check(entra.CheckApp))
	}
}
