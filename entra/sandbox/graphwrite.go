package sandbox

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/xops/xops/entra"
)

// GraphCounts counts what Microsoft Graph writes created in the tenant, so a
// test can prove a resumed setup made no second app, service principal or
// assignment.
type GraphCounts struct {
	Applications, ServicePrincipals, Consents, RoleAssignments int
	// Duplicates counts creations Graph refused because the object existed.
	Duplicates int
}

// GraphCounts returns the counts so far.
func (s *Sandbox) GraphCounts() GraphCounts {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts
}

// delegatedCaller is a signed-in user calling Graph with a device-code token.
type delegatedCaller struct {
	upn    string
	scopes []string // scp
	roles  []string // wids: the user's directory roles
}

// can reports whether the caller holds the scope and one of the roles.
func (d *delegatedCaller) can(scope string, roles ...string) bool {
	if !has(d.scopes, scope) {
		return false
	}
	if len(roles) == 0 {
		return true
	}
	for _, r := range roles {
		if has(d.roles, r) {
			return true
		}
	}
	return false
}

// Roles the Graph writes need, as Entra's built-in roles grant them.
var (
	appWriterRoles = []string{entra.RoleGlobalAdministrator, entra.RoleApplicationAdministrator, entra.RoleCloudApplicationAdministrator}
	grantRoles     = []string{entra.RoleGlobalAdministrator, entra.RolePrivilegedRoleAdministrator}
)

// delegated reads the request's Graph token; ok is false for an app-only
// token (or none), which the app-only read handler answers.
func (s *Sandbox) delegated(r *http.Request) (*delegatedCaller, bool) {
	s.mu.Lock()
	tenantID := s.state.TenantID
	s.mu.Unlock()
	if _, err := s.bearer(r, s.url+graphPrefix, tenantID); err != nil {
		return nil, false
	}
	raw, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	jwt, err := parseJWT(strings.TrimSpace(raw))
	if err != nil || jwt.stringClaim("idtyp") != "user" {
		return nil, false
	}
	return &delegatedCaller{
		upn:    jwt.stringClaim("upn"),
		scopes: strings.Fields(jwt.stringClaim("scp")),
		roles:  stringList(jwt.Claims["wids"]),
	}, true
}

// routeGraphRead sends a user's reads to the delegated handlers and an app's
// to handleGraph (the verification's application read).
func (s *Sandbox) routeGraphRead(w http.ResponseWriter, r *http.Request) {
	if d, ok := s.delegated(r); ok {
		s.serveDelegated(w, r, d)
		return
	}
	s.handleGraph(w, r)
}

// handleGraphWrite serves PATCH and POST: only a signed-in user writes.
func (s *Sandbox) handleGraphWrite(w http.ResponseWriter, r *http.Request) {
	d, ok := s.delegated(r)
	if !ok {
		s.mu.Lock()
		tenantID := s.state.TenantID
		s.mu.Unlock()
		if _, err := s.bearer(r, s.url+graphPrefix, tenantID); err != nil {
			writeJSON(w, http.StatusUnauthorized, graphError("InvalidAuthenticationToken", "Access token validation failure. Invalid audience, signature or lifetime."))
			return
		}
		writeDenied(w)
		return
	}
	s.serveDelegated(w, r, d)
}

