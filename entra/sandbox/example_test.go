package sandbox_test

import (
	"context"
	"fmt"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/entra/certs"
	"github.com/xops/xops/entra/sandbox"
)

// A newcomer's walk through the checklist in the sandbox, leaving out the
// admin consent, and what verification says about it.
func Example() {
	sb, err := sandbox.New(sandbox.Options{})
	if err != nil {
		panic(err)
	}
	if err := sb.Start(); err != nil {
		panic(err)
	}
	defer sb.Close()

	cred, err := certs.Generate(context.Background(), certs.Request{CommonName: "contoso", KeySize: 2048, Days: 365})
	if err != nil {
		panic(err)
	}
	appID, _ := sb.RegisterApp("xops")
	for _, step := range []entra.Step{entra.StepAddExchangePermission, entra.StepAssignGlobalReader, entra.StepUploadCertificate} {
		if err := sb.Perform(step, appID, cred.CertificatePEM()); err != nil {
			panic(err)
		}
	}

	v := &entra.Verifier{Endpoints: sb.Endpoints(), HTTP: sb.HTTPClient()}
	r := v.Verify(context.Background(), entra.Target{Account: "contoso", AppID: appID, TenantID: sb.TenantID(), Organization: sb.Domain()}, cred, nil)
	for _, c := range r.Checks {
		fmt.Printf("%-20s ok=%-5v skipped=%-5v step=%s\n", c.ID, c.OK, c.Skipped, c.Step)
	}
	fmt.Println("failed_step:", r.FailedStep)
	// Output:
	// certificate-local    ok=true  skipped=false step=
	// tenant               ok=true  skipped=false step=
	// organization         ok=true  skipped=false step=
	// app                  ok=true  skipped=false step=
	// certificate          ok=true  skipped=false step=
	// exchange-permission  ok=false skipped=false step=grant-admin-consent
	// global-reader        ok=true  skipped=false step=
	// exchange             ok=false skipped=true  step=
	// failed_step: grant-admin-consent
}
