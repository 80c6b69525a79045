package sandbox

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/xops/xops/entra"
)

// isDeviceCodeGrant reports whether grant_type is the device-code grant:
// RFC 8628's URN, or the short "device_code" MSAL sends (Entra takes both).
func isDeviceCodeGrant(g string) bool {
	return g == "urn:ietf:params:oauth:grant-type:device_code" || g == "device_code"
}

// defaultCodeLifetime is how long Entra keeps a device code: 15 minutes.
const defaultCodeLifetime = 15 * time.Minute

// AdminOutcome is what the simulated admin does with a device code.
type AdminOutcome int

// What the simulated admin can do at the sign-in page.
const (
	// AdminApproves signs in and consents: the poll gets a token.
	AdminApproves AdminOutcome = iota
	// AdminDeclinesConsent refuses the consent prompt (AADSTS65004).
	AdminDeclinesConsent
	// AdminBlockedByConditionalAccess: a Conditional Access policy blocks
	// device-code sign-in (AADSTS53003).
	AdminBlockedByConditionalAccess
	// AdminBlockedBySecurityDefaults: security defaults block it (AADSTS530035).
	AdminBlockedBySecurityDefaults
	// AdminClientNotConsented: the tenant has not consented to the public
	// client and the admin may not (AADSTS65001).
	AdminClientNotConsented
	// AdminWrongPassword: the sign-in fails on the password (AADSTS50126).
	AdminWrongPassword
	// AdminNeverSignsIn: nobody enters the code; it expires (AADSTS70019).
	AdminNeverSignsIn
)

// Admin is the simulated administrator who signs in with the device code.
type Admin struct {
	// UPN is the user principal name; empty: admin@<the tenant's domain>.
	UPN string
	// Roles are the directory role template ids the admin holds (see the
	// entra.Role… constants); nil: Global Administrator; empty: none.
	Roles []string
	// Outcome is what happens at the sign-in page.
	Outcome AdminOutcome
	// ApproveAfter is how long after the code is issued the admin is done.
	// Negative: only ApproveDeviceCode finishes it.
	ApproveAfter time.Duration
	// ShortScopes makes the token answer name Graph's permissions by their
	// short names (Application.ReadWrite.All), as Entra may.
	ShortScopes bool
}

// defaultAdmin is a Global Administrator who approves after a moment, so
// `xops --sandbox link microsoft --auto` shows its code and then proceeds.
func defaultAdmin() Admin { return Admin{ApproveAfter: 2 * time.Second} }

