package sandbox

import (
	"bytes"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // x5t is a SHA-1 thumbprint by definition
	"crypto/sha256"
	"crypto/x509"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/xops/xops/entra"
)

// Constants of the client credentials grant with a certificate.
const (
	grantClientCredentials = "client_credentials"
	assertionTypeJWT       = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
	exchangeResourceAppID  = "00000002-0000-0ff1-ce00-000000000000"
	graphResourceAppID     = "00000003-0000-0000-c000-000000000000"
	manageAsAppRole        = "Exchange.ManageAsApp"
	globalReaderTemplateID = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
	// everyAppWid is the directory role id Entra puts in every app-only token.
	everyAppWid = "0997a1d0-0d1d-4acb-b408-d5ca73121e90"
)

// tokenRefusal is one reason the token endpoint says no.
type tokenRefusal struct {
	status int
	err    string
	code   int
	desc   string
}

func refuse(status int, errName string, code int, format string, args ...any) *tokenRefusal {
	return &tokenRefusal{status: status, err: errName, code: code, desc: fmt.Sprintf(format, args...)}
}

// handleToken is the v2.0 token endpoint for client credentials with a
// certificate-signed assertion, checked in the order Entra checks.
func (s *Sandbox) handleToken(w http.ResponseWriter, r *http.Request) {
	if r.ParseForm() == nil && isDeviceCodeGrant(r.PostForm.Get("grant_type")) {
		s.handleDeviceCodeToken(w, r)
		return
	}
	tok, ref := s.issueToken(r)
	if ref != nil {
		s.writeAADSTS(w, ref.status, ref.err, ref.code, ref.desc)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": tok,
	})
}

