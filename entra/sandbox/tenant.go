package sandbox

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // the portal's thumbprint is SHA-1; it identifies, it does not protect
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/xops/xops/entra"
)

// ErrNoSuchApp is returned by the admin-center actions for an unknown app id.
var ErrNoSuchApp = errors.New("no such app registration in the sandbox tenant")

// CertificateRefused is UploadCertificate refusing a file as the portal
// does (not a certificate, not RSA, signed with SHA-1 or MD5, expired): the
// admin's file is at fault, not the tenant or the store.
type CertificateRefused struct{ Err error }

func (e *CertificateRefused) Error() string { return e.Err.Error() }
func (e *CertificateRefused) Unwrap() error { return e.Err }

// ErrAlreadyUploaded is UploadCertificate refusing a certificate the app
// already has (the portal refuses a duplicate too).
var ErrAlreadyUploaded = errors.New("this certificate is already uploaded on the app")

// tenantState is everything the simulated Entra admin center remembers. It is
// what MarshalState writes, so its fields are stable JSON.
type tenantState struct {
	Version        int                     `json:"version"`
	TenantID       string                  `json:"tenant_id"`
	Domain         string                  `json:"domain"`
	ExchangeOnline bool                    `json:"exchange_online"`
	Apps           map[string]*application `json:"apps"`
	// Foreign are other tenants the login endpoint knows (domain → tenant id),
	// so a domain that belongs to someone else can be simulated.
	Foreign map[string]foreignTenant `json:"foreign,omitempty"`
	// ExchangeSPID is the object id of Exchange Online's service principal
	// in this tenant (Graph writes consent against it); made on first use.
	ExchangeSPID string `json:"exchange_sp_id,omitempty"`
}

// foreignTenant is a tenant other than the sandbox's own.
type foreignTenant struct {
	TenantID string `json:"tenant_id"`
	// Instance is its cloud_instance_name; a value other than
	// microsoftonline.com simulates a national-cloud tenant.
	Instance string `json:"instance,omitempty"`
}

// application is one app registration and its service principal.
type application struct {
	AppID    string `json:"app_id"`
	ObjectID string `json:"object_id"`
	Name     string `json:"name"`
	Disabled bool   `json:"disabled,omitempty"`
	// ExchangePermission: Exchange.ManageAsApp is in requiredResourceAccess.
	ExchangePermission bool `json:"exchange_permission,omitempty"`
	// ExchangeConsented: an admin granted it (an app role assignment exists).
	ExchangeConsented bool `json:"exchange_consented,omitempty"`
	// GlobalReader: the service principal holds the Global Reader role.
	GlobalReader bool `json:"global_reader,omitempty"`
	// When the app was registered, consented and given the role: with a
	// propagation delay, tokens see each change only that long after it.
	RegisteredAt   time.Time `json:"registered_at,omitzero"`
	ConsentedAt    time.Time `json:"consented_at,omitzero"`
	GlobalReaderAt time.Time `json:"global_reader_at,omitzero"`
	// BlockedByPolicy: a Conditional Access policy blocks its sign-in.
	BlockedByPolicy bool          `json:"blocked_by_policy,omitempty"`
	Certificates    []uploadedKey `json:"certificates,omitempty"`
	// Set by Microsoft Graph writes (graphwrite.go): the app's uniqueName
	// alternate key, its service principal's object id (an app registered in
	// the portal gets one at once; one made by Graph has none until
	// NoServicePrincipal is cleared by a POST), the ids of its Exchange
	// consent and Global Reader assignments, and requiredResourceAccess
	// entries for other APIs, kept as Graph was given them.
	UniqueName          string          `json:"unique_name,omitempty"`
	SPObjectID          string          `json:"sp_object_id,omitempty"`
	NoServicePrincipal  bool            `json:"no_service_principal,omitempty"`
	ConsentID           string          `json:"consent_id,omitempty"`
	RoleAssignmentID    string          `json:"role_assignment_id,omitempty"`
	ExtraResourceAccess json.RawMessage `json:"extra_resource_access,omitempty"`
}

