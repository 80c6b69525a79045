package flow

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"

	"github.com/xops/xops/flow/validate"
	"github.com/xops/xops/store"
)

// AuditKeyExported is the audit action of a PFX export (the key left the store).
const AuditKeyExported = "key exported"

// Export formats.
const (
	FormatPEM = "pem" // the certificate, PEM: what Entra's upload takes
	FormatDER = "der" // the certificate, DER
	FormatPFX = "pfx" // key and certificate, PKCS#12 protected by a password
)

// Export returns the active credential of the account named name in format:
// the public certificate (pem, der), or key and certificate as a
// password-protected PFX — the only way a key leaves the store. Bad input
// (format, an empty PFX password) is *InputError.
func (s *Service) Export(name, format, password string) ([]byte, error) {
	switch format {
	case FormatPEM, FormatDER, FormatPFX:
	default:
		return nil, &InputError{Fields: []*validate.FieldError{{Field: "format", Label: "Format",
			Message: fmt.Sprintf("unknown format %q; use pem, der or pfx", format)}}}
	}
	if format == FormatPFX && password == "" {
		return nil, &InputError{Fields: []*validate.FieldError{{Field: "password", Label: "PFX password",
			Message: "a PFX needs a password; set XOPS_PFX_PASSWORD, use --password-stdin, or type it at the prompt"}}}
	}
	a, err := s.Account(name)
	if err != nil {
		return nil, err
	}
	c, ok := a.Active()
	if !ok {
		return nil, fmt.Errorf("export %q: the account has no active certificate", a.Name)
	}
	if format != FormatPFX {
		// Only the public part is needed: the key is never opened for it.
		km, err := s.Store.Key(c.ID)
		if err != nil {
			return nil, fmt.Errorf("export %q: read the certificate: %w", a.Name, err)
		}
		if _, err := x509.ParseCertificate(km.CertDER); err != nil {
			return nil, fmt.Errorf("export %q: the stored certificate is damaged: %w", a.Name, err)
		}
		if format == FormatDER {
			return km.CertDER, nil
		}
		return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: km.CertDER}), nil
	}
	cred, err := s.credential(context.Background(), c.ID)
	if err != nil {
		return nil, fmt.Errorf("export %q: %w", a.Name, err)
	}
	b, err := cred.PFX(password)
	if err != nil {
		return nil, fmt.Errorf("export %q as PFX: %w", a.Name, err)
	}
	// The private key leaving the store is worth a line in the audit log.
	audit := store.AuditEntry{V: store.RecordVersion, At: s.now().UTC(), Action: AuditKeyExported, AccountID: a.ID, Name: a.Name,
		Detail: "PFX with the key of " + c.Thumbprint}
	if _, err := s.Store.UpdateAccount(a.ID, func(*store.Account) error { return nil }, &audit); err != nil {
		return nil, fmt.Errorf("export %q as PFX: record it in the audit log: %w", a.Name, err)
	}
	return b, nil
}
