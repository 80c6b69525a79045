package flow

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/entra/certs"
	"github.com/xops/xops/flow/validate"
	"github.com/xops/xops/store"
)

// Verifier runs the live checks against Microsoft. entra.Verifier satisfies
// it; tests use a fake. Both methods always return a report listing every
// check, in entra.CheckOrder.
type Verifier interface {
	// Verify runs the checks once; onCheck (may be nil) sees each result as it lands.
	Verify(ctx context.Context, t entra.Target, cred *certs.Credential, onCheck func(entra.CheckResult)) entra.Report
	// VerifyWait retries failing checks with backoff, a fresh token each
	// time, until they pass or wait is up; onAttempt (may be nil) sees every attempt.
	VerifyWait(ctx context.Context, t entra.Target, cred *certs.Credential, wait time.Duration, onAttempt func(int, entra.Report)) entra.Report
}

// The real implementations satisfy flow's ports.
var (
	_ Verifier     = (*entra.Verifier)(nil)
	_ AccountStore = (*store.Store)(nil)
)

// Service holds the use cases the TUI and the command line share: link,
// verify, rename, delete, export. It keeps no state of its own; every method
// is safe to call from any goroutine the store allows.
type Service struct {
	Store    AccountStore
	Verifier Verifier
	// VerifierFor, when set, gives the verifier for an account linked in
	// cloud (the account's stored cloud name, "" for accounts saved before
	// xops recorded it): an account is checked in the cloud it lives in,
	// whatever cloud new links go to. Nil: Verifier checks every account.
	VerifierFor func(cloud string) (Verifier, error)
	// Cloud is the national cloud new accounts are linked in ("global", ...).
	Cloud string
	// Now is the clock (nil: time.Now); tests pin it.
	Now func() time.Time
	// Rand feeds ids and key generation (nil: crypto/rand).
	Rand io.Reader
	// Passphrase asks for the store passphrase (passphrase.go). It is called
	// only when a key must be encrypted or decrypted and the store has a
	// passphrase, again after a wrong answer (PassphraseAttempts in all);
	// once one works, the keys stay open for the Service's life. Nil: a
	// protected key is reported as ErrKeyLocked.
	Passphrase func(ctx context.Context) (string, error)
	// ScryptWorkFactor is scrypt's log2(N) for a new passphrase (0: age's
	// default, 18); tests lower it.
	ScryptWorkFactor int

	keyring   keyring    // the opened store identity
	unlocking sync.Mutex // one passphrase prompt at a time
}

// Audit actions written by the service.
const (
	AuditLinked             = "linked"
	AuditVerified           = "verified"
	AuditVerificationFailed = "verification failed"
	AuditRenamed            = "renamed"
	AuditDeleted            = "deleted"
)

// ErrKeyLocked says the key is encrypted with a passphrase this service cannot open.
var ErrKeyLocked = errors.New("the key is protected by a passphrase: set XOPS_PASSPHRASE or unlock the store first")

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) rand() io.Reader {
	if s.Rand != nil {
		return s.Rand
	}
	return rand.Reader
}

// newID returns a random 128-bit id in hex.
func (s *Service) newID() (string, error) {
	var b [16]byte
	if _, err := io.ReadFull(s.rand(), b[:]); err != nil {
		return "", fmt.Errorf("make an id: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// NotFoundError says no account has the name asked for. It matches
// store.ErrNotFound with errors.Is.
type NotFoundError struct{ Name string }

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("no account named %q (see 'xops accounts list')", e.Name)
}

// Is makes errors.Is(err, store.ErrNotFound) true.
func (e *NotFoundError) Is(target error) bool { return target == store.ErrNotFound }

// Account finds an account by name, ignoring case; *NotFoundError when there is none.
func (s *Service) Account(name string) (store.Account, error) {
	a, err := s.Store.AccountByName(name)
	if errors.Is(err, store.ErrNotFound) {
		return store.Account{}, &NotFoundError{Name: name}
	}
	if err != nil {
		return store.Account{}, fmt.Errorf("read account %q: %w", name, err)
	}
	return a, nil
}

// Rename gives an account a new friendly name, unique ignoring case. A change
// of case only ("contoso" → "Contoso") is allowed. Bad input comes back as
// *InputError with the field "name"; a taken name wraps store.ErrDuplicateName.
func (s *Service) Rename(name, newName string) (store.Account, error) {
	a, err := s.Account(name)
	if err != nil {
		return store.Account{}, err
	}
	clean, ferr := checkName(newName)
	if ferr != nil {
		return store.Account{}, &InputError{Fields: []*validate.FieldError{ferr}}
	}
	if other, err := s.Store.AccountByName(clean); err == nil && other.ID != a.ID {
		return store.Account{}, fmt.Errorf("rename %q to %q: %w", a.Name, clean, store.ErrDuplicateName)
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return store.Account{}, fmt.Errorf("rename %q: %w", a.Name, err)
	}
	audit := store.AuditEntry{At: s.now(), Action: AuditRenamed, AccountID: a.ID, Name: clean,
		Detail: fmt.Sprintf("from %q", a.Name)}
	if err := s.Store.RenameAccount(a.ID, clean, audit); err != nil {
		return store.Account{}, fmt.Errorf("rename %q to %q: %w", a.Name, clean, err)
	}
	a.Name = clean
	return a, nil
}

// Delete removes an account and the key material of all its credentials; the
// audit log keeps the event (without secrets). It returns what was deleted,
// so the caller can remind the admin to remove the certificate in Entra.
func (s *Service) Delete(name string) (store.Account, error) {
	a, err := s.Account(name)
	if err != nil {
		return store.Account{}, err
	}
	audit := store.AuditEntry{At: s.now(), Action: AuditDeleted, AccountID: a.ID, Name: a.Name}
	if c, ok := a.Active(); ok {
		audit.Detail = "thumbprint " + c.Thumbprint
	}
	if err := s.Store.DeleteAccount(a.ID, audit); err != nil {
		return store.Account{}, fmt.Errorf("delete %q: %w", a.Name, err)
	}
	return a, nil
}
