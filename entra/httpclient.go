package entra

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Timeouts bound each phase of one HTTP request. Tests shrink them so a
// server that never answers costs a second, not half a minute.
type Timeouts struct {
	Dial, TLSHandshake, ResponseHeader, Request time.Duration
}

// DefaultTimeouts suit a jump host on a slow link: generous enough for Entra
// on a bad day, short enough that a dead host is reported within a minute.
func DefaultTimeouts() Timeouts {
	return Timeouts{Dial: 10 * time.Second, TLSHandshake: 10 * time.Second, ResponseHeader: 30 * time.Second, Request: 30 * time.Second}
}

// NewHTTPClient returns the client every Microsoft call goes through, with
// DefaultTimeouts. roots nil means the system trust store (so SSL_CERT_FILE
// works as Go documents it).
func NewHTTPClient(roots *x509.CertPool) *http.Client {
	return NewHTTPClientWithTimeouts(roots, DefaultTimeouts())
}

// NewHTTPClientWithTimeouts is NewHTTPClient with explicit timeouts. The client
// never retries on its own (a retry would hide what Entra answered) and never
// follows a redirect to another host (a token must not leak to it).
func NewHTTPClientWithTimeouts(roots *x509.CertPool, t Timeouts) *http.Client {
	dialer := &net.Dialer{Timeout: t.Dial, KeepAlive: 30 * time.Second}
	transport := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		TLSClientConfig:       &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:   t.TLSHandshake,
		ResponseHeaderTimeout: t.ResponseHeader,
		ExpectContinueTimeout: time.Second,
		MaxIdleConns:          16,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{
		Transport:     transport,
		Timeout:       t.Request,
		CheckRedirect: sameHostRedirects,
	}
}

// errCrossHostRedirect stops a redirect that would leave the original host.
var errCrossHostRedirect = errors.New("refusing to follow a redirect to another host")

// sameHostRedirects allows a few redirects within one host and none elsewhere.
func sameHostRedirects(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 {
		return fmt.Errorf("stopped after %d redirects", len(via))
	}
	if req.URL.Host != via[0].URL.Host || req.URL.Scheme != via[0].URL.Scheme {
		return fmt.Errorf("%w: %s", errCrossHostRedirect, req.URL.Host)
	}
	return nil
}
