package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/xops/xops/entra"
)

// Exchange Online's app roles, as its service principal lists them. Setup
// resolves Exchange.ManageAsApp by value, so other roles sit beside it.
var exchangeAppRoles = []map[string]any{
	{"id": "dc890d15-9560-4a4c-9b7f-a736ec74ec40", "value": "full_access_as_app", "displayName": "Use Exchange Web Services with full access to all mailboxes", "allowedMemberTypes": []string{"Application"}, "isEnabled": true},
	{"id": entra.ExchangeManageAsAppID, "value": manageAsAppRole, "displayName": "Manage Exchange As Application", "allowedMemberTypes": []string{"Application"}, "isEnabled": true},
	{"id": "810c84a8-4a9e-49e6-bf7d-12d183f40d01", "value": "Mail.Read", "displayName": "Read mail in all mailboxes", "allowedMemberTypes": []string{"Application"}, "isEnabled": true},
}

// exchangeSPID returns Exchange Online's service principal id, making it on
// first use; the caller holds s.mu.
func (s *Sandbox) exchangeSPID() string {
	if s.state.ExchangeSPID == "" {
		s.state.ExchangeSPID = newGUID()
	}
	return s.state.ExchangeSPID
}

// spID returns the app's service principal id ("" when it has none); a
// portal-registered app gets its id on first use. The caller holds s.mu.
func spID(a *application) string {
	if a.NoServicePrincipal {
		return ""
	}
	if a.SPObjectID == "" {
		a.SPObjectID = newGUID()
	}
	return a.SPObjectID
}

// findApp returns the first app match accepts; the caller holds s.mu.
func (s *Sandbox) findApp(match func(*application) bool) *application {
	for _, a := range s.state.Apps {
		if match(a) {
			return a
		}
	}
	return nil
}

// graphRRA is one requiredResourceAccess entry.
type graphRRA struct {
	ResourceAppID  string `json:"resourceAppId"`
	ResourceAccess []struct {
		ID   string `json:"id"`
		Type string `json:"type"`
	} `json:"resourceAccess"`
}

// graphKey is one keyCredential as Graph takes and gives it.
type graphKey struct {
	KeyID               string `json:"keyId,omitempty"`
	Type                string `json:"type"`
	Usage               string `json:"usage"`
	Key                 string `json:"key,omitempty"`
	DisplayName         string `json:"displayName,omitempty"`
	CustomKeyIdentifier string `json:"customKeyIdentifier,omitempty"`
	StartDateTime       string `json:"startDateTime,omitempty"`
	EndDateTime         string `json:"endDateTime,omitempty"`
}

// delegatedAppJSON is the application object a user reads; the keys' bytes
// come back when keyCredentials is $selected, as Graph does for one object.
// The caller holds s.mu.
func delegatedAppJSON(a *application, withKeys bool) map[string]any {
	obj := applicationJSON(a)
	obj["uniqueName"] = a.UniqueName
	var rra []json.RawMessage
	if len(a.ExtraResourceAccess) > 0 {
		_ = json.Unmarshal(a.ExtraResourceAccess, &rra)
	}
	for _, e := range obj["requiredResourceAccess"].([]map[string]any) {
		b, _ := json.Marshal(e)
		rra = append(rra, b)
	}
	if rra == nil {
		rra = []json.RawMessage{}
	}
	obj["requiredResourceAccess"] = rra
	keys := make([]graphKey, 0, len(a.Certificates))
	for i := range a.Certificates {
		k := &a.Certificates[i]
		if k.KeyID == "" {
			k.KeyID = newGUID()
		}
		gk := graphKey{
			KeyID: k.KeyID, Type: "AsymmetricX509Cert", Usage: "Verify", DisplayName: k.DisplayName,
			CustomKeyIdentifier: k.SHA1,
			StartDateTime:       k.NotBefore.UTC().Format("2006-01-02T15:04:05Z"), EndDateTime: k.NotAfter.UTC().Format("2006-01-02T15:04:05Z"),
		}
		if withKeys {
			gk.Key = base64.StdEncoding.EncodeToString(k.DER)
		}
		keys = append(keys, gk)
	}
	obj["keyCredentials"] = keys
	return obj
}

// getApplication answers GET applications(uniqueName=…) and (appId=…).
func (s *Sandbox) getApplication(w http.ResponseWriter, r *http.Request, d *delegatedCaller, match func(*application) bool, ref string) {
	if !d.can(entra.ScopeApplicationReadWriteAll) {
		writeDenied(w)
		return
	}
	withKeys := strings.Contains(r.URL.Query().Get("$select"), "keyCredentials")
	s.mu.Lock()
	a := s.findApp(match)
	var obj map[string]any
	if a != nil {
		obj = delegatedAppJSON(a, withKeys)
	}
	s.mu.Unlock()
	if obj == nil {
		writeJSON(w, http.StatusNotFound, graphError("Request_ResourceNotFound", "Resource '"+ref+"' does not exist or one of its queried reference-property objects are not present."))
		return
	}
	writeJSON(w, http.StatusOK, obj)
}

