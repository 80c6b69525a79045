package certs

import (
	"crypto/rsa"
	"crypto/sha1" // only to name a certificate as the Entra portal does; it signs nothing
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

// Thumbprint returns the SHA-1 digest of the certificate's DER encoding in
// uppercase hex without separators, as the Entra portal lists it under
// Certificates & secrets. It is "" for a nil certificate.
func Thumbprint(cert *x509.Certificate) string {
	if cert == nil {
		return ""
	}
	sum := sha1.Sum(cert.Raw)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// ThumbprintSHA256 returns the SHA-256 digest of the certificate's DER
// encoding in uppercase hex, the digest MSAL's x5t#S256 header carries.
// It is "" for a nil certificate.
func ThumbprintSHA256(cert *x509.Certificate) string {
	if cert == nil {
		return ""
	}
	sum := sha256.Sum256(cert.Raw)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// Parse rebuilds a Credential from a DER certificate and a PKCS #8 RSA key, as
// the store keeps them. It fails when either does not parse or when the key
// is not the certificate's.
func Parse(certDER, keyPKCS8 []byte) (*Credential, error) {
	cert, err := x509.ParseCertificate(certDER)
	if err != nil {
		return nil, fmt.Errorf("reading the stored certificate: %w", err)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(keyPKCS8)
	if err != nil {
		// The error of crypto/x509 never holds key material.
		return nil, fmt.Errorf("reading the stored private key: %w", err)
	}
	key, ok := parsed.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("reading the stored private key: it is a %T, not an RSA key", parsed)
	}
	c := &Credential{Certificate: cert, Key: key}
	if !c.KeyMatches() {
		return nil, errors.New("the stored private key does not belong to the stored certificate: rotate the account's certificate to make a new pair")
	}
	return c, nil
}

// KeyMatches reports whether the private key is the one whose public half the
// certificate holds.
func (c *Credential) KeyMatches() bool {
	if c == nil || c.Certificate == nil || c.Key == nil {
		return false
	}
	pub, ok := c.Certificate.PublicKey.(*rsa.PublicKey)
	return ok && pub.Equal(&c.Key.PublicKey)
}

// KeyPKCS8 returns the private key as unencrypted PKCS #8 DER, for the store
// only: it must never be printed, logged or written to a file.
func (c *Credential) KeyPKCS8() ([]byte, error) {
	if c == nil || c.Key == nil {
		return nil, errNoCredential
	}
	der, err := x509.MarshalPKCS8PrivateKey(c.Key)
	if err != nil {
		return nil, fmt.Errorf("encoding the private key: %w", err)
	}
	return der, nil
}

// CertificateDER returns a copy of the certificate's DER encoding (a .cer
// file in binary form). It is nil for an empty Credential.
func (c *Credential) CertificateDER() []byte {
	if c == nil || c.Certificate == nil {
		return nil
	}
	return append([]byte(nil), c.Certificate.Raw...)
}

// CertificatePEM returns the certificate as one PEM "CERTIFICATE" block, the
// file the admin uploads to Entra. It is nil for an empty Credential.
func (c *Credential) CertificatePEM() []byte {
	if c == nil || c.Certificate == nil {
		return nil
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Certificate.Raw})
}

// PFX returns the key and certificate as a PKCS #12 file protected by
// password, with PBES2/AES-256-CBC and an HMAC-SHA-256 MAC (go-pkcs12's
// Modern2023, readable by OpenSSL 1.1.1+, Windows Server 2019+ and
// PowerShell's Connect-ExchangeOnline). It refuses an empty password: a PFX
// is the only form in which the key leaves the store.
func (c *Credential) PFX(password string) ([]byte, error) {
	if c == nil || c.Certificate == nil || c.Key == nil {
		return nil, errNoCredential
	}
	if password == "" {
		return nil, errors.New("PFX password is empty: a PFX holds the private key, so choose a password (XOPS_PFX_PASSWORD, --password-stdin or the prompt)")
	}
	if !c.KeyMatches() {
		return nil, errors.New("making the PFX: the private key does not belong to the certificate")
	}
	pfx, err := pkcs12.Modern2023.Encode(c.Key, c.Certificate, nil, password)
	if err != nil {
		return nil, fmt.Errorf("making the PFX: %w", err)
	}
	return pfx, nil
}

// String describes the credential by its certificate, never its key, so a
// Credential printed by mistake (%v, %+v, %s) leaks nothing.
func (c *Credential) String() string {
	if c == nil || c.Certificate == nil {
		return "certs.Credential(empty)"
	}
	bits := 0
	if pub, ok := c.Certificate.PublicKey.(*rsa.PublicKey); ok {
		bits = pub.N.BitLen()
	}
	return fmt.Sprintf("certs.Credential(RSA %d, CN=%q, thumbprint %s, until %s)",
		bits, c.Certificate.Subject.CommonName, Thumbprint(c.Certificate), c.Certificate.NotAfter.Format("2006-01-02"))
}

// GoString is String for %#v, which would otherwise print the key's fields.
func (c *Credential) GoString() string { return c.String() }
