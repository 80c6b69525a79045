package entra_test

import (
	"crypto/x509"
	"strings"
	"testing"
	"time"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/entra/sandbox"
)

// Network trouble is reported as such, naming the host, with no step: it is
// never mistaken for a setup mistake.

func troubled(t *testing.T, r entra.Report, id entra.CheckID, host string, words ...string) {
	t.Helper()
	if r.OK {
		t.Fatal("report ok despite the fault")
	}
	if r.FailedStep != "" {
		t.Errorf("failed_step = %q, want none: network trouble is not a setup mistake", r.FailedStep)
	}
	c := r.Check(id)
	if c.OK || c.Skipped {
		t.Fatalf("check %s: %+v, want a failure", id, c)
	}
	if c.Step != "" {
		t.Errorf("check %s names step %q", id, c.Step)
	}
	if !strings.Contains(c.Message, host) {
		t.Errorf("check %s message %q does not name host %s", id, c.Message, host)
	}
	for _, w := range words {
		if !strings.Contains(c.Message, w) {
			t.Errorf("check %s message %q lacks %q", id, c.Message, w)
		}
	}
	for _, c := range r.Checks {
		if c.Step != "" {
			t.Errorf("check %s names step %q during network trouble", c.ID, c.Step)
		}
	}
}

func hostOf(s *sandbox.Sandbox) string { return strings.TrimPrefix(s.URL(), "https://") }

func TestFaultServerDown(t *testing.T) {
	t.Parallel()
	tn := setup(t)
	host := hostOf(tn.sb)
	if err := tn.sb.Close(); err != nil {
		t.Fatal(err)
	}
	r := tn.verify(t)
	troubled(t, r, entra.CheckTenant, host, "refused")
	assertReport(t, r, want{
		entra.CheckTenant: "fail", entra.CheckOrganization: "fail", entra.CheckApp: "skip", entra.CheckCertificate: "skip",
		entra.CheckExchangePermission: "skip", entra.CheckGlobalReader: "skip", entra.CheckExchange: "skip",
	}, "")
}

func TestFaultExchange5xx(t *testing.T) {
	t.Parallel()
	for _, status := range []int{500, 503} {
		tn := setup(t)
		tn.sb.SetFault(sandbox.ServiceExchange, sandbox.Fault{Status: status})
		r := tn.verify(t)
		troubled(t, r, entra.CheckExchange, hostOf(tn.sb), "HTTP "+map[int]string{500: "500", 503: "503"}[status])
		assertReport(t, r, want{entra.CheckExchange: "fail"}, "")
	}
}

func TestFaultLogin503(t *testing.T) {
	t.Parallel()
	tn := setup(t)
	tn.sb.SetFault(sandbox.ServiceLogin, sandbox.Fault{Status: 503})
	r := tn.verify(t)
	troubled(t, r, entra.CheckTenant, hostOf(tn.sb), "503")
}

// shortTimeouts make a server that never answers cost about a second.
func shortTimeouts(tn *tenant) *entra.Verifier {
	v := tn.verifier()
	v.HTTP = entra.NewHTTPClientWithTimeouts(tn.sb.CertPool(), entra.Timeouts{
		Dial: time.Second, TLSHandshake: time.Second, ResponseHeader: time.Second, Request: time.Second,
	})
	return v
}

func TestFaultExchangeNeverAnswers(t *testing.T) {
	t.Parallel()
	tn := setup(t)
	tn.sb.SetFault(sandbox.ServiceExchange, sandbox.Fault{Hang: true})
	r := shortTimeouts(tn).Verify(t.Context(), tn.target, tn.cred, nil)
	troubled(t, r, entra.CheckExchange, hostOf(tn.sb), "did not answer in time")
	assertReport(t, r, want{entra.CheckExchange: "fail"}, "")
}

func TestFaultLoginNeverAnswers(t *testing.T) {
	t.Parallel()
	tn := setup(t)
	tn.sb.SetFault(sandbox.ServiceLogin, sandbox.Fault{Hang: true})
	r := shortTimeouts(tn).Verify(t.Context(), tn.target, tn.cred, nil)
	troubled(t, r, entra.CheckTenant, hostOf(tn.sb), "did not answer in time")
}

// The token endpoint hanging after the metadata answered: the app check
// reports the timeout, not a setup mistake.
func TestFaultTokenEndpointNeverAnswers(t *testing.T) {
	t.Parallel()
	tn := setup(t)
	v := shortTimeouts(tn)
	var hung bool
	r := v.Verify(t.Context(), tn.target, tn.cred, func(c entra.CheckResult) {
		if c.ID == entra.CheckOrganization && !hung {
			hung = true
			tn.sb.SetFault(sandbox.ServiceLogin, sandbox.Fault{Hang: true})
		}
	})
	troubled(t, r, entra.CheckApp, hostOf(tn.sb), "did not answer in time")
	assertReport(t, r, want{
		entra.CheckApp: "fail", entra.CheckCertificate: "skip", entra.CheckExchangePermission: "skip",
		entra.CheckGlobalReader: "skip", entra.CheckExchange: "skip",
	}, "")
}

func TestFaultUntrustedTLS(t *testing.T) {
	t.Parallel()
	tn := setup(t)
	v := tn.verifier()
	v.HTTP = entra.NewHTTPClient(x509.NewCertPool()) // trusts nothing
	r := v.Verify(t.Context(), tn.target, tn.cred, nil)
	troubled(t, r, entra.CheckTenant, hostOf(tn.sb), "does not trust")
}

func TestFaultCancelled(t *testing.T) {
	t.Parallel()
	tn := setup(t)
	ctx, cancel := contextCancelled(t)
	cancel()
	r := tn.verifier().Verify(ctx, tn.target, tn.cred, nil)
	troubled(t, r, entra.CheckTenant, hostOf(tn.sb), "cancelled")
}
