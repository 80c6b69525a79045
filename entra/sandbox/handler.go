package sandbox

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/xops/xops/entra"
)

// Where the simulated services live on the sandbox's one host.
const (
	exchangePrefix = "/exchange"
	graphPrefix    = "/graph"
)

// Handler routes the simulated services: login at the root (as
// login.microsoftonline.com serves them), Exchange and Graph under prefixes.
func (s *Sandbox) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{tenant}/v2.0/.well-known/openid-configuration", s.withFaults(ServiceLogin, s.handleOpenIDConfiguration))
	mux.HandleFunc("GET /{tenant}/discovery/v2.0/keys", s.withFaults(ServiceLogin, s.handleKeys))
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/token", s.withFaults(ServiceLogin, s.handleToken))
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/devicecode", s.withFaults(ServiceLogin, s.handleDeviceCode))
	mux.HandleFunc("GET /devicelogin", s.handleDeviceLoginPage)
	mux.HandleFunc("POST "+exchangePrefix+"/adminapi/beta/{tenant}/InvokeCommand", s.withFaults(ServiceExchange, s.handleInvokeCommand))
	mux.HandleFunc("GET "+graphPrefix+"/v1.0/{rest...}", s.withFaults(ServiceGraph, s.routeGraphRead))
	mux.HandleFunc("PATCH "+graphPrefix+"/v1.0/{rest...}", s.withFaults(ServiceGraph, s.handleGraphWrite))
	mux.HandleFunc("POST "+graphPrefix+"/v1.0/{rest...}", s.withFaults(ServiceGraph, s.handleGraphWrite))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": map[string]any{
			"code": "NotFound", "message": "The sandbox serves no " + r.Method + " " + r.URL.Path,
		}})
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
		// A Graph write (or a first read that gives an upload its key id)
		// changed the tenant: save it now. A failure is retried by the next
		// Flush, and the one when xops exits reports it.
		_ = s.Flush()
	})
}

// writeJSON answers with a JSON body.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// aadError is Entra's error body on the login endpoints.
type aadError struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	ErrorCodes       []int  `json:"error_codes"`
	Timestamp        string `json:"timestamp"`
	TraceID          string `json:"trace_id"`
	CorrelationID    string `json:"correlation_id"`
	ErrorURI         string `json:"error_uri,omitempty"`
}

// writeAADSTS answers like Entra does when it refuses: the code leads the
// description, which ends with the trace and correlation ids and a timestamp.
func (s *Sandbox) writeAADSTS(w http.ResponseWriter, status int, errName string, code int, desc string) {
	now := s.now().UTC()
	ts := now.Format("2006-01-02 15:04:05Z")
	trace, corr := newGUID(), newGUID()
	writeJSON(w, status, aadError{
		Error:            errName,
		ErrorDescription: fmt.Sprintf("AADSTS%d: %s Trace ID: %s Correlation ID: %s Timestamp: %s", code, desc, trace, corr, ts),
		ErrorCodes:       []int{code},
		Timestamp:        ts,
		TraceID:          trace,
		CorrelationID:    corr,
		ErrorURI:         fmt.Sprintf("%s/error?code=%d", s.url, code),
	})
}

// tenantRef is what a tenant path segment resolved to.
type tenantRef struct {
	id       string
	instance string
	own      bool
}

// lookupTenant resolves a tenant GUID or domain as the login endpoint would.
func (s *Sandbox) lookupTenant(ref string) (tenantRef, bool) {
	ref = strings.ToLower(ref)
	s.mu.Lock()
	defer s.mu.Unlock()
	if ref == s.state.TenantID || ref == s.state.Domain {
		return tenantRef{id: s.state.TenantID, instance: ownInstance, own: true}, true
	}
	for domain, f := range s.state.Foreign {
		if ref == domain || ref == f.TenantID {
			inst := f.Instance
			if inst == "" {
				inst = ownInstance
			}
			return tenantRef{id: f.TenantID, instance: inst}, true
		}
	}
	return tenantRef{}, false
}

// ownInstance is the cloud the sandbox pretends to be.
const ownInstance = "microsoftonline.com"

