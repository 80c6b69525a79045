package flow

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/entra/certs"
	"github.com/xops/xops/flow/validate"
	"github.com/xops/xops/store"
)

// AdminSetup is what an automatic link needs from Microsoft: a device-code
// sign-in, the organization, the Graph steps and the list of what exists.
// *entra.Setup satisfies it.
type AdminSetup interface {
	SignIn(ctx context.Context, clientID, tenant string, onPrompt func(entra.DeviceCodePrompt)) (*entra.AdminSession, error)
	Organization(ctx context.Context, sess *entra.AdminSession) (tenantID, domain string, err error)
	Apply(ctx context.Context, sess *entra.AdminSession, in entra.SetupInput, p *entra.SetupProgress, onEvent func(entra.SetupEvent), save func(entra.SetupProgress) error) error
	Inventory(ctx context.Context, sess *entra.AdminSession, uniqueName string, cert *x509.Certificate, p entra.SetupProgress) (entra.Inventory, error)
}

var _ AdminSetup = (*entra.Setup)(nil)

// DefaultAutoWait is how long an automatic link retries verification while
// Entra propagates what was just made (the --wait default).
const DefaultAutoWait = 2 * time.Minute

// AutoDraftKind is the draft an automatic link keeps its progress in when
// the caller brings no SaveProgress hook.
const AutoDraftKind = "auto-link"

// The --client-id field, for its input errors.
const (
	FieldClientID = "client-id"
	LabelClientID = "Sign-in client ID"
)

// AuditAutoSetup is the audit action recording who signed in for an
// automatic link and the Entra objects it made.
const AuditAutoSetup = "auto setup"

// AutoLinkInput is what "Set it up for me" and `link microsoft --auto` give.
type AutoLinkInput struct {
	// Name is the account's friendly name (unique, ignoring case).
	Name string
	// ClientID is the public client to sign in with (empty: Microsoft Graph
	// Command Line Tools).
	ClientID string
	// Wait bounds the verification's retries (zero: DefaultAutoWait).
	Wait time.Duration
	// KeySize and CertDays are the key and certificate (zero: defaults).
	KeySize, CertDays int
	// Entra does the Microsoft side: an *entra.Setup on the cloud's endpoints.
	Entra AdminSetup
	// Resume is an earlier run's progress (from the caller's draft). Nil:
	// with a SaveProgress hook, a fresh start; without one, the store's
	// AutoDraftKind draft is resumed when it is for this name.
	Resume *AutoProgress
}

// AutoHooks let a screen or the command line follow an automatic link. Every
// hook may be nil and is called from AutoLink's goroutine.
type AutoHooks struct {
	// OnPrompt shows the device code and where to enter it, with its expiry.
	OnPrompt func(entra.DeviceCodePrompt)
	// OnEvent sees each step start (Running) and end (OK or not).
	OnEvent func(entra.SetupEvent)
	// OnAttempt sees each verification attempt.
	OnAttempt func(attempt int, r entra.Report)
	// SaveProgress keeps the progress after every step, in the caller's
	// draft. Nil: AutoLink keeps it in the store's AutoDraftKind draft and
	// deletes it once the account verifies. An error stops the link.
	SaveProgress func(AutoProgress) error
}

// AutoProgress is an automatic link's progress: what a re-run needs to
// resume without making a second key, app, service principal or assignment.
// It holds ids only, never key material or tokens.
type AutoProgress struct {
	V     int                 `json:"v"`
	Name  string              `json:"name"`
	Setup entra.SetupProgress `json:"setup"`
	// Credential describes the key made for the account; its key material
	// is in the store under Credential.ID.
	Credential store.Credential `json:"credential,omitzero"`
	// AccountID is set once the account is saved.
	AccountID string `json:"account_id,omitempty"`
	// SignedInAs is the last admin who signed in (UPN).
	SignedInAs string `json:"signed_in_as,omitempty"`
}

