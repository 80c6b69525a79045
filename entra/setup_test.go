package entra_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/entra/certs"
	"github.com/xops/xops/entra/sandbox"
)

// setupFor is a Setup against the sandbox with quick retries.
func setupFor(sb *sandbox.Sandbox) *entra.Setup {
	return &entra.Setup{Endpoints: sb.Endpoints(), HTTP: sb.HTTPClient(), ReplicationWait: 10 * time.Second, RetryDelay: 20 * time.Millisecond}
}

// input is the setup input for account name with cred's certificate.
func input(name string, cred *certs.Credential) entra.SetupInput {
	return entra.SetupInput{UniqueName: entra.AppUniqueName(name), DisplayName: entra.AppDisplayName(name), Certificate: cred.Certificate}
}

// apply runs the Graph steps, collecting the events.
func apply(t testing.TB, ctx context.Context, sb *sandbox.Sandbox, sess *entra.AdminSession, in entra.SetupInput, p *entra.SetupProgress, save func(entra.SetupProgress) error) ([]entra.SetupEvent, error) {
	t.Helper()
	var events []entra.SetupEvent
	err := setupFor(sb).Apply(ctx, sess, in, p, func(e entra.SetupEvent) { events = append(events, e) }, save)
	return events, err
}

// The whole setup on a fresh tenant: every step reported, the ids kept, one
// object of each kind created, and the result verifies.
func TestSetupHappyPath(t *testing.T) {
	sb := startSandbox(t)
	sess := signIn(t, sb)
	good, _ := credentials(t)
	tenantID, domain, err := setupFor(sb).Organization(t.Context(), sess)
	if err != nil || tenantID != sb.TenantID() || domain != sb.Domain() {
		t.Fatalf("organization: %q %q %v", tenantID, domain, err)
	}
	p := entra.SetupProgress{TenantID: tenantID, Organization: domain}
	var saved []entra.SetupProgress
	events, err := apply(t, t.Context(), sb, sess, input("Contoso Prod", good), &p, func(p entra.SetupProgress) error {
		saved = append(saved, p)
		return nil
	})
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	var done []entra.SetupStepID
	for _, e := range events {
		if e.OK {
			done = append(done, e.Step)
			if e.Message == "" || e.ObjectID == "" || e.Existed {
				t.Errorf("event %+v: want a message, an object id, and a new object", e)
			}
		}
	}
	want := []entra.SetupStepID{entra.SetupApp, entra.SetupServicePrincipal, entra.SetupConsent, entra.SetupGlobalReader}
	if !slices.Equal(done, want) || len(events) != 8 || len(saved) != 4 {
		t.Errorf("done %v (events %d, saves %d), want %v", done, len(events), len(saved), want)
	}
	for _, step := range want {
		if !p.Done(step) {
			t.Errorf("progress %+v does not record %s", p, step)
		}
	}
	if got := sb.GraphCounts(); got != (sandbox.GraphCounts{Applications: 1, ServicePrincipals: 1, Consents: 1, RoleAssignments: 1}) {
		t.Errorf("graph counts %+v", got)
	}
	st, err := sb.App(p.AppID)
	if err != nil || st.Name != "xops (Contoso Prod)" || !st.ExchangePermission || !st.AdminConsent || !st.GlobalReader ||
		!slices.Equal(st.Thumbprints, []string{certs.Thumbprint(good.Certificate)}) {
		t.Errorf("app %+v, %v", st, err)
	}
	v := &entra.Verifier{Endpoints: sb.Endpoints(), HTTP: sb.HTTPClient(), MinRetryDelay: 10 * time.Millisecond, MaxRetryDelay: 50 * time.Millisecond}
	r := v.VerifyWait(t.Context(), entra.Target{Account: "contoso", AppID: p.AppID, TenantID: tenantID, Organization: domain}, good, 10*time.Second, nil)
	if !r.OK {
		t.Errorf("verification failed: %+v", r.Checks)
	}
}