// looksLikeDomain is Entra's rough test for a tenant given by name.
func looksLikeDomain(s string) bool {
	if !strings.Contains(s, ".") || strings.HasPrefix(s, ".") || strings.HasSuffix(s, ".") {
		return false
	}
	for _, r := range s {
		if !(r == '.' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// writeUnknownTenant answers for a tenant the login endpoint does not know.
func (s *Sandbox) writeUnknownTenant(w http.ResponseWriter, ref, errName string) {
	if !entra.IsGUID(ref) && !looksLikeDomain(ref) {
		s.writeAADSTS(w, http.StatusBadRequest, "invalid_request", 900023,
			fmt.Sprintf("Specified tenant identifier '%s' is neither a valid DNS name, nor a valid external domain.", ref))
		return
	}
	s.writeAADSTS(w, http.StatusBadRequest, errName, 90002,
		fmt.Sprintf("Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.", ref))
}

// handleOpenIDConfiguration serves a tenant's OpenID Connect metadata: what
// xops reads for the tenant and organization checks and what MSAL reads to
// find the token endpoint when instance discovery is off.
func (s *Sandbox) handleOpenIDConfiguration(w http.ResponseWriter, r *http.Request) {
	ref := r.PathValue("tenant")
	t, ok := s.lookupTenant(ref)
	alias := isTenantAlias(ref)
	if alias {
		// organizations/common: a multi-tenant authority, as device-code
		// sign-in uses; Entra's issuer holds a {tenantid} placeholder.
		t, ok = tenantRef{id: strings.ToLower(ref), instance: ownInstance}, true
	}
	if !ok {
		s.writeUnknownTenant(w, ref, "invalid_tenant")
		return
	}
	base := s.url + "/" + t.id
	issuer := base + "/v2.0"
	if alias {
		issuer = s.url + "/{tenantid}/v2.0"
	}
	region := "NA"
	if t.instance != ownInstance {
		region = "USGov"
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"token_endpoint":                        base + "/oauth2/v2.0/token",
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
		"jwks_uri":                              base + "/discovery/v2.0/keys",
		"response_modes_supported":              []string{"query", "fragment", "form_post"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"response_types_supported":              []string{"code", "id_token", "code id_token", "id_token token"},
		"scopes_supported":                      []string{"openid", "profile", "email", "offline_access"},
		"issuer":                                issuer,
		"request_uri_parameter_supported":       false,
		"userinfo_endpoint":                     s.url + graphPrefix + "/oidc/userinfo",
		"authorization_endpoint":                base + "/oauth2/v2.0/authorize",
		"device_authorization_endpoint":         base + "/oauth2/v2.0/devicecode",
		"http_logout_supported":                 true,
		"frontchannel_logout_supported":         true,
		"end_session_endpoint":                  base + "/oauth2/v2.0/logout",
		"claims_supported":                      []string{"sub", "iss", "aud", "exp", "iat", "nbf", "tid", "oid", "roles", "wids"},
		"kerberos_endpoint":                     base + "/kerberos",
		"tenant_region_scope":                   region,
		"cloud_instance_name":                   t.instance,
		"cloud_graph_host_name":                 "graph.windows.net",
		"msgraph_host":                          strings.TrimPrefix(s.url, "https://") + graphPrefix,
		"rbac_url":                              "https://pas.windows.net",
	})
}

// handleKeys publishes the key the sandbox signs access tokens with.
func (s *Sandbox) handleKeys(w http.ResponseWriter, r *http.Request) {
	pub := &s.tokenKey.PublicKey
	writeJSON(w, http.StatusOK, map[string]any{"keys": []map[string]any{{
		"kty": "RSA", "use": "sig", "kid": s.tokenKID,
		"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString([]byte{1, 0, 1}),
	}}})
}

// The sandbox signs tokens with one RSA key per process: generating a 2048-bit
// key costs a noticeable fraction of a second on a small machine, and tests
// start many sandboxes. Nothing outside the sandbox trusts the key.
var (
	tokenKeyOnce sync.Once
	tokenKey     *rsa.PrivateKey
	tokenKeyID   string
	tokenKeyErr  error
)

// signingKey returns the process's token-signing key and its key id.
func signingKey() (*rsa.PrivateKey, string, error) {
	tokenKeyOnce.Do(func() {
		tokenKey, tokenKeyErr = rsa.GenerateKey(rand.Reader, 2048)
		if tokenKeyErr != nil {
			tokenKeyErr = fmt.Errorf("sandbox: token signing key: %w", tokenKeyErr)
			return
		}
		der := x509.MarshalPKCS1PublicKey(&tokenKey.PublicKey)
		sum := sha256.Sum256(der)
		tokenKeyID = base64.RawURLEncoding.EncodeToString(sum[:15])
	})
	return tokenKey, tokenKeyID, tokenKeyErr
}

// clockTolerance is how far Entra lets a client's clock drift.
const clockTolerance = 5 * time.Minute
