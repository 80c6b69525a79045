package sandbox_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/entra/sandbox"
)

func (w *world) exchangeToken(t *testing.T) string {
	t.Helper()
	r := w.postToken(t, w.goodAssertion().sign(t), nil)
	if r.status != 200 {
		t.Fatalf("token: %d %s", r.status, r.ErrorDescription)
	}
	return r.AccessToken
}

func (w *world) invoke(t *testing.T, token, anchorDomain string) (int, []byte) {
	t.Helper()
	body := `{"CmdletInput":{"CmdletName":"Get-OrganizationConfig","Parameters":{}}}`
	req, _ := http.NewRequest(http.MethodPost, w.sb.Endpoints().Exchange+"/adminapi/beta/"+w.sb.TenantID()+"/InvokeCommand", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-ResponseFormat", "json")
	req.Header.Set("X-AnchorMailbox", "APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@"+anchorDomain)
	resp, err := w.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// InvokeCommand: 401 without the role, 403 with the role but no directory
// role, 200 with both; the anchor mailbox must name the organisation.
func TestExchangeInvokeCommand(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	if st, body := w.invoke(t, w.exchangeToken(t), w.sb.Domain()); st != 200 || !bytes.Contains(body, []byte(`"value"`)) {
		t.Fatalf("all set: %d %s", st, body)
	}
	if st, _ := w.invoke(t, w.exchangeToken(t), "other.onmicrosoft.com"); st != 400 {
		t.Errorf("wrong anchor: %d", st)
	}
	if st, _ := w.invoke(t, "garbage", w.sb.Domain()); st != 401 {
		t.Errorf("garbage token: %d", st)
	}
	_ = w.sb.RemoveGlobalReader(w.appID)
	st, body := w.invoke(t, w.exchangeToken(t), w.sb.Domain())
	var e struct {
		Error struct {
			Details []struct{ Message string } `json:"details"`
		} `json:"error"`
	}
	if st != 403 || json.Unmarshal(body, &e) != nil || len(e.Error.Details) == 0 || !strings.Contains(e.Error.Details[0].Message, "isn't supported") {
		t.Errorf("no Global Reader: %d %s", st, body)
	}
	_ = w.sb.RevokeAdminConsent(w.appID)
	if st, _ := w.invoke(t, w.exchangeToken(t), w.sb.Domain()); st != 401 {
		t.Errorf("no role: %d", st)
	}
	// A Graph token is not an Exchange token.
	r := w.postToken(t, w.goodAssertion().sign(t), func(f url.Values) { f.Set("scope", w.sb.Endpoints().Graph+"/.default") })
	if st, _ := w.invoke(t, r.AccessToken, w.sb.Domain()); st != 401 {
		t.Errorf("graph token at Exchange: %d", st)
	}
}

// The Graph read of the application needs a directory role and shows
// requiredResourceAccess.
func TestGraphApplication(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	graphToken := func() string {
		r := w.postToken(t, w.goodAssertion().sign(t), func(f url.Values) { f.Set("scope", w.sb.Endpoints().Graph+"/.default") })
		if r.status != 200 {
			t.Fatalf("graph token: %d %s", r.status, r.ErrorDescription)
		}
		return r.AccessToken
	}
	get := func(path, tok string) (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodGet, w.sb.Endpoints().Graph+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := w.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	st, m := get("/v1.0/applications(appId='"+w.appID+"')", graphToken())
	rra, _ := m["requiredResourceAccess"].([]any)
	if st != 200 || len(rra) != 1 || m["appId"] != w.appID {
		t.Fatalf("application: %d %v", st, m)
	}
	st, m = get("/v1.0/applications?$filter=appId%20eq%20'"+w.appID+"'", graphToken())
	if v, _ := m["value"].([]any); st != 200 || len(v) != 1 {
		t.Errorf("filter: %d %v", st, m)
	}
	if st, _ = get("/v1.0/applications(appId='99999999-9999-4999-8999-999999999999')", graphToken()); st != 404 {
		t.Errorf("unknown app: %d", st)
	}
	_ = w.sb.RemoveGlobalReader(w.appID)
	if st, _ = get("/v1.0/applications(appId='"+w.appID+"')", graphToken()); st != 403 {
		t.Errorf("without a directory role: %d", st)
	}
}

// OpenID metadata by GUID and by domain; unknown tenants as Entra answers.
func TestOpenIDMetadata(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	get := func(ref string) (int, map[string]any) {
		resp, err := w.http.Get(w.sb.URL() + "/" + ref + "/v2.0/.well-known/openid-configuration")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	for _, ref := range []string{w.sb.TenantID(), w.sb.Domain(), strings.ToUpper(w.sb.Domain())} {
		st, m := get(ref)
		if st != 200 || m["issuer"] != w.sb.URL()+"/"+w.sb.TenantID()+"/v2.0" ||
			m["token_endpoint"] != w.sb.URL()+"/"+w.sb.TenantID()+"/oauth2/v2.0/token" || m["authorization_endpoint"] == nil {
			t.Errorf("%s: %d %v", ref, st, m)
		}
	}
	st, m := get("99999999-9999-4999-8999-999999999999")
	codes, _ := m["error_codes"].([]any)
	if st != 400 || len(codes) != 1 || codes[0] != float64(90002) || !strings.HasPrefix(m["error_description"].(string), "AADSTS90002: ") {
		t.Errorf("unknown tenant: %d %v", st, m)
	}
	if st, m = get("not_a_tenant!"); st != 400 || m["error_codes"].([]any)[0] != float64(900023) {
		t.Errorf("malformed tenant: %d %v", st, m)
	}
}

// Uploads take the public RSA certificate only, SHA-2 signed, not expired.
func TestUploadCertificateRules(t *testing.T) {
	t.Parallel()
	sb, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	appID, _ := sb.RegisterApp("x")
	key, _ := keys(t)
	now := time.Now()
	good := selfSigned(t, key, x509.SHA256WithRSA, now.Add(-time.Hour), now.Add(time.Hour))
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: mustPKCS8(t, key)})

	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ec"}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour)}
	ecDER, err := x509.CreateCertificate(rand.Reader, ecTmpl, ecTmpl, &ecKey.PublicKey, ecKey)
	if err != nil {
		t.Fatal(err)
	}
	expired := selfSigned(t, key, x509.SHA256WithRSA, now.Add(-48*time.Hour), now.Add(-24*time.Hour))

	for name, tc := range map[string]struct {
		data []byte
		want string
	}{
		"private key only":     {keyPEM, "private key"},
		"certificate plus key": {append(pemOf(good), keyPEM...), "private key"},
		"ECDSA":                {ecDER, "not RSA"},
		"expired":              {pemOf(expired), "expired"},
		"garbage":              {[]byte("hello"), "not a certificate"},
		"empty":                {nil, "empty"},
	} {
		err := sb.UploadCertificate(appID, tc.data)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want one mentioning %q", name, err, tc.want)
		}
	}
	sha1Cert, err := trySHA1(key, now)
	if err != nil {
		t.Fatalf("making a SHA-1 signed certificate: %v", err)
	}
	if err := sb.UploadCertificate(appID, sha1Cert); err == nil || !strings.Contains(err.Error(), "SHA-256") {
		t.Errorf("SHA-1 signed: err = %v", err)
	}
	if err := sb.UploadCertificate(appID, good.Raw); err != nil {
		t.Errorf("DER upload: %v", err)
	}
	if err := sb.UploadCertificate(appID, pemOf(good)); err == nil {
		t.Error("the same certificate twice was accepted")
	}
	if err := sb.UploadCertificate("99999999-9999-4999-8999-999999999999", pemOf(good)); !errors.Is(err, sandbox.ErrNoSuchApp) {
		t.Errorf("unknown app: %v", err)
	}
}

func mustPKCS8(t *testing.T, key any) []byte {
	b, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// trySHA1 makes a SHA-1 signed certificate where the Go toolchain still can.
func trySHA1(key any, now time.Time) ([]byte, error) {
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "sha1"}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), SignatureAlgorithm: x509.SHA1WithRSA}
	return x509.CreateCertificate(rand.Reader, tmpl, tmpl, publicOf(key), key)
}

