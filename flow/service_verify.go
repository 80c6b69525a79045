package flow

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/entra/certs"
	"github.com/xops/xops/store"
)

// Verify checks, live, that the account named name works: it loads the
// account's active key, runs every check (retrying failing ones until wait is
// up when wait > 0; onAttempt may be nil), and stores the outcome on the
// account — status, failed step, time and each check — with an audit entry
// ("verified" or "verification failed"). A failure that no checklist step
// explains (network trouble, Exchange down, clock skew) is reported but not
// recorded: the account is left untouched. A failed check is not an error: it
// is in the report. Errors are for what stopped the verification from running
// or from being recorded; a cancelled ctx records nothing.
func (s *Service) Verify(ctx context.Context, name string, wait time.Duration, onAttempt func(int, entra.Report)) (entra.Report, error) {
	return s.verify(ctx, name, s.attempts(ctx, wait, onAttempt))
}

// attempts runs the checks once, or retries them until wait is up.
func (s *Service) attempts(ctx context.Context, wait time.Duration, onAttempt func(int, entra.Report)) checkRun {
	return func(v Verifier, t entra.Target, cred *certs.Credential) entra.Report {
		if wait > 0 {
			return v.VerifyWait(ctx, t, cred, wait, onAttempt)
		}
		r := v.Verify(ctx, t, cred, nil)
		if onAttempt != nil {
			onAttempt(1, r)
		}
		return r
	}
}

// VerifyAccount is Verify without retries, reporting each check as it lands
// (onCheck may be nil): what the TUI's verification screen draws (it
// satisfies ui/verifyview.Verifier).
func (s *Service) VerifyAccount(ctx context.Context, name string, onCheck func(entra.CheckResult)) (entra.Report, error) {
	return s.verify(ctx, name, once(ctx, onCheck))
}

func (s *Service) verify(ctx context.Context, name string, run checkRun) (entra.Report, error) {
	a, err := s.Account(name)
	if err != nil {
		return entra.Report{}, err
	}
	c, ok := a.Active()
	if !ok {
		return entra.Report{}, fmt.Errorf("verify %q: the account has no active certificate; rotate it to make one", a.Name)
	}
	report, err := s.check(ctx, a, c, run)
	if err != nil {
		return report, err
	}
	if !report.OK && report.FailedStep == "" {
		// No checklist step is at fault (the network, Exchange down, a
		// clock): that says nothing about the account, so it stays as it was.
		return report, nil
	}
	if err := s.record(a, report); err != nil {
		return report, err
	}
	return report, nil
}

// checkRun runs the checks with a verifier: once, or until a wait is up.
type checkRun func(Verifier, entra.Target, *certs.Credential) entra.Report

// once runs the checks once, reporting each as it lands (onCheck may be nil).
func once(ctx context.Context, onCheck func(entra.CheckResult)) checkRun {
	return func(v Verifier, t entra.Target, cred *certs.Credential) entra.Report {
		return v.Verify(ctx, t, cred, onCheck)
	}
}

// verifierFor is the verifier that checks account a: the one for its cloud
// when VerifierFor is set, else Verifier.
func (s *Service) verifierFor(a store.Account) (Verifier, error) {
	if s.VerifierFor != nil {
		v, err := s.VerifierFor(a.Cloud)
		if err != nil {
			return nil, fmt.Errorf("verify %q in its cloud %q: %w", a.Name, a.Cloud, err)
		}
		return v, nil
	}
	if s.Verifier == nil {
		return nil, fmt.Errorf("verify %q: no verifier configured", a.Name)
	}
	return s.Verifier, nil
}

// check runs a verification of account a with credential c. It returns an
// error only when the verification could not run or was interrupted.
func (s *Service) check(ctx context.Context, a store.Account, c store.Credential, run checkRun) (entra.Report, error) {
	v, err := s.verifierFor(a)
	if err != nil {
		return entra.Report{}, err
	}
	cred, err := s.credential(ctx, c.ID)
	var report entra.Report
	var perr *PassphraseError
	switch {
	case errors.As(err, &perr):
		return entra.Report{}, fmt.Errorf("verify %q: %w", a.Name, err)
	case err != nil:
		// The stored key does not open or does not match its certificate:
		// that is the certificate-local check failing, not a crash.
		report = localFailure(a.Name, err)
	default:
		report = run(v, entra.Target{Account: a.Name, AppID: a.AppID, TenantID: a.TenantID, Organization: a.Organization}, cred)
	}
	if report.Account == "" {
		report.Account = a.Name
	}
	if ctx.Err() != nil {
		return report, fmt.Errorf("verify %q: interrupted, nothing recorded: %w", a.Name, ctx.Err())
	}
	return report, nil
}