// AutoLinkResult is a finished automatic link.
type AutoLinkResult struct {
	Account store.Account
	// Credential holds the certificate (for --cert-out and the thumbprint)
	// and the key: never print the key.
	Credential *certs.Credential
	// Report is the verification; Report.OK false is not an error (as Verify).
	Report     entra.Report
	SignedInAs string
	Progress   AutoProgress
}

// AutoLinkError is an automatic link that stopped: at which step, why
// (Err: *entra.SignInError, *entra.SetupError, …), what was done so far and
// what exists in the tenant.
type AutoLinkError struct {
	Step      entra.SetupStepID
	Err       error
	Progress  AutoProgress
	Inventory entra.Inventory
}

func (e *AutoLinkError) Error() string {
	return fmt.Sprintf("automatic setup stopped at %q: %v", e.Step.Title(), e.Err)
}

// Unwrap returns the cause.
func (e *AutoLinkError) Unwrap() error { return e.Err }

// Guided reports whether the way out is the guided path: the tenant blocks
// the sign-in, or the admin's role does not allow a step.
func (e *AutoLinkError) Guided() bool {
	var si *entra.SignInError
	var se *entra.SetupError
	return errors.As(e.Err, &si) && si.Guided() || errors.As(e.Err, &se) && se.Guided()
}

// GuidedInput is the account form filled with what the automatic run
// learned, for the switch to the guided path; empty fields are still to copy.
// CredentialID, when set, names the key already made (and stored) for it.
func (e *AutoLinkError) GuidedInput() (in LinkInput, credentialID string) {
	p := e.Progress
	return LinkInput{Name: p.Name, AppID: p.Setup.AppID, TenantID: p.Setup.TenantID, Organization: p.Setup.Organization,
		KeySize: p.Credential.KeySize, CertDays: DefaultCertDays}, p.Credential.ID
}

// AutoLink links an account with no clicking in the admin center: validate
// the name, sign in by device code, read the tenant, make and store the key,
// register the app with the Exchange permission and the certificate, create
// its service principal, grant consent, assign Global Reader, save the
// account, then verify with retries and record the outcome. Progress is
// saved after every step, so a run killed anywhere resumes without
// duplicates. The audit log records who signed in and the object ids made.
//
// Bad input is *InputError (nothing is done); a failure past it is
// *AutoLinkError, naming the step, the way out and what exists.
func (s *Service) AutoLink(ctx context.Context, in AutoLinkInput, hooks AutoHooks) (AutoLinkResult, error) {
	if in.Entra == nil {
		return AutoLinkResult{}, errors.New("automatic link: no Microsoft setup configured (AutoLinkInput.Entra)")
	}
	prog, err := s.autoStart(&in, hooks)
	if err != nil {
		return AutoLinkResult{}, err
	}
	r := &autoRun{s: s, in: in, hooks: hooks, prog: prog}
	return r.run(ctx)
}

