package entra

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"syscall"
)

// trouble is a failure that is nobody's setup mistake: the network, TLS, a
// service that is down or slow. Checks report it with no step.
type trouble struct {
	message, hint string
}

// hostOf returns the host[:port] of a URL, or the input when it is not one.
func hostOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return rawURL
	}
	return u.Host
}

// networkTrouble classifies a transport error while talking to host. ok is
// false when err is not a network problem.
func networkTrouble(err error, host string) (trouble, bool) {
	host = serverText(host)
	var (
		dnsErr      *net.DNSError
		unknownCA   x509.UnknownAuthorityError
		hostnameErr x509.HostnameError
		invalidErr  x509.CertificateInvalidError
		verifyErr   *tls.CertificateVerificationError
		recordErr   tls.RecordHeaderError
		netErr      net.Error
		opErr       *net.OpError
		urlErr      *url.Error
	)
	switch {
	case err == nil:
		return trouble{}, false
	case errors.Is(err, context.Canceled):
		return trouble{"verification was cancelled before " + host + " answered", "run it again"}, true
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded),
		errors.As(err, &netErr) && netErr.Timeout():
		return trouble{host + " did not answer in time (timeout)",
			"check the network path to " + host + " (proxy, firewall), then try again"}, true
	case errors.As(err, &dnsErr):
		return trouble{"cannot resolve " + host + " (DNS lookup failed)",
			"check this machine's DNS settings and the endpoint (--cloud, --authority-host, --exchange-url, --graph-url)"}, true
	case errors.As(err, &unknownCA), errors.As(err, &hostnameErr), errors.As(err, &invalidErr), errors.As(err, &verifyErr):
		return trouble{host + " presented a TLS certificate this machine does not trust",
			"if a proxy inspects TLS, add its CA to the system trust store or point SSL_CERT_FILE at it; otherwise something is impersonating " + host}, true
	case errors.As(err, &recordErr):
		return trouble{host + " did not answer with TLS (is it plain http?)", "check the endpoint URL"}, true
	case errors.Is(err, syscall.ECONNREFUSED):
		return trouble{host + " refused the connection (nothing listens there)",
			"check that the endpoint is right and the service is up, then try again"}, true
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return trouble{host + " dropped the connection", "try again; if it persists, check any proxy or firewall in between"}, true
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		return trouble{host + " is unreachable from this machine", "check the network route or proxy settings"}, true
	case errors.As(err, &opErr):
		return trouble{"cannot reach " + host + ": " + serverText(opErr.Err.Error()), "check the network path, then try again"}, true
	case errors.As(err, &urlErr):
		return trouble{"the request to " + host + " failed: " + serverText(urlErr.Err.Error()), "check the network path, then try again"}, true
	}
	return trouble{}, false
}

// statusTrouble reports a status that means the service, not the setup, is
// failing: 5xx and throttling.
func statusTrouble(status int, host string) (trouble, bool) {
	host = serverText(host)
	switch {
	case status >= 500:
		return trouble{fmt.Sprintf("%s is having trouble: it answered HTTP %d %s", host, status, http.StatusText(status)),
			"this is on Microsoft's side (or a proxy's); try again in a few minutes"}, true
	case status == http.StatusTooManyRequests:
		return trouble{host + " is throttling requests (HTTP 429)", "wait a minute and try again"}, true
	}
	return trouble{}, false
}
