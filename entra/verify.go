package entra

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"

	"github.com/xops/xops/entra/certs"
)

// Verifier proves, against Microsoft, that an account's Entra setup works.
type Verifier struct {
	// Endpoints are the hosts to talk to.
	Endpoints Endpoints
	// HTTP carries every request (nil: NewHTTPClient(nil)).
	HTTP *http.Client
	// Now is the clock for the local certificate check (nil: time.Now).
	Now func() time.Time
	// MinRetryDelay and MaxRetryDelay bound VerifyWait's backoff
	// (zero: 2s and 15s).
	MinRetryDelay, MaxRetryDelay time.Duration
}

// client returns the HTTP client to use.
func (v *Verifier) client() *http.Client {
	if v.HTTP == nil {
		return defaultHTTP()
	}
	return v.HTTP
}

// defaultHTTP is the shared client of Verifiers that bring none.
var defaultHTTP = sync.OnceValue(func() *http.Client { return NewHTTPClient(nil) })

// now returns the verifier's clock.
func (v *Verifier) now() time.Time {
	if v.Now == nil {
		return time.Now()
	}
	return v.Now()
}

// recorder collects results and forwards each to onCheck, one at a time.
type recorder struct {
	mu      sync.Mutex
	results map[CheckID]CheckResult
	onCheck func(CheckResult)
}

func (r *recorder) emit(c CheckResult) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.results[c.ID] = c
	if r.onCheck != nil {
		r.onCheck(c)
	}
}

func (r *recorder) get(id CheckID) CheckResult {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.results[id]
}

// Verify runs every check and returns the report; it never fails as a whole,
// trouble is reported in the checks. certificate-local, tenant and
// organization run concurrently, then the token checks, then Exchange.
// onCheck (may be nil) is called as each check finishes, from any goroutine,
// one call at a time; a check may be reported twice when a later answer
// changes it (the token endpoint can reveal that the tenant is in another
// cloud) — the report holds the final word.
func (v *Verifier) Verify(ctx context.Context, t Target, cred *certs.Credential, onCheck func(CheckResult)) Report {
	rec := &recorder{results: make(map[CheckID]CheckResult, len(CheckOrder)), onCheck: onCheck}
	v.verify(ctx, t, cred, rec)
	r := newReport(t.Account, rec.results)
	// The cloud is named only when the checks ran against its own hosts:
	// the sandbox, or a login override, proves nothing about where the
	// tenant lives.
	if !v.Endpoints.Sandbox && !v.Endpoints.overridden("--authority-host") {
		r.Cloud = v.Endpoints.Cloud
	}
	return r
}

// verify runs the checks into rec.
func (v *Verifier) verify(ctx context.Context, t Target, cred *certs.Credential, rec *recorder) {
	var wg sync.WaitGroup
	wg.Go(func() { rec.emit(checkCertificateLocal(cred, v.now())) })
	var tm, om metadata
	var tenant CheckResult
	wg.Go(func() {
		var inner sync.WaitGroup
		if strings.TrimSpace(t.TenantID) != "" {
			inner.Go(func() { tm = v.fetchMetadata(ctx, strings.TrimSpace(t.TenantID)) })
		}
		org := strings.TrimSpace(t.Organization)
		if org != "" && !IsGUID(org) {
			inner.Go(func() { om = v.fetchMetadata(ctx, org) })
		}
		inner.Wait()
		tenant = v.judgeTenant(ctx, t, tm)
		rec.emit(tenant)
		rec.emit(v.judgeOrganization(t, tenant, tm, om))
	})
	wg.Wait()

	rest := []CheckID{CheckApp, CheckCertificate, CheckExchangePermission, CheckGlobalReader, CheckExchange}
	switch {
	case !rec.get(CheckCertificateLocal).OK:
		skipAll(rec, rest, CheckCertificateLocal)
		return
	case !tenant.OK:
		skipAll(rec, rest, CheckTenant)
		return
	case strings.TrimSpace(t.AppID) == "":
		rec.emit(failed(CheckApp, StepEnterIDs, "no App ID was given", "copy the Application (client) ID from the app's Overview page"))
		skipAll(rec, rest[1:], CheckApp)
		return
	}

	client, err := v.newClient(t, cred)
	if err != nil {
		rec.emit(failed(CheckApp, "", "cannot prepare the token request: "+serverText(err.Error()), "check --authority-host"))
		skipAll(rec, rest[1:], CheckApp)
		return
	}
	v.verifyWithToken(ctx, client, t, cred, rec)
}

// verifyWithToken runs the checks that need Entra's token: app and
// certificate (getting it), the two claim checks, and Exchange.
func (v *Verifier) verifyWithToken(ctx context.Context, client confidential.Client, t Target, cred *certs.Credential, rec *recorder) {
	rest := []CheckID{CheckApp, CheckCertificate, CheckExchangePermission, CheckGlobalReader, CheckExchange}
	out := v.checkToken(ctx, client, t, cred)
	if out.tenant != nil {
		// The organization check keeps its own verdict: it judged the domain.
		rec.emit(*out.tenant)
	}
	rec.emit(out.app)
	rec.emit(out.cert)
	if out.noExchange != nil && out.token == "" {
		// No Exchange, and no Graph token to read the directory roles from.
		r := skipped(CheckExchangePermission, CheckExchange)
		r.Message = "not checked: the tenant has no Exchange Online to hold the permission (see the exchange check)"
		rec.emit(r)
		rec.emit(skipped(CheckGlobalReader, CheckCertificate))
		rec.emit(*out.noExchange)
		return
	}
	if out.token == "" {
		waited := CheckCertificate
		if !out.app.OK {
			waited = CheckApp
		}
		if out.tenant != nil {
			waited = CheckTenant
		}
		skipAll(rec, rest[2:], waited)
		return
	}
	claims, err := DecodeClaims(out.token)
	if err != nil {
		msg := "Entra's token could not be read: " + serverText(err.Error())
		rec.emit(failed(CheckExchangePermission, "", msg, "try again"))
		rec.emit(failed(CheckGlobalReader, "", msg, "try again"))
		rec.emit(skipped(CheckExchange, CheckExchangePermission))
		return
	}
	if out.noExchange != nil {
		// The token is Graph's: it says nothing of Exchange's app role.
		r := skipped(CheckExchangePermission, CheckExchange)
		r.Message = "not checked: the tenant has no Exchange Online to hold the permission (see the exchange check)"
		rec.emit(r)
		rec.emit(judgeGlobalReader(claims))
		rec.emit(*out.noExchange)
		return
	}
	perm := v.judgeExchangePermission(ctx, client, t, claims)
	rec.emit(perm)
	gr := judgeGlobalReader(claims)
	rec.emit(gr)
	switch {
	case !perm.OK:
		rec.emit(skipped(CheckExchange, CheckExchangePermission))
	case !gr.OK:
		rec.emit(skipped(CheckExchange, CheckGlobalReader))
	case !rec.get(CheckOrganization).OK:
		rec.emit(skipped(CheckExchange, CheckOrganization))
	default:
		rec.emit(v.checkExchange(ctx, t, out.token))
	}
}

// skipAll reports the checks as skipped, waiting on waitedOn.
func skipAll(rec *recorder, ids []CheckID, waitedOn CheckID) {
	for _, id := range ids {
		rec.emit(skipped(id, waitedOn))
	}
}
