package entra_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/entra/certs"
	"github.com/xops/xops/entra/sandbox"
)

// RSA key generation is the slow part of these tests: two credentials are
// made once and shared (each test uploads them to its own sandbox tenant).
var (
	credOnce          sync.Once
	goodCred, badCred *certs.Credential
	credErr           error
)

func credentials(t testing.TB) (good, other *certs.Credential) {
	t.Helper()
	credOnce.Do(func() {
		for _, dst := range []**certs.Credential{&goodCred, &badCred} {
			c, err := certs.Generate(context.Background(), certs.Request{CommonName: "xops-test", KeySize: 2048, Days: 365})
			if err != nil {
				credErr = err
				return
			}
			*dst = c
		}
	})
	if credErr != nil {
		t.Fatalf("generate credentials: %v", credErr)
	}
	return goodCred, badCred
}

// tenant is a started sandbox with an app set up by the steps not skipped.
type tenant struct {
	sb     *sandbox.Sandbox
	target entra.Target
	cred   *certs.Credential
}

// setup starts a sandbox and performs every checklist step except skip.
func setup(t testing.TB, skip ...entra.Step) *tenant {
	t.Helper()
	sb, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatalf("sandbox.New: %v", err)
	}
	if err := sb.Start(); err != nil {
		t.Fatalf("sandbox.Start: %v", err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	good, _ := credentials(t)
	skipped := map[entra.Step]bool{}
	for _, s := range skip {
		skipped[s] = true
	}
	appID, err := sb.RegisterApp("xops")
	if err != nil {
		t.Fatalf("RegisterApp: %v", err)
	}
	must := func(name string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	if !skipped[entra.StepAddExchangePermission] {
		must("AddExchangePermission", sb.AddExchangePermission(appID))
	}
	if !skipped[entra.StepGrantAdminConsent] {
		must("GrantAdminConsent", sb.GrantAdminConsent(appID))
	}
	if !skipped[entra.StepAssignGlobalReader] {
		must("AssignGlobalReader", sb.AssignGlobalReader(appID))
	}
	if !skipped[entra.StepUploadCertificate] {
		must("UploadCertificate", sb.UploadCertificate(appID, good.CertificatePEM()))
	}
	return &tenant{
		sb:     sb,
		target: entra.Target{Account: "contoso", AppID: appID, TenantID: sb.TenantID(), Organization: sb.Domain()},
		cred:   good,
	}
}

// verifier talks to the tenant's sandbox.
func (tn *tenant) verifier() *entra.Verifier {
	return &entra.Verifier{Endpoints: tn.sb.Endpoints(), HTTP: tn.sb.HTTPClient()}
}

// verify runs a verification with a deadline.
func (tn *tenant) verify(t testing.TB) entra.Report {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return tn.verifier().Verify(ctx, tn.target, tn.cred, nil)
}

// want is the expected state of one check: "ok", "fail" or "skip".
type want map[entra.CheckID]string

// assertReport checks the report's shape, every check's state, the failing
// check's step and failed_step.
func assertReport(t *testing.T, r entra.Report, states want, failedStep entra.Step) {
	t.Helper()
	if len(r.Checks) != len(entra.CheckOrder) {
		t.Fatalf("report has %d checks, want %d", len(r.Checks), len(entra.CheckOrder))
	}
	allOK := true
	for i, c := range r.Checks {
		if c.ID != entra.CheckOrder[i] {
			t.Errorf("check %d is %q, want %q", i, c.ID, entra.CheckOrder[i])
		}
		if c.Message == "" {
			t.Errorf("check %s has no message", c.ID)
		}
		st := states[c.ID]
		if st == "" {
			st = "ok"
		}
		got := "ok"
		switch {
		case c.Skipped:
			got = "skip"
			if c.OK {
				t.Errorf("check %s is skipped but ok", c.ID)
			}
		case !c.OK:
			got = "fail"
		}
		if got != st {
			t.Errorf("check %s: got %s (%q, hint %q), want %s", c.ID, got, c.Message, c.Hint, st)
		}
		if got == "ok" && c.Step != "" {
			t.Errorf("passing check %s names step %q", c.ID, c.Step)
		}
		if got != "ok" {
			allOK = false
		}
	}
	if _, ok := r.FirstFailure(); !r.OK && !ok {
		t.Errorf("a failing report must show a check that failed, not only skipped ones: %+v", r.Checks)
	}
	if r.OK != allOK {
		t.Errorf("report ok = %v, want %v", r.OK, allOK)
	}
	if r.FailedStep != failedStep {
		t.Errorf("failed_step = %q, want %q", r.FailedStep, failedStep)
	}
	if r.Account != "contoso" {
		t.Errorf("account = %q", r.Account)
	}
}

// contextCancelled returns a cancellable context tied to the test.
func contextCancelled(t testing.TB) (context.Context, context.CancelFunc) {
	return context.WithCancel(t.Context())
}
