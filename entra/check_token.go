package entra

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"

	"github.com/xops/xops/entra/certs"
)

// tokenOutcome is what one client-credentials request taught us.
type tokenOutcome struct {
	token string // the access token, when Entra issued one
	app   CheckResult
	cert  CheckResult
	// tenant, when set, replaces the tenant check: the token endpoint said
	// the tenant is unknown or in another cloud although the metadata did not.
	tenant *CheckResult
	// noExchange: the tenant has no Exchange Online (AADSTS500011).
	noExchange *CheckResult
}

// newClient builds a fresh MSAL confidential client. A new client for every
// attempt is deliberate: MSAL caches tokens per client, and a cached token
// would hide a permission or role that changed a second ago.
func (v *Verifier) newClient(t Target, cred *certs.Credential) (confidential.Client, error) {
	c, err := confidential.NewCredFromCert([]*x509.Certificate{cred.Certificate}, cred.Key)
	if err != nil {
		return confidential.Client{}, fmt.Errorf("preparing the certificate credential: %w", err)
	}
	client, err := confidential.New(v.Endpoints.Login+"/"+strings.TrimSpace(t.TenantID), strings.TrimSpace(t.AppID), c,
		confidential.WithHTTPClient(v.client()),
		confidential.WithInstanceDiscovery(v.Endpoints.InstanceDiscovery))
	if err != nil {
		return confidential.Client{}, fmt.Errorf("preparing the token request: %w", err)
	}
	return client, nil
}

// exchangeScope is the client-credentials scope for Exchange Online.
func (v *Verifier) exchangeScope() string { return v.Endpoints.Exchange + "/.default" }

// graphScope is the client-credentials scope for Microsoft Graph.
func (v *Verifier) graphScope() string { return v.Endpoints.Graph + "/.default" }

// checkToken asks Entra for an Exchange token and reads the app and
// certificate checks from the answer.
func (v *Verifier) checkToken(ctx context.Context, client confidential.Client, t Target, cred *certs.Credential) tokenOutcome {
	res, err := client.AcquireTokenByCredential(ctx, []string{v.exchangeScope()})
	if err == nil {
		return tokenOutcome{
			token: res.AccessToken,
			app:   passed(CheckApp, fmt.Sprintf("Entra found app %s in the tenant and issued it a token", serverText(t.AppID))),
			cert:  passed(CheckCertificate, fmt.Sprintf("Entra accepted the assertion signed with certificate %s", certs.Thumbprint(cred.Certificate))),
		}
	}
	return v.diagnoseTokenError(ctx, client, err, t, cred)
}

// entraRefusal is an error answer of Entra's token endpoint.
type entraRefusal struct {
	status int
	codes  []int
	desc   string
}

// aadstsInText finds AADSTS codes in free text, for answers without a body.
var aadstsInText = regexp.MustCompile(`AADSTS(\d{5,8})`)

// readRefusal extracts Entra's answer from an MSAL error; ok is false when
// the error carries no HTTP answer at all.
func readRefusal(err error) (entraRefusal, bool) {
	var ce msalerrors.CallErr
	if !errors.As(err, &ce) || ce.Resp == nil {
		return entraRefusal{}, false
	}
	r := entraRefusal{status: ce.Resp.StatusCode}
	if ce.Resp.Body != nil {
		body, _ := io.ReadAll(io.LimitReader(ce.Resp.Body, 1<<20))
		var e aadErrorBody
		if json.Unmarshal(body, &e) == nil {
			r.codes, r.desc = e.ErrorCodes, e.ErrorDescription
		}
	}
	if len(r.codes) == 0 {
		for _, m := range aadstsInText.FindAllStringSubmatch(err.Error(), -1) {
			if n, convErr := strconv.Atoi(m[1]); convErr == nil {
				r.codes = append(r.codes, n)
			}
		}
	}
	return r, true
}

// has reports whether the refusal carries one of codes.
func (r entraRefusal) has(codes ...int) bool {
	for _, c := range r.codes {
		for _, want := range codes {
			if c == want {
				return true
			}
		}
	}
	return false
}

// shortDesc is Entra's description without its trailing trace ids.
func (r entraRefusal) shortDesc() string {
	d := r.desc
	if i := strings.Index(d, " Trace ID:"); i > 0 {
		d = d[:i]
	}
	return serverText(strings.TrimSpace(d))
}

