package sandbox

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/xops/xops/entra"
)

// appBySP finds the app whose service principal has id; the caller holds s.mu.
func (s *Sandbox) appBySP(id string) *application {
	return s.findApp(func(a *application) bool { return !a.NoServicePrincipal && strings.EqualFold(spID(a), id) })
}

// consentJSON is the app role assignment that admin consent to
// Exchange.ManageAsApp is; the caller holds s.mu.
func (s *Sandbox) consentJSON(a *application) map[string]any {
	if a.ConsentID == "" {
		a.ConsentID = randomToken(32)
	}
	return map[string]any{
		"id": a.ConsentID, "appRoleId": entra.ExchangeManageAsAppID,
		"principalId": spID(a), "principalType": "ServicePrincipal", "principalDisplayName": a.Name,
		"resourceId": s.exchangeSPID(), "resourceDisplayName": "Office 365 Exchange Online",
		"createdDateTime": a.ConsentedAt.UTC().Format("2006-01-02T15:04:05Z"),
	}
}

// listAppRoleAssignments answers GET servicePrincipals/{id}/appRoleAssignedTo
// (assignments of the resource id's roles, assignedTo true) and
// servicePrincipals/{id}/appRoleAssignments (roles principal id holds).
func (s *Sandbox) listAppRoleAssignments(w http.ResponseWriter, r *http.Request, d *delegatedCaller, id string, assignedTo bool) {
	if !d.can(entra.ScopeAppRoleAssignmentReadWriteAll) && !d.can(entra.ScopeApplicationReadWriteAll) {
		writeDenied(w)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	list := []map[string]any{}
	isExchange := s.state.ExchangeOnline && strings.EqualFold(id, s.exchangeSPID())
	own := s.appBySP(id)
	switch {
	case !isExchange && own == nil:
		writeJSON(w, http.StatusNotFound, graphError("Request_ResourceNotFound", "Resource '"+id+"' does not exist or one of its queried reference-property objects are not present."))
		return
	case assignedTo && isExchange:
		var apps []*application
		for _, a := range s.state.Apps {
			if a.ExchangeConsented && !a.NoServicePrincipal {
				apps = append(apps, a)
			}
		}
		slices.SortFunc(apps, func(a, b *application) int { return strings.Compare(a.Name+a.AppID, b.Name+b.AppID) })
		for _, a := range apps {
			list = append(list, s.consentJSON(a))
		}
	case !assignedTo && own != nil && own.ExchangeConsented:
		list = append(list, s.consentJSON(own))
	}
	s.writePage(w, r, list)
}

// graphPageSize is how many objects one page of a sandbox collection holds:
// small, so that clients prove they follow @odata.nextLink as Graph's
// 100-item pages demand in a real tenant.
const graphPageSize = 2

// writePage answers one page of list, from $skiptoken, with the next
// page's link; the caller holds s.mu.
func (s *Sandbox) writePage(w http.ResponseWriter, r *http.Request, list []map[string]any) {
	from, _ := strconv.Atoi(r.URL.Query().Get("$skiptoken"))
	from = min(max(from, 0), len(list))
	to := min(from+graphPageSize, len(list))
	page := map[string]any{"value": list[from:to]}
	if to < len(list) {
		q := r.URL.Query()
		q.Set("$skiptoken", strconv.Itoa(to))
		page["@odata.nextLink"] = s.url + r.URL.Path + "?" + q.Encode()
	}
	writeJSON(w, http.StatusOK, page)
}

// createAppRoleAssignment answers POST servicePrincipals/{id}/appRoleAssignedTo:
// admin consent to an application permission, which takes a Global
// Administrator or a Privileged Role Administrator.
func (s *Sandbox) createAppRoleAssignment(w http.ResponseWriter, r *http.Request, d *delegatedCaller, resourceID string) {
	if !d.can(entra.ScopeAppRoleAssignmentReadWriteAll, grantRoles...) {
		writeDenied(w)
		return
	}
	var body struct {
		PrincipalID string `json:"principalId"`
		ResourceID  string `json:"resourceId"`
		AppRoleID   string `json:"appRoleId"`
	}
	if !decodeBody(w, r, &body, "microsoft.graph.appRoleAssignment") {
		return
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case !s.state.ExchangeOnline || !strings.EqualFold(resourceID, s.exchangeSPID()):
		writeJSON(w, http.StatusNotFound, graphError("Request_ResourceNotFound", "Resource '"+resourceID+"' does not exist or one of its queried reference-property objects are not present."))
		return
	case !strings.EqualFold(body.ResourceID, resourceID):
		writeBadRequest(w, "Invalid value specified for property 'resourceId' of resource 'AppRoleAssignment': it must be the service principal in the URL.")
		return
	case !strings.EqualFold(body.AppRoleID, entra.ExchangeManageAsAppID):
		writeBadRequest(w, "Permission being assigned was not found on application '"+resourceID+"' (the sandbox grants Exchange.ManageAsApp only).")
		return
	}
	a := s.appBySP(body.PrincipalID)
	if a == nil {
		writeBadRequest(w, "The principal with id '"+body.PrincipalID+"' does not exist in the directory.")
		return
	}
	if a.ExchangeConsented {
		s.counts.Duplicates++
		writeBadRequest(w, "Permission being assigned already exists on the object")
		return
	}
	a.ExchangeConsented, a.ConsentedAt, a.ConsentID = true, now, randomToken(32)
	s.counts.Consents++
	writeJSON(w, http.StatusCreated, s.consentJSON(a))
}

// roleAssignmentJSON is the app's Global Reader assignment; the caller holds s.mu.
func roleAssignmentJSON(a *application) map[string]any {
	if a.RoleAssignmentID == "" {
		a.RoleAssignmentID = randomToken(32)
	}
	return map[string]any{
		"id": a.RoleAssignmentID, "principalId": spID(a),
		"roleDefinitionId": entra.GlobalReaderTemplateID, "directoryScopeId": "/",
	}
}

// listRoleAssignments answers GET roleManagement/directory/roleAssignments
// with an optional $filter on principalId and roleDefinitionId.
func (s *Sandbox) listRoleAssignments(w http.ResponseWriter, r *http.Request, d *delegatedCaller) {
	if !d.can(entra.ScopeRoleManagementReadWriteDir) {
		writeDenied(w)
		return
	}
	f, ok := filterValues(r.URL.Query().Get("$filter"))
	for k := range f {
		if k != "principalid" && k != "roledefinitionid" {
			ok = false
		}
	}
	if !ok {
		writeBadRequest(w, "The sandbox supports $filter on principalId and roleDefinitionId only.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	list := []map[string]any{}
	if rd, set := f["roledefinitionid"]; set && !strings.EqualFold(rd, entra.GlobalReaderTemplateID) {
		writeJSON(w, http.StatusOK, map[string]any{"value": list})
		return
	}
	for _, a := range s.state.Apps {
		if !a.GlobalReader || a.NoServicePrincipal {
			continue
		}
		if p, set := f["principalid"]; set && !strings.EqualFold(p, spID(a)) {
			continue
		}
		list = append(list, roleAssignmentJSON(a))
	}
	writeJSON(w, http.StatusOK, map[string]any{"value": list})
}

// createRoleAssignment answers POST roleManagement/directory/roleAssignments:
// a directory role for a principal, which takes a Global Administrator or a
// Privileged Role Administrator.
func (s *Sandbox) createRoleAssignment(w http.ResponseWriter, r *http.Request, d *delegatedCaller) {
	if !d.can(entra.ScopeRoleManagementReadWriteDir, grantRoles...) {
		writeDenied(w)
		return
	}
	var body struct {
		ODataType        string `json:"@odata.type"`
		PrincipalID      string `json:"principalId"`
		RoleDefinitionID string `json:"roleDefinitionId"`
		DirectoryScopeID string `json:"directoryScopeId"`
	}
	if !decodeBody(w, r, &body, "microsoft.graph.unifiedRoleAssignment") {
		return
	}
	switch {
	case !strings.EqualFold(body.RoleDefinitionID, entra.GlobalReaderTemplateID):
		writeBadRequest(w, "The sandbox assigns the Global Reader role ("+entra.GlobalReaderTemplateID+") only.")
		return
	case body.DirectoryScopeID != "/":
		writeBadRequest(w, "Invalid value specified for property 'directoryScopeId' of resource 'UnifiedRoleAssignment'.")
		return
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.appBySP(body.PrincipalID)
	if a == nil {
		writeBadRequest(w, "The principal with id '"+body.PrincipalID+"' does not exist in the directory.")
		return
	}
	if a.GlobalReader {
		s.counts.Duplicates++
		writeBadRequest(w, "A conflicting object with one or more of the specified property values is present in the directory.")
		return
	}
	a.GlobalReader, a.GlobalReaderAt, a.RoleAssignmentID = true, now, randomToken(32)
	s.counts.RoleAssignments++
	writeJSON(w, http.StatusCreated, roleAssignmentJSON(a))
}