// appPatch is the part of an application a PATCH may set in the sandbox.
type appPatch struct {
	DisplayName            *string     `json:"displayName"`
	SignInAudience         *string     `json:"signInAudience"`
	RequiredResourceAccess *[]graphRRA `json:"requiredResourceAccess"`
	KeyCredentials         *[]graphKey `json:"keyCredentials"`
}

// validUniqueName is the sandbox's rule for the uniqueName alternate key.
func validUniqueName(n string) bool {
	if n == "" || len(n) > 120 {
		return false
	}
	for _, r := range n {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.", r)) {
			return false
		}
	}
	return true
}

// patchApplication is the upsert PATCH applications(uniqueName='…'): with
// "Prefer: create-if-missing" it creates the app (201, the object),
// otherwise it updates it (204). keyCredentials and requiredResourceAccess
// replace the arrays, as Graph does.
func (s *Sandbox) patchApplication(w http.ResponseWriter, r *http.Request, d *delegatedCaller, name string) {
	if !d.can(entra.ScopeApplicationReadWriteAll, appWriterRoles...) {
		writeDenied(w)
		return
	}
	if !validUniqueName(name) {
		writeBadRequest(w, "Invalid value specified for property 'uniqueName' of resource 'Application'.")
		return
	}
	var p appPatch
	if !decodeBody(w, r, &p, "microsoft.graph.application") {
		return
	}
	if p.SignInAudience != nil {
		switch *p.SignInAudience {
		case "AzureADMyOrg", "AzureADMultipleOrgs", "AzureADandPersonalMicrosoftAccount", "PersonalMicrosoftAccount":
		default:
			writeBadRequest(w, "Invalid value specified for property 'signInAudience' of resource 'Application'.")
			return
		}
	}
	now := s.now()
	var keys []uploadedKey
	if p.KeyCredentials != nil {
		var msg string
		if keys, msg = s.keysFromPatch(*p.KeyCredentials, name, now); msg != "" {
			writeBadRequest(w, msg)
			return
		}
	}
	create := strings.Contains(strings.ToLower(r.Header.Get("Prefer")), "create-if-missing")
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.findApp(func(a *application) bool { return strings.EqualFold(a.UniqueName, name) })
	created := false
	if a == nil {
		if !create {
			writeJSON(w, http.StatusNotFound, graphError("Request_ResourceNotFound", "Resource '"+name+"' does not exist or one of its queried reference-property objects are not present."))
			return
		}
		if p.DisplayName == nil || strings.TrimSpace(*p.DisplayName) == "" {
			writeBadRequest(w, "Property 'displayName' is required when creating the application.")
			return
		}
		a = &application{AppID: newGUID(), ObjectID: newGUID(), UniqueName: name, RegisteredAt: now, NoServicePrincipal: true}
		s.state.Apps[a.AppID] = a
		s.counts.Applications++
		created = true
	}
	if p.DisplayName != nil {
		a.Name = strings.TrimSpace(*p.DisplayName)
	}
	if p.RequiredResourceAccess != nil {
		applyRequiredAccess(a, *p.RequiredResourceAccess)
	}
	if p.KeyCredentials != nil {
		a.Certificates = keepUploadTimes(a.Certificates, keys)
	}
	if created {
		writeJSON(w, http.StatusCreated, delegatedAppJSON(a, false))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// keysFromPatch checks a PATCH's keyCredentials; msg says what is wrong.
func (s *Sandbox) keysFromPatch(in []graphKey, name string, now time.Time) ([]uploadedKey, string) {
	out := make([]uploadedKey, 0, len(in))
	seen := map[string]bool{}
	for _, k := range in {
		if k.Type != "AsymmetricX509Cert" || k.Usage != "Verify" {
			return nil, "Invalid value specified for property 'keyCredentials' of resource 'Application': the sandbox takes type AsymmetricX509Cert with usage Verify only."
		}
		der, err := base64.StdEncoding.DecodeString(k.Key)
		if err != nil || len(der) == 0 {
			return nil, "Invalid value specified for property 'keyCredentials' of resource 'Application': 'key' must hold the certificate in base64."
		}
		uk, err := makeUploadedKey(der, now)
		if err != nil {
			return nil, "Invalid value specified for property 'keyCredentials' of resource 'Application': " + err.Error()
		}
		if seen[uk.SHA256] {
			return nil, "Invalid value specified for property 'keyCredentials' of resource 'Application': the same certificate is listed twice."
		}
		seen[uk.SHA256] = true
		uk.KeyID, uk.DisplayName = k.KeyID, k.DisplayName
		if uk.KeyID == "" {
			uk.KeyID = newGUID()
		}
		if uk.DisplayName == "" {
			uk.DisplayName = "CN=" + name
		}
		out = append(out, uk)
	}
	return out, ""
}

// keepUploadTimes replaces old with next, keeping the upload time (and so
// the propagation) of certificates that were already there.
func keepUploadTimes(old, next []uploadedKey) []uploadedKey {
	for i := range next {
		for _, o := range old {
			if o.SHA256 == next[i].SHA256 {
				next[i].UploadedAt = o.UploadedAt
			}
		}
	}
	return next
}

// applyRequiredAccess replaces the app's requiredResourceAccess: Exchange's
// Exchange.ManageAsApp sets the permission flag, other APIs are kept as given.
func applyRequiredAccess(a *application, rra []graphRRA) {
	a.ExchangePermission = false
	var extra []graphRRA
	for _, e := range rra {
		if !strings.EqualFold(e.ResourceAppID, exchangeResourceAppID) {
			extra = append(extra, e)
			continue
		}
		for _, ra := range e.ResourceAccess {
			if strings.EqualFold(ra.ID, entra.ExchangeManageAsAppID) && ra.Type == "Role" {
				a.ExchangePermission = true
			}
		}
	}
	a.ExtraResourceAccess = nil
	if len(extra) > 0 {
		a.ExtraResourceAccess, _ = json.Marshal(extra)
	}
}

// servicePrincipalJSON is a service principal object; the caller holds s.mu.
func servicePrincipalJSON(a *application) map[string]any {
	return map[string]any{
		"id": spID(a), "appId": a.AppID, "displayName": a.Name, "servicePrincipalType": "Application",
		"accountEnabled": !a.Disabled, "appRoles": []any{},
	}
}

// exchangeSPJSON is Exchange Online's service principal; the caller holds s.mu.
func (s *Sandbox) exchangeSPJSON() map[string]any {
	return map[string]any{
		"id": s.exchangeSPID(), "appId": exchangeResourceAppID, "displayName": "Office 365 Exchange Online",
		"servicePrincipalType": "Application", "accountEnabled": true, "appRoles": exchangeAppRoles,
	}
}

// listServicePrincipals answers GET servicePrincipals?$filter=appId eq '…'.
func (s *Sandbox) listServicePrincipals(w http.ResponseWriter, r *http.Request, d *delegatedCaller) {
	if !d.can(entra.ScopeApplicationReadWriteAll) {
		writeDenied(w)
		return
	}
	f, ok := filterValues(r.URL.Query().Get("$filter"))
	appID, hasAppID := f["appid"]
	if !ok || !hasAppID || len(f) != 1 {
		writeBadRequest(w, "The sandbox supports $filter=appId eq '<id>' only on servicePrincipals.")
		return
	}
	s.mu.Lock()
	list := []map[string]any{}
	switch {
	case strings.EqualFold(appID, exchangeResourceAppID):
		if s.state.ExchangeOnline {
			list = append(list, s.exchangeSPJSON())
		}
	default:
		a := s.findApp(func(a *application) bool { return strings.EqualFold(a.AppID, appID) })
		if a != nil && !a.NoServicePrincipal {
			list = append(list, servicePrincipalJSON(a))
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"value": list})
}

// createServicePrincipal answers POST servicePrincipals {"appId": …}. An app
// created a moment ago is not there yet while the propagation delay runs, as
// in Entra ("does not reference a valid application object").
func (s *Sandbox) createServicePrincipal(w http.ResponseWriter, r *http.Request, d *delegatedCaller) {
	if !d.can(entra.ScopeApplicationReadWriteAll, appWriterRoles...) {
		writeDenied(w)
		return
	}
	var body struct {
		AppID string `json:"appId"`
	}
	if !decodeBody(w, r, &body, "microsoft.graph.servicePrincipal") {
		return
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.findApp(func(a *application) bool { return strings.EqualFold(a.AppID, body.AppID) })
	if a == nil || !propagated(a.RegisteredAt, now, s.delay) {
		writeBadRequest(w, "The appId '"+body.AppID+"' of the service principal does not reference a valid application object.")
		return
	}
	if !a.NoServicePrincipal {
		s.counts.Duplicates++
		writeJSON(w, http.StatusConflict, graphError("Request_MultipleObjectsWithSameKeyValue", "Another object with the same value for property servicePrincipalNames already exists."))
		return
	}
	a.NoServicePrincipal = false
	a.SPObjectID = newGUID()
	s.counts.ServicePrincipals++
	writeJSON(w, http.StatusCreated, servicePrincipalJSON(a))
}
