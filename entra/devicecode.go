package entra

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
)

// DeviceCodePrompt is what the admin must see to sign in: shown as soon as
// Entra hands out the code, large, with a countdown to ExpiresAt.
type DeviceCodePrompt struct {
	// UserCode is what the admin types at VerificationURL.
	UserCode string
	// VerificationURL is where to type it (https://microsoft.com/devicelogin).
	VerificationURL string
	// Message is Entra's own sentence saying both, in the admin's language.
	Message string
	// ExpiresAt is when the code stops working.
	ExpiresAt time.Time
}

// DeviceCodeSignIn signs an admin in with the OAuth 2.0 device-code flow
// (MSAL Go's public client), for Microsoft Graph with the setup's delegated
// scopes. The token it gets lives in memory only.
type DeviceCodeSignIn struct {
	// Endpoints are the cloud's hosts (login and Graph are used).
	Endpoints Endpoints
	// HTTP carries every request (nil: NewHTTPClient(nil)).
	HTTP *http.Client
	// ClientID is the public client to sign in with (empty:
	// DefaultPublicClientID, Microsoft Graph Command Line Tools).
	ClientID string
	// Tenant is the tenant to sign in to (empty: "organizations", any work
	// account; a re-run that knows the tenant may name it).
	Tenant string
}

// clientID returns the public client id to use.
func (d *DeviceCodeSignIn) clientID() string {
	if id := strings.TrimSpace(d.ClientID); id != "" {
		return id
	}
	return DefaultPublicClientID
}

// httpClient returns the HTTP client to use.
func (d *DeviceCodeSignIn) httpClient() *http.Client {
	if d.HTTP == nil {
		return defaultHTTP()
	}
	return d.HTTP
}

// Run asks Entra for a device code, hands it to onPrompt (may be nil) at
// once, and waits until the admin has signed in, the code expires, or ctx is
// done. Failures are *SignInError, which names the way out.
func (d *DeviceCodeSignIn) Run(ctx context.Context, onPrompt func(DeviceCodePrompt)) (*AdminSession, error) {
	tenant := strings.TrimSpace(d.Tenant)
	if tenant == "" {
		tenant = "organizations"
	}
	client, err := public.New(d.clientID(),
		public.WithAuthority(d.Endpoints.Login+"/"+tenant),
		public.WithHTTPClient(graphScopeEcho{inner: d.httpClient(), graph: d.Endpoints.Graph}),
		public.WithInstanceDiscovery(d.Endpoints.InstanceDiscovery))
	if err != nil {
		return nil, &SignInError{Problem: SignInRefused, Message: "cannot prepare the device-code sign-in: " + serverText(err.Error()),
			Hint: "check --authority-host and --client-id", Err: err}
	}
	dc, err := client.AcquireTokenByDeviceCode(ctx, SetupScopes(d.Endpoints.Graph))
	if err != nil {
		return nil, d.classify(ctx, err, time.Time{})
	}
	prompt := DeviceCodePrompt{
		UserCode: serverText(dc.Result.UserCode), VerificationURL: serverText(dc.Result.VerificationURL),
		Message: serverText(dc.Result.Message), ExpiresAt: dc.Result.ExpiresOn,
	}
	if onPrompt != nil {
		onPrompt(prompt)
	}
	res, err := dc.AuthenticationResult(ctx)
	if err != nil {
		return nil, d.classify(ctx, err, prompt.ExpiresAt)
	}
	sess, err := SessionFromToken(res.AccessToken)
	if err != nil {
		// Graph's token need not be a JWT; the id token says who signed in.
		sess = &AdminSession{token: res.AccessToken}
	}
	id := res.IDToken
	if sess.TenantID == "" {
		sess.TenantID = strings.ToLower(id.TenantID)
	}
	if sess.UserObjectID == "" {
		sess.UserObjectID = id.Oid
	}
	if sess.UserPrincipalName == "" {
		sess.UserPrincipalName = serverText(firstNonEmpty(id.UPN, id.PreferredUsername))
	}
	if sess.ExpiresOn.IsZero() {
		sess.ExpiresOn = res.ExpiresOn
	}
	if sess.TenantID == "" {
		return nil, &SignInError{Problem: SignInRefused, Message: "Entra's sign-in names no tenant", Hint: "sign in with a work account of the tenant to link"}
	}
	return sess, nil
}

// SignInProblem says why a device-code sign-in failed.
type SignInProblem string

// The ways a sign-in fails.
const (
	SignInCancelled          SignInProblem = "cancelled"
	SignInExpired            SignInProblem = "expired"
	SignInDeclined           SignInProblem = "declined"
	SignInBlockedByPolicy    SignInProblem = "blocked-by-policy"
	SignInClientNotConsented SignInProblem = "client-not-consented"
	SignInBadCredentials     SignInProblem = "bad-credentials"
	SignInWrongAccount       SignInProblem = "wrong-account"
	SignInScopesNotGranted   SignInProblem = "scopes-not-granted"
	SignInUnknownClient      SignInProblem = "unknown-client"
	SignInNotPublicClient    SignInProblem = "not-public-client"
	SignInNetwork            SignInProblem = "network"
	SignInRefused            SignInProblem = "refused"
)

// SignInError is a failed device-code sign-in: what happened and the way out.
type SignInError struct {
	Problem SignInProblem
	// Code is Entra's AADSTS code, 0 when there was none.
	Code    int
	Message string
	Hint    string
	Err     error
}

func (e *SignInError) Error() string {
	if e.Hint == "" {
		return e.Message
	}
	return e.Message + "; " + e.Hint
}

