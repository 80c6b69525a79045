package entra_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/entra/sandbox"
)

// The device-code and setup tests run their top level one after another,
// before the package's parallel tests start: several of those time their
// retries, and a crowd of sandboxes on two cores would starve them.

// startSandbox starts a tenant whose admin approves at once.
func startSandbox(t testing.TB) *sandbox.Sandbox {
	t.Helper()
	sb, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatalf("sandbox.New: %v", err)
	}
	if err := sb.Start(); err != nil {
		t.Fatalf("sandbox.Start: %v", err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	sb.SetAdmin(sandbox.Admin{})
	return sb
}

// signer signs in to the sandbox.
func signer(sb *sandbox.Sandbox) *entra.DeviceCodeSignIn {
	return &entra.DeviceCodeSignIn{Endpoints: sb.Endpoints(), HTTP: sb.HTTPClient()}
}

// signIn signs the sandbox's admin in, failing the test on error.
func signIn(t testing.TB, sb *sandbox.Sandbox) *entra.AdminSession {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sess, err := signer(sb).Run(ctx, nil)
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}
	return sess
}

// The prompt arrives before the token, with everything a screen shows; the
// session names the tenant and the admin, and never prints its token.
func TestDeviceCodeSignIn(t *testing.T) {
	sb := startSandbox(t)
	sb.SetAdmin(sandbox.Admin{UPN: "alex@contoso-sandbox.onmicrosoft.com", ApproveAfter: 200 * time.Millisecond})
	var prompts []entra.DeviceCodePrompt
	start := time.Now()
	sess, err := signer(sb).Run(t.Context(), func(p entra.DeviceCodePrompt) { prompts = append(prompts, p) })
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}
	if len(prompts) != 1 {
		t.Fatalf("prompts = %d, want 1", len(prompts))
	}
	p := prompts[0]
	if len(p.UserCode) != 9 || !strings.HasPrefix(p.VerificationURL, sb.URL()) || !strings.Contains(p.Message, p.UserCode) {
		t.Errorf("prompt %+v", p)
	}
	if left := p.ExpiresAt.Sub(start); left < 14*time.Minute || left > 16*time.Minute {
		t.Errorf("code expires in %v, want about 15 minutes", left)
	}
	if sess.TenantID != sb.TenantID() || sess.UserPrincipalName != "alex@contoso-sandbox.onmicrosoft.com" || sess.UserObjectID == "" {
		t.Errorf("session %v: tenant %q upn %q oid %q", sess, sess.TenantID, sess.UserPrincipalName, sess.UserObjectID)
	}
	if !sess.HasRole(entra.RoleGlobalAdministrator) {
		t.Errorf("roles %v lack Global Administrator", sess.Roles)
	}
	for _, want := range entra.SetupPermissions {
		found := false
		for _, s := range sess.Scopes {
			found = found || s == want
		}
		if !found {
			t.Errorf("scopes %v lack %s", sess.Scopes, want)
		}
	}
	for _, s := range []string{fmt.Sprint(sess), fmt.Sprintf("%+v", sess), fmt.Sprintf("%#v", sess), sess.String()} {
		if strings.Contains(s, "eyJ") {
			t.Errorf("the token leaks through fmt: %s", s)
		}
	}
}

// Entra may name granted Graph permissions by their short names: the
// sign-in still succeeds (MSAL would take them for declined scopes).
func TestDeviceCodeShortScopeNames(t *testing.T) {
	sb := startSandbox(t)
	sb.SetAdmin(sandbox.Admin{ShortScopes: true})
	sess, err := signer(sb).Run(t.Context(), nil)
	if err != nil || sess.TenantID != sb.TenantID() {
		t.Fatalf("sign in: %v, %v", sess, err)
	}
}

