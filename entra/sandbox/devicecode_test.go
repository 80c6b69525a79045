package sandbox_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/entra/sandbox"
)

// form posts a form and decodes the JSON answer.
func (w *world) form(t testing.TB, path string, f url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := w.http.PostForm(w.sb.URL()+path, f)
	if err != nil {
		t.Fatalf("post %s: %v", path, err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatalf("%s: answer is not JSON: %v", path, err)
	}
	return resp.StatusCode, m
}

// setupScope is the scope parameter MSAL sends for the setup's sign-in.
func (w *world) setupScope() string {
	return strings.Join(entra.SetupScopes(w.sb.Endpoints().Graph), " ") + " openid offline_access profile"
}

// delegatedToken signs the simulated admin in by device code, by hand.
func (w *world) delegatedToken(t testing.TB, admin sandbox.Admin) string {
	t.Helper()
	w.sb.SetAdmin(admin)
	st, dc := w.form(t, "/organizations/oauth2/v2.0/devicecode", url.Values{"client_id": {entra.DefaultPublicClientID}, "scope": {w.setupScope()}})
	if st != 200 {
		t.Fatalf("devicecode: %d %v", st, dc)
	}
	st, tok := w.form(t, "/organizations/oauth2/v2.0/token", url.Values{
		"grant_type": {"device_code"}, "device_code": {dc["device_code"].(string)}, "client_id": {entra.DefaultPublicClientID}, "scope": {w.setupScope()},
	})
	if st != 200 {
		t.Fatalf("token: %d %v", st, tok)
	}
	return tok["access_token"].(string)
}

// The device authorization endpoint and the polls answer in the shapes
// MSAL Go reads: pending with AADSTS70016, then a token with an id token
// and client_info, then "already redeemed".
func TestDeviceCodeEndpoints(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.sb.SetAdmin(sandbox.Admin{ApproveAfter: -1, UPN: "root@contoso-sandbox.onmicrosoft.com"})
	st, dc := w.form(t, "/organizations/oauth2/v2.0/devicecode", url.Values{"client_id": {entra.DefaultPublicClientID}, "scope": {w.setupScope()}})
	if st != 200 {
		t.Fatalf("devicecode: %d %v", st, dc)
	}
	for _, k := range []string{"user_code", "device_code", "verification_uri", "message"} {
		if s, _ := dc[k].(string); s == "" {
			t.Errorf("devicecode answer lacks %s: %v", k, dc)
		}
	}
	if dc["expires_in"] != float64(900) || dc["interval"] != float64(5) {
		t.Errorf("expires_in %v interval %v", dc["expires_in"], dc["interval"])
	}
	poll := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "device_code": {dc["device_code"].(string)}, "client_id": {entra.DefaultPublicClientID}}
	st, pending := w.form(t, "/organizations/oauth2/v2.0/token", poll)
	if st != 400 || pending["error"] != "authorization_pending" || !strings.HasPrefix(pending["error_description"].(string), "AADSTS70016") {
		t.Fatalf("pending poll: %d %v", st, pending)
	}
	if err := w.sb.ApproveDeviceCode(dc["user_code"].(string)); err != nil {
		t.Fatal(err)
	}
	st, tok := w.form(t, "/organizations/oauth2/v2.0/token", poll)
	if st != 200 || tok["id_token"] == nil || tok["client_info"] == nil || !strings.Contains(tok["scope"].(string), "/Application.ReadWrite.All") {
		t.Fatalf("token: %d %v", st, tok)
	}
	cl := claimsOf(t, tok["access_token"].(string))
	if cl["upn"] != "root@contoso-sandbox.onmicrosoft.com" || cl["tid"] != w.sb.TenantID() || cl["aud"] != w.sb.Endpoints().Graph || !hasString(cl["wids"], entra.RoleGlobalAdministrator) {
		t.Errorf("claims %v", cl)
	}
	if st, again := w.form(t, "/organizations/oauth2/v2.0/token", poll); st != 400 || again["error"] != "invalid_grant" {
		t.Errorf("second redemption: %d %v", st, again)
	}
	if st, e := w.form(t, "/organizations/oauth2/v2.0/devicecode", url.Values{"client_id": {"0b9f2c7e-1111-4222-8333-944455566677"}, "scope": {w.setupScope()}}); st != 400 || !hasNumber(e["error_codes"], 700016) {
		t.Errorf("unknown client: %d %v", st, e)
	}
	if st, e := w.form(t, "/nosuch.onmicrosoft.com/oauth2/v2.0/devicecode", url.Values{"client_id": {entra.DefaultPublicClientID}, "scope": {w.setupScope()}}); st != 400 || !hasNumber(e["error_codes"], 90002) {
		t.Errorf("unknown tenant: %d %v", st, e)
	}
}

func hasNumber(v any, want float64) bool {
	arr, _ := v.([]any)
	for _, x := range arr {
		if x == want {
			return true
		}
	}
	return false
}