// The state survives MarshalState/LoadState: a token works in the new sandbox.
func TestStateRoundTrip(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	state, err := w.sb.MarshalState()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(state, []byte("PRIVATE")) {
		t.Fatal("state holds a private key")
	}
	sb2, err := sandbox.New(sandbox.Options{TenantID: "22222222-3333-4444-8555-666666666666"})
	if err != nil {
		t.Fatal(err)
	}
	if err := sb2.LoadState(state); err != nil {
		t.Fatal(err)
	}
	if err := sb2.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb2.Close() })
	if sb2.TenantID() != w.sb.TenantID() {
		t.Errorf("tenant id %s after load", sb2.TenantID())
	}
	w2 := &world{sb: sb2, appID: w.appID, key: w.key, cert: w.cert, http: sb2.HTTPClient()}
	if r := w2.postToken(t, w2.goodAssertion().sign(t), nil); r.status != 200 {
		t.Errorf("token after reload: %d %s", r.status, r.ErrorDescription)
	}
	if err := sb2.LoadState([]byte(`{"version":99}`)); err == nil {
		t.Error("a future state version was accepted")
	}
	if err := sb2.LoadState([]byte(`nonsense`)); err == nil {
		t.Error("garbage state accepted")
	}
}

// The sandbox's TLS is trusted through its CA only.
func TestTrustOnlyThroughCA(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(w.sb.CAPEM()) {
		t.Fatal("CAPEM is not a PEM certificate")
	}
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := c.Get(w.sb.URL() + "/" + w.sb.Domain() + "/v2.0/.well-known/openid-configuration")
	if err != nil {
		t.Fatalf("with the CA: %v", err)
	}
	resp.Body.Close()
	plain := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: x509.NewCertPool()}}}
	if _, err := plain.Get(w.sb.URL() + "/"); err == nil {
		t.Error("a client without the CA trusted the sandbox")
	}
	ep := w.sb.Endpoints()
	if ep.InstanceDiscovery || ep.Login != w.sb.URL() || !strings.HasPrefix(ep.Exchange, w.sb.URL()) || !strings.HasPrefix(ep.Graph, w.sb.URL()) {
		t.Errorf("endpoints %+v", ep)
	}
}