// autoStart validates the input and finds the progress to start from.
func (s *Service) autoStart(in *AutoLinkInput, hooks AutoHooks) (AutoProgress, error) {
	var ferrs []*validate.FieldError
	name, ferr := checkName(in.Name)
	if ferr != nil {
		ferrs = append(ferrs, ferr)
	}
	if in.KeySize == 0 {
		in.KeySize = DefaultKeySize
	}
	if in.CertDays == 0 {
		in.CertDays = DefaultCertDays
	}
	if err := validate.KeySize(in.KeySize); err != nil {
		ferrs = append(ferrs, asFieldError(err))
	}
	if err := validate.CertDays(in.CertDays); err != nil {
		ferrs = append(ferrs, asFieldError(err))
	}
	if strings.TrimSpace(in.ClientID) != "" {
		id, err := validate.GUID(FieldClientID, LabelClientID, in.ClientID)
		if err != nil {
			ferrs = append(ferrs, asFieldError(err))
		}
		in.ClientID = id
	}
	if len(ferrs) > 0 {
		return AutoProgress{}, &InputError{Fields: ferrs}
	}
	in.Name = name
	prog := AutoProgress{V: 1, Name: name}
	switch {
	case in.Resume != nil:
		if !strings.EqualFold(in.Resume.Name, name) {
			return AutoProgress{}, fmt.Errorf("automatic link: the saved progress is for %q, not %q; start afresh or use that name", in.Resume.Name, name)
		}
		prog = *in.Resume
		prog.Name = name
	case hooks.SaveProgress == nil:
		if saved, ok, err := s.autoDraft(); err != nil {
			return AutoProgress{}, err
		} else if ok && strings.EqualFold(saved.Name, name) {
			prog = saved
		}
	}
	existing, err := s.Store.AccountByName(name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		if prog.AccountID != "" {
			prog.AccountID = "" // the account was deleted since: save it again
		}
	case err != nil:
		return AutoProgress{}, &InputError{Fields: []*validate.FieldError{{Field: validate.FieldName, Label: validate.LabelName,
			Message: fmt.Sprintf("cannot check that the name is free: %v", err)}}}
	case existing.ID != prog.AccountID:
		if c, ok := existing.Active(); ok && prog.AccountID == "" && prog.Credential.ID != "" && c.ID == prog.Credential.ID {
			// The earlier run saved the account and stopped before it could
			// note so: the account holds this run's key, so it is ours.
			prog.AccountID = existing.ID
			break
		}
		return AutoProgress{}, &InputError{Fields: []*validate.FieldError{duplicateName(name)}}
	}
	return prog, nil
}

// autoDraft reads the store's automatic-link draft; ok is false when none.
func (s *Service) autoDraft() (AutoProgress, bool, error) {
	raw, err := s.Store.Draft(AutoDraftKind)
	if errors.Is(err, store.ErrNotFound) {
		return AutoProgress{}, false, nil
	}
	if err != nil {
		return AutoProgress{}, false, fmt.Errorf("read the automatic link's draft: %w", err)
	}
	var p AutoProgress
	if err := json.Unmarshal(raw, &p); err != nil || p.V != 1 {
		// A draft this version cannot read is not worth failing over: the
		// tenant itself says what exists, and the setup is idempotent.
		return AutoProgress{}, false, nil
	}
	return p, true, nil
}

// autoRun is one AutoLink call in progress.
type autoRun struct {
	s     *Service
	in    AutoLinkInput
	hooks AutoHooks
	prog  AutoProgress
	sess  *entra.AdminSession
	cred  *certs.Credential
}

func (r *autoRun) emit(e entra.SetupEvent) {
	if r.hooks.OnEvent != nil {
		r.hooks.OnEvent(e)
	}
}

// save keeps the progress where the caller asked.
func (r *autoRun) save() error {
	if r.hooks.SaveProgress != nil {
		return r.hooks.SaveProgress(r.prog)
	}
	raw, err := json.Marshal(r.prog)
	if err != nil {
		return fmt.Errorf("encode the automatic link's progress: %w", err)
	}
	if err := r.s.Store.PutDraft(AutoDraftKind, raw); err != nil {
		return fmt.Errorf("save the automatic link's progress: %w", err)
	}
	return nil
}

// fail stops the run at step, with what exists in the tenant.
func (r *autoRun) fail(ctx context.Context, step entra.SetupStepID, err error) (AutoLinkResult, error) {
	e := &AutoLinkError{Step: step, Err: err, Progress: r.prog, Inventory: entra.InventoryFromProgress(r.prog.Setup)}
	if r.sess != nil && ctx.Err() == nil && r.prog.Setup.TenantID != "" {
		var cert *x509.Certificate
		if r.cred != nil {
			cert = r.cred.Certificate
		}
		if inv, ierr := r.in.Entra.Inventory(ctx, r.sess, entra.AppUniqueName(r.prog.Name), cert, r.prog.Setup); ierr == nil {
			e.Inventory = inv
		}
	}
	return AutoLinkResult{Progress: r.prog, SignedInAs: r.prog.SignedInAs}, e
}