// serveDelegated routes one delegated Graph call.
func (s *Sandbox) serveDelegated(w http.ResponseWriter, r *http.Request, d *delegatedCaller) {
	rest := r.PathValue("rest")
	segs := strings.Split(rest, "/")
	switch {
	case r.Method == http.MethodGet && rest == "organization":
		s.getOrganization(w, d)
	case strings.HasPrefix(rest, "applications(uniqueName='") && strings.HasSuffix(rest, "')") && len(segs) == 1:
		name := strings.TrimSuffix(strings.TrimPrefix(rest, "applications(uniqueName='"), "')")
		switch r.Method {
		case http.MethodGet:
			s.getApplication(w, r, d, func(a *application) bool { return strings.EqualFold(a.UniqueName, name) }, name)
		case http.MethodPatch:
			s.patchApplication(w, r, d, name)
		default:
			writeMethodNotAllowed(w, r)
		}
	case strings.HasPrefix(rest, "applications(appId='") && strings.HasSuffix(rest, "')") && len(segs) == 1 && r.Method == http.MethodGet:
		id := strings.TrimSuffix(strings.TrimPrefix(rest, "applications(appId='"), "')")
		s.getApplication(w, r, d, func(a *application) bool { return strings.EqualFold(a.AppID, id) }, id)
	case rest == "servicePrincipals" && r.Method == http.MethodGet:
		s.listServicePrincipals(w, r, d)
	case rest == "servicePrincipals" && r.Method == http.MethodPost:
		s.createServicePrincipal(w, r, d)
	case len(segs) == 3 && segs[0] == "servicePrincipals" && segs[2] == "appRoleAssignedTo":
		if r.Method == http.MethodPost {
			s.createAppRoleAssignment(w, r, d, segs[1])
			return
		}
		s.listAppRoleAssignments(w, r, d, segs[1], true)
	case len(segs) == 3 && segs[0] == "servicePrincipals" && segs[2] == "appRoleAssignments" && r.Method == http.MethodGet:
		s.listAppRoleAssignments(w, r, d, segs[1], false)
	case rest == "roleManagement/directory/roleAssignments" && r.Method == http.MethodGet:
		s.listRoleAssignments(w, r, d)
	case rest == "roleManagement/directory/roleAssignments" && r.Method == http.MethodPost:
		s.createRoleAssignment(w, r, d)
	default:
		writeJSON(w, http.StatusNotFound, graphError("Request_ResourceNotFound", "The sandbox serves no Graph resource "+r.Method+" "+rest+"."))
	}
}

// getOrganization answers GET /organization: the tenant and its domains.
func (s *Sandbox) getOrganization(w http.ResponseWriter, d *delegatedCaller) {
	if !d.can(entra.ScopeOrganizationReadAll) {
		writeDenied(w)
		return
	}
	s.mu.Lock()
	tenantID, domain := s.state.TenantID, s.state.Domain
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"@odata.context": s.url + graphPrefix + "/v1.0/$metadata#organization",
		"value": []map[string]any{{
			"id": tenantID, "displayName": "Contoso (sandbox)", "tenantType": "AAD",
			"verifiedDomains": []map[string]any{{
				"name": domain, "isInitial": true, "isDefault": true, "type": "Managed",
				"capabilities": "Email, OfficeCommunicationsOnline",
			}},
		}},
	})
}

// writeDenied is Graph's answer to a caller without the permission or role.
func writeDenied(w http.ResponseWriter) {
	writeJSON(w, http.StatusForbidden, graphError("Authorization_RequestDenied", "Insufficient privileges to complete the operation."))
}

// writeMethodNotAllowed answers a method Graph does not take on a resource.
func writeMethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusMethodNotAllowed, graphError("Request_BadRequest", "The sandbox does not serve "+r.Method+" on this resource."))
}

// writeBadRequest is Graph's 400.
func writeBadRequest(w http.ResponseWriter, message string) {
	writeJSON(w, http.StatusBadRequest, graphError("Request_BadRequest", message))
}

// decodeBody reads a JSON request body, refusing unknown properties as
// Graph does ("Property 'x' does not exist on type …").
func decodeBody(w http.ResponseWriter, r *http.Request, dst any, typeName string) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		msg := err.Error()
		if field, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
			writeBadRequest(w, "Property "+strings.ReplaceAll(field, `"`, "'")+" does not exist on type '"+typeName+"'. Make sure to only use property names that are defined by the type.")
			return false
		}
		writeBadRequest(w, "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.")
		return false
	}
	return true
}

// filterValues reads a Graph $filter of "a eq 'x' and b eq 'y'" clauses;
// ok is false for anything else.
func filterValues(filter string) (map[string]string, bool) {
	out := map[string]string{}
	if strings.TrimSpace(filter) == "" {
		return out, true
	}
	for _, clause := range strings.Split(filter, " and ") {
		name, value, ok := strings.Cut(strings.TrimSpace(clause), " eq ")
		if !ok || len(value) < 2 || value[0] != '\'' || value[len(value)-1] != '\'' {
			return nil, false
		}
		out[strings.ToLower(strings.TrimSpace(name))] = value[1 : len(value)-1]
	}
	return out, true
}
