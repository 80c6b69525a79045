package entra_test

import (
	"testing"
	"time"

	"github.com/xops/xops/entra"
)

// Consent granted while VerifyWait is running makes it pass: every attempt
// asks Entra for a fresh token, so the new role shows up.
func TestVerifyWaitSeesConsentGrantedMeanwhile(t *testing.T) {
	t.Parallel()
	tn := setup(t, entra.StepGrantAdminConsent)
	v := tn.verifier()
	v.MinRetryDelay, v.MaxRetryDelay = 50*time.Millisecond, 100*time.Millisecond
	var attempts []entra.Report
	r := v.VerifyWait(t.Context(), tn.target, tn.cred, 20*time.Second, func(n int, r entra.Report) {
		attempts = append(attempts, r)
		if n != len(attempts) {
			t.Errorf("attempt numbered %d, want %d", n, len(attempts))
		}
		if n == 2 {
			if err := tn.sb.GrantAdminConsent(tn.target.AppID); err != nil {
				t.Errorf("GrantAdminConsent: %v", err)
			}
		}
	})
	if !r.OK {
		t.Fatalf("VerifyWait did not pass after consent: %+v", r)
	}
	if len(attempts) != 3 {
		t.Fatalf("attempts = %d, want 3 (two failing, one passing)", len(attempts))
	}
	for _, a := range attempts[:2] {
		if a.OK || a.FailedStep != entra.StepGrantAdminConsent {
			t.Errorf("early attempt: ok=%v failed_step=%q", a.OK, a.FailedStep)
		}
	}
	// Two tokens per failing attempt (Exchange, then Graph for the diagnosis)
	// and one for the passing one: none came from a cache.
	if got := tn.sb.TokensIssued(); got != 5 {
		t.Errorf("tokens issued = %d, want 5", got)
	}
}

// A mistake waiting cannot mend stops at once.
func TestVerifyWaitStopsOnPermanentFailure(t *testing.T) {
	t.Parallel()
	tn := setup(t)
	tn.target.TenantID = otherTenant
	v := tn.verifier()
	n := 0
	r := v.VerifyWait(t.Context(), tn.target, tn.cred, time.Minute, func(int, entra.Report) { n++ })
	if r.OK || n != 1 {
		t.Errorf("ok=%v after %d attempts, want one failing attempt", r.OK, n)
	}
}

// The wait bounds the retries.
func TestVerifyWaitGivesUp(t *testing.T) {
	t.Parallel()
	tn := setup(t, entra.StepAssignGlobalReader)
	v := tn.verifier()
	v.MinRetryDelay, v.MaxRetryDelay = 100*time.Millisecond, 100*time.Millisecond
	n := 0
	r := v.VerifyWait(t.Context(), tn.target, tn.cred, 300*time.Millisecond, func(int, entra.Report) { n++ })
	if r.OK || r.FailedStep != entra.StepAssignGlobalReader {
		t.Errorf("ok=%v failed_step=%q", r.OK, r.FailedStep)
	}
	if n < 2 {
		t.Errorf("only %d attempts within the wait", n)
	}
}

// Entra's propagation delay: the consent is granted before VerifyWait starts
// but reaches tokens only later; the retries see it arrive.
func TestVerifyWaitRidesOutPropagation(t *testing.T) {
	t.Parallel()
	tn := setup(t, entra.StepGrantAdminConsent)
	tn.sb.SetPropagationDelay(600 * time.Millisecond)
	if err := tn.sb.GrantAdminConsent(tn.target.AppID); err != nil {
		t.Fatal(err)
	}
	v := tn.verifier()
	v.MinRetryDelay, v.MaxRetryDelay = 100*time.Millisecond, 200*time.Millisecond
	n := 0
	r := v.VerifyWait(t.Context(), tn.target, tn.cred, 20*time.Second, func(int, entra.Report) { n++ })
	if !r.OK {
		t.Fatalf("not passing after propagation: %+v", r)
	}
	if n < 2 {
		t.Errorf("passed at attempt %d: the delay was not simulated", n)
	}
}