// Running the setup again changes nothing and creates nothing.
func TestSetupIdempotent(t *testing.T) {
	sb := startSandbox(t)
	sess := signIn(t, sb)
	good, _ := credentials(t)
	var p entra.SetupProgress
	if _, err := apply(t, t.Context(), sb, sess, input("contoso", good), &p, nil); err != nil {
		t.Fatal(err)
	}
	first := p
	var fresh entra.SetupProgress // a lost draft: only the tenant remembers
	events, err := apply(t, t.Context(), sb, sess, input("contoso", good), &fresh, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		if e.OK && !e.Existed {
			t.Errorf("second run changed %s: %+v", e.Step, e)
		}
	}
	if fresh != first {
		t.Errorf("second run found %+v, first made %+v", fresh, first)
	}
	if got := sb.GraphCounts(); got != (sandbox.GraphCounts{Applications: 1, ServicePrincipals: 1, Consents: 1, RoleAssignments: 1}) {
		t.Errorf("graph counts %+v", got)
	}
}

// A second certificate (a new key after a lost draft) joins the app's
// keys; the first one stays, since PATCH replaces the whole array.
func TestSetupKeepsOtherCertificates(t *testing.T) {
	sb := startSandbox(t)
	sess := signIn(t, sb)
	good, other := credentials(t)
	var p entra.SetupProgress
	if _, err := apply(t, t.Context(), sb, sess, input("contoso", good), &p, nil); err != nil {
		t.Fatal(err)
	}
	var q entra.SetupProgress
	events, err := apply(t, t.Context(), sb, sess, input("contoso", other), &q, nil)
	if err != nil {
		t.Fatal(err)
	}
	if events[1].Existed || !strings.Contains(events[1].Message, "added") {
		t.Errorf("app event %+v: want the certificate added", events[1])
	}
	st, _ := sb.App(p.AppID)
	want := []string{certs.Thumbprint(good.Certificate), certs.Thumbprint(other.Certificate)}
	if !slices.Equal(st.Thumbprints, want) || !st.ExchangePermission {
		t.Errorf("thumbprints %v, want %v; permission %v", st.Thumbprints, want, st.ExchangePermission)
	}
}

// An admin without the role for a step is told which role it takes, after
// the steps their role allows are done.
func TestSetupMissingRole(t *testing.T) {
	cases := []struct {
		name  string
		roles []string
		step  entra.SetupStepID
		role  string
	}{
		{"no role", []string{}, entra.SetupApp, "Application Administrator"},
		{"application administrator", []string{entra.RoleApplicationAdministrator}, entra.SetupConsent, "Privileged Role Administrator or Global Administrator"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sb := startSandbox(t)
			sb.SetAdmin(sandbox.Admin{UPN: "helpdesk@contoso-sandbox.onmicrosoft.com", Roles: tc.roles})
			sess := signIn(t, sb)
			good, _ := credentials(t)
			var p entra.SetupProgress
			_, err := apply(t, t.Context(), sb, sess, input("contoso", good), &p, nil)
			var se *entra.SetupError
			if !errors.As(err, &se) || se.Step != tc.step || se.Problem != entra.SetupMissingRole || !se.Guided() {
				t.Fatalf("got %v, want a missing role at %s", err, tc.step)
			}
			if !strings.Contains(se.Hint, tc.role) || !strings.Contains(se.Message, "helpdesk@") || !strings.Contains(se.Message, "Authorization_RequestDenied") {
				t.Errorf("message %q hint %q; want the user, Graph's code and %q", se.Message, se.Hint, tc.role)
			}
		})
	}
}

// A tenant without Exchange Online is named before anything is created.
func TestSetupNoExchange(t *testing.T) {
	sb := startSandbox(t)
	sb.SetExchangeOnline(false)
	sess := signIn(t, sb)
	good, _ := credentials(t)
	var p entra.SetupProgress
	_, err := apply(t, t.Context(), sb, sess, input("contoso", good), &p, nil)
	var se *entra.SetupError
	if !errors.As(err, &se) || se.Problem != entra.SetupNoExchange || !strings.Contains(se.Message, "no Exchange Online") {
		t.Fatalf("got %v, want no Exchange Online", err)
	}
	if got := sb.GraphCounts(); got != (sandbox.GraphCounts{}) {
		t.Errorf("created %+v in a tenant without Exchange Online", got)
	}
}