// Every way the sign-in fails is named, with its way out.
func TestDeviceCodeFailures(t *testing.T) {
	cases := []struct {
		name    string
		admin   sandbox.Admin
		setup   func(*sandbox.Sandbox, *entra.DeviceCodeSignIn)
		problem entra.SignInProblem
		code    int
		guided  bool
		hint    string
	}{
		{"conditional access", sandbox.Admin{Outcome: sandbox.AdminBlockedByConditionalAccess}, nil, entra.SignInBlockedByPolicy, 53003, true, "guided path"},
		{"security defaults", sandbox.Admin{Outcome: sandbox.AdminBlockedBySecurityDefaults}, nil, entra.SignInBlockedByPolicy, 530035, true, "guided path"},
		{"client not consented", sandbox.Admin{Outcome: sandbox.AdminClientNotConsented}, nil, entra.SignInClientNotConsented, 65001, true, "--client-id"},
		{"consent declined", sandbox.Admin{Outcome: sandbox.AdminDeclinesConsent}, nil, entra.SignInDeclined, 65004, false, "accept the permissions"},
		{"wrong password", sandbox.Admin{Outcome: sandbox.AdminWrongPassword}, nil, entra.SignInBadCredentials, 50126, false, "administrator account"},
		{"code expired", sandbox.Admin{Outcome: sandbox.AdminNeverSignsIn}, func(sb *sandbox.Sandbox, _ *entra.DeviceCodeSignIn) {
			sb.SetDeviceCodeLifetime(time.Second)
		}, entra.SignInExpired, 0, false, "new code"},
		{"unknown client", sandbox.Admin{}, func(_ *sandbox.Sandbox, d *entra.DeviceCodeSignIn) {
			d.ClientID = "0b9f2c7e-1111-4222-8333-944455566677"
		}, entra.SignInUnknownClient, 700016, false, "--client-id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sb := startSandbox(t)
			sb.SetAdmin(tc.admin)
			d := signer(sb)
			if tc.setup != nil {
				tc.setup(sb, d)
			}
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			sess, err := d.Run(ctx, nil)
			var se *entra.SignInError
			if !errors.As(err, &se) {
				t.Fatalf("got %v, %v; want a *SignInError", sess, err)
			}
			if se.Problem != tc.problem || (tc.code != 0 && se.Code != tc.code) || se.Guided() != tc.guided {
				t.Errorf("problem %q code %d guided %v, want %q %d %v (%v)", se.Problem, se.Code, se.Guided(), tc.problem, tc.code, tc.guided, se)
			}
			if !strings.Contains(se.Hint, tc.hint) || se.Message == "" {
				t.Errorf("message %q hint %q; want the hint to say %q", se.Message, se.Hint, tc.hint)
			}
		})
	}
}

// Cancelling while the code is shown stops the polling with "cancelled".
func TestDeviceCodeCancel(t *testing.T) {
	sb := startSandbox(t)
	sb.SetAdmin(sandbox.Admin{ApproveAfter: -1})
	ctx, cancel := context.WithCancel(t.Context())
	_, err := signer(sb).Run(ctx, func(entra.DeviceCodePrompt) {
		time.AfterFunc(100*time.Millisecond, cancel)
	})
	var se *entra.SignInError
	if !errors.As(err, &se) || se.Problem != entra.SignInCancelled || !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want a cancelled sign-in wrapping context.Canceled", err)
	}
}

// A code approved by hand (ApproveDeviceCode) completes the sign-in.
func TestDeviceCodeApprovedByHand(t *testing.T) {
	sb := startSandbox(t)
	sb.SetAdmin(sandbox.Admin{ApproveAfter: -1})
	sess, err := signer(sb).Run(t.Context(), func(p entra.DeviceCodePrompt) {
		go func() { _ = sb.ApproveDeviceCode(p.UserCode) }()
	})
	if err != nil || sess.TenantID != sb.TenantID() {
		t.Fatalf("sign in: %v, %v", sess, err)
	}
}

// The login host down: a network problem naming the host, not a setup fault.
func TestDeviceCodeNetwork(t *testing.T) {
	sb := startSandbox(t)
	d := signer(sb)
	_ = sb.Close()
	_, err := d.Run(t.Context(), nil)
	var se *entra.SignInError
	if !errors.As(err, &se) || se.Problem != entra.SignInNetwork || !strings.Contains(se.Message, "127.0.0.1") {
		t.Fatalf("got %v, want a network problem naming the host", err)
	}
}
