package entra

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// metadata is what a tenant's OpenID configuration told us.
type metadata struct {
	found    bool
	tenantID string // the GUID in the issuer
	instance string // cloud_instance_name
	code     int    // the AADSTS code when Entra refused
	desc     string // its description, sanitised
	trouble  *trouble
}

// aadErrorBody is the JSON Entra's login endpoints answer errors with.
type aadErrorBody struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	ErrorCodes       []int  `json:"error_codes"`
}

// fetchMetadata reads {login}/{ref}/v2.0/.well-known/openid-configuration.
func (v *Verifier) fetchMetadata(ctx context.Context, ref string) metadata {
	u := v.Endpoints.Login + "/" + url.PathEscape(ref) + "/v2.0/.well-known/openid-configuration"
	host := hostOf(v.Endpoints.Login)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return metadata{trouble: &trouble{"cannot build the request to " + serverText(host) + ": " + serverText(err.Error()), "check --authority-host"}}
	}
	req.Header.Set("Accept", "application/json")
	resp, err := v.client().Do(req)
	if err != nil {
		if tr, ok := networkTrouble(err, host); ok {
			return metadata{trouble: &tr}
		}
		return metadata{trouble: &trouble{"the request to " + serverText(host) + " failed: " + serverText(err.Error()), "try again"}}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		tr, ok := networkTrouble(err, host)
		if !ok {
			tr = trouble{"reading the answer of " + serverText(host) + " failed", "try again"}
		}
		return metadata{trouble: &tr}
	}
	if tr, ok := statusTrouble(resp.StatusCode, host); ok {
		return metadata{trouble: &tr}
	}
	if resp.StatusCode != http.StatusOK {
		var e aadErrorBody
		if json.Unmarshal(body, &e) != nil || len(e.ErrorCodes) == 0 {
			return metadata{trouble: &trouble{fmt.Sprintf("%s answered HTTP %d to the OpenID metadata request, not Entra's usual answer", serverText(host), resp.StatusCode), v.Endpoints.endpointAdvice("--authority-host", "Entra")}}
		}
		return metadata{code: e.ErrorCodes[0], desc: serverText(e.ErrorDescription)}
	}
	var doc struct {
		Issuer            string `json:"issuer"`
		CloudInstanceName string `json:"cloud_instance_name"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return metadata{trouble: &trouble{serverText(host) + " sent OpenID metadata that is not JSON", v.Endpoints.endpointAdvice("--authority-host", "Entra")}}
	}
	guid := guidInIssuer(doc.Issuer)
	if guid == "" {
		return metadata{trouble: &trouble{serverText(host) + " sent OpenID metadata whose issuer holds no tenant ID", v.Endpoints.endpointAdvice("--authority-host", "Entra")}}
	}
	return metadata{found: true, tenantID: guid, instance: doc.CloudInstanceName}
}

// guidInIssuer finds the tenant GUID among the issuer URL's path segments.
func guidInIssuer(issuer string) string {
	u, err := url.Parse(issuer)
	if err != nil {
		return ""
	}
	for _, seg := range strings.Split(u.Path, "/") {
		if IsGUID(seg) {
			return strings.ToLower(seg)
		}
	}
	return ""
}

// isAlias reports whether ref is one of Entra's multi-tenant aliases.
func isAlias(ref string) bool {
	switch strings.ToLower(strings.TrimSpace(ref)) {
	case "common", "organizations", "consumers":
		return true
	}
	return false
}

// notFoundCodes mean "no such tenant" (90002) or "not even a tenant name" (900023).
func notFoundCode(code int) bool { return code == 90002 || code == 900023 }

// otherCloudCode means the tenant lives in another national cloud.
func otherCloudCode(code int) bool { return code == 90038 || code == 900432 }

// cloudHint suggests the --cloud value for a tenant in another cloud.
func (v *Verifier) cloudHint(instance string) string {
	if c, ok := cloudByInstance(instance); ok && c.Name != v.Endpoints.Cloud {
		names := c.Name
		if c.Instance == "microsoftonline.us" {
			names = "usgov (GCC High) or --cloud usgovdod (DoD)"
		}
		return runAgainCloud + " " + names
	}
	return runAgainCloud + " NAME, the tenant's cloud (" + strings.Join(CloudNames(), ", ") + ")"
}

// wrongCloud reports whether metadata says the tenant is in another known
// cloud than the one we are talking to. An instance name we do not know
// (a private cloud, a test rig) proves nothing and is ignored.
func (v *Verifier) wrongCloud(m metadata) bool {
	theirs, known := cloudByInstance(m.instance)
	if !known {
		return false
	}
	ours, err := CloudByName(v.Endpoints.Cloud)
	return err == nil && !strings.EqualFold(ours.Instance, theirs.Instance)
}

// judgeTenant turns the tenant's metadata into the tenant check.
func (v *Verifier) judgeTenant(ctx context.Context, t Target, m metadata) CheckResult {
	const id = CheckTenant
	copyHint := "copy the Directory (tenant) ID from the app's Overview page in the Entra admin center"
	switch {
	case strings.TrimSpace(t.TenantID) == "":
		return failed(id, StepEnterIDs, "no Tenant ID was given", copyHint)
	case strings.EqualFold(strings.TrimSpace(t.TenantID), strings.TrimSpace(t.AppID)):
		return failed(id, StepCopyIDs, "the Tenant ID and the App ID are the same value: the fields look swapped or one was pasted twice",
			"the Application (client) ID and the Directory (tenant) ID are two different values on the app's Overview page; copy each into its own field")
	case isAlias(t.TenantID):
		return failed(id, StepCopyIDs, fmt.Sprintf("%q is a sign-in alias for many tenants, not your tenant's ID", serverText(strings.TrimSpace(t.TenantID))), copyHint)
	case m.trouble != nil:
		return failed(id, "", m.trouble.message, m.trouble.hint)
	case m.found && v.wrongCloud(m):
		return failed(id, StepCopyIDs, fmt.Sprintf("tenant %s lives in another Microsoft cloud (%s), not in %s", serverText(t.TenantID), serverText(m.instance), v.Endpoints.Cloud), v.cloudHint(m.instance))
	case m.found:
		return passed(id, fmt.Sprintf("tenant %s exists in the %s cloud", m.tenantID, v.Endpoints.Cloud))
	case otherCloudCode(m.code):
		return failed(id, StepCopyIDs, fmt.Sprintf("tenant %s is in another national cloud: Entra said %q", serverText(t.TenantID), m.desc), v.cloudHint(""))
	case notFoundCode(m.code):
		msg := fmt.Sprintf("Entra knows no tenant %s in the %s cloud", serverText(t.TenantID), v.Endpoints.Cloud)
		if IsGUID(t.AppID) {
			if swapped := v.fetchMetadata(ctx, t.AppID); swapped.found {
				return failed(id, StepCopyIDs, msg+"; but the App ID you entered is a tenant ID: the two fields look swapped",
					"put the Directory (tenant) ID in Tenant ID and the Application (client) ID in App ID")
			}
		}
		return failed(id, StepCopyIDs, msg, copyHint+"; if the tenant is in a national cloud, "+v.cloudHint(""))
	}
	return failed(id, StepCopyIDs, fmt.Sprintf("Entra refused to describe tenant %s: %s", serverText(t.TenantID), m.desc), copyHint)
}

// judgeOrganization turns the domain's metadata into the organization check.
func (v *Verifier) judgeOrganization(t Target, tenant CheckResult, tm, om metadata) CheckResult {
	const id = CheckOrganization
	org := strings.TrimSpace(t.Organization)
	copyHint := "copy the initial domain (the one ending in .onmicrosoft.com) from Entra ID → Domain names"
	switch {
	case org == "":
		return failed(id, StepEnterIDs, "no Organization ID (the tenant's initial domain) was given", copyHint)
	case IsGUID(org):
		return failed(id, StepCopyIDs, "the Organization ID is a GUID, but Exchange Online needs the tenant's domain name here", copyHint)
	case om.trouble != nil:
		return failed(id, "", om.trouble.message, om.trouble.hint)
	case !om.found && (notFoundCode(om.code) || otherCloudCode(om.code)):
		return failed(id, StepCopyIDs, fmt.Sprintf("no tenant in the %s cloud has the domain %s", v.Endpoints.Cloud, serverText(org)), copyHint)
	case !om.found:
		return failed(id, StepCopyIDs, fmt.Sprintf("Entra refused to describe the domain %s: %s", serverText(org), om.desc), copyHint)
	case !tenant.OK:
		r := skipped(id, CheckTenant)
		r.Hint = fmt.Sprintf("the domain %s belongs to tenant %s", serverText(org), om.tenantID)
		return r
	case om.tenantID != tm.tenantID:
		return failed(id, StepCopyIDs, fmt.Sprintf("the domain %s belongs to tenant %s, not to tenant %s", serverText(org), om.tenantID, tm.tenantID),
			copyHint+" of the same tenant as the app; or fix the Tenant ID if the domain is the right one")
	}
	return passed(id, fmt.Sprintf("the domain %s belongs to tenant %s", serverText(org), tm.tenantID))
}