// Entra replicates a new app before its service principal can be made:
// the setup waits it out, and verification rides out the propagation.
func TestSetupRidesOutReplication(t *testing.T) {
	sb := startSandbox(t)
	sb.SetPropagationDelay(300 * time.Millisecond)
	sess := signIn(t, sb)
	good, _ := credentials(t)
	var p entra.SetupProgress
	if _, err := apply(t, t.Context(), sb, sess, input("contoso", good), &p, nil); err != nil {
		t.Fatalf("apply: %v", err)
	}
	if got := sb.GraphCounts(); got.ServicePrincipals != 1 || got.Duplicates != 0 {
		t.Errorf("graph counts %+v", got)
	}
	v := &entra.Verifier{Endpoints: sb.Endpoints(), HTTP: sb.HTTPClient(), MinRetryDelay: 50 * time.Millisecond, MaxRetryDelay: 100 * time.Millisecond}
	r := v.VerifyWait(t.Context(), entra.Target{Account: "contoso", AppID: p.AppID, TenantID: sb.TenantID(), Organization: sb.Domain()}, good, 10*time.Second, nil)
	if !r.OK {
		t.Errorf("verification failed: %+v", r.Checks)
	}
}

// Stopped after each step, a re-run with the saved progress completes
// without a second app, service principal or assignment; the inventory of
// the stopped run says what exists and what the guided path still needs.
func TestSetupResumesAfterEachStep(t *testing.T) {
	steps := []entra.SetupStepID{entra.SetupApp, entra.SetupServicePrincipal, entra.SetupConsent, entra.SetupGlobalReader}
	missing := map[entra.SetupStepID][]entra.Step{
		entra.SetupApp:              {entra.StepRegisterApp, entra.StepGrantAdminConsent, entra.StepAssignGlobalReader},
		entra.SetupServicePrincipal: {entra.StepGrantAdminConsent, entra.StepAssignGlobalReader},
		entra.SetupConsent:          {entra.StepAssignGlobalReader},
		entra.SetupGlobalReader:     nil,
	}
	for _, stop := range steps {
		t.Run(string(stop), func(t *testing.T) {
			t.Parallel()
			sb := startSandbox(t)
			sess := signIn(t, sb)
			good, _ := credentials(t)
			in := input("contoso", good)
			ctx, cancel := context.WithCancel(t.Context())
			var draft entra.SetupProgress
			var p entra.SetupProgress
			_, err := apply(t, ctx, sb, sess, in, &p, func(p entra.SetupProgress) error {
				draft = p
				if p.Done(stop) {
					cancel()
				}
				return nil
			})
			var se *entra.SetupError
			if stop != entra.SetupGlobalReader && (!errors.As(err, &se) || se.Problem != entra.SetupCancelled) {
				t.Fatalf("stopped run: %v, want cancelled", err)
			}
			inv, err := setupFor(sb).Inventory(t.Context(), sess, in.UniqueName, good.Certificate, draft)
			if err != nil || !inv.FromTenant || len(inv.Items) != 6 {
				t.Fatalf("inventory: %+v, %v", inv, err)
			}
			if got := inv.Missing(); !slices.Equal(got, missing[stop]) {
				t.Errorf("missing %v, want %v (%+v)", got, missing[stop], inv.Items)
			}
			if _, err := apply(t, t.Context(), sb, sess, in, &draft, nil); err != nil {
				t.Fatalf("resumed run: %v", err)
			}
			if got := sb.GraphCounts(); got != (sandbox.GraphCounts{Applications: 1, ServicePrincipals: 1, Consents: 1, RoleAssignments: 1}) {
				t.Errorf("after resuming: %+v", got)
			}
			if len(sb.Apps()) != 1 {
				t.Errorf("apps %+v", sb.Apps())
			}
		})
	}
}

