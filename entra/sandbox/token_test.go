package sandbox_test

import (
	"context"
	"crypto/x509"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
)

// MSAL Go's own assertion (PS256, x5t#S256 in standard base64) is accepted.
func TestTokenAcceptsMSAL(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	cred, err := confidential.NewCredFromCert([]*x509.Certificate{w.cert}, w.key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := confidential.New(w.sb.URL()+"/"+w.sb.TenantID(), w.appID, cred,
		confidential.WithHTTPClient(w.http), confidential.WithInstanceDiscovery(false))
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.AcquireTokenByCredential(context.Background(), []string{w.sb.Endpoints().Exchange + "/.default"})
	if err != nil {
		t.Fatalf("MSAL token: %v", err)
	}
	cl := claimsOf(t, res.AccessToken)
	if cl["aud"] != w.sb.Endpoints().Exchange || cl["tid"] != w.sb.TenantID() || cl["appid"] != w.appID {
		t.Errorf("claims %v", cl)
	}
}

// A hand-made RS256 assertion with a SHA-1 x5t (base64url) is accepted too,
// and so is the PS256 form.
func TestTokenAcceptsHandMadeAssertions(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	for name, a := range map[string]*assertion{
		"PS256 x5t#S256": w.goodAssertion(),
		"RS256 x5t":      w.goodAssertion().rs256x5t(w.cert),
		"aud a list of one": func() *assertion {
			a := w.goodAssertion()
			a.claims["aud"] = []string{w.tokenURL()}
			return a
		}(),
		"valid for a day": func() *assertion {
			a := w.goodAssertion()
			a.claims["exp"] = time.Now().Add(24 * time.Hour).Unix()
			return a
		}(),
		"no nbf": func() *assertion { a := w.goodAssertion(); delete(a.claims, "nbf"); return a }(),
		// The algorithms Entra's AADSTS5002738 lists as supported.
		"RS384": func() *assertion { a := w.goodAssertion(); a.header["alg"], a.alg = "RS384", "RS384"; return a }(),
		"PS512": func() *assertion { a := w.goodAssertion(); a.header["alg"], a.alg = "PS512", "PS512"; return a }(),
	} {
		r := w.postToken(t, a.sign(t), nil)
		if r.status != 200 || r.AccessToken == "" || r.TokenType != "Bearer" || r.ExpiresIn <= 0 {
			t.Errorf("%s: status %d %+v", name, r.status, r)
		}
	}
}

// Everything wrong fails, with Entra's code, status and JSON shape.
func TestTokenRefusesBadAssertions(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	_, otherKey := keys(t)
	otherCert := selfSigned(t, otherKey, x509.SHA256WithRSA, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	cases := []struct {
		name   string
		jwt    func() string
		form   func(url.Values)
		status int
		code   int
	}{
		{"alg none", func() string { a := w.goodAssertion(); a.header["alg"], a.alg = "none", "none"; return a.sign(t) }, nil, 401, 5002738},
		{"alg ES256", func() string { a := w.goodAssertion(); a.header["alg"] = "ES256"; return a.sign(t) }, nil, 401, 5002738},
		{"RS384 header, RS256 signature", func() string { a := w.goodAssertion(); a.header["alg"], a.alg = "RS384", "RS256"; return a.sign(t) }, nil, 401, 700027},
		{"alg HS256", func() string { a := w.goodAssertion(); a.header["alg"], a.alg = "HS256", "HS256"; return a.sign(t) }, nil, 401, 5002738},
		{"no thumbprint", func() string { a := w.goodAssertion(); delete(a.header, "x5t#S256"); return a.sign(t) }, nil, 401, 5002723},
		{"unknown thumbprint", func() string { a := w.goodAssertion().rs256x5t(otherCert); a.key = otherKey; return a.sign(t) }, nil, 401, 700027},
		{"bad signature", func() string { a := w.goodAssertion(); a.key = otherKey; return a.sign(t) }, nil, 401, 700027},
		{"PS256 header, RS256 signature", func() string { a := w.goodAssertion(); a.alg = "RS256"; return a.sign(t) }, nil, 401, 700027},
		{"wrong aud", func() string {
			a := w.goodAssertion()
			a.claims["aud"] = w.sb.URL() + "/common/oauth2/v2.0/token"
			return a.sign(t)
		}, nil, 401, 700023},
		{"two audiences", func() string {
			a := w.goodAssertion()
			a.claims["aud"] = []string{w.tokenURL(), w.sb.URL() + "/" + w.sb.TenantID() + "/v2.0"}
			return a.sign(t)
		}, nil, 401, 5002741},
		{"expired", func() string {
			a := w.goodAssertion()
			a.claims["nbf"], a.claims["exp"] = time.Now().Add(-time.Hour).Unix(), time.Now().Add(-50*time.Minute).Unix()
			return a.sign(t)
		}, nil, 401, 700024},
		{"not yet valid", func() string {
			a := w.goodAssertion()
			a.claims["nbf"], a.claims["exp"] = time.Now().Add(time.Hour).Unix(), time.Now().Add(2*time.Hour).Unix()
			return a.sign(t)
		}, nil, 401, 700024},
		{"iss differs from sub", func() string { a := w.goodAssertion(); a.claims["iss"] = "someone-else"; return a.sign(t) }, nil, 401, 50048},
		{"iss and sub another app", func() string {
			a := w.goodAssertion()
			a.claims["iss"], a.claims["sub"] = "99999999-9999-4999-8999-999999999999", "99999999-9999-4999-8999-999999999999"
			return a.sign(t)
		}, nil, 401, 700021},
		{"no jti", func() string { a := w.goodAssertion(); delete(a.claims, "jti"); return a.sign(t) }, nil, 401, 50027},
		{"no exp", func() string { a := w.goodAssertion(); delete(a.claims, "exp"); return a.sign(t) }, nil, 401, 50027},
		{"not a JWT", func() string { return "not.a-jwt" }, nil, 401, 50027},
		{"wrong assertion type", func() string { return w.goodAssertion().sign(t) }, func(f url.Values) {
			f.Set("client_assertion_type", "urn:ietf:params:oauth:grant-type:jwt-bearer")
		}, 400, 90011},
		{"no assertion type", func() string { return w.goodAssertion().sign(t) }, func(f url.Values) { f.Del("client_assertion_type") }, 401, 7000218},
		{"no assertion", func() string { return "" }, nil, 401, 7000218},
		{"scope without /.default", func() string { return w.goodAssertion().sign(t) }, func(f url.Values) { f.Set("scope", w.sb.Endpoints().Exchange+"/Exchange.ManageAsApp") }, 400, 1002012},
		{"two resources", func() string { return w.goodAssertion().sign(t) }, func(f url.Values) {
			f.Set("scope", w.sb.Endpoints().Exchange+"/.default "+w.sb.Endpoints().Graph+"/.default")
		}, 400, 70011},
		{"unknown resource", func() string { return w.goodAssertion().sign(t) }, func(f url.Values) { f.Set("scope", "https://unknown.example/.default") }, 400, 500011},
		{"unknown client", func() string { return w.goodAssertion().sign(t) }, func(f url.Values) { f.Set("client_id", "99999999-9999-4999-8999-999999999999") }, 400, 700016},
		{"wrong grant", func() string { return w.goodAssertion().sign(t) }, func(f url.Values) { f.Set("grant_type", "password") }, 400, 70003},
		{"client_id differs from iss/sub", func() string { return w.goodAssertion().sign(t) }, func(f url.Values) {
			id, err := w.sb.RegisterApp("twin")
			if err != nil {
				t.Fatal(err)
			}
			_ = w.sb.UploadCertificate(id, pemOf(w.cert))
			f.Set("client_id", id)
		}, 401, 700021},
	}
	descRE := regexp.MustCompile(`^AADSTS\d+: .+ Trace ID: [0-9a-f-]{36} Correlation ID: [0-9a-f-]{36} Timestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$`)
	for _, tc := range cases {
		r := w.postToken(t, tc.jwt(), tc.form)
		if r.status != tc.status || len(r.ErrorCodes) != 1 || r.ErrorCodes[0] != tc.code {
			t.Errorf("%s: status %d codes %v (%s), want %d AADSTS%d", tc.name, r.status, r.ErrorCodes, r.ErrorDescription, tc.status, tc.code)
			continue
		}
		if r.AccessToken != "" || r.Error == "" || r.Timestamp == "" || r.TraceID == "" || r.CorrelationID == "" {
			t.Errorf("%s: incomplete error shape %+v", tc.name, r)
		}
		if !descRE.MatchString(r.ErrorDescription) {
			t.Errorf("%s: description %q does not have Entra's shape", tc.name, r.ErrorDescription)
		}
	}
}

// Unknown and disabled apps, unknown tenants.
func TestTokenRefusesUnknownTenantAndDisabledApp(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a := w.goodAssertion().sign(t)
	resp, err := w.http.PostForm(w.sb.URL()+"/99999999-9999-4999-8999-999999999999/oauth2/v2.0/token", url.Values{"grant_type": {"client_credentials"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("unknown tenant: status %d", resp.StatusCode)
	}
	if err := w.sb.DisableApp(w.appID); err != nil {
		t.Fatal(err)
	}
	if r := w.postToken(t, a, nil); r.status != 400 || r.ErrorCodes[0] != 7000112 || r.Error != "unauthorized_client" {
		t.Errorf("disabled app: %d %v %s", r.status, r.ErrorCodes, r.Error)
	}
}

// roles and wids reflect the tenant at minting time.
func TestTokenClaimsFollowTenantState(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	get := func() map[string]any {
		t.Helper()
		r := w.postToken(t, w.goodAssertion().sign(t), nil)
		if r.status != 200 {
			t.Fatalf("token: %d %s", r.status, r.ErrorDescription)
		}
		return claimsOf(t, r.AccessToken)
	}
	const gr = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
	c := get()
	if !hasString(c["roles"], "Exchange.ManageAsApp") || !hasString(c["wids"], gr) {
		t.Fatalf("fully set up app: %v", c)
	}
	_ = w.sb.RevokeAdminConsent(w.appID)
	_ = w.sb.RemoveGlobalReader(w.appID)
	c = get()
	if hasString(c["roles"], "Exchange.ManageAsApp") || hasString(c["wids"], gr) {
		t.Fatalf("after revoking: %v", c)
	}
	// Consent before the permission is added grants nothing.
	_ = w.sb.RemoveExchangePermission(w.appID)
	_ = w.sb.GrantAdminConsent(w.appID)
	_ = w.sb.AddExchangePermission(w.appID)
	if c = get(); hasString(c["roles"], "Exchange.ManageAsApp") {
		t.Fatalf("consent before the permission granted it: %v", c)
	}
	_ = w.sb.GrantAdminConsent(w.appID)
	if c = get(); !hasString(c["roles"], "Exchange.ManageAsApp") {
		t.Fatalf("consent after the permission: %v", c)
	}
}

// With a propagation delay, a grant reaches tokens only after the delay.
func TestPropagationDelay(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	_ = w.sb.RevokeAdminConsent(w.appID)
	// Let the set-up of newWorld age past the delay, then grant consent.
	w.sb.SetClockSkew(2 * time.Minute)
	w.sb.SetPropagationDelay(90 * time.Second)
	_ = w.sb.GrantAdminConsent(w.appID)
	r := w.postToken(t, w.goodAssertion().sign(t), nil)
	if r.status != 200 || hasString(claimsOf(t, r.AccessToken)["roles"], "Exchange.ManageAsApp") {
		t.Fatalf("consent visible before the delay: %d %v", r.status, r.AccessToken != "")
	}
	// A new app is unknown until it propagates.
	id, _ := w.sb.RegisterApp("fresh")
	_ = w.sb.UploadCertificate(id, pemOf(w.cert))
	if r := w.postToken(t, w.goodAssertion().sign(t), func(f url.Values) { f.Set("client_id", id) }); r.status != 400 || r.ErrorCodes[0] != 700016 {
		t.Errorf("fresh app: %d %v", r.status, r.ErrorCodes)
	}
	w.sb.SetClockSkew(4 * time.Minute) // still within the assertion's lifetime and tolerance
	r = w.postToken(t, w.goodAssertion().sign(t), nil)
	if r.status != 200 || !hasString(claimsOf(t, r.AccessToken)["roles"], "Exchange.ManageAsApp") {
		t.Fatalf("consent not visible after the delay: %d %s", r.status, r.ErrorDescription)
	}
}
