package flow_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	pkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/entra/certs"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/store"
)

var testNow = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

// fakeVerifier returns a canned report and remembers how it was called.
type fakeVerifier struct {
	mu       sync.Mutex
	report   entra.Report
	targets  []entra.Target
	waited   time.Duration
	gotCreds []*certs.Credential
}

func (f *fakeVerifier) Verify(_ context.Context, t entra.Target, c *certs.Credential, onCheck func(entra.CheckResult)) entra.Report {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.targets = append(f.targets, t)
	f.gotCreds = append(f.gotCreds, c)
	if onCheck != nil {
		for _, r := range f.report.Checks {
			onCheck(r)
		}
	}
	r := f.report
	r.Account = t.Account
	return r
}

func (f *fakeVerifier) VerifyWait(ctx context.Context, t entra.Target, c *certs.Credential, wait time.Duration, onAttempt func(int, entra.Report)) entra.Report {
	r := f.Verify(ctx, t, c, nil)
	f.mu.Lock()
	f.waited = wait
	f.mu.Unlock()
	if onAttempt != nil {
		onAttempt(1, r)
	}
	return r
}

// keyRecorder remembers which key ids were stored, to prove none is orphaned.
type keyRecorder struct {
	flow.AccountStore
	mu  sync.Mutex
	ids []string
}

func (k *keyRecorder) PutKey(id string, km store.KeyMaterial) error {
	k.mu.Lock()
	k.ids = append(k.ids, id)
	k.mu.Unlock()
	return k.AccountStore.PutKey(id, km)
}

func report(failAt entra.CheckID, step entra.Step) entra.Report {
	r := entra.Report{OK: failAt == ""}
	failed := false
	for _, id := range entra.CheckOrder {
		c := entra.CheckResult{ID: id, OK: true, Message: "fine"}
		switch {
		case failed:
			c = entra.CheckResult{ID: id, Skipped: true, Message: "skipped"}
		case id == failAt:
			c = entra.CheckResult{ID: id, Step: step, Message: "broken", Hint: "fix it"}
			failed = true
			r.FailedStep = step
		}
		r.Checks = append(r.Checks, c)
	}
	return r
}

type fixture struct {
	svc *flow.Service
	st  *store.Store
	rec *keyRecorder
	ver *fakeVerifier
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "xops.db"), store.Options{Timeout: time.Second, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	rec := &keyRecorder{AccountStore: st}
	ver := &fakeVerifier{report: report("", "")}
	svc := &flow.Service{Store: rec, Verifier: ver, Cloud: "usgov", Now: func() time.Time { return testNow }}
	return &fixture{svc: svc, st: st, rec: rec, ver: ver}
}

func validInput(name string) flow.LinkInput {
	return flow.LinkInput{
		Name:         name,
		AppID:        " {8F3C2A51-6D0E-4B7A-9C1F-2E4D5A6B7C81} ",
		TenantID:     "11111111-2222-3333-4444-555555555555",
		Organization: "Contoso.onmicrosoft.com",
		KeySize:      flow.DefaultKeySize,
		CertDays:     flow.DefaultCertDays,
	}
}

func (f *fixture) link(t *testing.T, name string) flow.LinkResult {
	t.Helper()
	res, err := f.svc.Link(context.Background(), validInput(name), nil)
	if err != nil {
		t.Fatalf("Link(%q): %v", name, err)
	}
	return res
}

func (f *fixture) names(t *testing.T) []string {
	t.Helper()
	accounts, bad, err := f.st.Accounts()
	if err != nil || len(bad) > 0 {
		t.Fatalf("Accounts: %v %v", err, bad)
	}
	var names []string
	for _, a := range accounts {
		names = append(names, a.Name)
	}
	return names
}

func (f *fixture) noOrphanKeys(t *testing.T) {
	t.Helper()
	f.rec.mu.Lock()
	defer f.rec.mu.Unlock()
	for _, id := range f.rec.ids {
		if _, err := f.st.Key(id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("key %s was left behind (err %v)", id, err)
		}
	}
}