// step reports a step's start, runs it, saves the progress and reports its end.
func (r *autoRun) step(ctx context.Context, id entra.SetupStepID, f func() (entra.SetupEvent, error)) error {
	r.emit(entra.SetupEvent{Step: id, Running: true, Message: id.Title()})
	ev, err := f()
	if err == nil {
		err = r.save()
	}
	if err != nil {
		r.emit(entra.SetupEvent{Step: id, Message: err.Error()})
		return err
	}
	ev.Step, ev.OK = id, true
	r.emit(ev)
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("stopped after %s: %w", id, err)
	}
	return nil
}

// run does the steps in order; each is skipped or re-checked on resume.
func (r *autoRun) run(ctx context.Context) (AutoLinkResult, error) {
	steps := []struct {
		id entra.SetupStepID
		f  func(context.Context) (entra.SetupEvent, error)
	}{
		{entra.SetupSignIn, r.signIn},
		{entra.SetupOrganization, r.organization},
		{entra.SetupKey, r.key},
	}
	for _, st := range steps {
		if err := r.step(ctx, st.id, func() (entra.SetupEvent, error) { return st.f(ctx) }); err != nil {
			return r.fail(ctx, st.id, err)
		}
	}
	setupIn := entra.SetupInput{UniqueName: entra.AppUniqueName(r.prog.Name), DisplayName: entra.AppDisplayName(r.prog.Name), Certificate: r.cred.Certificate}
	err := r.in.Entra.Apply(ctx, r.sess, setupIn, &r.prog.Setup, r.hooks.OnEvent, func(p entra.SetupProgress) error {
		r.prog.Setup = p
		return r.save()
	})
	if err != nil {
		step := entra.SetupApp
		var se *entra.SetupError
		if errors.As(err, &se) {
			step = se.Step
		}
		return r.fail(ctx, step, err)
	}
	if err := ctx.Err(); err != nil {
		return r.fail(ctx, entra.SetupVerify, fmt.Errorf("stopped before saving the account: %w", err))
	}
	return r.finish(ctx)
}

// signIn signs the admin in; on resume, to the tenant of the earlier run.
func (r *autoRun) signIn(ctx context.Context) (entra.SetupEvent, error) {
	sess, err := r.in.Entra.SignIn(ctx, r.in.ClientID, r.prog.Setup.TenantID, r.hooks.OnPrompt)
	if err != nil {
		return entra.SetupEvent{}, err
	}
	if t := r.prog.Setup.TenantID; t != "" && !strings.EqualFold(sess.TenantID, t) {
		return entra.SetupEvent{}, &entra.SetupError{Step: entra.SetupSignIn, Problem: entra.SetupWrongTenant,
			Message: fmt.Sprintf("%s signed in to tenant %s, but this link was started in tenant %s", sess.UserPrincipalName, sess.TenantID, t),
			Hint:    "sign in with an admin of tenant " + t + ", or link under another name"}
	}
	r.sess, r.prog.SignedInAs = sess, sess.UserPrincipalName
	return entra.SetupEvent{Message: fmt.Sprintf("signed in as %s (tenant %s)", sess.UserPrincipalName, sess.TenantID)}, nil
}

// organization reads the tenant ID and the Organization ID.
func (r *autoRun) organization(ctx context.Context) (entra.SetupEvent, error) {
	p := &r.prog.Setup
	if p.Done(entra.SetupOrganization) {
		return entra.SetupEvent{Existed: true, ObjectID: p.TenantID,
			Message: fmt.Sprintf("tenant %s, organization %s (read by the earlier run)", p.TenantID, p.Organization)}, nil
	}
	tenantID, domain, err := r.in.Entra.Organization(ctx, r.sess)
	if err != nil {
		return entra.SetupEvent{}, err
	}
	p.TenantID, p.Organization = tenantID, domain
	return entra.SetupEvent{ObjectID: tenantID, Message: fmt.Sprintf("tenant %s, organization %s", tenantID, domain)}, nil
}

