package entra_test

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xops/xops/entra"
)

// rewriteToken answers requests to paths ending in suffix (default: the
// token endpoint) itself and passes the rest on.
type rewriteToken struct {
	next   http.RoundTripper
	status int
	body   string
	suffix string
}

func (rt rewriteToken) RoundTrip(r *http.Request) (*http.Response, error) {
	suffix := rt.suffix
	if suffix == "" {
		suffix = "/oauth2/v2.0/token"
	}
	if strings.HasSuffix(r.URL.Path, suffix) {
		return &http.Response{StatusCode: rt.status, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(bytes.NewBufferString(rt.body)), Request: r}, nil
	}
	return rt.next.RoundTrip(r)
}

// The token endpoint can reveal a cross-cloud tenant the metadata hid: the
// tenant check is then reported again, failed, and the report holds that.
func TestTokenEndpointRevealsOtherCloud(t *testing.T) {
	t.Parallel()
	tn := setup(t)
	v := tn.verifier()
	v.HTTP.Transport = rewriteToken{next: v.HTTP.Transport, status: 400,
		body: `{"error":"invalid_request","error_description":"AADSTS900432: Confidential Client is not supported in Cross Cloud request.","error_codes":[900432]}`}
	var tenantReports int
	r := v.Verify(t.Context(), tn.target, tn.cred, func(c entra.CheckResult) {
		if c.ID == entra.CheckTenant {
			tenantReports++
		}
	})
	assertReport(t, r, want{
		entra.CheckTenant: "fail", entra.CheckApp: "skip", entra.CheckCertificate: "skip",
		entra.CheckExchangePermission: "skip", entra.CheckGlobalReader: "skip", entra.CheckExchange: "skip",
	}, entra.StepCopyIDs)
	if tenantReports != 2 {
		t.Errorf("tenant reported %d times, want 2 (passed, then failed)", tenantReports)
	}
	if !strings.Contains(r.Check(entra.CheckTenant).Hint, "--cloud") {
		t.Errorf("hint %q", r.Check(entra.CheckTenant).Hint)
	}
}

// With roots nil the client uses the system trust store, so SSL_CERT_FILE
// makes the sandbox trusted — in a fresh process, as the CLI would run.
func TestSystemTrustHonoursSSLCertFile(t *testing.T) {
	if url := os.Getenv("XOPS_TEST_TRUST_URL"); url != "" {
		resp, err := entra.NewHTTPClient(nil).Get(url)
		if err != nil {
			os.Stdout.WriteString("ERR " + err.Error())
			os.Exit(3)
		}
		resp.Body.Close()
		os.Stdout.WriteString("OK")
		os.Exit(0)
	}
	t.Parallel()
	tn := setup(t)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, tn.sb.CAPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	url := tn.sb.URL() + "/" + tn.sb.Domain() + "/v2.0/.well-known/openid-configuration"
	run := func(extra ...string) (string, error) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestSystemTrustHonoursSSLCertFile$")
		cmd.Env = append(os.Environ(), append([]string{"XOPS_TEST_TRUST_URL=" + url}, extra...)...)
		out, err := cmd.Output()
		return string(out), err
	}
	if out, err := run("SSL_CERT_FILE=" + caFile); err != nil || !strings.HasPrefix(out, "OK") {
		t.Errorf("with SSL_CERT_FILE: %v %q", err, out)
	}
	if out, err := run("SSL_CERT_FILE=" + filepath.Join(t.TempDir(), "empty.pem")); err == nil || !strings.Contains(out, "certificate") {
		t.Errorf("without the CA the sandbox was trusted: %v %q", err, out)
	}
}

// AADSTS500011 for every resource: the exchange check still fails (with no
// step), whatever else could not be checked.
func TestNoExchangeAndNoGraphToken(t *testing.T) {
	t.Parallel()
	tn := setup(t)
	v := tn.verifier()
	v.HTTP.Transport = rewriteToken{next: v.HTTP.Transport, status: 400,
		body: `{"error":"invalid_resource","error_description":"AADSTS500011: The resource principal was not found in the tenant.","error_codes":[500011]}`}
	r := v.Verify(t.Context(), tn.target, tn.cred, nil)
	assertReport(t, r, want{
		entra.CheckCertificate: "skip", entra.CheckExchangePermission: "skip", entra.CheckGlobalReader: "skip", entra.CheckExchange: "fail",
	}, "")
	if c := r.Check(entra.CheckExchange); c.Step != "" || !strings.Contains(c.Message, "no Exchange Online") {
		t.Errorf("exchange: %+v", c)
	}
}

// A 200 that is not Exchange's JSON (a captive portal) is not a pass.
func TestExchange200NotJSON(t *testing.T) {
	t.Parallel()
	tn := setup(t)
	v := tn.verifier()
	v.HTTP.Transport = rewriteToken{next: v.HTTP.Transport, status: 200, body: "<html>Welcome to the hotel wifi</html>", suffix: "/InvokeCommand"}
	r := v.Verify(t.Context(), tn.target, tn.cred, nil)
	assertReport(t, r, want{entra.CheckExchange: "fail"}, "")
}

// Exchange's 403 with details in JSON: the detail reaches the message.
func TestExchange403Details(t *testing.T) {
	t.Parallel()
	tn := setup(t)
	v := tn.verifier()
	v.HTTP.Transport = rewriteToken{next: v.HTTP.Transport, status: 403, suffix: "/InvokeCommand",
		body: `{"error":{"code":"Forbidden","message":"Access denied","details":[{"message":"The role assigned to application x isn't supported in this scenario."}]}}`}
	r := v.Verify(t.Context(), tn.target, tn.cred, nil)
	assertReport(t, r, want{entra.CheckExchange: "fail"}, entra.StepAssignGlobalReader)
	if m := r.Check(entra.CheckExchange).Message; !strings.Contains(m, "isn't supported in this scenario") {
		t.Errorf("message %q lacks Exchange's detail", m)
	}
}
