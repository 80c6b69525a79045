// Package sandbox is a simulated Microsoft 365 tenant: Entra ID's OpenID
// metadata and token endpoint, Exchange Online's InvokeCommand and the Graph
// read xops uses, served over TLS on 127.0.0.1 with a CA of its own. It is as
// strict as the real service about client assertions and answers with the
// same AADSTS codes, statuses and JSON shapes, so `xops --sandbox` and the
// tests exercise the real verification code.
package sandbox

import (
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/xops/xops/entra"
)

// Default identity of a newcomer's sandbox tenant.
const (
	DefaultTenantID = "8f3c2a51-6d0e-4b7a-9c1f-2e4d5a6b7c80"
	DefaultDomain   = "contoso-sandbox.onmicrosoft.com"
)

// Options configure a sandbox tenant. The zero value is a usable tenant.
type Options struct {
	// TenantID is the directory (tenant) ID; default DefaultTenantID.
	TenantID string
	// Domain is the initial *.onmicrosoft.com domain; default DefaultDomain.
	Domain string
	// Now is the sandbox's clock; default time.Now.
	Now func() time.Time
	// Update, when set, keeps the tenant between runs, saved at every
	// change (see Flush), so that two processes sharing one saved tenant
	// (two `xops --sandbox`) keep each other's changes: it must call apply
	// with the state saved now (nil when none is) and save what apply
	// returns, both inside one transaction of the store, and save nothing
	// when apply fails (returning its error). apply merges this tenant's
	// changes into the saved state. `xops --sandbox` keeps it in the
	// sandbox store.
	Update func(apply func(saved []byte) ([]byte, error)) error
}

// Sandbox is one simulated tenant and the TLS server that fronts it.
type Sandbox struct {
	mu       sync.Mutex
	state    tenantState
	clock    func() time.Time
	skew     time.Duration
	delay    time.Duration
	faults   map[Service]Fault
	issued   int
	tokenKey *rsa.PrivateKey
	tokenKID string

	// The device-code sign-in and the Graph writes (devicecode.go,
	// graphwrite*.go): the simulated admin, the codes handed out, and how
	// many objects Graph writes created.
	admin        Admin
	adminOID     string
	codeLifetime time.Duration
	codes        map[string]*deviceCode
	counts       GraphCounts

	ca       *authority
	srv      *http.Server
	ln       net.Listener
	url      string
	closing  chan struct{}
	closeOne sync.Once

	// Options.Update, and base: the state this tenant and the saved one
	// last agreed on (New's, then LoadState's or the last save's), from
	// which Flush tells this process's changes from another's.
	updateState func(apply func(saved []byte) ([]byte, error)) error
	persistMu   sync.Mutex
	base        []byte
	// stored says the store holds base (LoadState read it, or a save wrote
	// it): an unchanged tenant is then not written again. A new tenant's
	// base is not stored yet, so its first Flush writes it.
	stored bool
}

// New makes a sandbox tenant; Start serves it.
func New(opts Options) (*Sandbox, error) {
	tenantID := strings.ToLower(strings.TrimSpace(opts.TenantID))
	if tenantID == "" {
		tenantID = DefaultTenantID
	}
	if !entra.IsGUID(tenantID) {
		return nil, fmt.Errorf("sandbox: tenant id %q is not a GUID", opts.TenantID)
	}
	domain := strings.ToLower(strings.TrimSpace(opts.Domain))
	if domain == "" {
		domain = DefaultDomain
	}
	if !strings.Contains(domain, ".") {
		return nil, fmt.Errorf("sandbox: domain %q is not a domain name", opts.Domain)
	}
	clock := opts.Now
	if clock == nil {
		clock = time.Now
	}
	key, kid, err := signingKey()
	if err != nil {
		return nil, err
	}
	ca, err := newAuthority(clock())
	if err != nil {
		return nil, err
	}
	s := &Sandbox{
		state: tenantState{
			Version: stateVersion, TenantID: tenantID, Domain: domain, ExchangeOnline: true,
			Apps: map[string]*application{}, Foreign: map[string]foreignTenant{},
		},
		clock: clock, faults: map[Service]Fault{}, tokenKey: key, tokenKID: kid,
		admin: defaultAdmin(), adminOID: newGUID(), codeLifetime: defaultCodeLifetime, codes: map[string]*deviceCode{},
		ca: ca, closing: make(chan struct{}), updateState: opts.Update,
	}
	if s.base, err = s.MarshalState(); err != nil {
		return nil, err
	}
	return s, nil
}

// Start listens on a free port of 127.0.0.1 and serves in the background.
func (s *Sandbox) Start() error {
	if s.srv != nil {
		return errors.New("sandbox: already started")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("sandbox: listen on 127.0.0.1: %w", err)
	}
	s.ln = ln
	s.url = "https://" + ln.Addr().String()
	s.srv = &http.Server{
		Handler:           s.Handler(),
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{s.ca.server}, MinVersion: tls.VersionTLS12},
		ReadHeaderTimeout: 10 * time.Second,
		// The sandbox runs inside the TUI: a stray log line on stderr would
		// tear the screen, and a client refusing the CA is expected in tests.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	go func() { _ = s.srv.ServeTLS(ln, "", "") }()
	return nil
}

// Close stops the server; requests held by a hang fault are released.
func (s *Sandbox) Close() error {
	s.closeOne.Do(func() { close(s.closing) })
	if s.srv == nil {
		return nil
	}
	err := s.srv.Close()
	// The server learns of its listener only once the serving goroutine runs:
	// closed before that, the port would still take connections into the
	// kernel's backlog and reset them later. Close it here as well, so that a
	// closed sandbox refuses connections at once.
	if lerr := s.ln.Close(); lerr != nil && !errors.Is(lerr, net.ErrClosed) && err == nil {
		err = lerr
	}
	if err != nil {
		return fmt.Errorf("sandbox: close: %w", err)
	}
	return nil
}

// URL is the server's base URL, https://127.0.0.1:PORT.
func (s *Sandbox) URL() string { return s.url }

// TenantID is the tenant's directory ID.
func (s *Sandbox) TenantID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state.TenantID
}

// Domain is the tenant's initial domain, the Organization ID.
func (s *Sandbox) Domain() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state.Domain
}

// Endpoints points every service at the sandbox: login at the root, Exchange
// under /exchange, Graph under /graph. Instance discovery is off.
func (s *Sandbox) Endpoints() entra.Endpoints {
	return entra.Endpoints{
		Cloud: entra.DefaultCloud, Login: s.url, Graph: s.url + graphPrefix, Exchange: s.url + exchangePrefix,
		Sandbox: true,
	}
}

// CertPool holds only the sandbox's CA.
func (s *Sandbox) CertPool() *x509.CertPool { return s.ca.pool }

// CAPEM is the sandbox CA certificate in PEM, for SSL_CERT_FILE.
func (s *Sandbox) CAPEM() []byte { return append([]byte(nil), s.ca.caPEM...) }

// HTTPClient is an entra client that trusts the sandbox's CA and nothing else.
func (s *Sandbox) HTTPClient() *http.Client { return entra.NewHTTPClient(s.ca.pool) }

// now is the sandbox's clock, skew included.
func (s *Sandbox) now() time.Time {
	return s.clock().Add(s.currentSkew())
}

func (s *Sandbox) currentSkew() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.skew
}

// TokensIssued counts the access tokens minted so far (tests use it to prove
// that every verification asks for a fresh one).
func (s *Sandbox) TokensIssued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issued
}
