package flow

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/entra/certs"
	"github.com/xops/xops/store"
)

// Audit actions of a rotation.
const (
	AuditRotationStarted   = "rotation started"
	AuditRotated           = "rotated"
	AuditRotationCancelled = "rotation cancelled"
)

// ErrNoRotation says the account has no rotation under way.
var ErrNoRotation = errors.New("no rotation is under way")

// ErrRotationPending says a rotation was already started: finish or cancel it.
var ErrRotationPending = errors.New("a rotation is already under way: verify it to finish, or cancel it")

// StartRotation makes a new key and certificate for the account named name
// and keeps it beside the active one, marked pending: the account goes on
// working with the old certificate until the new one is uploaded to Entra
// and passes verification (FinishRotation). On failure nothing is left behind.
func (s *Service) StartRotation(ctx context.Context, name string, keySize, days int) (store.Account, *certs.Credential, error) {
	a, err := s.Account(name)
	if err != nil {
		return store.Account{}, nil, err
	}
	if _, ok := a.PendingCredential(); ok {
		return store.Account{}, nil, fmt.Errorf("rotate %q: %w", a.Name, ErrRotationPending)
	}
	sc, cred, err := s.NewCredential(ctx, a.Name, keySize, days)
	if err != nil {
		return store.Account{}, nil, err
	}
	sc.Pending = true
	audit := store.AuditEntry{V: store.RecordVersion, At: s.now().UTC(), Action: AuditRotationStarted, AccountID: a.ID, Name: a.Name,
		Detail: "new thumbprint " + sc.Thumbprint}
	updated, err := s.Store.UpdateAccount(a.ID, func(acc *store.Account) error {
		if _, ok := acc.PendingCredential(); ok {
			return ErrRotationPending
		}
		acc.Credentials = append(acc.Credentials, sc)
		return nil
	}, &audit)
	if err != nil {
		err = fmt.Errorf("rotate %q: %w", a.Name, err)
		if derr := s.Store.DeleteKey(sc.ID); derr != nil {
			err = errors.Join(err, fmt.Errorf("remove the unused key: %w", derr))
		}
		return store.Account{}, nil, err
	}
	return updated, cred, nil
}

// FinishRotation verifies the account with its pending certificate
// (retrying until wait is up when wait > 0). When every check passes, the new
// certificate becomes the active one and the old one and its key are removed,
// in one transaction; the returned account says which thumbprint to delete in
// Entra. When a check fails, both stay as they were and the report says why.
// The account's own status (that of the old certificate) is not changed by a
// failed attempt.
func (s *Service) FinishRotation(ctx context.Context, name string, wait time.Duration, onAttempt func(int, entra.Report)) (entra.Report, store.Credential, error) {
	a, err := s.Account(name)
	if err != nil {
		return entra.Report{}, store.Credential{}, err
	}
	pending, ok := a.PendingCredential()
	if !ok {
		return entra.Report{}, store.Credential{}, fmt.Errorf("finish the rotation of %q: %w", a.Name, ErrNoRotation)
	}
	old, _ := a.Active()
	report, err := s.check(ctx, a, pending, s.attempts(ctx, wait, onAttempt))
	if err != nil || !report.OK {
		return report, store.Credential{}, err
	}
	now := s.now().UTC()
	audit := store.AuditEntry{V: store.RecordVersion, At: now, Action: AuditRotated, AccountID: a.ID, Name: a.Name,
		Detail: fmt.Sprintf("now %s, removed %s", pending.Thumbprint, old.Thumbprint)}
	_, err = s.Store.UpdateAccount(a.ID, func(acc *store.Account) error {
		var kept []store.Credential
		for _, c := range acc.Credentials {
			if c.ID == pending.ID {
				c.Pending = false
				kept = append(kept, c)
			}
		}
		if len(kept) != 1 {
			return fmt.Errorf("the pending certificate %s is gone: %w", pending.Thumbprint, ErrNoRotation)
		}
		acc.Credentials = kept
		acc.Status = store.StatusVerified
		acc.FailedStep = ""
		acc.LastVerified = now
		acc.LastChecks = checkRecords(report.Checks)
		return nil
	}, &audit)
	if err != nil {
		return report, store.Credential{}, fmt.Errorf("finish the rotation of %q: %w", a.Name, err)
	}
	return report, old, nil
}

// CancelRotation drops the pending certificate and its key; the account keeps
// its active one.
func (s *Service) CancelRotation(name string) (store.Credential, error) {
	a, err := s.Account(name)
	if err != nil {
		return store.Credential{}, err
	}
	pending, ok := a.PendingCredential()
	if !ok {
		return store.Credential{}, fmt.Errorf("cancel the rotation of %q: %w", a.Name, ErrNoRotation)
	}
	audit := store.AuditEntry{V: store.RecordVersion, At: s.now().UTC(), Action: AuditRotationCancelled, AccountID: a.ID, Name: a.Name,
		Detail: "dropped " + pending.Thumbprint}
	_, err = s.Store.UpdateAccount(a.ID, func(acc *store.Account) error {
		kept := acc.Credentials[:0:0]
		for _, c := range acc.Credentials {
			if !c.Pending {
				kept = append(kept, c)
			}
		}
		acc.Credentials = kept
		return nil
	}, &audit)
	if err != nil {
		return store.Credential{}, fmt.Errorf("cancel the rotation of %q: %w", a.Name, err)
	}
	return pending, nil
}
