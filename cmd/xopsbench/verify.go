package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/entra/certs"
	"github.com/xops/xops/entra/sandbox"
)

// verifyTarget is issue 7's bound on a whole verification against the sandbox.
const verifyTarget = 100

// benchVerify times full verifications against an in-process sandbox tenant
// where every checklist step was done: "warm" reuses one HTTP client (as the
// TUI does between verifications), "cold" makes a new one per verification
// (new TCP and TLS connections, as one `xops accounts verify` run does).
// Per check it reports when each check finished, from the start of the
// verification (checks run in phases, some side by side, so these are
// moments, not durations that add up).
func benchVerify(runs int, cred *certs.Credential) ([]Figure, error) {
	sb, err := sandbox.New(sandbox.Options{})
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	if err := sb.Start(); err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	defer sb.Close()
	appID, err := sb.RegisterApp("xopsbench")
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	for _, step := range []entra.Step{entra.StepAddExchangePermission, entra.StepGrantAdminConsent,
		entra.StepAssignGlobalReader, entra.StepUploadCertificate} {
		if err := sb.Perform(step, appID, cred.CertificatePEM()); err != nil {
			return nil, fmt.Errorf("sandbox step %s: %w", step, err)
		}
	}
	target := entra.Target{Account: "xopsbench", AppID: appID, TenantID: sb.TenantID(), Organization: sb.Domain()}
	warm := &entra.Verifier{Endpoints: sb.Endpoints(), HTTP: sb.HTTPClient()}

	// One verification first, not timed: it must pass, or the figures would
	// time a failure path.
	if _, err := verifyOnce(warm, target, cred, nil); err != nil {
		return nil, err
	}
	var warmRuns, coldRuns []time.Duration
	at := map[entra.CheckID][]time.Duration{}
	for range runs {
		d, err := verifyOnce(warm, target, cred, at)
		if err != nil {
			return nil, err
		}
		warmRuns = append(warmRuns, d)
		cold := &entra.Verifier{Endpoints: sb.Endpoints(), HTTP: sb.HTTPClient()}
		if d, err = verifyOnce(cold, target, cred, nil); err != nil {
			return nil, err
		}
		coldRuns = append(coldRuns, d)
	}
	figs := []Figure{
		withNote(timed("verification, sandbox, warm connections", warmRuns, verifyTarget),
			"all 8 checks, in process, TLS on loopback, one HTTP client kept between runs"),
		withNote(timed("verification, sandbox, cold connections", coldRuns, verifyTarget),
			"a new HTTP client per run: new TCP + TLS, as one `xops accounts verify` makes"),
	}
	for _, id := range entra.CheckOrder {
		figs = append(figs, withNote(timed("  check "+string(id)+" done at", at[id], 0), "from the start of a warm verification"))
	}
	return figs, nil
}

// verifyOnce runs one verification, which must pass; with at it records when
// each check finished (its last report: a check may be reported twice).
func verifyOnce(v *entra.Verifier, t entra.Target, cred *certs.Credential, at map[entra.CheckID][]time.Duration) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var mu sync.Mutex
	last := map[entra.CheckID]time.Duration{}
	start := time.Now()
	r := v.Verify(ctx, t, cred, func(c entra.CheckResult) {
		d := time.Since(start)
		mu.Lock()
		last[c.ID] = d
		mu.Unlock()
	})
	d := time.Since(start)
	if !r.OK {
		f, _ := r.FirstFailure()
		return 0, fmt.Errorf("verification against the sandbox failed at %s: %s", f.ID, f.Message)
	}
	if len(r.Checks) != len(entra.CheckOrder) {
		return 0, errors.New("verification against the sandbox did not report every check")
	}
	if at != nil {
		for id, d := range last {
			at[id] = append(at[id], d)
		}
	}
	return d, nil
}

// withNote sets a figure's note.
func withNote(f Figure, note string) Figure {
	f.Note = note
	return f
}
