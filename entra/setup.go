package entra

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// SetupStepID names one step of the automatic setup ("Set it up for me").
// The ids are shown live and kept in drafts: they are part of the contract
// between entra, flow and the screens.
type SetupStepID string

// The automatic setup's steps, in order.
const (
	SetupSignIn           SetupStepID = "sign-in"
	SetupOrganization     SetupStepID = "organization"
	SetupKey              SetupStepID = "key"
	SetupApp              SetupStepID = "app"
	SetupServicePrincipal SetupStepID = "service-principal"
	SetupConsent          SetupStepID = "admin-consent"
	SetupGlobalReader     SetupStepID = "global-reader"
	SetupVerify           SetupStepID = "verify"
)

// SetupSteps lists the steps in the order they run and are shown.
var SetupSteps = []SetupStepID{
	SetupSignIn, SetupOrganization, SetupKey, SetupApp,
	SetupServicePrincipal, SetupConsent, SetupGlobalReader, SetupVerify,
}

// Title is the step's line on screen.
func (id SetupStepID) Title() string {
	switch id {
	case SetupSignIn:
		return "Sign in as an admin"
	case SetupOrganization:
		return "Read the tenant ID and Organization ID"
	case SetupKey:
		return "Make the key pair and certificate"
	case SetupApp:
		return "Register the app (Exchange permission, certificate)"
	case SetupServicePrincipal:
		return "Create its service principal"
	case SetupConsent:
		return "Grant admin consent to Exchange.ManageAsApp"
	case SetupGlobalReader:
		return "Assign the Global Reader role"
	case SetupVerify:
		return "Verify against Microsoft"
	}
	return string(id)
}

// Checklist returns the guided checklist's steps this setup step does, so a
// switch to the guided path can tick what is already done.
func (id SetupStepID) Checklist() []Step {
	switch id {
	case SetupOrganization:
		return []Step{StepCopyIDs}
	case SetupKey:
		return []Step{StepGenerateKey}
	case SetupApp:
		return []Step{StepRegisterApp, StepAddExchangePermission, StepUploadCertificate}
	case SetupConsent:
		return []Step{StepGrantAdminConsent}
	case SetupGlobalReader:
		return []Step{StepAssignGlobalReader}
	}
	return nil
}

// SetupEvent is one live report of the setup: a step starting (Running),
// done (OK) or failed.
type SetupEvent struct {
	Step    SetupStepID
	Running bool
	OK      bool
	// Existed: the step found its object already there and changed nothing.
	Existed bool
	Message string
	// ObjectID is the Entra object the step made or found, when it has one.
	ObjectID string
}

// SetupProgress is what the setup has done so far, for a draft: a re-run
// given it resumes, and the ids say what exists. It holds no secret.
type SetupProgress struct {
	TenantID     string `json:"tenant_id,omitempty"`
	Organization string `json:"organization,omitempty"`
	// UniqueName is the app's alternate key (AppUniqueName of the account name).
	UniqueName  string `json:"unique_name,omitempty"`
	AppObjectID string `json:"app_object_id,omitempty"`
	AppID       string `json:"app_id,omitempty"`
	// Thumbprint is the SHA-1 thumbprint of the certificate put on the app.
	Thumbprint         string `json:"thumbprint,omitempty"`
	ServicePrincipalID string `json:"service_principal_id,omitempty"`
	ExchangeSPID       string `json:"exchange_sp_id,omitempty"`
	ManageAsAppRoleID  string `json:"manage_as_app_role_id,omitempty"`
	ConsentID          string `json:"consent_id,omitempty"`
	RoleAssignmentID   string `json:"role_assignment_id,omitempty"`
}

// Done reports whether the progress records step as done.
func (p SetupProgress) Done(step SetupStepID) bool {
	switch step {
	case SetupOrganization:
		return p.TenantID != "" && p.Organization != ""
	case SetupApp:
		return p.AppID != "" && p.Thumbprint != ""
	case SetupServicePrincipal:
		return p.ServicePrincipalID != ""
	case SetupConsent:
		return p.ConsentID != ""
	case SetupGlobalReader:
		return p.RoleAssignmentID != ""
	}
	return false
}

// AppUniqueName is the uniqueName of the app xops registers for the account
// named name: "xops-" and the name's letters and digits, then a short hash
// of the whole name, so a re-run finds the same app and never makes a second.
func AppUniqueName(name string) string {
	name = strings.TrimSpace(name)
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	slug := strings.Trim(b.String(), "-")
	sum := sha256.Sum256([]byte(strings.ToLower(name)))
	if slug == "" {
		return "xops-" + hex.EncodeToString(sum[:6])
	}
	return "xops-" + slug + "-" + hex.EncodeToString(sum[:4])
}

// AppDisplayName is the display name of the app xops registers for name.
func AppDisplayName(name string) string { return "xops (" + strings.TrimSpace(name) + ")" }

// Setup does the Entra side of linking with Microsoft Graph, as a signed-in
// admin: each step idempotent, reported live, resumable from SetupProgress.
type Setup struct {
	// Endpoints are the cloud's hosts (Graph is used).
	Endpoints Endpoints
	// HTTP carries every request (nil: NewHTTPClient(nil)).
	HTTP *http.Client
	// ReplicationWait bounds how long a write is retried while Entra has not
	// yet replicated an object made a moment before (zero: 2 minutes).
	ReplicationWait time.Duration
	// RetryDelay is the first pause between those retries, doubling up to
	// 10s (zero: 2s). Tests shrink both.
	RetryDelay time.Duration
}

