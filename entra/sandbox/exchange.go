package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// anchorMailboxPrefix is the X-AnchorMailbox value app-only calls route by.
const anchorMailboxPrefix = "APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@"

// accessToken is a verified sandbox access token.
type accessToken struct {
	appID, tenantID string
	roles, wids     []string
}

// has reports whether list holds v.
func has(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

// bearer verifies the request's access token: signed by the sandbox, for
// this audience and tenant, not expired.
func (s *Sandbox) bearer(r *http.Request, aud, tenantID string) (*accessToken, error) {
	h := r.Header.Get("Authorization")
	raw, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || strings.TrimSpace(raw) == "" {
		return nil, errors.New("no bearer token")
	}
	jwt, err := parseJWT(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("token malformed: %w", err)
	}
	if alg, _ := jwt.Header["alg"].(string); alg != "RS256" || jwt.verifyRSA("RS256", &s.tokenKey.PublicKey) != nil {
		return nil, errors.New("token signature invalid")
	}
	if jwt.stringClaim("aud") != aud {
		return nil, fmt.Errorf("token audience %q is not %q", jwt.stringClaim("aud"), aud)
	}
	if !strings.EqualFold(jwt.stringClaim("tid"), tenantID) {
		return nil, errors.New("token is for another tenant")
	}
	exp, ok := jwt.numericClaim("exp")
	if !ok || s.now().After(time.Unix(exp, 0).Add(clockTolerance)) {
		return nil, errors.New("token expired")
	}
	t := &accessToken{appID: jwt.stringClaim("appid"), tenantID: jwt.stringClaim("tid")}
	t.roles = stringList(jwt.Claims["roles"])
	t.wids = stringList(jwt.Claims["wids"])
	return t, nil
}

// stringList reads a JSON array of strings.
func stringList(v any) []string {
	arr, _ := v.([]any)
	out := make([]string, 0, len(arr))
	for _, x := range arr {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// exoError is Exchange Online's JSON error shape.
func exoError(code, message, detail string) map[string]any {
	e := map[string]any{"code": code, "message": message}
	if detail != "" {
		e["details"] = []map[string]any{{"code": code, "target": "", "message": detail}}
	}
	return map[string]any{"error": e}
}

// handleInvokeCommand is Exchange Online's admin API: it runs
// Get-OrganizationConfig for an app that holds Exchange.ManageAsApp and a
// directory role, and answers 401/403 as the service does otherwise.
func (s *Sandbox) handleInvokeCommand(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	tenantID, domain, exchangeOn := s.state.TenantID, s.state.Domain, s.state.ExchangeOnline
	s.mu.Unlock()
	ref := strings.ToLower(r.PathValue("tenant"))
	if ref != tenantID && ref != domain || !exchangeOn {
		writeJSON(w, http.StatusNotFound, exoError("NotFound", "The tenant '"+r.PathValue("tenant")+"' has no Exchange Online organization.", ""))
		return
	}
	tok, err := s.bearer(r, s.url+exchangePrefix, tenantID)
	if err != nil {
		w.Header().Set("WWW-Authenticate", `Bearer client_id="00000002-0000-0ff1-ce00-000000000000", trusted_issuers="00000001-0000-0000-c000-000000000000@*", token_types="app_asserted_user_v1 service_asserted_app_v1", error="invalid_token"`)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if !has(tok.roles, manageAsAppRole) {
		// Seen in the field: no body, only the challenge header.
		w.Header().Set("WWW-Authenticate", `Bearer client_id="00000002-0000-0ff1-ce00-000000000000", error="invalid_token", error_description="The token does not hold the Exchange.ManageAsApp role"`)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if !has(tok.wids, globalReaderTemplateID) {
		writeJSON(w, http.StatusForbidden, exoError("Forbidden", "Access is denied.",
			"The role assigned to application "+tok.appID+" isn't supported in this scenario. Please check online documentation for assigning correct Directory Roles to Azure AD Application for EXO App-Only Authentication."))
		return
	}
	anchor := r.Header.Get("X-AnchorMailbox")
	if !strings.HasPrefix(anchor, anchorMailboxPrefix) || !strings.EqualFold(strings.TrimPrefix(anchor, anchorMailboxPrefix), domain) {
		writeJSON(w, http.StatusBadRequest, exoError("BadRequest", "The X-AnchorMailbox header must be "+anchorMailboxPrefix+domain+".", ""))
		return
	}
	if !strings.EqualFold(r.Header.Get("X-ResponseFormat"), "json") {
		writeJSON(w, http.StatusBadRequest, exoError("BadRequest", "The X-ResponseFormat header must be json.", ""))
		return
	}
	var body struct {
		CmdletInput struct {
			CmdletName string         `json:"CmdletName"`
			Parameters map[string]any `json:"Parameters"`
		} `json:"CmdletInput"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&body); err != nil {
		writeJSON(w, http.StatusBadRequest, exoError("BadRequest", "The request body is not valid JSON.", err.Error()))
		return
	}
	if body.CmdletInput.CmdletName != "Get-OrganizationConfig" {
		writeJSON(w, http.StatusBadRequest, exoError("BadRequest", "The sandbox runs Get-OrganizationConfig only, not '"+body.CmdletInput.CmdletName+"'.", ""))
		return
	}
	name := strings.SplitN(domain, ".", 2)[0]
	writeJSON(w, http.StatusOK, map[string]any{
		"@odata.context":               s.url + exchangePrefix + "/adminapi/beta/" + tenantID + "/$metadata#Collection(Exchange.GenericHashTable)",
		"adminapi.warnings@odata.type": "#Collection(String)",
		"@adminapi.warnings":           []string{},
		"value": []map[string]any{{
			"Name": name, "DisplayName": name, "Identity": name, "Guid": tenantID,
			"IsDehydrated": false, "OrganizationId": domain, "DefaultPublicFolderMailbox": "",
			"OAuth2ClientProfileEnabled": true, "AuditDisabled": false, "IsValid": true,
			"ObjectState": "Unchanged", "WhenCreatedUTC": "2024-01-15T09:30:00Z",
		}},
	})
}
