package sandbox_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xops/xops/entra/sandbox"
)

// graphCall sends one Graph request with a bearer token.
func (w *world) graphCall(t testing.TB, method, path, token string, body any, header map[string]string) (int, map[string]any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, w.sb.Endpoints().Graph+"/v1.0/"+path, r)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := w.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

// graphCode reads error.code of a Graph error body.
func graphCode(m map[string]any) string {
	e, _ := m["error"].(map[string]any)
	c, _ := e["code"].(string)
	if msg, _ := e["message"].(string); msg == "" {
		return "(no message)"
	}
	return c
}

// Graph's writes refuse as Graph does: 403 Authorization_RequestDenied for
// a user without the role and for an app-only token, 404 without
// create-if-missing, 400 for unknown properties and a missing displayName.
func TestGraphWriteRefusals(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	app := map[string]any{"displayName": "x", "signInAudience": "AzureADMyOrg"}
	create := map[string]string{"Prefer": "create-if-missing"}
	noRole := w.delegatedToken(t, sandbox.Admin{Roles: []string{}})
	if st, m := w.graphCall(t, "PATCH", "applications(uniqueName='xops-a')", noRole, app, create); st != 403 || graphCode(m) != "Authorization_RequestDenied" {
		t.Errorf("no role: %d %v", st, m)
	}
	appOnly := w.postToken(t, w.goodAssertion().sign(t), func(f url.Values) { f.Set("scope", w.sb.Endpoints().Graph+"/.default") }).AccessToken
	if st, m := w.graphCall(t, "PATCH", "applications(uniqueName='xops-a')", appOnly, app, create); st != 403 || graphCode(m) != "Authorization_RequestDenied" {
		t.Errorf("app-only token: %d %v", st, m)
	}
	admin := w.delegatedToken(t, sandbox.Admin{})
	if st, m := w.graphCall(t, "PATCH", "applications(uniqueName='xops-a')", admin, app, nil); st != 404 || graphCode(m) != "Request_ResourceNotFound" {
		t.Errorf("no create-if-missing: %d %v", st, m)
	}
	if st, m := w.graphCall(t, "PATCH", "applications(uniqueName='xops-a')", admin, map[string]any{"displayName": "x", "web": map[string]any{}}, create); st != 400 || !strings.Contains(m["error"].(map[string]any)["message"].(string), "'web' does not exist") {
		t.Errorf("unknown property: %d %v", st, m)
	}
	if st, m := w.graphCall(t, "PATCH", "applications(uniqueName='xops-a')", admin, map[string]any{"signInAudience": "AzureADMyOrg"}, create); st != 400 || graphCode(m) != "Request_BadRequest" {
		t.Errorf("no displayName: %d %v", st, m)
	}
	if st, m := w.graphCall(t, "GET", "organization", "garbage", nil, nil); st != 401 || graphCode(m) != "InvalidAuthenticationToken" {
		t.Errorf("bad token: %d %v", st, m)
	}
	if got := w.sb.GraphCounts(); got != (sandbox.GraphCounts{}) {
		t.Errorf("refused writes created %+v", got)
	}
}

// An app made through Graph has no service principal until one is POSTed:
// the token endpoint refuses it (AADSTS7000229) until then; a second POST
// is a 409 counted as a duplicate; the state survives MarshalState.
func TestGraphAppNeedsServicePrincipal(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	admin := w.delegatedToken(t, sandbox.Admin{})
	st, created := w.graphCall(t, "PATCH", "applications(uniqueName='xops-b')", admin, map[string]any{
		"displayName": "xops (b)", "signInAudience": "AzureADMyOrg",
		"keyCredentials": []map[string]any{{"type": "AsymmetricX509Cert", "usage": "Verify", "key": pemBase64(w)}},
	}, map[string]string{"Prefer": "create-if-missing"})
	if st != 201 {
		t.Fatalf("create: %d %v", st, created)
	}
	appID := created["appId"].(string)
	w.appID = appID
	if r := w.postToken(t, w.goodAssertion().sign(t), nil); r.status != 400 || len(r.ErrorCodes) != 1 || r.ErrorCodes[0] != 7000229 {
		t.Errorf("token without a service principal: %d %v", r.status, r.ErrorCodes)
	}
	if st, m := w.graphCall(t, "POST", "servicePrincipals", admin, map[string]string{"appId": appID}, nil); st != 201 || m["appId"] != appID {
		t.Fatalf("service principal: %d %v", st, m)
	}
	if st, _ := w.graphCall(t, "POST", "servicePrincipals", admin, map[string]string{"appId": appID}, nil); st != 409 {
		t.Errorf("second service principal: %d", st)
	}
	if r := w.postToken(t, w.goodAssertion().sign(t), nil); r.status != 200 {
		t.Errorf("token with a service principal: %d %s", r.status, r.ErrorDescription)
	}
	if got := w.sb.GraphCounts(); got != (sandbox.GraphCounts{Applications: 1, ServicePrincipals: 1, Duplicates: 1}) {
		t.Errorf("counts %+v", got)
	}
	state, err := w.sb.MarshalState()
	if err != nil {
		t.Fatal(err)
	}
	other, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := other.LoadState(state); err != nil {
		t.Fatal(err)
	}
	if st, err := other.App(appID); err != nil || st.Name != "xops (b)" || len(st.Thumbprints) != 1 {
		t.Errorf("after LoadState: %+v, %v", st, err)
	}
}

// pemBase64 is the world's certificate as Graph's keyCredential key.
func pemBase64(w *world) string {
	return base64Std(w.cert.Raw)
}

func base64Std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
