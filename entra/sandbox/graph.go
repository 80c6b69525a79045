package sandbox

import (
	"net/http"
	"strings"
)

// handleGraph serves the one Graph read xops makes: an application by its
// appId, either as applications(appId='…') or applications?$filter=appId eq '…'.
// Reading applications takes a directory role such as Global Reader.
func (s *Sandbox) handleGraph(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	tenantID := s.state.TenantID
	s.mu.Unlock()
	tok, err := s.bearer(r, s.url+graphPrefix, tenantID)
	if err != nil {
		writeJSON(w, http.StatusUnauthorized, graphError("InvalidAuthenticationToken", "Access token validation failure. Invalid audience, signature or lifetime."))
		return
	}
	rest := r.PathValue("rest")
	var appID string
	filtered := false
	switch {
	case strings.HasPrefix(rest, "applications(appId='") && strings.HasSuffix(rest, "')"):
		appID = strings.TrimSuffix(strings.TrimPrefix(rest, "applications(appId='"), "')")
	case rest == "applications":
		f := strings.TrimSpace(r.URL.Query().Get("$filter"))
		v, ok := strings.CutPrefix(f, "appId eq '")
		if !ok || !strings.HasSuffix(v, "'") {
			writeJSON(w, http.StatusBadRequest, graphError("BadRequest", "The sandbox supports $filter=appId eq '<id>' only."))
			return
		}
		appID, filtered = strings.TrimSuffix(v, "'"), true
	default:
		writeJSON(w, http.StatusNotFound, graphError("Request_ResourceNotFound", "The sandbox serves no Graph resource "+rest+"."))
		return
	}
	if !has(tok.wids, globalReaderTemplateID) {
		writeJSON(w, http.StatusForbidden, graphError("Authorization_RequestDenied", "Insufficient privileges to complete the operation."))
		return
	}
	s.mu.Lock()
	a, err := s.app(appID)
	var obj map[string]any
	if err == nil {
		obj = applicationJSON(a)
	}
	s.mu.Unlock()
	switch {
	case filtered && obj == nil:
		writeJSON(w, http.StatusOK, map[string]any{"value": []any{}})
	case filtered:
		writeJSON(w, http.StatusOK, map[string]any{"value": []any{obj}})
	case obj == nil:
		writeJSON(w, http.StatusNotFound, graphError("Request_ResourceNotFound", "Resource '"+appID+"' does not exist or one of its queried reference-property objects are not present."))
	default:
		writeJSON(w, http.StatusOK, obj)
	}
}

// applicationJSON is the Graph application object; the caller holds s.mu.
func applicationJSON(a *application) map[string]any {
	rra := []map[string]any{}
	if a.ExchangePermission {
		rra = append(rra, map[string]any{
			"resourceAppId":  exchangeResourceAppID,
			"resourceAccess": []map[string]any{{"id": "dc50a0fb-09a3-484d-be87-e023b12c6440", "type": "Role"}},
		})
	}
	keys := []map[string]any{}
	for _, k := range a.Certificates {
		keys = append(keys, map[string]any{
			"customKeyIdentifier": k.SHA1, "type": "AsymmetricX509Cert", "usage": "Verify",
			"startDateTime": k.NotBefore.UTC().Format("2006-01-02T15:04:05Z"), "endDateTime": k.NotAfter.UTC().Format("2006-01-02T15:04:05Z"),
		})
	}
	return map[string]any{
		"id": a.ObjectID, "appId": a.AppID, "displayName": a.Name, "signInAudience": "AzureADMyOrg",
		"requiredResourceAccess": rra, "keyCredentials": keys,
	}
}

// graphError is Microsoft Graph's error shape.
func graphError(code, message string) map[string]any {
	return map[string]any{"error": map[string]any{"code": code, "message": message, "innerError": map[string]any{"request-id": newGUID()}}}
}
