package flow_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow"
)

// An account is checked in the cloud it was linked in, whatever cloud new
// links go to: Verify, VerifyAccount and VerifyPending all ask VerifierFor
// with the account's stored cloud.
func TestVerifyUsesTheAccountsCloud(t *testing.T) {
	t.Parallel()
	f := newFixture(t) // new links go to usgov
	f.link(t, "contoso")
	f.svc.Cloud = "global" // a later run, without --cloud

	perCloud := map[string]*fakeVerifier{}
	var asked []string
	f.svc.VerifierFor = func(cloud string) (flow.Verifier, error) {
		asked = append(asked, cloud)
		if perCloud[cloud] == nil {
			perCloud[cloud] = &fakeVerifier{report: report("", "")}
		}
		return perCloud[cloud], nil
	}
	ctx := context.Background()
	if _, err := f.svc.Verify(ctx, "contoso", 0, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.VerifyAccount(ctx, "contoso", nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.StartRotation(ctx, "contoso", 2048, 30); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.VerifyPending(ctx, "contoso", nil); err != nil {
		t.Fatal(err)
	}
	if strings.Join(asked, ",") != "usgov,usgov,usgov" {
		t.Errorf("VerifierFor asked for %q, want the account's cloud usgov three times", asked)
	}
	if v := perCloud["usgov"]; v == nil || len(v.targets) != 3 {
		t.Errorf("the usgov verifier ran %v times, want 3", v)
	}
	if len(f.ver.targets) != 0 {
		t.Errorf("the default verifier ran %d times, want none when VerifierFor is set", len(f.ver.targets))
	}
}

// A cloud whose verifier cannot be built is an error naming the account and
// its cloud; nothing is recorded.
func TestVerifyCloudVerifierError(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.link(t, "contoso")
	f.svc.VerifierFor = func(cloud string) (flow.Verifier, error) {
		return nil, errors.New("--cloud: unknown cloud")
	}
	_, err := f.svc.Verify(context.Background(), "contoso", 0, nil)
	if err == nil || !strings.Contains(err.Error(), `"contoso"`) || !strings.Contains(err.Error(), `"usgov"`) {
		t.Fatalf("err = %v, want one naming the account and its cloud", err)
	}
	a, err := f.svc.Account("contoso")
	if err != nil {
		t.Fatal(err)
	}
	if !a.LastVerified.IsZero() || len(a.LastChecks) != 0 {
		t.Errorf("something was recorded: %+v", a)
	}
}

// All checks passing in another cloud (verify again with --cloud) moves the
// account there, with the move in the audit; a failing report moves nothing.
func TestVerifyPassingInAnotherCloudRecordsIt(t *testing.T) {
	t.Parallel()
	f := newFixture(t) // linked in usgov
	f.link(t, "contoso")

	failing := report(entra.CheckTenant, entra.StepCopyIDs)
	failing.Cloud = "global"
	f.ver.report = failing
	if _, err := f.svc.Verify(context.Background(), "contoso", 0, nil); err != nil {
		t.Fatal(err)
	}
	if a, _ := f.svc.Account("contoso"); a.Cloud != "usgov" {
		t.Fatalf("a failing check in global moved the account to %q", a.Cloud)
	}

	passing := report("", "")
	passing.Cloud = "global"
	f.ver.report = passing
	if _, err := f.svc.Verify(context.Background(), "contoso", 0, nil); err != nil {
		t.Fatal(err)
	}
	a, err := f.svc.Account("contoso")
	if err != nil {
		t.Fatal(err)
	}
	if a.Cloud != "global" || a.Status != "verified" {
		t.Fatalf("cloud %q status %q, want global and verified", a.Cloud, a.Status)
	}
	entries, err := f.st.Audit(a.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := entries[len(entries)-1]
	if !strings.Contains(last.Detail, "in cloud global (was usgov)") {
		t.Errorf("audit detail %q does not record the move", last.Detail)
	}
}