// Unwrap returns the underlying error (context.Canceled for a cancel).
func (e *SignInError) Unwrap() error { return e.Err }

// Guided reports whether the way out is the guided path (the admin does the
// steps in the Entra admin center): the tenant will not let this sign-in
// through at all.
func (e *SignInError) Guided() bool {
	return e.Problem == SignInBlockedByPolicy || e.Problem == SignInClientNotConsented
}

// guidedHint is the way out when the automatic path is closed.
const guidedHint = "use the guided path instead (\"I'll do it in the Entra admin center\"): xops keeps what was already created"

// classify turns MSAL's error into a *SignInError. MSAL consumes the body of
// a failed poll to look for authorization_pending, so the AADSTS code and
// OAuth error reach us only in the error's text.
func (d *DeviceCodeSignIn) classify(ctx context.Context, err error, expires time.Time) *SignInError {
	host := hostOf(d.Endpoints.Login)
	text := err.Error()
	code := 0
	if m := aadstsInText.FindStringSubmatch(text); m != nil {
		_, _ = fmt.Sscan(m[1], &code)
	}
	oauthErr := ""
	if m := oauthErrorInText.FindStringSubmatch(text); m != nil {
		oauthErr = m[1]
	}
	e := &SignInError{Code: code, Err: err}
	set := func(p SignInProblem, msg, hint string) *SignInError {
		e.Problem, e.Message, e.Hint = p, msg, hint
		return e
	}
	switch {
	case ctx.Err() != nil:
		return set(SignInCancelled, "the sign-in was cancelled", "start again when ready; nothing was changed in the tenant by the sign-in")
	case oauthErr == "expired_token" || code == 70019 ||
		errors.Is(err, context.DeadlineExceeded) && !expires.IsZero() && !time.Now().Before(expires.Add(-time.Second)):
		return set(SignInExpired, "the code expired before anyone signed in with it",
			"run it again and enter the new code at the address shown within its time")
	case code == 53003 || code == 53000 || code == 53001 || code == 530034:
		return set(SignInBlockedByPolicy, fmt.Sprintf("Entra blocked the device-code sign-in with Conditional Access (AADSTS%d)", code), guidedHint)
	case code == 530035:
		return set(SignInBlockedByPolicy, "Entra blocked the device-code sign-in: security defaults do not allow it (AADSTS530035)", guidedHint)
	case code == 65001:
		return set(SignInClientNotConsented, fmt.Sprintf("the tenant has not consented to the sign-in client %s (AADSTS65001)", d.clientID()),
			"a Global Administrator can consent by signing in once with xops; or register your own public client and pass --client-id; or "+guidedHint)
	case oauthErr == "authorization_declined" || code == 65004 || oauthErr == "access_denied":
		return set(SignInDeclined, "the sign-in was declined at the permission prompt",
			"run it again and accept the permissions xops asks for (it needs them to create the app), or "+guidedHint)
	case code == 50126 || code == 50034 || code == 50053 || code == 50057:
		return set(SignInBadCredentials, fmt.Sprintf("the sign-in failed: Entra did not accept the account or its password (AADSTS%d)", code),
			"run it again and sign in with an administrator account of the tenant")
	case code == 50020 || code == 500200 || code == 9002331 || code == 90072:
		return set(SignInWrongAccount, fmt.Sprintf("that account cannot sign in here: it is a personal Microsoft account or belongs to another tenant (AADSTS%d)", code),
			"sign in with a work account of the tenant you are linking")
	case code == 700016:
		return set(SignInUnknownClient, fmt.Sprintf("Entra knows no client %s in this tenant (AADSTS700016)", d.clientID()),
			"check --client-id, or leave it out to sign in with Microsoft Graph Command Line Tools")
	case code == 7000218 || code == 7000215 || code == 7000216:
		return set(SignInNotPublicClient, fmt.Sprintf("client %s does not allow device-code sign-in (AADSTS%d)", d.clientID(), code),
			"on the app's Authentication page turn on \"Allow public client flows\", or leave --client-id out")
	case strings.Contains(text, "declined scopes are present"):
		return set(SignInScopesNotGranted, "the sign-in did not grant all the permissions xops needs ("+strings.Join(SetupPermissions, ", ")+")",
			"sign in as a Global Administrator or Privileged Role Administrator and accept the permissions, or "+guidedHint)
	case code != 0 || oauthErr != "":
		return set(SignInRefused, "Entra refused the sign-in: "+serverText(firstLine(text)),
			"read Entra's words above; if unclear, look the AADSTS code up in Microsoft's error reference")
	}
	if tr, ok := networkTrouble(err, host); ok {
		return set(SignInNetwork, tr.message, tr.hint)
	}
	return set(SignInRefused, "the sign-in failed: "+serverText(firstLine(text)), "check --authority-host and the network, then try again")
}

// firstLine returns the most telling part of an MSAL error: Entra's
// error_description without its trace ids when the text holds one, else
// the first line.
func firstLine(s string) string {
	if m := descriptionInText.FindStringSubmatch(s); m != nil {
		d := strings.ReplaceAll(m[1], `\"`, `"`)
		if i := strings.Index(d, " Trace ID:"); i > 0 {
			d = d[:i]
		}
		return strings.TrimSpace(d)
	}
	line, _, _ := strings.Cut(s, "\n")
	return strings.TrimSpace(line)
}

// Entra's OAuth error name and description inside an error's text.
var (
	oauthErrorInText  = regexp.MustCompile(`"error"\s*:\s*"([a-z_]+)"`)
	descriptionInText = regexp.MustCompile(`"error_description"\s*:\s*"((?:[^"\\]|\\.)*)"`)
)