// Faults: a status, a hang released by the client giving up.
func TestFaults(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.sb.SetFault(sandbox.ServiceExchange, sandbox.Fault{Status: 503})
	if st, _ := w.invoke(t, w.exchangeToken(t), w.sb.Domain()); st != 503 {
		t.Errorf("503 fault: %d", st)
	}
	w.sb.SetFault(sandbox.ServiceExchange, sandbox.Fault{Hang: true})
	short := *w.http
	short.Timeout = 300 * time.Millisecond
	req, _ := http.NewRequest(http.MethodPost, w.sb.Endpoints().Exchange+"/adminapi/beta/"+w.sb.TenantID()+"/InvokeCommand", nil)
	if _, err := short.Do(req); err == nil {
		t.Error("hang fault answered")
	}
	w.sb.SetFault(sandbox.ServiceExchange, sandbox.Fault{})
	if st, _ := w.invoke(t, w.exchangeToken(t), w.sb.Domain()); st != 200 {
		t.Errorf("cleared fault: %d", st)
	}
}

func TestPerform(t *testing.T) {
	t.Parallel()
	sb, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	appID, _ := sb.RegisterApp("x")
	key, _ := keys(t)
	cert := selfSigned(t, key, x509.SHA256WithRSA, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	for _, step := range []entra.Step{entra.StepAddExchangePermission, entra.StepGrantAdminConsent, entra.StepAssignGlobalReader, entra.StepUploadCertificate} {
		if err := sb.Perform(step, appID, pemOf(cert)); err != nil {
			t.Errorf("%s: %v", step, err)
		}
	}
	state, _ := sb.MarshalState()
	for _, field := range []string{`"exchange_permission":true`, `"exchange_consented":true`, `"global_reader":true`, `"sha1":"`} {
		if !bytes.Contains(state, []byte(field)) {
			t.Errorf("state lacks %s: %s", field, state)
		}
	}
	st, err := sb.App(appID)
	if err != nil || !st.ExchangePermission || !st.AdminConsent || !st.GlobalReader || len(st.Thumbprints) != 1 || len(st.Thumbprints[0]) != 40 {
		t.Errorf("status %+v %v", st, err)
	}
	if apps := sb.Apps(); len(apps) != 1 || apps[0].AppID != appID {
		t.Errorf("apps %+v", apps)
	}
	if err := sb.Perform(entra.StepCopyIDs, appID, nil); err == nil {
		t.Error("copy-ids performed in the admin center")
	}
}