func TestLinkSavesNormalisedAccountWithKeyAndAudit(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	res := f.link(t, "Contoso")

	a, err := f.st.AccountByName("contoso")
	if err != nil {
		t.Fatal(err)
	}
	if a.AppID != "8f3c2a51-6d0e-4b7a-9c1f-2e4d5a6b7c81" || a.Organization != "contoso.onmicrosoft.com" {
		t.Errorf("not normalised: app %q org %q", a.AppID, a.Organization)
	}
	if a.Cloud != "usgov" || a.Status != store.StatusUnverified || !a.Created.Equal(testNow) {
		t.Errorf("cloud %q status %q created %v", a.Cloud, a.Status, a.Created)
	}
	c, ok := a.Active()
	if !ok || c.KeySize != 2048 || c.Thumbprint != certs.Thumbprint(res.Credential.Certificate) {
		t.Fatalf("credential %+v, want thumbprint %s", c, certs.Thumbprint(res.Credential.Certificate))
	}
	if got := c.NotAfter.Sub(c.NotBefore); got < 365*24*time.Hour {
		t.Errorf("validity %v, want at least 365 days", got)
	}
	km, err := f.st.Key(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := certs.Parse(km.CertDER, km.KeyPKCS8); err != nil {
		t.Errorf("stored key material does not open: %v", err)
	}
	audit, err := f.st.Audit(a.ID)
	if err != nil || len(audit) != 1 || audit[0].Action != flow.AuditLinked {
		t.Fatalf("audit %+v, %v", audit, err)
	}
}

func TestLinkRefusesBadInputAndWritesNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	in := validInput("contoso")
	in.AppID = "not-a-guid"
	in.Organization = "nodots"
	_, err := f.svc.Link(context.Background(), in, nil)
	var ie *flow.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v, want *InputError", err)
	}
	fields := map[string]bool{}
	for _, fe := range ie.Fields {
		fields[fe.Field] = true
	}
	if !fields["app-id"] || !fields["org"] {
		t.Errorf("fields %v, want app-id and org", fields)
	}
	if names := f.names(t); len(names) != 0 {
		t.Errorf("accounts %v after bad input", names)
	}
	if len(f.rec.ids) != 0 {
		t.Errorf("keys were generated for bad input: %v", f.rec.ids)
	}
}

func TestLinkDuplicateNameIgnoringCase(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.link(t, "Contoso")
	_, err := f.svc.Link(context.Background(), validInput("CONTOSO"), nil)
	var ie *flow.InputError
	if !errors.As(err, &ie) || ie.Fields[0].Field != "name" {
		t.Fatalf("err = %v, want a name field error", err)
	}
	// SaveAccount with a raced duplicate relies on the store and wraps ErrDuplicateName.
	sc, _, err := f.svc.NewCredential(context.Background(), "x", 2048, 30)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SaveAccount(validInput("contoso"), sc); !errors.Is(err, store.ErrDuplicateName) {
		t.Fatalf("SaveAccount duplicate: %v", err)
	}
	if names := f.names(t); len(names) != 1 {
		t.Errorf("accounts %v", names)
	}
}

func TestLinkDeliverFailureLeavesNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	boom := errors.New("disk full")
	var delivered *certs.Credential
	_, err := f.svc.Link(context.Background(), validInput("contoso"), func(c *certs.Credential) error {
		delivered = c
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if delivered == nil || delivered.Certificate == nil {
		t.Fatal("deliver did not get the certificate")
	}
	if names := f.names(t); len(names) != 0 {
		t.Errorf("accounts %v", names)
	}
	if len(f.rec.ids) != 1 {
		t.Fatalf("keys stored: %v", f.rec.ids)
	}
	f.noOrphanKeys(t)
}

func TestVerifyRecordsOutcome(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	res := f.link(t, "contoso")

	f.ver.report = report(entra.CheckExchangePermission, entra.StepGrantAdminConsent)
	var attempts int
	r, err := f.svc.Verify(context.Background(), "CONTOSO", 0, func(int, entra.Report) { attempts++ })
	if err != nil {
		t.Fatal(err)
	}
	if r.OK || r.FailedStep != entra.StepGrantAdminConsent || r.Account != "contoso" || attempts != 1 {
		t.Fatalf("report %+v attempts %d", r, attempts)
	}
	tgt := f.ver.targets[0]
	if tgt.AppID != res.Account.AppID || tgt.TenantID != res.Account.TenantID || tgt.Organization != res.Account.Organization {
		t.Errorf("target %+v", tgt)
	}
	if got := certs.Thumbprint(f.ver.gotCreds[0].Certificate); got != certs.Thumbprint(res.Credential.Certificate) {
		t.Errorf("verified with certificate %s", got)
	}
	a, _ := f.st.AccountByName("contoso")
	if a.Status != store.StatusFailed || a.FailedStep != "grant-admin-consent" || !a.LastVerified.Equal(testNow) || len(a.LastChecks) != 8 {
		t.Fatalf("account after failure: %+v", a)
	}
	if a.LastChecks[5].ID != "exchange-permission" || a.LastChecks[5].OK || a.LastChecks[6].Skipped != true {
		t.Errorf("checks %+v", a.LastChecks)
	}

	f.ver.report = report("", "")
	if r, err = f.svc.Verify(context.Background(), "contoso", time.Minute, nil); err != nil || !r.OK {
		t.Fatalf("second verify %+v %v", r, err)
	}
	if f.ver.waited != time.Minute {
		t.Errorf("wait %v not passed to VerifyWait", f.ver.waited)
	}
	a, _ = f.st.AccountByName("contoso")
	if a.Status != store.StatusVerified || a.FailedStep != "" {
		t.Errorf("account after success: %+v", a)
	}
	audit, _ := f.st.Audit(a.ID)
	var actions []string
	for _, e := range audit {
		actions = append(actions, e.Action)
	}
	want := []string{"linked", "verification failed", "verified"}
	if len(actions) != 3 || actions[1] != want[1] || actions[2] != want[2] {
		t.Errorf("audit %v, want %v", actions, want)
	}
}

func TestVerifyInconclusiveLeavesAccountUntouched(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.link(t, "contoso")
	f.ver.report = report(entra.CheckTenant, "") // e.g. DNS failed: no step at fault
	r, err := f.svc.Verify(context.Background(), "contoso", 0, nil)
	if err != nil || r.OK {
		t.Fatalf("%+v %v", r, err)
	}
	a, _ := f.st.AccountByName("contoso")
	if a.Status != store.StatusUnverified || !a.LastVerified.IsZero() || len(a.LastChecks) != 0 {
		t.Errorf("an inconclusive verification was recorded: %+v", a)
	}
	audit, _ := f.st.Audit(a.ID)
	if len(audit) != 1 {
		t.Errorf("audit %+v", audit)
	}
}

func TestVerifyCancelledRecordsNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.link(t, "contoso")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := f.svc.Verify(ctx, "contoso", 0, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	a, _ := f.st.AccountByName("contoso")
	if a.Status != store.StatusUnverified || !a.LastVerified.IsZero() {
		t.Errorf("cancelled verification was recorded: %+v", a)
	}
}

func TestVerifyUnknownAccount(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if _, err := f.svc.Verify(context.Background(), "nobody", 0, nil); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
}

func TestRenameAndDelete(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.link(t, "contoso")
	f.link(t, "fabrikam")

	if _, err := f.svc.Rename("contoso", "FABRIKAM"); !errors.Is(err, store.ErrDuplicateName) {
		t.Fatalf("rename onto another account: %v", err)
	}
	var ie *flow.InputError
	if _, err := f.svc.Rename("contoso", ""); !errors.As(err, &ie) {
		t.Fatalf("rename to empty: %v", err)
	}
	if a, err := f.svc.Rename("contoso", "Contoso"); err != nil || a.Name != "Contoso" {
		t.Fatalf("case-only rename: %+v %v", a, err)
	}
	if _, err := f.svc.Rename("Contoso", "Northwind"); err != nil {
		t.Fatal(err)
	}
	if got := f.names(t); len(got) != 2 || got[0] != "fabrikam" || got[1] != "Northwind" {
		t.Errorf("names %v", got)
	}

	gone, err := f.svc.Delete("northwind")
	if err != nil {
		t.Fatal(err)
	}
	c, _ := gone.Active()
	if _, err := f.st.Key(c.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("key of a deleted account: %v", err)
	}
	if got := f.names(t); len(got) != 1 || got[0] != "fabrikam" {
		t.Errorf("names %v", got)
	}
	audit, _ := f.st.Audit(gone.ID)
	if len(audit) == 0 || audit[len(audit)-1].Action != flow.AuditDeleted {
		t.Errorf("audit %+v", audit)
	}
	if _, err := f.svc.Delete("northwind"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
}

func TestExportFormats(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	res := f.link(t, "contoso")
	want := res.Credential.Certificate

	pemBytes, err := f.svc.Export("contoso", flow.FormatPEM, "")
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(pemBytes)
	if block == nil || block.Type != "CERTIFICATE" {
		t.Fatalf("pem export: %q", pemBytes)
	}
	der, err := f.svc.Export("contoso", flow.FormatDER, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range [][]byte{block.Bytes, der} {
		c, err := x509.ParseCertificate(b)
		if err != nil || !c.Equal(want) {
			t.Errorf("exported certificate differs: %v", err)
		}
	}

	pfx, err := f.svc.Export("contoso", flow.FormatPFX, "s3cret pass")
	if err != nil {
		t.Fatal(err)
	}
	key, cert, _, err := pkcs12.DecodeChain(pfx, "s3cret pass")
	if err != nil || !cert.Equal(want) || key == nil {
		t.Fatalf("pfx does not decode with its password: %v", err)
	}
	if _, _, _, err := pkcs12.DecodeChain(pfx, "wrong"); err == nil {
		t.Error("pfx decodes with a wrong password")
	}
	audit, _ := f.st.Audit(res.Account.ID)
	if last := audit[len(audit)-1]; last.Action != flow.AuditKeyExported || strings.Contains(last.Detail, "s3cret") {
		t.Errorf("audit after a PFX export: %+v", last)
	}

	var ie *flow.InputError
	if _, err := f.svc.Export("contoso", flow.FormatPFX, ""); !errors.As(err, &ie) {
		t.Errorf("pfx without password: %v", err)
	}
	if _, err := f.svc.Export("contoso", "zip", ""); !errors.As(err, &ie) || ie.Fields[0].Field != "format" {
		t.Errorf("unknown format: %v", err)
	}
	if _, err := f.svc.Export("nobody", flow.FormatPEM, ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown account: %v", err)
	}
}