// credential loads and opens the key material of one credential, decrypting
// it when the store has a passphrase (MSAL needs the key itself, not
// encrypted PEM). Passphrase errors (ErrKeyLocked, ErrWrongPassphrase, the
// provider's own) come back wrapped as they are.
func (s *Service) credential(ctx context.Context, credID string) (*certs.Credential, error) {
	km, err := s.Store.Key(credID)
	if err != nil {
		return nil, fmt.Errorf("read the key: %w", err)
	}
	key, err := s.openKey(ctx, km)
	if err != nil {
		return nil, fmt.Errorf("open the key: %w", err)
	}
	cred, err := certs.Parse(km.CertDER, key)
	if err != nil {
		return nil, fmt.Errorf("open the stored key and certificate: %w", err)
	}
	return cred, nil
}

// localFailure is the report of a verification whose first check could not
// even load the credential: every other check is skipped.
func localFailure(account string, err error) entra.Report {
	r := entra.Report{Account: account, FailedStep: entra.StepGenerateKey}
	for _, id := range entra.CheckOrder {
		c := entra.CheckResult{ID: id, Skipped: true, Message: "skipped: the local certificate check failed"}
		if id == entra.CheckCertificateLocal {
			c = entra.CheckResult{ID: id, Step: entra.StepGenerateKey, Message: err.Error(),
				Hint: "the stored key material is damaged; rotate the account's certificate (or link it again)"}
		}
		r.Checks = append(r.Checks, c)
	}
	return r
}

// record stores a verification's outcome on the account, with its audit entry.
func (s *Service) record(a store.Account, r entra.Report) error {
	now := s.now().UTC()
	action, detail := AuditVerified, "all checks passed"
	if !r.OK {
		action, detail = AuditVerificationFailed, failureDetail(r)
	}
	audit := store.AuditEntry{V: store.RecordVersion, At: now, Action: action, AccountID: a.ID, Name: a.Name, Detail: detail}
	_, err := s.Store.UpdateAccount(a.ID, func(acc *store.Account) error {
		acc.Status = store.StatusVerified
		if !r.OK {
			acc.Status = store.StatusFailed
		}
		acc.FailedStep = string(r.FailedStep)
		acc.LastVerified = now
		acc.LastChecks = checkRecords(r.Checks)
		// Every check passing in a cloud proves the tenant lives there: an
		// account linked in the wrong cloud and verified again with --cloud
		// keeps the right one from then on (judged on the account as stored
		// now; the audit entry is written after this and says so).
		if r.OK && r.Cloud != "" && !strings.EqualFold(r.Cloud, acc.Cloud) {
			audit.Detail += fmt.Sprintf(" in cloud %s (was %s)", r.Cloud, orNone(acc.Cloud))
			acc.Cloud = r.Cloud
		}
		return nil
	}, &audit)
	if err != nil {
		return fmt.Errorf("record the verification of %q: %w", a.Name, err)
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "none recorded"
	}
	return s
}

func failureDetail(r entra.Report) string {
	for _, c := range r.Checks {
		if !c.OK && !c.Skipped {
			if r.FailedStep != "" {
				return fmt.Sprintf("check %s failed (step %s)", c.ID, r.FailedStep)
			}
			return fmt.Sprintf("check %s failed", c.ID)
		}
	}
	return "failed"
}

func checkRecords(cs []entra.CheckResult) []store.CheckRecord {
	out := make([]store.CheckRecord, len(cs))
	for i, c := range cs {
		out[i] = store.CheckRecord{ID: string(c.ID), OK: c.OK, Skipped: c.Skipped, Step: string(c.Step), Message: c.Message, Hint: c.Hint}
	}
	return out
}