// SetAdmin replaces the simulated admin; codes issued before keep the admin
// they were issued with.
func (s *Sandbox) SetAdmin(a Admin) {
	if a.Roles != nil {
		a.Roles = append(make([]string, 0, len(a.Roles)), a.Roles...)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.admin = a
}

// SetDeviceCodeLifetime sets how long a device code is valid (default 15 minutes).
func (s *Sandbox) SetDeviceCodeLifetime(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.codeLifetime = d
}

// deviceCode is one code handed out, and what will become of it.
type deviceCode struct {
	userCode, clientID string
	scopes             []string // Graph permission names, as the token's scp
	issued, expires    time.Time
	approveAt          time.Time // zero: not yet
	admin              Admin
	redeemed           bool
}

// ErrNoSuchCode is returned by ApproveDeviceCode for a code never issued.
var ErrNoSuchCode = errors.New("no such device code in the sandbox")

// ApproveDeviceCode makes the simulated admin finish the sign-in for
// userCode now, with the outcome the admin had when the code was issued.
func (s *Sandbox) ApproveDeviceCode(userCode string) error {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.codes {
		if strings.EqualFold(c.userCode, userCode) {
			c.approveAt = now
			return nil
		}
	}
	return fmt.Errorf("sandbox: approve %q: %w", userCode, ErrNoSuchCode)
}

// isTenantAlias reports whether a tenant path segment is a multi-tenant alias.
func isTenantAlias(ref string) bool {
	switch strings.ToLower(ref) {
	case "organizations", "common":
		return true
	}
	return false
}

// knownPublicClient reports whether clientID may start a device-code
// sign-in here: Microsoft Graph Command Line Tools, or an app registered in
// the tenant (an organisation's own public client). The caller holds s.mu.
func (s *Sandbox) knownPublicClient(clientID string) bool {
	if strings.EqualFold(clientID, entra.DefaultPublicClientID) {
		return true
	}
	_, err := s.app(clientID)
	return err == nil
}

// handleDeviceCode is the device authorization endpoint: it hands out a user
// code and a device code, in the shape MSAL Go reads.
func (s *Sandbox) handleDeviceCode(w http.ResponseWriter, r *http.Request) {
	ref := r.PathValue("tenant")
	if _, ok := s.lookupTenant(ref); !ok && !isTenantAlias(ref) {
		s.writeUnknownTenant(w, ref, "invalid_request")
		return
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" || r.ParseForm() != nil {
		s.writeAADSTS(w, http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.")
		return
	}
	clientID := strings.ToLower(strings.TrimSpace(r.PostForm.Get("client_id")))
	if clientID == "" {
		s.writeAADSTS(w, http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.")
		return
	}
	scopes, bad := s.delegatedScopes(r.PostForm.Get("scope"))
	if bad != "" {
		s.writeAADSTS(w, http.StatusBadRequest, "invalid_scope", 70011, fmt.Sprintf("The provided value for the input parameter 'scope' is not valid. The scope '%s' does not exist.", bad))
		return
	}
	now := s.now()
	s.mu.Lock()
	known := s.knownPublicClient(clientID)
	domain := s.state.Domain
	var code *deviceCode
	deviceCodeValue := ""
	if known {
		deviceCodeValue = randomToken(48)
		code = &deviceCode{
			userCode: userCode(), clientID: clientID, scopes: scopes,
			issued: now, expires: now.Add(s.codeLifetime), admin: s.admin,
		}
		if code.admin.ApproveAfter >= 0 {
			code.approveAt = now.Add(code.admin.ApproveAfter)
		}
		s.codes[deviceCodeValue] = code
	}
	s.mu.Unlock()
	if !known {
		s.writeAADSTS(w, http.StatusBadRequest, "unauthorized_client", 700016, fmt.Sprintf("Application with identifier '%s' was not found in the directory '%s'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.", clientID, domain))
		return
	}
	verify := s.url + "/devicelogin"
	writeJSON(w, http.StatusOK, map[string]any{
		"user_code":        code.userCode,
		"device_code":      deviceCodeValue,
		"verification_uri": verify,
		"expires_in":       int(s.codeLifetimeSeconds()),
		"interval":         5,
		"message":          fmt.Sprintf("To sign in, use a web browser to open the page %s and enter the code %s to authenticate.", verify, code.userCode),
	})
}

func (s *Sandbox) codeLifetimeSeconds() float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.codeLifetime.Seconds()
}

// delegatedScopes reads a device-code scope parameter: OpenID scopes and
// Graph permissions (https://graph…/Name or a bare name). It returns the
// permission names, or the first scope it does not know.
func (s *Sandbox) delegatedScopes(scope string) ([]string, string) {
	var out []string
	for _, sc := range strings.Fields(scope) {
		switch sc {
		case "openid", "profile", "offline_access", "email":
			continue
		}
		name := sc
		if rest, ok := strings.CutPrefix(strings.ToLower(sc), strings.ToLower(s.url+graphPrefix+"/")); ok {
			name = sc[len(sc)-len(rest):]
		}
		if strings.Contains(name, "/") {
			return nil, sc
		}
		out = append(out, name)
	}
	if len(out) == 0 {
		return nil, scope
	}
	return out, ""
}

// handleDeviceCodeToken answers a poll of the token endpoint with the device
// code: authorization_pending until the admin is done, then a token or the
// AADSTS error the admin's outcome calls for.
func (s *Sandbox) handleDeviceCodeToken(w http.ResponseWriter, r *http.Request) {
	now := s.now()
	s.mu.Lock()
	code, ok := s.codes[r.PostForm.Get("device_code")]
	var c deviceCode
	if ok {
		c = *code
	}
	domain, tenantID := s.state.Domain, s.state.TenantID
	s.mu.Unlock()
	switch {
	case !ok || !strings.EqualFold(c.clientID, r.PostForm.Get("client_id")):
		s.writeAADSTS(w, http.StatusBadRequest, "invalid_grant", 70000, "The provided value for the 'device_code' is not valid.")
		return
	case c.redeemed:
		s.writeAADSTS(w, http.StatusBadRequest, "invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.")
		return
	case !now.Before(c.expires):
		s.writeAADSTS(w, http.StatusBadRequest, "expired_token", 70019, "Verification code expired.")
		return
	case c.approveAt.IsZero() || now.Before(c.approveAt) || c.admin.Outcome == AdminNeverSignsIn:
		s.writeAADSTS(w, http.StatusBadRequest, "authorization_pending", 70016, "OAuth 2.0 device flow error. Authorization is pending. Continue polling.")
		return
	}
	switch c.admin.Outcome {
	case AdminDeclinesConsent:
		s.writeAADSTS(w, http.StatusBadRequest, "authorization_declined", 65004, "User declined to consent to access the app.")
		return
	case AdminBlockedByConditionalAccess:
		s.writeAADSTS(w, http.StatusBadRequest, "invalid_grant", 53003, "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.")
		return
	case AdminBlockedBySecurityDefaults:
		s.writeAADSTS(w, http.StatusBadRequest, "invalid_grant", 530035, "Access has been blocked by security defaults. This is due to the request using legacy auth or being deemed unsafe by security defaults policies.")
		return
	case AdminClientNotConsented:
		s.writeAADSTS(w, http.StatusBadRequest, "invalid_grant", 65001, fmt.Sprintf("The user or administrator has not consented to use the application with ID '%s' named 'Microsoft Graph Command Line Tools'. Send an interactive authorization request for this user and resource.", c.clientID))
		return
	case AdminWrongPassword:
		s.writeAADSTS(w, http.StatusBadRequest, "invalid_grant", 50126, "Error validating credentials due to invalid username or password.")
		return
	}
	s.mu.Lock()
	code.redeemed = true
	oid := s.adminOID
	s.mu.Unlock()
	upn := c.admin.UPN
	if upn == "" {
		upn = "admin@" + domain
	}
	roles := c.admin.Roles
	if roles == nil {
		roles = []string{entra.RoleGlobalAdministrator}
	}
	body, err := s.delegatedTokenResponse(c, tenantID, oid, upn, roles)
	if err != nil {
		s.writeAADSTS(w, http.StatusInternalServerError, "temporarily_unavailable", 90033, "A transient error has occurred. Please try again.")
		return
	}
	writeJSON(w, http.StatusOK, body)
}

// delegatedTokenResponse mints the admin's Graph token and the id token and
// client_info MSAL's public client reads.
func (s *Sandbox) delegatedTokenResponse(c deviceCode, tenantID, oid, upn string, roles []string) (map[string]any, error) {
	now := s.now().UTC()
	claims := map[string]any{
		"aud": s.url + graphPrefix, "iss": "https://sts.windows.net/" + tenantID + "/",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Hour).Unix(),
		"appid": c.clientID, "idtyp": "user", "oid": oid, "sub": oid, "tid": tenantID,
		"upn": upn, "unique_name": upn, "name": "Sandbox Admin", "ver": "1.0",
		"scp": strings.Join(c.scopes, " "), "wids": roles, "uti": newGUID(),
	}
	access, err := signRS256(s.tokenKey, map[string]any{"typ": "JWT", "alg": "RS256", "kid": s.tokenKID}, claims)
	if err != nil {
		return nil, err
	}
	idClaims := map[string]any{
		"aud": c.clientID, "iss": s.url + "/" + tenantID + "/v2.0", "iat": now.Unix(), "nbf": now.Unix(),
		"exp": now.Add(time.Hour).Unix(), "oid": oid, "sub": oid, "tid": tenantID,
		"preferred_username": upn, "name": "Sandbox Admin", "ver": "2.0",
	}
	id, err := signRS256(s.tokenKey, map[string]any{"typ": "JWT", "alg": "RS256", "kid": s.tokenKID}, idClaims)
	if err != nil {
		return nil, err
	}
	info, err := json.Marshal(map[string]string{"uid": oid, "utid": tenantID})
	if err != nil {
		return nil, fmt.Errorf("encode client_info: %w", err)
	}
	granted := make([]string, len(c.scopes))
	for i, sc := range c.scopes {
		granted[i] = s.url + graphPrefix + "/" + sc
		if c.admin.ShortScopes {
			granted[i] = sc
		}
	}
	s.mu.Lock()
	s.issued++
	s.mu.Unlock()
	return map[string]any{
		"token_type": "Bearer", "scope": strings.Join(granted, " "), "expires_in": 3599, "ext_expires_in": 3599,
		"access_token": access, "refresh_token": randomToken(64), "id_token": id,
		"client_info": base64.RawURLEncoding.EncodeToString(info),
	}, nil
}

// handleDeviceLoginPage is the verification_uri: in the sandbox nobody needs
// to visit it, the simulated admin signs in by itself.
func (s *Sandbox) handleDeviceLoginPage(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("xops sandbox: the simulated admin enters the code by itself; nothing to do here.\n"))
}

// userCode makes a code like Entra's: nine letters and digits, no look-alikes.
func userCode() string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	var b [9]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("sandbox: reading randomness: %v", err))
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b[:])
}

// randomToken returns n random bytes in base64url: an opaque code or token.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("sandbox: reading randomness: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