// diagnoseTokenError maps a failed token request to checks and steps
// (DESIGN.md's diagnosis table). Network trouble names no step.
func (v *Verifier) diagnoseTokenError(ctx context.Context, client confidential.Client, err error, t Target, cred *certs.Credential) tokenOutcome {
	host := hostOf(v.Endpoints.Login)
	appOK := passed(CheckApp, fmt.Sprintf("Entra found app %s in the tenant", serverText(t.AppID)))
	ref, answered := readRefusal(err)
	if !answered {
		tr, ok := networkTrouble(err, host)
		if !ok {
			tr = trouble{"could not ask Entra for a token: " + serverText(err.Error()), v.Endpoints.endpointAdvice("--authority-host", "Entra")}
		}
		return tokenOutcome{app: failed(CheckApp, "", tr.message, tr.hint), cert: skipped(CheckCertificate, CheckApp)}
	}
	if tr, ok := statusTrouble(ref.status, host); ok {
		return tokenOutcome{app: failed(CheckApp, "", tr.message, tr.hint), cert: skipped(CheckCertificate, CheckApp)}
	}
	said := ref.shortDesc()
	thumb := certs.Thumbprint(cred.Certificate)
	switch {
	case ref.has(90002, 900023):
		r := failed(CheckTenant, StepCopyIDs, fmt.Sprintf("Entra's token endpoint knows no tenant %s", serverText(t.TenantID)),
			"copy the Directory (tenant) ID from the app's Overview page in the Entra admin center")
		return tokenOutcome{tenant: &r, app: skipped(CheckApp, CheckTenant), cert: skipped(CheckCertificate, CheckTenant)}
	case ref.has(90038, 900432):
		r := failed(CheckTenant, StepCopyIDs, fmt.Sprintf("tenant %s is in another national cloud than %s", serverText(t.TenantID), v.Endpoints.Cloud), v.cloudHint(""))
		return tokenOutcome{tenant: &r, app: skipped(CheckApp, CheckTenant), cert: skipped(CheckCertificate, CheckTenant)}
	case ref.has(700016):
		return tokenOutcome{
			app: failed(CheckApp, StepRegisterApp, fmt.Sprintf("Entra has no app with Application (client) ID %s in tenant %s", serverText(t.AppID), serverText(t.TenantID)),
				"register the app in this tenant (App registrations → New registration); if it exists, copy its Application (client) ID from Overview — not the Object ID (step copy-ids)"),
			cert: skipped(CheckCertificate, CheckApp)}
	case ref.has(7000112, 70001):
		return tokenOutcome{
			app: failed(CheckApp, StepRegisterApp, fmt.Sprintf("the app %s is disabled in the tenant, so it cannot sign in", serverText(t.AppID)),
				"Entra ID → Enterprise applications → the app → Properties → Enabled for users to sign-in: Yes → Save"),
			cert: skipped(CheckCertificate, CheckApp)}
	case ref.has(53003, 530035, 53000, 53001, 530034):
		return tokenOutcome{
			app: failed(CheckApp, "", "Entra blocked the sign-in with Conditional Access or security defaults: "+said,
				"ask a security administrator to allow this app (workload identity) in Conditional Access"),
			cert: skipped(CheckCertificate, CheckApp)}
	case ref.has(700024):
		return tokenOutcome{app: appOK, cert: failed(CheckCertificate, "",
			"Entra says the signed assertion is outside its valid time range: this machine's clock is off",
			"set the clock right (timedatectl set-ntp true, or chrony/ntpd), then verify again")}
	case ref.has(700027) && strings.Contains(ref.desc, "The key used is expired"):
		// Entra's own end date for the key (the upload's, which Graph lets
		// an admin set shorter than the certificate's) has passed.
		return tokenOutcome{app: appOK, cert: failed(CheckCertificate, StepUploadCertificate,
			fmt.Sprintf("Entra says certificate %s has expired on the app: the end date Entra keeps for it has passed", thumb),
			"make a new certificate by rotating the account, then upload it: the app → Certificates & secrets → Certificates → Upload certificate")}
	case ref.has(700027) && strings.Contains(ref.desc, "did not match the expected signature value"):
		// The certificate is registered, and certificate-local proved the
		// key matches it: the signature itself is what Entra refused.
		return tokenOutcome{app: appOK, cert: failed(CheckCertificate, "",
			fmt.Sprintf("Entra found certificate %s on the app but says the assertion's signature does not match it: %s", thumb, said),
			"the key matches the certificate here, so this is a bug in xops; please report it")}
	case ref.has(700027, 50012, 5002723, 50027):
		return tokenOutcome{app: appOK, cert: failed(CheckCertificate, StepUploadCertificate,
			fmt.Sprintf("Entra does not accept certificate %s for this app: it is not among the app's uploaded certificates", thumb),
			fmt.Sprintf("the app → Certificates & secrets → Certificates → Upload certificate → this account's .cer file (export it again if you no longer have it); the portal's thumbprint must read %s", thumb))}
	case ref.has(500011):
		return v.noExchangeOutcome(ctx, client, t, cred, appOK, said)
	case ref.has(7000215, 7000218, 1002012, 70003, 900144, 700021, 50048, 700023, 5002741, 90011, 70011):
		return tokenOutcome{app: failed(CheckApp, "", "Entra refused the token request as malformed: "+said, "this is a bug in xops; please report it"),
			cert: skipped(CheckCertificate, CheckApp)}
	}
	return tokenOutcome{app: failed(CheckApp, "", fmt.Sprintf("Entra refused a token (HTTP %d): %s", ref.status, said), "read Entra's words above; if unclear, look the AADSTS code up in Microsoft's error reference"),
		cert: skipped(CheckCertificate, CheckApp)}
}

// noExchangeOutcome handles AADSTS500011 for the Exchange resource: the
// tenant has no Exchange Online. A Graph token still proves the app and the
// certificate, and carries the directory roles for the global-reader check.
func (v *Verifier) noExchangeOutcome(ctx context.Context, client confidential.Client, t Target, cred *certs.Credential, appOK CheckResult, said string) tokenOutcome {
	ex := failed(CheckExchange, "", "the tenant has no Exchange Online: Entra knows no Exchange resource there ("+said+")",
		v.exchangeMissingAdvice())
	out := tokenOutcome{app: appOK, noExchange: &ex}
	res, err := client.AcquireTokenByCredential(ctx, []string{v.graphScope()})
	if err != nil {
		// The certificate could not be tried against another resource.
		out.cert = skipped(CheckCertificate, CheckExchange)
		out.cert.Message = "not checked: Entra stopped at the missing Exchange Online resource before looking at the certificate"
		return out
	}
	out.token = res.AccessToken
	out.cert = passed(CheckCertificate, fmt.Sprintf("Entra accepted the assertion signed with certificate %s (for Microsoft Graph)", certs.Thumbprint(cred.Certificate)))
	return out
}
