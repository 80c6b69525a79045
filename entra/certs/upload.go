package certs

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"github.com/xops/xops/internal/safetext"
)

// ErrPrivateKey is returned by ParseCertificate for a file that holds a
// private key: what gets uploaded must be the public certificate alone.
var ErrPrivateKey = errors.New("this file holds a private key, which must never be uploaded: choose the certificate file (.cer, .pem or .crt) that xops saved, which holds the public certificate only")

// ParseCertificate reads a certificate file as Entra's "Upload certificate"
// accepts it: PEM (the first CERTIFICATE block; text around it is ignored) or
// binary DER. It refuses, saying why and what to choose instead, an empty
// file, a file holding any private key (PEM or DER), a certificate request, a
// bare public key, and anything else that is not a certificate.
func ParseCertificate(data []byte) (*x509.Certificate, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, errors.New("the certificate file is empty: choose the .cer file xops saved, or export it again with `xops accounts export NAME`")
	}
	if bytes.Contains(trimmed, []byte("-----BEGIN")) {
		cert, err := parsePEM(trimmed)
		if errors.Is(err, errNoPEMBlock) {
			// A DER certificate may hold those bytes in a name.
			if der, derErr := x509.ParseCertificate(data); derErr == nil {
				return der, nil
			}
		}
		return cert, err
	}
	// DER is binary: its last byte may well look like white space, so parse
	// what was given, untrimmed.
	cert, err := x509.ParseCertificate(data)
	if err == nil {
		return cert, nil
	}
	if isPrivateKeyDER(data) {
		return nil, ErrPrivateKey
	}
	return nil, fmt.Errorf("this is not a certificate: expected PEM text starting with -----BEGIN CERTIFICATE----- or a binary DER certificate; a .pfx or .p12 file holds the private key and is not accepted (%w)", err)
}

// errNoPEMBlock is parsePEM's refusal of text with a "-----BEGIN" line but no
// block it can decode.
var errNoPEMBlock = errors.New("the file looks like PEM but no block could be read (truncated or edited?): save or export the certificate again")

// parsePEM finds the certificate among the PEM blocks of data.
func parsePEM(data []byte) (*x509.Certificate, error) {
	var (
		certDER []byte
		others  []string
		rest    = data
	)
	for {
		block, next := pem.Decode(rest)
		if block == nil {
			break
		}
		rest = next
		switch {
		case strings.Contains(block.Type, "PRIVATE KEY"):
			return nil, ErrPrivateKey
		case isCertificateType(block.Type):
			if certDER == nil {
				certDER = block.Bytes
			}
		default:
			others = append(others, block.Type)
		}
	}
	if certDER != nil {
		cert, err := x509.ParseCertificate(certDER)
		if err != nil {
			return nil, fmt.Errorf("the CERTIFICATE block is damaged: save or export the certificate again and choose the new file (%w)", err)
		}
		return cert, nil
	}
	if len(others) == 0 {
		return nil, errNoPEMBlock
	}
	for _, typ := range others {
		switch typ {
		case "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST":
			return nil, errors.New("this is a certificate request (CSR), not a certificate: choose the .cer file xops saved")
		case "PUBLIC KEY", "RSA PUBLIC KEY":
			return nil, errors.New("this is a bare public key, not a certificate: Entra needs the certificate, the .cer file xops saved")
		}
	}
	return nil, fmt.Errorf("the file holds no certificate, only %s: choose the .cer file xops saved", describeTypes(others))
}

// isCertificateType reports whether a PEM block type holds an X.509
// certificate, including the names older tools write.
func isCertificateType(typ string) bool {
	switch typ {
	case "CERTIFICATE", "X509 CERTIFICATE":
		return true
	}
	return false
}

// describeTypes names PEM block types for an error message. The names come
// from the file, so they are made safe to print and kept short.
func describeTypes(types []string) string {
	const maxShown = 3
	shown := make([]string, 0, maxShown)
	for i, typ := range types {
		if i == maxShown {
			shown = append(shown, "…")
			break
		}
		typ = safetext.Line(typ)
		if r := []rune(typ); len(r) > 40 {
			typ = string(r[:40]) + "…"
		}
		shown = append(shown, fmt.Sprintf("%q", typ))
	}
	return "PEM blocks " + strings.Join(shown, ", ")
}

// isPrivateKeyDER reports whether der parses as a private key in any of the
// forms crypto/x509 knows.
func isPrivateKeyDER(der []byte) bool {
	if _, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		return true
	}
	if _, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return true
	}
	if _, err := x509.ParseECPrivateKey(der); err == nil {
		return true
	}
	return false
}