// key makes and stores the key pair and certificate, or reopens the one an
// earlier run made (a second key would mean a second certificate on the app).
func (r *autoRun) key(ctx context.Context) (entra.SetupEvent, error) {
	if id := r.prog.Credential.ID; id != "" {
		cred, err := r.s.credential(ctx, id)
		if err == nil {
			r.cred = cred
			return entra.SetupEvent{Existed: true, Message: "reusing the key made by the earlier run, certificate " + r.prog.Credential.Thumbprint}, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return entra.SetupEvent{}, fmt.Errorf("open the key made by the earlier run: %w", err)
		}
		// The key is gone (the store was cleaned up): make another.
	}
	sc, cred, err := r.s.NewCredential(ctx, r.prog.Name, r.in.KeySize, r.in.CertDays)
	if err != nil {
		return entra.SetupEvent{}, err
	}
	r.prog.Credential, r.cred = sc, cred
	return entra.SetupEvent{Message: fmt.Sprintf("made a %d-bit key and a certificate valid until %s, thumbprint %s",
		sc.KeySize, sc.NotAfter.Format("2006-01-02"), sc.Thumbprint)}, nil
}

// finish saves the account, audits the run, and verifies with retries.
func (r *autoRun) finish(ctx context.Context) (AutoLinkResult, error) {
	p := r.prog.Setup
	if r.prog.AccountID == "" {
		a, err := r.s.SaveAccount(LinkInput{Name: r.prog.Name, AppID: p.AppID, TenantID: p.TenantID, Organization: p.Organization,
			KeySize: r.prog.Credential.KeySize, CertDays: r.in.CertDays}, r.prog.Credential)
		if err != nil {
			return r.fail(ctx, entra.SetupVerify, err)
		}
		r.prog.AccountID = a.ID
		if err := r.save(); err != nil {
			return r.fail(ctx, entra.SetupVerify, err)
		}
	}
	audit := store.AuditEntry{V: store.RecordVersion, At: r.s.now().UTC(), Action: AuditAutoSetup, AccountID: r.prog.AccountID, Name: r.prog.Name,
		Detail: fmt.Sprintf("signed in as %s; app %s (object %s, unique name %s), service principal %s, Exchange consent %s, Global Reader assignment %s",
			r.prog.SignedInAs, p.AppID, p.AppObjectID, p.UniqueName, p.ServicePrincipalID, p.ConsentID, p.RoleAssignmentID)}
	if _, err := r.s.Store.UpdateAccount(r.prog.AccountID, func(*store.Account) error { return nil }, &audit); err != nil {
		return r.fail(ctx, entra.SetupVerify, fmt.Errorf("record the automatic setup in the audit log: %w", err))
	}
	wait := r.in.Wait
	if wait <= 0 {
		wait = DefaultAutoWait
	}
	r.emit(entra.SetupEvent{Step: entra.SetupVerify, Running: true, Message: entra.SetupVerify.Title()})
	report, err := r.s.Verify(ctx, r.prog.Name, wait, r.hooks.OnAttempt)
	if err != nil {
		r.emit(entra.SetupEvent{Step: entra.SetupVerify, Message: err.Error()})
		return r.fail(ctx, entra.SetupVerify, err)
	}
	ev := entra.SetupEvent{Step: entra.SetupVerify, OK: report.OK, Message: "every check passed"}
	if first, ok := report.FirstFailure(); !report.OK && ok {
		ev.Message = fmt.Sprintf("check %s failed: %s", first.ID, first.Message)
	}
	r.emit(ev)
	if report.OK && r.hooks.SaveProgress == nil {
		if err := r.s.Store.DeleteDraft(AutoDraftKind); err != nil {
			return r.fail(ctx, entra.SetupVerify, fmt.Errorf("drop the finished link's draft: %w", err))
		}
	}
	acct, err := r.s.Account(r.prog.Name)
	if err != nil {
		return r.fail(ctx, entra.SetupVerify, err)
	}
	return AutoLinkResult{Account: acct, Credential: r.cred, Report: report, SignedInAs: r.prog.SignedInAs, Progress: r.prog}, nil
}