// issueToken validates the request and mints an access token.
func (s *Sandbox) issueToken(r *http.Request) (string, *tokenRefusal) {
	pathTenant := r.PathValue("tenant")
	t, ok := s.lookupTenant(pathTenant)
	if !ok {
		if !entra.IsGUID(pathTenant) && !looksLikeDomain(pathTenant) {
			return "", refuse(http.StatusBadRequest, "invalid_request", 900023, "Specified tenant identifier '%s' is neither a valid DNS name, nor a valid external domain.", pathTenant)
		}
		return "", refuse(http.StatusBadRequest, "invalid_request", 90002, "Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.", pathTenant)
	}
	if t.instance != ownInstance {
		return "", refuse(http.StatusBadRequest, "invalid_request", 900432, "Confidential Client is not supported in Cross Cloud request.")
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" {
		return "", refuse(http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.")
	}
	if err := r.ParseForm(); err != nil {
		return "", refuse(http.StatusBadRequest, "invalid_request", 900144, "The request body could not be read as a form.")
	}
	f := r.PostForm
	for _, p := range []string{"grant_type", "client_id", "scope"} {
		if f.Get(p) == "" {
			return "", refuse(http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: '%s'.", p)
		}
	}
	if f.Get("grant_type") != grantClientCredentials {
		return "", refuse(http.StatusBadRequest, "unsupported_grant_type", 70003, "The app requested an unsupported grant type '%s'.", f.Get("grant_type"))
	}
	if !t.own {
		return "", refuse(http.StatusBadRequest, "unauthorized_client", 700016, "Application with identifier '%s' was not found in the directory '%s'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.", f.Get("client_id"), pathTenant)
	}
	clientID := strings.ToLower(f.Get("client_id"))
	now := s.now()
	s.mu.Lock()
	a, appErr := s.app(clientID)
	var app application
	if appErr == nil {
		app = s.visibleApp(a, now)
		if !propagated(a.RegisteredAt, now, s.delay) {
			appErr = ErrNoSuchApp
		}
	}
	exchangeOn := s.state.ExchangeOnline
	domain := s.state.Domain
	s.mu.Unlock()
	if appErr != nil {
		return "", refuse(http.StatusBadRequest, "unauthorized_client", 700016, "Application with identifier '%s' was not found in the directory '%s'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.", f.Get("client_id"), domain)
	}
	if app.NoServicePrincipal {
		return "", refuse(http.StatusBadRequest, "invalid_client", 7000229, "The client application %s is missing service principal in the tenant %s.", app.AppID, t.id)
	}
	if app.Disabled {
		return "", refuse(http.StatusBadRequest, "unauthorized_client", 7000112, "Application '%s'(%s) is disabled.", app.AppID, app.Name)
	}
	if f.Get("client_secret") != "" {
		return "", refuse(http.StatusUnauthorized, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'.", app.AppID)
	}
	if f.Get("client_assertion_type") == "" || f.Get("client_assertion") == "" {
		return "", refuse(http.StatusUnauthorized, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
	}
	if f.Get("client_assertion_type") != assertionTypeJWT {
		return "", refuse(http.StatusBadRequest, "invalid_request", 90011, "Unexpected client assertion type.")
	}
	if ref := s.checkAssertion(f.Get("client_assertion"), app, t.id, pathTenant); ref != nil {
		return "", ref
	}
	if app.BlockedByPolicy {
		return "", refuse(http.StatusBadRequest, "invalid_grant", 53003, "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.")
	}
	resource, ref := s.resourceFor(f.Get("scope"), exchangeOn, domain)
	if ref != nil {
		return "", ref
	}
	tok, err := s.mint(app, t.id, resource)
	if err != nil {
		return "", refuse(http.StatusInternalServerError, "temporarily_unavailable", 90033, "A transient error has occurred. Please try again.")
	}
	return tok, nil
}

// visibleApp is the app as the token endpoint sees it now: grants younger
// than the propagation delay are not there yet. The caller holds s.mu.
func (s *Sandbox) visibleApp(a *application, now time.Time) application {
	app := *a
	app.Certificates = nil
	for _, k := range a.Certificates {
		if propagated(k.UploadedAt, now, s.delay) {
			app.Certificates = append(app.Certificates, k)
		}
	}
	app.ExchangeConsented = a.ExchangeConsented && propagated(a.ConsentedAt, now, s.delay)
	app.GlobalReader = a.GlobalReader && propagated(a.GlobalReaderAt, now, s.delay)
	return app
}

// Where Entra's descriptions send a developer for the assertion's format.
const certCredentialsDoc = "https://learn.microsoft.com/entra/identity-platform/certificate-credentials"

// checkAssertion validates the signed client assertion against the app's
// uploaded certificates, in the order Entra does: the JWT's form, the
// algorithm, the key the header names (registered, not expired), the
// signature, then the claims (aud, iss and sub, jti, exp and nbf). The codes
// and descriptions are Entra's (see the report of the sandbox audit for the
// source of each).
func (s *Sandbox) checkAssertion(assertion string, app application, tenantID, pathTenant string) *tokenRefusal {
	jwt, err := parseJWT(assertion)
	if err != nil {
		return refuse(http.StatusUnauthorized, "invalid_client", 50027, "JWT token is invalid or malformed (%v).", err)
	}
	alg, _ := jwt.Header["alg"].(string)
	if _, ok := rsaAlgs[alg]; !ok {
		return refuse(http.StatusUnauthorized, "invalid_client", 5002738, "Invalid JWT token. '%s' is not a supported signature algorithm. Supported signing algorithms are: 'RS256, RS384, RS512, PS256, PS384, PS512'.", alg)
	}
	thumb, isSHA256, err := jwt.headerThumbprint()
	if err != nil {
		return refuse(http.StatusUnauthorized, "invalid_client", 5002723, "Invalid JWT token. No certificate thumbprint specified in token header.")
	}
	now := s.now().UTC()
	cert, ref := s.keyFor(app, thumb, isSHA256, now)
	if ref != nil {
		return ref
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok || jwt.verifyRSA(alg, pub) != nil {
		return refuse(http.StatusUnauthorized, "invalid_client", 700027, "Client assertion contains an invalid signature. [Reason - The provided signature value did not match the expected signature value., Thumbprint of key used by client: '%X', Found key 'Start=%s, End=%s']", thumb, portalDate(cert.NotBefore), portalDate(cert.NotAfter))
	}
	if ref := s.checkAudience(jwt, tenantID, pathTenant); ref != nil {
		return ref
	}
	iss, sub := jwt.stringClaim("iss"), jwt.stringClaim("sub")
	if iss != sub {
		return refuse(http.StatusUnauthorized, "invalid_client", 50048, "Subject must match the issuer claim in the client assertion.")
	}
	if !strings.EqualFold(iss, app.AppID) {
		return refuse(http.StatusUnauthorized, "invalid_client", 700021, "Client assertion application identifier doesn't match 'client_id' parameter. Review the documentation at %s .", certCredentialsDoc)
	}
	if jwt.stringClaim("jti") == "" {
		return refuse(http.StatusUnauthorized, "invalid_client", 50027, "Invalid JWT token. Token does not contain a 'jti' claim.")
	}
	exp, okExp := jwt.numericClaim("exp")
	if !okExp {
		return refuse(http.StatusUnauthorized, "invalid_client", 50027, "Invalid JWT token. Token does not contain an 'exp' claim.")
	}
	// No nbf reads as "valid from 1970", as Entra's description then says.
	// Entra sets no upper bound on exp (the certificate-credentials page).
	nbf, okNbf := jwt.numericClaim("nbf")
	late := now.After(time.Unix(exp, 0).Add(clockTolerance))
	early := okNbf && now.Add(clockTolerance).Before(time.Unix(nbf, 0))
	if late || early {
		return refuse(http.StatusUnauthorized, "invalid_client", 700024, "Client assertion is not within its valid time range. Current time: %s, assertion valid from %s, expiry time of assertion %s. Review the documentation at %s .",
			now.Format("2006-01-02T15:04:05.0000000Z"), time.Unix(nbf, 0).UTC().Format("2006-01-02T15:04:05.0000000Z"), time.Unix(exp, 0).UTC().Format("2006-01-02T15:04:05.0000000Z"), certCredentialsDoc)
	}
	return nil
}

// keyFor finds the uploaded certificate the assertion's header names, by
// SHA-256 (x5t#S256) or SHA-1 (x5t) thumbprint. A certificate past its end
// date is refused as Entra refuses it: it stays on the app (the portal lists
// it as expired) but signs nothing.
func (s *Sandbox) keyFor(app application, thumb []byte, isSHA256 bool, now time.Time) (*x509.Certificate, *tokenRefusal) {
	for _, k := range app.Certificates {
		var sum []byte
		if isSHA256 {
			s2 := sha256.Sum256(k.DER)
			sum = s2[:]
		} else {
			s1 := sha1.Sum(k.DER) //nolint:gosec // x5t
			sum = s1[:]
		}
		if !bytes.Equal(sum, thumb) {
			continue
		}
		cert, err := x509.ParseCertificate(k.DER)
		if err != nil {
			return nil, refuse(http.StatusInternalServerError, "server_error", 90033, "A stored certificate could not be read.")
		}
		if now.After(cert.NotAfter) {
			return nil, refuse(http.StatusUnauthorized, "invalid_client", 700027, "Client assertion contains an invalid signature. [Reason - The key used is expired., Thumbprint of key used by client: '%X', Found key 'Start=%s, End=%s', %s]", thumb, portalDate(cert.NotBefore), portalDate(cert.NotAfter), seeConfiguredKeys(app.AppID))
		}
		return cert, nil
	}
	return nil, refuse(http.StatusUnauthorized, "invalid_client", 700027, "The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '%X', %s]", thumb, seeConfiguredKeys(app.AppID))
}

// seeConfiguredKeys is the advice Entra's AADSTS700027 descriptions end with.
func seeConfiguredKeys(appID string) string {
	return fmt.Sprintf("Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '%s'. Review the documentation at https://docs.microsoft.com/en-us/graph/deployments to determine the corresponding service endpoint and https://docs.microsoft.com/en-us/graph/api/application-get?view=graph-rest-1.0&tabs=http to build a query request URL, such as 'https://graph.microsoft.com/beta/applications/%s'", appID, appID)
}

// portalDate is how Entra's descriptions write a key's start and end.
func portalDate(t time.Time) string { return t.UTC().Format("01/02/2006 15:04:05") }

// checkAudience wants exactly one audience, the token endpoint. Entra
// refuses a list of several (AADSTS5002741) before comparing any.
func (s *Sandbox) checkAudience(jwt *jwtParts, tenantID, pathTenant string) *tokenRefusal {
	aud := jwt.stringClaim("aud")
	if list, ok := jwt.Claims["aud"].([]any); ok {
		if len(list) > 1 {
			return refuse(http.StatusUnauthorized, "invalid_client", 5002741, "Number of audience values in the provided client credential exceed maximum allowed. %d audience values provided, maximum allowed is 1.", len(list))
		}
		if len(list) == 1 {
			aud, _ = list[0].(string)
		}
	}
	if !s.validAudience(aud, tenantID, pathTenant) {
		return refuse(http.StatusUnauthorized, "invalid_client", 700023, "Client assertion audience claim does not match Realm issuer. Review the documentation at %s .", certCredentialsDoc)
	}
	return nil
}

// validAudience accepts the token endpoint's URL with the tenant as the
// request named it or as its GUID, v2.0 or v1 path.
func (s *Sandbox) validAudience(aud, tenantID, pathTenant string) bool {
	for _, t := range []string{tenantID, pathTenant} {
		for _, p := range []string{"/oauth2/v2.0/token", "/oauth2/token"} {
			if strings.EqualFold(aud, s.url+"/"+t+p) {
				return true
			}
		}
	}
	return false
}

// resource is a protected API the sandbox can mint tokens for.
type resource struct {
	name string // "exchange" or "graph"
	aud  string
}

// resourceFor reads the requested scope: exactly one "<resource>/.default",
// besides the OpenID scopes MSAL always adds. Two resources are AADSTS70011
// (invalid_scope), one scope that is not a /.default is AADSTS1002012.
func (s *Sandbox) resourceFor(scope string, exchangeOn bool, domain string) (resource, *tokenRefusal) {
	var wanted []string
	for _, sc := range strings.Fields(scope) {
		switch sc {
		case "openid", "profile", "offline_access":
			continue
		}
		wanted = append(wanted, sc)
	}
	if len(wanted) > 1 {
		// One token is for one resource: client credentials cannot ask for two.
		return resource{}, refuse(http.StatusBadRequest, "invalid_scope", 70011, "The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope %s is not valid.", scope)
	}
	if len(wanted) != 1 || !strings.HasSuffix(wanted[0], "/.default") {
		return resource{}, refuse(http.StatusBadRequest, "invalid_scope", 1002012, "The provided value for scope %s is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).", scope)
	}
	id := strings.TrimSuffix(wanted[0], "/.default")
	switch {
	case strings.EqualFold(id, s.url+exchangePrefix) || strings.EqualFold(id, exchangeResourceAppID):
		if !exchangeOn {
			return resource{}, refuse(http.StatusBadRequest, "invalid_resource", 500011, "The resource principal named %s was not found in the tenant named %s. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.", id, domain)
		}
		return resource{name: "exchange", aud: s.url + exchangePrefix}, nil
	case strings.EqualFold(id, s.url+graphPrefix) || strings.EqualFold(id, graphResourceAppID):
		return resource{name: "graph", aud: s.url + graphPrefix}, nil
	}
	return resource{}, refuse(http.StatusBadRequest, "invalid_resource", 500011, "The resource principal named %s was not found in the tenant named %s. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.", id, domain)
}

// mint signs an app-only access token carrying the roles and directory roles
// the tenant grants the app right now.
func (s *Sandbox) mint(app application, tenantID string, res resource) (string, error) {
	now := s.now().UTC()
	claims := map[string]any{
		"aud": res.aud, "iss": "https://sts.windows.net/" + tenantID + "/",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Hour).Unix(),
		"appid": app.AppID, "appidacr": "2", "idp": "https://sts.windows.net/" + tenantID + "/",
		"oid": app.ObjectID, "sub": app.ObjectID, "tid": tenantID, "ver": "1.0",
		"app_displayname": app.Name, "idtyp": "app", "uti": newGUID(),
	}
	if res.name == "exchange" && app.ExchangeConsented {
		claims["roles"] = []string{manageAsAppRole}
	}
	wids := []string{everyAppWid}
	if app.GlobalReader {
		wids = []string{globalReaderTemplateID, everyAppWid}
	}
	claims["wids"] = wids
	tok, err := signRS256(s.tokenKey, map[string]any{"typ": "JWT", "alg": "RS256", "kid": s.tokenKID, "x5t": s.tokenKID}, claims)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	s.issued++
	s.mu.Unlock()
	return tok, nil
}
