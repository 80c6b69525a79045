package entra

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"

	"github.com/xops/xops/entra/certs"
)

// callErr builds the error MSAL returns for an HTTP answer.
func callErr(status int, body string) error {
	resp := &http.Response{StatusCode: status, Body: io.NopCloser(bytes.NewBufferString(body))}
	return fmt.Errorf("wrapped: %w", msalerrors.CallErr{Resp: resp, Err: fmt.Errorf("http call error: reply status code was %d:\n%s", status, body)})
}

func aadBody(code int, desc string) string {
	return fmt.Sprintf(`{"error":"invalid_request","error_description":"AADSTS%d: %s Trace ID: x Correlation ID: y Timestamp: z","error_codes":[%d]}`, code, desc, code)
}

// Entra's three AADSTS700027 descriptions (as the sandbox words them).
const (
	notRegistered = "The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: 'AB']"
	keyExpired    = "Client assertion contains an invalid signature. [Reason - The key used is expired., Thumbprint of key used by client: 'AB', Found key 'Start=01/01/2025 00:00:00, End=01/01/2026 00:00:00']"
	badSignature  = "Client assertion contains an invalid signature. [Reason - The provided signature value did not match the expected signature value., Thumbprint of key used by client: 'AB']"
)

// AADSTS700027 says three things; each gets its own words: not uploaded,
// expired in Entra (rotate), a signature Entra refuses (a bug in xops).
func TestDiagnose700027Variants(t *testing.T) {
	t.Parallel()
	v := &Verifier{Endpoints: Endpoints{Cloud: "global", Login: "https://login.example.com"}}
	for desc, want := range map[string][]string{
		notRegistered: {"not among the app's uploaded certificates", "Upload certificate"},
		keyExpired:    {"has expired on the app", "rotating"},
		badSignature:  {"signature does not match", "bug in xops"},
	} {
		out := v.diagnoseTokenError(t.Context(), confidential.Client{}, callErr(401, aadBody(700027, desc)), Target{AppID: "a", TenantID: "t"}, &certs.Credential{})
		text := out.cert.Message + " | " + out.cert.Hint
		if !strings.Contains(out.cert.Message, want[0]) || !strings.Contains(out.cert.Hint, want[1]) {
			t.Errorf("%.60s…: %q, want %q and %q", desc, text, want[0], want[1])
		}
	}
}

