package certs

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"
	"testing"
)

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func TestParseCertificateAccepts(t *testing.T) {
	t.Parallel()
	c := shared(t)
	der := c.CertificateDER()
	certPEM := c.CertificatePEM()
	tests := []struct {
		name string
		data []byte
	}{
		{"PEM", certPEM},
		{"PEM with CRLF line ends", bytes.ReplaceAll(certPEM, []byte("\n"), []byte("\r\n"))},
		{"PEM with text around it (openssl x509 -text output)", append(append([]byte("Certificate:\n    Data: ...\n"), certPEM...), "trailer\n"...)},
		{"PEM with surrounding blank lines", append(append([]byte("\n\n  "), certPEM...), "\n\n"...)},
		{"PEM then a second certificate", append(append([]byte{}, certPEM...), certPEM...)},
		{"old X509 CERTIFICATE block", pemBlock("X509 CERTIFICATE", der)},
		{"DER", der},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cert, err := ParseCertificate(tt.data)
			if err != nil {
				t.Fatalf("ParseCertificate: %v", err)
			}
			if !bytes.Equal(cert.Raw, der) {
				t.Error("parsed certificate is not ours")
			}
		})
	}
}

func TestParseCertificateRefuses(t *testing.T) {
	t.Parallel()
	c := shared(t)
	keyDER, err := c.KeyPKCS8()
	if err != nil {
		t.Fatal(err)
	}
	pkcs1 := x509.MarshalPKCS1PrivateKey(c.Key)
	pubDER, err := x509.MarshalPKIXPublicKey(&c.Key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	csr, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "x"}}, c.Key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := c.CertificatePEM()
	truncated := certPEM[:len(certPEM)/2]
	damaged := pemBlock("CERTIFICATE", c.CertificateDER()[:100])

	tests := []struct {
		name     string
		data     []byte
		wantErr  error    // when set, errors.Is must hold
		wantText []string // the message must say these (what is wrong, what to do)
	}{
		{"nil", nil, nil, []string{"empty", ".cer"}},
		{"white space only", []byte(" \n\t\r\n"), nil, []string{"empty"}},
		{"PKCS8 key PEM", pemBlock("PRIVATE KEY", keyDER), ErrPrivateKey, []string{"private key", "never", "certificate"}},
		{"PKCS1 key PEM", pemBlock("RSA PRIVATE KEY", pkcs1), ErrPrivateKey, nil},
		{"encrypted key PEM", pemBlock("ENCRYPTED PRIVATE KEY", []byte{1, 2, 3}), ErrPrivateKey, nil},
		{"certificate and key in one file", append(append([]byte{}, certPEM...), pemBlock("PRIVATE KEY", keyDER)...), ErrPrivateKey, nil},
		{"key and certificate in one file", append(pemBlock("RSA PRIVATE KEY", pkcs1), certPEM...), ErrPrivateKey, nil},
		{"PKCS8 key DER", keyDER, ErrPrivateKey, nil},
		{"PKCS1 key DER", pkcs1, ErrPrivateKey, nil},
		{"CSR", pemBlock("CERTIFICATE REQUEST", csr), nil, []string{"certificate request", ".cer"}},
		{"public key", pemBlock("PUBLIC KEY", pubDER), nil, []string{"public key", "certificate"}},
		{"other PEM", pemBlock("X509 CRL", []byte{1}), nil, []string{"no certificate", `"X509 CRL"`}},
		{"truncated PEM", truncated, nil, []string{"PEM", "again"}},
		{"damaged certificate block", damaged, nil, []string{"damaged", "again"}},
		{"text", []byte("hello, this is not a certificate"), nil, []string{"not a certificate", "-----BEGIN CERTIFICATE-----"}},
		{"binary junk", []byte{0x30, 0x82, 0xff, 0xff, 0x00}, nil, []string{"not a certificate"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cert, err := ParseCertificate(tt.data)
			if err == nil || cert != nil {
				t.Fatalf("ParseCertificate = %v, %v; want an error", cert, err)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("error %q is not %q", err, tt.wantErr)
			}
			for _, want := range tt.wantText {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
			// The message never quotes key material.
			if bytes.Contains([]byte(err.Error()), []byte("MII")) {
				t.Errorf("error quotes the file's content: %q", err)
			}
		})
	}
}

func TestParseCertificateHostileBlockType(t *testing.T) {
	t.Parallel()
	data := []byte("-----BEGIN EVIL\x1b]52;c;cHduZWQ=\x07-----\nAAAA\n-----END EVIL\x1b]52;c;cHduZWQ=\x07-----\n")
	_, err := ParseCertificate(data)
	if err == nil {
		t.Fatal("a hostile PEM block was accepted")
	}
	if strings.ContainsAny(err.Error(), "\x1b\x07") {
		t.Errorf("error carries terminal controls from the file: %q", err)
	}
}

func TestParseCertificateNonRSA(t *testing.T) {
	t.Parallel()
	// ParseCertificate reads any certificate; a caller that needs RSA (as
	// Entra does) checks the key type itself, and can say so.
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "ec"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ParseCertificate(pemBlock("CERTIFICATE", der))
	if err != nil {
		t.Fatalf("ParseCertificate of an ECDSA certificate: %v", err)
	}
	if _, isRSA := cert.PublicKey.(*rsa.PublicKey); isRSA {
		t.Error("ECDSA certificate came back with an RSA key")
	}
}

func FuzzParseCertificate(f *testing.F) {
	c, err := sharedCredential()
	if err != nil {
		f.Fatal(err)
	}
	keyDER, err := c.KeyPKCS8()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(c.CertificatePEM())
	f.Add(c.CertificateDER())
	f.Add(pemBlock("PRIVATE KEY", keyDER))
	f.Add([]byte("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"))
	f.Add([]byte(""))
	f.Add([]byte{0x30, 0x03, 0x02, 0x01, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		cert, err := ParseCertificate(data)
		if (err == nil) == (cert == nil) {
			t.Fatalf("ParseCertificate = %v, %v: want exactly one of them", cert, err)
		}
		if err != nil && strings.ContainsAny(err.Error(), "\x1b\x07\u009b") {
			t.Fatalf("error carries terminal controls: %q", err)
		}
		if cert != nil {
			// Whatever was accepted must round-trip as the PEM xops writes.
			again, err := ParseCertificate(pemBlock("CERTIFICATE", cert.Raw))
			if err != nil || !bytes.Equal(again.Raw, cert.Raw) {
				t.Fatalf("accepted certificate does not re-parse from PEM: %v", err)
			}
		}
	})
}

func TestParseCertificateDERHoldingPEMMarker(t *testing.T) {
	t.Parallel()
	// A DER certificate whose subject holds "-----BEGIN" is still DER.
	key := shared(t).Key
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(9), Subject: pkix.Name{CommonName: "-----BEGIN CERTIFICATE-----"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ParseCertificate(der)
	if err != nil || !bytes.Equal(cert.Raw, der) {
		t.Fatalf("ParseCertificate of DER holding a PEM marker: %v", err)
	}
}