// uploadedKey is a certificate uploaded under Certificates & secrets.
type uploadedKey struct {
	DER       []byte    `json:"der"`
	SHA1      string    `json:"sha1"`
	SHA256    string    `json:"sha256"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	// UploadedAt starts the propagation delay of the upload.
	UploadedAt time.Time `json:"uploaded_at,omitzero"`
	// KeyID and DisplayName are Graph's keyCredential fields (made on first
	// Graph read for a certificate uploaded in the portal).
	KeyID       string `json:"key_id,omitempty"`
	DisplayName string `json:"display_name,omitempty"`
}

// stateVersion is the MarshalState format version.
const stateVersion = 1

// newGUID returns a random version-4 UUID string.
func newGUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("sandbox: reading randomness: %v", err))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// RegisterApp performs the register-app step and returns the new Application
// (client) ID.
func (s *Sandbox) RegisterApp(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", errors.New("sandbox: register app: the name is empty; give the app a display name")
	}
	now := s.now()
	a := &application{AppID: newGUID(), ObjectID: newGUID(), Name: name, RegisteredAt: now}
	s.mu.Lock()
	s.state.Apps[a.AppID] = a
	s.mu.Unlock()
	if err := s.Flush(); err != nil {
		return "", fmt.Errorf("the app %s was registered but %w", a.AppID, err)
	}
	return a.AppID, nil
}

// app finds an app by id; the caller holds s.mu.
func (s *Sandbox) app(appID string) (*application, error) {
	a, ok := s.state.Apps[strings.ToLower(strings.TrimSpace(appID))]
	if !ok {
		return nil, fmt.Errorf("sandbox: app %q: %w", appID, ErrNoSuchApp)
	}
	return a, nil
}

// update runs f on an app under the lock, then saves the tenant.
func (s *Sandbox) update(appID string, f func(a *application) error) error {
	return s.changed(func() error {
		s.mu.Lock()
		defer s.mu.Unlock()
		a, err := s.app(appID)
		if err != nil {
			return err
		}
		return f(a)
	}())
}

// AddExchangePermission performs add-exchange-permission: Exchange.ManageAsApp
// joins the app's required permissions (not yet consented).
func (s *Sandbox) AddExchangePermission(appID string) error {
	return s.update(appID, func(a *application) error { a.ExchangePermission = true; return nil })
}

// RemoveExchangePermission undoes AddExchangePermission (and its consent).
func (s *Sandbox) RemoveExchangePermission(appID string) error {
	return s.update(appID, func(a *application) error {
		a.ExchangePermission, a.ExchangeConsented = false, false
		return nil
	})
}

// GrantAdminConsent performs grant-admin-consent: it grants what the app
// requires at this moment, as the portal's button does. Granting before the
// permission is added grants nothing.
func (s *Sandbox) GrantAdminConsent(appID string) error {
	now := s.now()
	return s.update(appID, func(a *application) error {
		if a.ExchangePermission && !a.ExchangeConsented {
			a.ExchangeConsented, a.ConsentedAt = true, now
		}
		return nil
	})
}

// RevokeAdminConsent removes the granted permission.
func (s *Sandbox) RevokeAdminConsent(appID string) error {
	return s.update(appID, func(a *application) error { a.ExchangeConsented = false; return nil })
}

// AssignGlobalReader performs assign-global-reader for the app.
func (s *Sandbox) AssignGlobalReader(appID string) error {
	now := s.now()
	return s.update(appID, func(a *application) error {
		if !a.GlobalReader {
			a.GlobalReader, a.GlobalReaderAt = true, now
		}
		return nil
	})
}

// RemoveGlobalReader takes the role away again.
func (s *Sandbox) RemoveGlobalReader(appID string) error {
	return s.update(appID, func(a *application) error { a.GlobalReader = false; return nil })
}

// DisableApp turns sign-in off for the app's service principal.
func (s *Sandbox) DisableApp(appID string) error {
	return s.update(appID, func(a *application) error { a.Disabled = true; return nil })
}

// SetConditionalAccessBlock makes a Conditional Access policy block (or stop
// blocking) the app's sign-ins, as AADSTS53003.
func (s *Sandbox) SetConditionalAccessBlock(appID string, blocked bool) error {
	return s.update(appID, func(a *application) error { a.BlockedByPolicy = blocked; return nil })
}

// DeleteApp removes the registration, so its id is unknown afterwards.
func (s *Sandbox) DeleteApp(appID string) error {
	return s.update(appID, func(a *application) error { delete(s.state.Apps, a.AppID); return nil })
}

// UploadCertificate performs upload-certificate with a .cer/.pem/.crt file's
// bytes (PEM or DER). Like the portal it takes the public certificate only,
// RSA only, not signed with SHA-1 or MD5, and not expired.
func (s *Sandbox) UploadCertificate(appID string, certPEMorDER []byte) error {
	key, err := makeUploadedKey(certPEMorDER, s.now())
	if err != nil {
		return fmt.Errorf("sandbox: upload certificate: %w", &CertificateRefused{Err: err})
	}
	return s.update(appID, func(a *application) error {
		for _, k := range a.Certificates {
			if k.SHA256 == key.SHA256 {
				return fmt.Errorf("sandbox: upload certificate: %w", ErrAlreadyUploaded)
			}
		}
		a.Certificates = append(a.Certificates, key)
		return nil
	})
}

// makeUploadedKey checks a certificate as the portal (and Graph) do — public
// part only, RSA, SHA-2 signature, not expired at now — and records it.
func makeUploadedKey(certPEMorDER []byte, now time.Time) (uploadedKey, error) {
	cert, err := parseUpload(certPEMorDER)
	if err != nil {
		return uploadedKey{}, err
	}
	if _, ok := cert.PublicKey.(*rsa.PublicKey); !ok {
		return uploadedKey{}, errors.New("the key is not RSA; Entra accepts RSA certificates only")
	}
	switch cert.SignatureAlgorithm {
	case x509.SHA256WithRSA, x509.SHA384WithRSA, x509.SHA512WithRSA,
		x509.SHA256WithRSAPSS, x509.SHA384WithRSAPSS, x509.SHA512WithRSAPSS:
	default:
		return uploadedKey{}, fmt.Errorf("signed with %s; Entra wants SHA-256, SHA-384 or SHA-512", cert.SignatureAlgorithm)
	}
	if now.After(cert.NotAfter) {
		return uploadedKey{}, fmt.Errorf("it expired on %s; make a new one", cert.NotAfter.UTC().Format(time.RFC3339))
	}
	s1 := sha1.Sum(cert.Raw) //nolint:gosec // thumbprint, as the portal shows it
	s256 := sha256.Sum256(cert.Raw)
	return uploadedKey{
		DER: cert.Raw, SHA1: strings.ToUpper(hex.EncodeToString(s1[:])), SHA256: hex.EncodeToString(s256[:]),
		NotBefore: cert.NotBefore, NotAfter: cert.NotAfter, UploadedAt: now,
	}, nil
}

// parseUpload reads one certificate and refuses anything holding a private key.
func parseUpload(data []byte) (*x509.Certificate, error) {
	if len(data) == 0 {
		return nil, errors.New("the file is empty; choose the .cer file xops saved")
	}
	if strings.Contains(string(data), "PRIVATE KEY") {
		return nil, errors.New("the file holds a private key; upload the public certificate only (the .cer file)")
	}
	if block, _ := pem.Decode(data); block != nil {
		if block.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("the PEM block is %q, not CERTIFICATE", block.Type)
		}
		data = block.Bytes
	}
	cert, err := x509.ParseCertificate(data)
	if err != nil {
		return nil, fmt.Errorf("not a certificate (PEM or DER): %w", err)
	}
	return cert, nil
}

// SetPropagationDelay makes every later grant — registration, consent, role
// assignment, certificate upload — reach the token endpoint only d after it
// was made, as Entra takes seconds to minutes to propagate. Removals take
// effect at once. Zero (the default) makes changes visible immediately.
func (s *Sandbox) SetPropagationDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// propagated reports whether a change made at "at" is visible at now.
func propagated(at, now time.Time, delay time.Duration) bool {
	return delay <= 0 || !now.Before(at.Add(delay))
}

// SetExchangeOnline switches the tenant's Exchange Online subscription. Off,
// tokens for Exchange fail with AADSTS500011 as in a tenant without it. It is
// part of the tenant (MarshalState keeps it), so it is saved at once like
// every other change; the error says why it could not be.
func (s *Sandbox) SetExchangeOnline(enabled bool) error {
	s.mu.Lock()
	s.state.ExchangeOnline = enabled
	s.mu.Unlock()
	return s.changed(nil)
}

// AddForeignTenant makes the login endpoint know another tenant by id and
// domain: a domain the admin typed that belongs to someone else. A non-empty
// instance other than microsoftonline.com (e.g. microsoftonline.us) puts it in
// another national cloud. Like SetExchangeOnline it is saved at once.
func (s *Sandbox) AddForeignTenant(tenantID, domain, instance string) error {
	s.mu.Lock()
	s.state.Foreign[strings.ToLower(domain)] = foreignTenant{TenantID: strings.ToLower(tenantID), Instance: instance}
	s.mu.Unlock()
	return s.changed(nil)
}

// MarshalState returns the tenant's state (apps, permissions, roles and
// uploaded certificates) as JSON, so `xops --sandbox` can keep it across runs.
// It holds no private key.
func (s *Sandbox) MarshalState() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := json.Marshal(s.state)
	if err != nil {
		return nil, fmt.Errorf("sandbox: encode state: %w", err)
	}
	return b, nil
}

// ErrStateTooNew is returned by LoadState for a state a newer xops wrote (a
// format version above this one's): it is not damaged, only unreadable here.
var ErrStateTooNew = errors.New("the sandbox tenant was saved by a newer xops")

// LoadState replaces the tenant's state with one MarshalState wrote. A state
// of a newer format fails with ErrStateTooNew (checked first: a newer format
// may not decode as this one); any other error means the bytes are damaged.
// On error the tenant is left as it was.
func (s *Sandbox) LoadState(data []byte) error {
	st, err := decodeState(data)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.state = st
	s.mu.Unlock()
	s.loaded() // what the store holds already: not written again unchanged
	return nil
}

// decodeState reads and checks a state MarshalState wrote.
func decodeState(data []byte) (tenantState, error) {
	var v struct {
		Version int `json:"version"`
	}
	if json.Unmarshal(data, &v) == nil && v.Version > stateVersion {
		return tenantState{}, fmt.Errorf("sandbox: state format %d: %w (this one reads format %d)", v.Version, ErrStateTooNew, stateVersion)
	}
	var st tenantState
	if err := json.Unmarshal(data, &st); err != nil {
		return tenantState{}, fmt.Errorf("sandbox: decode state: %w", err)
	}
	if st.Version != stateVersion {
		return tenantState{}, fmt.Errorf("sandbox: state version %d is not supported (want %d)", st.Version, stateVersion)
	}
	if !entra.IsGUID(st.TenantID) || st.Domain == "" {
		return tenantState{}, errors.New("sandbox: state: tenant id or domain missing")
	}
	if st.Apps == nil {
		st.Apps = map[string]*application{}
	}
	if st.Foreign == nil {
		st.Foreign = map[string]foreignTenant{}
	}
	return st, nil
}

// Perform carries out one checklist step on the app in the simulated admin
// center, so the wizard can offer each step in sandbox mode with one call.
// certificate is needed for upload-certificate only. register-app has its own
// call (RegisterApp returns the new id); copy-ids, enter-ids and generate-key
// happen in xops, not in Entra.
func (s *Sandbox) Perform(step entra.Step, appID string, certificate []byte) error {
	switch step {
	case entra.StepAddExchangePermission:
		return s.AddExchangePermission(appID)
	case entra.StepGrantAdminConsent:
		return s.GrantAdminConsent(appID)
	case entra.StepAssignGlobalReader:
		return s.AssignGlobalReader(appID)
	case entra.StepUploadCertificate:
		return s.UploadCertificate(appID, certificate)
	}
	return fmt.Errorf("sandbox: step %q is not an admin-center action on an existing app", step)
}

// AppStatus is what the simulated admin center shows about one app.
type AppStatus struct {
	AppID, Name        string
	Disabled           bool
	BlockedByPolicy    bool     // a Conditional Access policy blocks its sign-in
	ExchangePermission bool     // Exchange.ManageAsApp is listed
	AdminConsent       bool     // and granted
	GlobalReader       bool     // the role is assigned
	Thumbprints        []string // SHA-1, uppercase hex, as the portal lists them
}

// App returns the status of one app registration.
func (s *Sandbox) App(appID string) (AppStatus, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.app(appID)
	if err != nil {
		return AppStatus{}, err
	}
	st := AppStatus{
		AppID: a.AppID, Name: a.Name, Disabled: a.Disabled, BlockedByPolicy: a.BlockedByPolicy, ExchangePermission: a.ExchangePermission,
		AdminConsent: a.ExchangeConsented, GlobalReader: a.GlobalReader,
	}
	for _, k := range a.Certificates {
		st.Thumbprints = append(st.Thumbprints, k.SHA1)
	}
	return st, nil
}

// Apps lists the app registrations, by name.
func (s *Sandbox) Apps() []AppStatus {
	s.mu.Lock()
	ids := make([]string, 0, len(s.state.Apps))
	for id := range s.state.Apps {
		ids = append(ids, id)
	}
	s.mu.Unlock()
	out := make([]AppStatus, 0, len(ids))
	for _, id := range ids {
		if st, err := s.App(id); err == nil {
			out = append(out, st)
		}
	}
	slices.SortFunc(out, func(a, b AppStatus) int { return strings.Compare(a.Name+a.AppID, b.Name+b.AppID) })
	return out
}