// Every code of the diagnosis table lands on its check and step.
func TestDiagnoseTokenErrorTable(t *testing.T) {
	t.Parallel()
	v := &Verifier{Endpoints: Endpoints{Cloud: "global", Login: "https://login.example.com", Exchange: "https://exo.example.com", Graph: "https://graph.example.com"}}
	cred := &certs.Credential{}
	tgt := Target{AppID: "a", TenantID: "t"}
	type expect struct {
		check   CheckID
		step    Step
		appOK   bool
		tenant  bool
		trouble bool
	}
	cases := map[string]struct {
		err  error
		want expect
	}{
		"90002":                 {callErr(400, aadBody(90002, "Tenant not found.")), expect{check: CheckTenant, step: StepCopyIDs, tenant: true}},
		"90038":                 {callErr(400, aadBody(90038, "Tenant is in another cloud.")), expect{check: CheckTenant, step: StepCopyIDs, tenant: true}},
		"900432":                {callErr(400, aadBody(900432, "Cross cloud.")), expect{check: CheckTenant, step: StepCopyIDs, tenant: true}},
		"700016":                {callErr(400, aadBody(700016, "App not found.")), expect{check: CheckApp, step: StepRegisterApp}},
		"7000112":               {callErr(400, aadBody(7000112, "Disabled.")), expect{check: CheckApp, step: StepRegisterApp}},
		"70001":                 {callErr(400, aadBody(70001, "Disabled.")), expect{check: CheckApp, step: StepRegisterApp}},
		"700027":                {callErr(401, aadBody(700027, "Bad key.")), expect{check: CheckCertificate, step: StepUploadCertificate, appOK: true}},
		"50012":                 {callErr(401, aadBody(50012, "Bad assertion.")), expect{check: CheckCertificate, step: StepUploadCertificate, appOK: true}},
		"700027 not registered": {callErr(401, aadBody(700027, notRegistered)), expect{check: CheckCertificate, step: StepUploadCertificate, appOK: true}},
		"700027 expired":        {callErr(401, aadBody(700027, keyExpired)), expect{check: CheckCertificate, step: StepUploadCertificate, appOK: true}},
		"700027 signature":      {callErr(401, aadBody(700027, badSignature)), expect{check: CheckCertificate, appOK: true}},
		"700021":                {callErr(400, aadBody(700021, "Client assertion application identifier doesn't match 'client_id' parameter.")), expect{check: CheckApp}},
		"50048":                 {callErr(400, aadBody(50048, "Subject must match the issuer claim in the client assertion.")), expect{check: CheckApp}},
		"700023":                {callErr(400, aadBody(700023, "Client assertion audience claim does not match Realm issuer.")), expect{check: CheckApp}},
		"5002741":               {callErr(400, aadBody(5002741, "Multiple audiences.")), expect{check: CheckApp}},
		"90011":                 {callErr(400, aadBody(90011, "Unexpected client assertion type.")), expect{check: CheckApp}},
		"70011":                 {callErr(400, aadBody(70011, "The provided value for the input parameter 'scope' is not valid.")), expect{check: CheckApp}},
		"700024":                {callErr(400, aadBody(700024, "Time range.")), expect{check: CheckCertificate, appOK: true}},
		"53003":                 {callErr(400, aadBody(53003, "Blocked.")), expect{check: CheckApp}},
		"530035":                {callErr(400, aadBody(530035, "Security defaults.")), expect{check: CheckApp}},
		"unknown":               {callErr(400, aadBody(123456, "Something new.")), expect{check: CheckApp}},
		"code in text":          {callErr(400, "AADSTS700016: not JSON"), expect{check: CheckApp, step: StepRegisterApp}},
		"503":                   {callErr(503, "<html>down</html>"), expect{check: CheckApp, trouble: true}},
		"429":                   {callErr(429, ""), expect{check: CheckApp, trouble: true}},
		"not HTTP at all":       {errors.New("authority url scheme must be https"), expect{check: CheckApp}},
	}
	for name, tc := range cases {
		out := v.diagnoseTokenError(t.Context(), confidential.Client{}, tc.err, tgt, cred)
		var got CheckResult
		switch tc.want.check {
		case CheckTenant:
			if out.tenant == nil {
				t.Errorf("%s: no tenant override", name)
				continue
			}
			got = *out.tenant
			if !out.app.Skipped || !out.cert.Skipped {
				t.Errorf("%s: app/cert should be skipped: %+v %+v", name, out.app, out.cert)
			}
		case CheckApp:
			got = out.app
			if !out.cert.Skipped {
				t.Errorf("%s: certificate should be skipped: %+v", name, out.cert)
			}
		case CheckCertificate:
			got = out.cert
			if !out.app.OK {
				t.Errorf("%s: app should pass: %+v", name, out.app)
			}
		}
		if got.OK || got.Skipped || got.ID != tc.want.check || got.Step != tc.want.step || got.Message == "" || got.Hint == "" {
			t.Errorf("%s: %+v, want failing %s with step %q", name, got, tc.want.check, tc.want.step)
		}
		if tc.want.trouble && !strings.Contains(got.Message, "login.example.com") {
			t.Errorf("%s: trouble %q does not name the host", name, got.Message)
		}
		if out.token != "" {
			t.Errorf("%s: a token from a failure", name)
		}
	}
}

func TestExchangeDetail(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]string{
		``:                  "",
		`<html>nope</html>`: "",
		`{"error":{"message":"Access denied","details":[{"message":"The role isn't supported"}]}}`: `: Exchange said "The role isn't supported"`,
		`{"error":{"message":"Access denied"}}`:                                                    `: Exchange said "Access denied"`,
		"{\"error\":{\"message\":\"evil \\u001b]52;c;aGk=\\u0007 text\"}}":                         `: Exchange said "evil  text"`,
	} {
		if got := exchangeDetail([]byte(body)); got != want {
			t.Errorf("exchangeDetail(%q) = %q, want %q", body, got, want)
		}
	}
}

func TestServerTextIsSafeAndBounded(t *testing.T) {
	t.Parallel()
	got := serverText("AADSTS1: \x1b[31mred\x1b[0m\nnext line" + strings.Repeat("x", 1000))
	if strings.ContainsAny(got, "\x1b\n") {
		t.Errorf("escape or newline survived: %q", got)
	}
	if r := []rune(got); len(r) > maxServerText+1 {
		t.Errorf("not bounded: %d runes", len(r))
	}
}

func TestDecodeClaims(t *testing.T) {
	t.Parallel()
	if _, err := DecodeClaims("nope"); err == nil {
		t.Error("non-JWT decoded")
	}
	if _, err := DecodeClaims("a.!!!.c"); err == nil {
		t.Error("bad base64 decoded")
	}
	// {"aud":["x"],"azp":"app","roles":["R"],"wids":["W"],"exp":2000000000}
	c, err := DecodeClaims("e30.eyJhdWQiOlsieCJdLCJhenAiOiJhcHAiLCJyb2xlcyI6WyJSIl0sIndpZHMiOlsiVyJdLCJleHAiOjIwMDAwMDAwMDB9.c2ln")
	if err != nil {
		t.Fatal(err)
	}
	if c.Audience != "x" || c.AppID != "app" || !c.HasRole("r") || !c.HasDirectoryRole("w") || c.Expires.Unix() != 2000000000 {
		t.Errorf("claims %+v", c)
	}
}