// graph returns a client for the session.
func (s *Setup) graph(sess *AdminSession) *graphClient {
	h := s.HTTP
	if h == nil {
		h = defaultHTTP()
	}
	return &graphClient{base: s.Endpoints.Graph, http: h, token: sess.token}
}

// SetupProblem says why a setup step failed.
type SetupProblem string

// The ways a setup step fails.
const (
	// SetupMissingRole: the admin's role does not allow the write (403).
	SetupMissingRole SetupProblem = "missing-role"
	// SetupNoExchange: the tenant has no Exchange Online.
	SetupNoExchange SetupProblem = "no-exchange"
	// SetupSessionExpired: the sign-in's token no longer works (401).
	SetupSessionExpired SetupProblem = "session-expired"
	// SetupWrongTenant: the admin signed in to another tenant than the
	// one the saved progress is for.
	SetupWrongTenant SetupProblem = "wrong-tenant"
	SetupCancelled   SetupProblem = "cancelled"
	SetupNetwork     SetupProblem = "network"
	SetupRefused     SetupProblem = "refused"
)

// SetupError is a failed setup step: which, why, and the way out.
type SetupError struct {
	Step    SetupStepID
	Problem SetupProblem
	Message string
	Hint    string
	Err     error
}

func (e *SetupError) Error() string {
	msg := fmt.Sprintf("%s: %s", e.Step, e.Message)
	if e.Hint != "" {
		msg += "; " + e.Hint
	}
	return msg
}

// Unwrap returns the cause (a *GraphError, context.Canceled, …).
func (e *SetupError) Unwrap() error { return e.Err }

// Guided reports whether the guided path is the way out: the admin cannot
// do this step from here, someone must in the admin center.
func (e *SetupError) Guided() bool {
	return e.Problem == SetupMissingRole
}

// rolesFor names the roles that allow a step's writes.
func rolesFor(step SetupStepID) string {
	switch step {
	case SetupApp, SetupServicePrincipal:
		return "Application Administrator, Cloud Application Administrator or Global Administrator"
	case SetupConsent, SetupGlobalReader:
		return "Privileged Role Administrator or Global Administrator"
	}
	return "Global Reader or Global Administrator"
}

// stepError explains err, from the step's Graph call, with the way out.
func (s *Setup) stepError(ctx context.Context, step SetupStepID, sess *AdminSession, what string, err error) *SetupError {
	e := &SetupError{Step: step, Err: err}
	var ge *GraphError
	switch {
	case ctx.Err() != nil:
		e.Problem, e.Message, e.Hint = SetupCancelled, "cancelled while "+what, "run it again: xops resumes where it stopped, without duplicates"
	case errors.As(err, &ge) && ge.Denied():
		e.Problem = SetupMissingRole
		e.Message = fmt.Sprintf("%s may not %s: Microsoft Graph answered %d %s", who(sess), what, ge.Status, ge.Code)
		e.Hint = "sign in as a " + rolesFor(step) + " and run it again (xops resumes where it stopped), or " + guidedHint
	case errors.As(err, &ge) && ge.Status == http.StatusUnauthorized:
		e.Problem, e.Message = SetupSessionExpired, "the sign-in no longer works ("+ge.Code+") while trying to "+what
		e.Hint = "run it again and sign in anew: xops resumes where it stopped"
	case errors.As(err, &ge):
		if tr, ok := statusTrouble(ge.Status, hostOf(s.Endpoints.Graph)); ok {
			e.Problem, e.Message, e.Hint = SetupNetwork, tr.message, tr.hint+"; xops resumes where it stopped"
			break
		}
		e.Problem, e.Message = SetupRefused, "could not "+what+": "+ge.Error()
		e.Hint = "read Graph's words above; run it again to resume, or " + guidedHint
	default:
		tr, ok := networkTrouble(err, hostOf(s.Endpoints.Graph))
		if !ok {
			tr = trouble{"could not " + what + ": " + serverText(err.Error()), "check --graph-url and the network, then run it again"}
		}
		e.Problem, e.Message, e.Hint = SetupNetwork, tr.message, tr.hint
	}
	return e
}

// who names the signed-in admin in messages.
func who(sess *AdminSession) string {
	if sess != nil && sess.UserPrincipalName != "" {
		return sess.UserPrincipalName
	}
	return "the signed-in account"
}

// SignIn signs an admin in by device code on the setup's endpoints, so one
// Setup serves the whole automatic link. clientID and tenant are
// DeviceCodeSignIn's (empty: Microsoft Graph Command Line Tools, and any
// work account's tenant).
func (s *Setup) SignIn(ctx context.Context, clientID, tenant string, onPrompt func(DeviceCodePrompt)) (*AdminSession, error) {
	d := &DeviceCodeSignIn{Endpoints: s.Endpoints, HTTP: s.HTTP, ClientID: clientID, Tenant: tenant}
	return d.Run(ctx, onPrompt)
}

// missingID is a write Graph accepted (or called a duplicate) whose object
// it then did not show: replication, most likely.
func missingID(step SetupStepID) *SetupError {
	return &SetupError{Step: step, Problem: SetupRefused,
		Message: "Microsoft Graph accepted the change (or said it was already made) but does not show the object yet",
		Hint:    "wait a minute for Entra to replicate and run it again: xops resumes where it stopped, without duplicates"}
}
