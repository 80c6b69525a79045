package entra

import (
	"context"
	"time"

	"github.com/xops/xops/entra/certs"
)

// Default backoff of VerifyWait.
const (
	defaultMinRetryDelay = 2 * time.Second
	defaultMaxRetryDelay = 15 * time.Second
)

// VerifyWait verifies, and while checks fail, waits with backoff and verifies
// again, until everything passes or wait has elapsed (or ctx is done). Every
// attempt builds a fresh MSAL client and asks for a fresh token, so a consent
// or role granted meanwhile shows up: Entra takes seconds to minutes to
// propagate. All checks run again each time (they are cheap, and the
// permission checks need the new token anyway). Failures waiting cannot mend
// — a bad local certificate, an unknown tenant or domain — stop at once.
// onAttempt (may be nil) receives each attempt's report, numbered from 1.
func (v *Verifier) VerifyWait(ctx context.Context, t Target, cred *certs.Credential, wait time.Duration, onAttempt func(attempt int, r Report)) Report {
	deadline := time.Now().Add(wait)
	delay := v.MinRetryDelay
	if delay <= 0 {
		delay = defaultMinRetryDelay
	}
	maxDelay := v.MaxRetryDelay
	if maxDelay <= 0 {
		maxDelay = defaultMaxRetryDelay
	}
	for attempt := 1; ; attempt++ {
		r := v.Verify(ctx, t, cred, nil)
		if onAttempt != nil {
			onAttempt(attempt, r)
		}
		if r.OK || !worthRetrying(r) || ctx.Err() != nil {
			return r
		}
		left := time.Until(deadline)
		if left <= 0 {
			return r
		}
		sleep := min(delay, left)
		timer := time.NewTimer(sleep)
		select {
		case <-ctx.Done():
			timer.Stop()
			return r
		case <-timer.C:
		}
		delay = min(delay*2, maxDelay)
	}
}

// worthRetrying reports whether waiting might change the report: failures of
// the local certificate, the tenant or the organization are not propagation
// delays, and nothing in Entra will fix them by itself.
func worthRetrying(r Report) bool {
	first, ok := r.FirstFailure()
	if !ok {
		return false
	}
	switch first.ID {
	case CheckCertificateLocal:
		return false
	case CheckTenant, CheckOrganization:
		// Network trouble (no step) may pass; a wrong ID will not.
		return first.Step == ""
	}
	return true
}