// Progress from another tenant is refused rather than half-applied here.
func TestSetupWrongTenant(t *testing.T) {
	sb := startSandbox(t)
	sess := signIn(t, sb)
	good, _ := credentials(t)
	p := entra.SetupProgress{TenantID: "11111111-2222-3333-4444-555555555555"}
	_, err := apply(t, t.Context(), sb, sess, input("contoso", good), &p, nil)
	var se *entra.SetupError
	if !errors.As(err, &se) || se.Problem != entra.SetupWrongTenant || sb.GraphCounts() != (sandbox.GraphCounts{}) {
		t.Fatalf("got %v, %+v", err, sb.GraphCounts())
	}
}

// Unique names are stable, distinct for distinct names, and Graph-safe.
func TestAppUniqueName(t *testing.T) {
	a, b := entra.AppUniqueName("Contoso Prod"), entra.AppUniqueName(" Contoso Prod ")
	if a != b || !strings.HasPrefix(a, "xops-contoso-prod-") {
		t.Errorf("%q vs %q", a, b)
	}
	if entra.AppUniqueName("contoso prod") != a {
		t.Errorf("case must not matter: names are unique ignoring case")
	}
	if entra.AppUniqueName("contoso-prod") == a {
		t.Errorf("distinct names share %q", a)
	}
	for _, n := range []string{"Контосо", "🙂", strings.Repeat("x", 64)} {
		u := entra.AppUniqueName(n)
		for _, r := range u {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				t.Errorf("%q → %q holds %q", n, u, r)
			}
		}
		if len(u) > 60 || len(u) < 10 {
			t.Errorf("%q → %q", n, u)
		}
	}
}

// Graph down (503) is retried for a while, then reported as the service's
// trouble, naming the host, not as anyone's mistake.
func TestSetupGraphDown(t *testing.T) {
	sb := startSandbox(t)
	sess := signIn(t, sb)
	sb.SetFault(sandbox.ServiceGraph, sandbox.Fault{Status: 503})
	good, _ := credentials(t)
	s := setupFor(sb)
	s.ReplicationWait = 200 * time.Millisecond
	var p entra.SetupProgress
	err := s.Apply(t.Context(), sess, input("contoso", good), &p, nil, nil)
	var se *entra.SetupError
	if !errors.As(err, &se) || se.Problem != entra.SetupNetwork || se.Guided() || !strings.Contains(se.Message, "127.0.0.1") || !strings.Contains(se.Message, "503") {
		t.Fatalf("got %v, want the service's trouble naming the host", err)
	}
}

// A sign-in whose token has expired meanwhile is told to sign in anew.
func TestSetupSessionExpired(t *testing.T) {
	sb := startSandbox(t)
	sess := signIn(t, sb)
	sb.SetClockSkew(3 * time.Hour)
	good, _ := credentials(t)
	var p entra.SetupProgress
	_, err := apply(t, t.Context(), sb, sess, input("contoso", good), &p, nil)
	var se *entra.SetupError
	if !errors.As(err, &se) || se.Problem != entra.SetupSessionExpired || !strings.Contains(se.Hint, "sign in anew") {
		t.Fatalf("got %v, want an expired sign-in", err)
	}
}

// In a tenant where many apps hold Exchange consent, the lookup follows
// Graph's pages to find ours, and a re-run grants nothing twice.
func TestSetupFindsConsentOnALaterPage(t *testing.T) {
	sb := startSandbox(t)
	sess := signIn(t, sb)
	good, _ := credentials(t)
	var p entra.SetupProgress
	if _, err := apply(t, t.Context(), sb, sess, input("contoso", good), &p, nil); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		id, err := sb.RegisterApp(fmt.Sprintf("another app %d", i))
		if err != nil {
			t.Fatal(err)
		}
		_ = sb.AddExchangePermission(id)
		_ = sb.GrantAdminConsent(id)
	}
	events, err := apply(t, t.Context(), sb, sess, input("contoso", good), &p, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		if e.OK && !e.Existed {
			t.Errorf("re-run changed %s: %s", e.Step, e.Message)
		}
	}
	if got := sb.GraphCounts(); got != (sandbox.GraphCounts{Applications: 1, ServicePrincipals: 1, Consents: 1, RoleAssignments: 1}) {
		t.Errorf("graph counts %+v", got)
	}
}
