package flow_test

import (
	"context"
	"errors"
	"testing"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/entra/certs"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/store"
)

func TestRotationKeepsOldUntilNewPasses(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	res := f.link(t, "contoso")
	oldCred, _ := res.Account.Active()

	if _, _, err := f.svc.FinishRotation(context.Background(), "contoso", 0, nil); !errors.Is(err, flow.ErrNoRotation) {
		t.Fatalf("finish without a rotation: %v", err)
	}
	acc, newCert, err := f.svc.StartRotation(context.Background(), "contoso", 2048, 90)
	if err != nil {
		t.Fatal(err)
	}
	pending, ok := acc.PendingCredential()
	if !ok || pending.Thumbprint != certs.Thumbprint(newCert.Certificate) || pending.Thumbprint == oldCred.Thumbprint {
		t.Fatalf("pending %+v", pending)
	}
	if active, _ := acc.Active(); active.ID != oldCred.ID {
		t.Errorf("active changed to %s during the rotation", active.ID)
	}
	if _, _, err := f.svc.StartRotation(context.Background(), "contoso", 2048, 90); !errors.Is(err, flow.ErrRotationPending) {
		t.Errorf("second start: %v", err)
	}

	// The new certificate fails: both stay, the account's status is untouched.
	f.ver.report = report(entra.CheckCertificate, entra.StepUploadCertificate)
	r, _, err := f.svc.FinishRotation(context.Background(), "contoso", 0, nil)
	if err != nil || r.OK {
		t.Fatalf("failing finish: %+v %v", r, err)
	}
	a, _ := f.st.AccountByName("contoso")
	if len(a.Credentials) != 2 || a.Status != store.StatusUnverified {
		t.Fatalf("after a failed finish: %+v", a)
	}
	if got := certs.Thumbprint(f.ver.gotCreds[len(f.ver.gotCreds)-1].Certificate); got != pending.Thumbprint {
		t.Errorf("verified with %s, want the pending %s", got, pending.Thumbprint)
	}

	f.ver.report = report("", "")
	r, removed, err := f.svc.FinishRotation(context.Background(), "contoso", 0, nil)
	if err != nil || !r.OK || removed.ID != oldCred.ID {
		t.Fatalf("passing finish: %+v %+v %v", r, removed, err)
	}
	a, _ = f.st.AccountByName("contoso")
	active, _ := a.Active()
	if len(a.Credentials) != 1 || active.ID != pending.ID || active.Pending || a.Status != store.StatusVerified {
		t.Fatalf("after the rotation: %+v", a)
	}
	if _, err := f.st.Key(oldCred.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("old key still stored: %v", err)
	}
	if _, err := f.st.Key(pending.ID); err != nil {
		t.Errorf("new key missing: %v", err)
	}
}

func TestCancelRotationDropsPendingKey(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.link(t, "contoso")
	acc, _, err := f.svc.StartRotation(context.Background(), "contoso", 2048, 30)
	if err != nil {
		t.Fatal(err)
	}
	pending, _ := acc.PendingCredential()
	dropped, err := f.svc.CancelRotation("CONTOSO")
	if err != nil || dropped.ID != pending.ID {
		t.Fatalf("cancel: %+v %v", dropped, err)
	}
	a, _ := f.st.AccountByName("contoso")
	if len(a.Credentials) != 1 || a.Credentials[0].Pending {
		t.Errorf("credentials after cancel: %+v", a.Credentials)
	}
	if _, err := f.st.Key(pending.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("pending key kept: %v", err)
	}
	if _, err := f.svc.CancelRotation("contoso"); !errors.Is(err, flow.ErrNoRotation) {
		t.Errorf("second cancel: %v", err)
	}
}

func TestVerifyWithDamagedKeyFailsLocally(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.link(t, "contoso").Account
	b := f.link(t, "fabrikam").Account
	ca, _ := a.Active()
	cb, _ := b.Active()
	kmB, err := f.st.Key(cb.ID)
	if err != nil {
		t.Fatal(err)
	}
	kmA, _ := f.st.Key(ca.ID)
	kmA.KeyPKCS8 = kmB.KeyPKCS8 // contoso's certificate with fabrikam's key
	if err := f.st.PutKey(ca.ID, kmA); err != nil {
		t.Skipf("the store refuses to replace key material: %v", err)
	}
	var seen []entra.CheckResult
	r, err := f.svc.VerifyAccount(context.Background(), "contoso", func(c entra.CheckResult) { seen = append(seen, c) })
	if err != nil {
		t.Fatal(err)
	}
	if r.OK || len(r.Checks) != 8 || r.Checks[0].ID != entra.CheckCertificateLocal || r.Checks[0].OK || !r.Checks[1].Skipped {
		t.Fatalf("report %+v", r)
	}
	if len(f.ver.targets) != 0 || len(seen) != 0 {
		t.Errorf("the verifier ran with a damaged key (%d calls)", len(f.ver.targets))
	}
	got, _ := f.st.AccountByName("contoso")
	if got.Status != store.StatusFailed || got.LastChecks[0].OK {
		t.Errorf("account after a local failure: %+v", got)
	}
}

func TestUpdateLinkIDs(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.link(t, "contoso").Account
	f.ver.report = report(entra.CheckTenant, entra.StepCopyIDs)
	if _, err := f.svc.Verify(context.Background(), "contoso", 0, nil); err != nil {
		t.Fatal(err)
	}
	var ie *flow.InputError
	if _, err := f.svc.UpdateLinkIDs(a.ID, flow.LinkInput{AppID: "x", TenantID: a.TenantID, Organization: a.Organization}); !errors.As(err, &ie) || ie.Fields[0].Field != "app-id" {
		t.Fatalf("bad app id: %v", err)
	}
	got, err := f.svc.UpdateLinkIDs(a.ID, flow.LinkInput{AppID: a.AppID, TenantID: "{AAAAAAAA-2222-3333-4444-555555555555}", Organization: "Fabrikam.onmicrosoft.com"})
	if err != nil {
		t.Fatal(err)
	}
	if got.TenantID != "aaaaaaaa-2222-3333-4444-555555555555" || got.Organization != "fabrikam.onmicrosoft.com" ||
		got.Status != store.StatusUnverified || got.FailedStep != "" || got.Name != "contoso" || len(got.Credentials) != 1 {
		t.Errorf("after correction: %+v", got)
	}
}
