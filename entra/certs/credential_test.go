package certs

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

// needOpenSSL returns the openssl binary, skipping the test only when the
// machine has none (.ci/run installs it).
func needOpenSSL(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl is not installed; .ci/run installs it")
	}
	return path
}

// openssl runs the binary and returns its combined output, failing the test
// when it exits non-zero.
func openssl(t *testing.T, bin string, args ...string) string {
	t.Helper()
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// writePEM saves the shared credential's certificate as xops would.
func writePEM(t *testing.T, c *Credential) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "contoso.cer")
	if err := os.WriteFile(path, c.CertificatePEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

var hex40 = regexp.MustCompile(`^[0-9A-F]{40}$`)

func TestThumbprint(t *testing.T) {
	t.Parallel()
	c := shared(t)
	got := Thumbprint(c.Certificate)
	if !hex40.MatchString(got) {
		t.Fatalf("Thumbprint = %q, want 40 uppercase hex digits", got)
	}
	sum := sha1.Sum(c.CertificateDER())
	if want := strings.ToUpper(hex.EncodeToString(sum[:])); got != want {
		t.Errorf("Thumbprint = %s, want SHA-1 of the DER %s", got, want)
	}
	if s := ThumbprintSHA256(c.Certificate); !regexp.MustCompile(`^[0-9A-F]{64}$`).MatchString(s) {
		t.Errorf("ThumbprintSHA256 = %q, want 64 uppercase hex digits", s)
	}
	if Thumbprint(nil) != "" || ThumbprintSHA256(nil) != "" {
		t.Error("thumbprint of a nil certificate is not empty")
	}
}

// fingerprint pulls "XX:YY:…" out of openssl's "SHA1 Fingerprint=XX:YY:…"
// (OpenSSL 3 writes "sha1 Fingerprint=", 1.1 "SHA1").
func fingerprint(t *testing.T, out, algo string) string {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		name, value, ok := strings.Cut(strings.TrimSpace(line), " Fingerprint=")
		if ok && strings.EqualFold(name, algo) {
			return strings.ReplaceAll(value, ":", "")
		}
	}
	t.Fatalf("no %s fingerprint in openssl's output:\n%s", algo, out)
	return ""
}

func TestThumbprintMatchesOpenSSL(t *testing.T) {
	t.Parallel()
	bin := needOpenSSL(t)
	c := shared(t)
	path := writePEM(t, c)

	sha1Out := openssl(t, bin, "x509", "-noout", "-fingerprint", "-sha1", "-in", path)
	if got, want := Thumbprint(c.Certificate), fingerprint(t, sha1Out, "SHA1"); got != want {
		t.Errorf("Thumbprint = %s, openssl says %s", got, want)
	}
	sha256Out := openssl(t, bin, "x509", "-noout", "-fingerprint", "-sha256", "-in", path)
	if got, want := ThumbprintSHA256(c.Certificate), fingerprint(t, sha256Out, "SHA256"); got != want {
		t.Errorf("ThumbprintSHA256 = %s, openssl says %s", got, want)
	}
}

func TestOpenSSLReadsCertificate(t *testing.T) {
	t.Parallel()
	bin := needOpenSSL(t)
	c := shared(t)
	text := openssl(t, bin, "x509", "-noout", "-text", "-in", writePEM(t, c))
	for _, want := range []string{
		"Signature Algorithm: sha256WithRSAEncryption",
		"Public-Key: (2048 bit)",
		"Subject: CN = Contoso Ltd",
		"Issuer: CN = Contoso Ltd",
		"Digital Signature",
		"TLS Web Client Authentication",
		"CA:FALSE",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("openssl x509 -text lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(strings.ToLower(text), "sha1with") {
		t.Errorf("openssl sees a SHA-1 signature:\n%s", text)
	}
	// The DER form is the same certificate.
	derPath := filepath.Join(t.TempDir(), "contoso.der")
	if err := os.WriteFile(derPath, c.CertificateDER(), 0o600); err != nil {
		t.Fatal(err)
	}
	derOut := openssl(t, bin, "x509", "-inform", "DER", "-noout", "-fingerprint", "-sha1", "-in", derPath)
	if got := fingerprint(t, derOut, "SHA1"); got != Thumbprint(c.Certificate) {
		t.Errorf("DER file fingerprint %s, want %s", got, Thumbprint(c.Certificate))
	}
}

const pfxPassword = "correct horse battery staple"

func TestPFXRoundTrip(t *testing.T) {
	t.Parallel()
	c := shared(t)
	pfx, err := c.PFX(pfxPassword)
	if err != nil {
		t.Fatalf("PFX: %v", err)
	}
	key, cert, cas, err := pkcs12.DecodeChain(pfx, pfxPassword)
	if err != nil {
		t.Fatalf("DecodeChain with the password: %v", err)
	}
	if len(cas) != 0 {
		t.Errorf("PFX holds %d CA certificates, want none", len(cas))
	}
	if !bytes.Equal(cert.Raw, c.Certificate.Raw) {
		t.Error("PFX certificate differs from ours")
	}
	rsaKey, ok := key.(*rsa.PrivateKey)
	if !ok || !rsaKey.Equal(c.Key) {
		t.Errorf("PFX key (%T) is not our private key", key)
	}

	if _, _, _, err := pkcs12.DecodeChain(pfx, "wrong password"); !errors.Is(err, pkcs12.ErrIncorrectPassword) {
		t.Errorf("DecodeChain with a wrong password: %v, want ErrIncorrectPassword", err)
	}
	if _, err := c.PFX(""); err == nil || !strings.Contains(err.Error(), "password") {
		t.Errorf("PFX(\"\") = %v, want a refusal naming the password", err)
	}
	// Every PFX is salted: two exports differ but both open.
	again, err := c.PFX(pfxPassword)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(pfx, again) {
		t.Error("two PFX exports are byte-identical: salts are not random")
	}
}

func TestOpenSSLReadsPFX(t *testing.T) {
	t.Parallel()
	bin := needOpenSSL(t)
	c := shared(t)
	pfx, err := c.PFX(pfxPassword)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "contoso.pfx")
	if err := os.WriteFile(path, pfx, 0o600); err != nil {
		t.Fatal(err)
	}
	// OpenSSL 3 reads Modern2023 (PBES2, AES-256-CBC, HMAC-SHA-256) without
	// -legacy, which only old RC2/3DES files would need.
	out := openssl(t, bin, "pkcs12", "-info", "-nokeys", "-in", path, "-passin", "pass:"+pfxPassword)
	for _, want := range []string{"MAC: sha256", "PBES2", "AES-256-CBC"} {
		if !strings.Contains(out, want) {
			t.Errorf("openssl pkcs12 -info lacks %q:\n%s", want, out)
		}
	}
	block, _ := pem.Decode([]byte(out[strings.Index(out, "-----BEGIN CERTIFICATE-----"):]))
	if block == nil || !bytes.Equal(block.Bytes, c.Certificate.Raw) {
		t.Error("the certificate openssl extracts from the PFX is not ours")
	}
	if strings.Contains(out, "PRIVATE KEY") {
		t.Error("openssl printed key material despite -nokeys")
	}

	wrong := exec.Command(bin, "pkcs12", "-info", "-nokeys", "-in", path, "-passin", "pass:wrong")
	if out, err := wrong.CombinedOutput(); err == nil {
		t.Errorf("openssl accepted a wrong PFX password:\n%s", out)
	}
}

func TestParseRoundTrip(t *testing.T) {
	t.Parallel()
	c := shared(t)
	keyDER, err := c.KeyPKCS8()
	if err != nil {
		t.Fatalf("KeyPKCS8: %v", err)
	}
	back, err := Parse(c.CertificateDER(), keyDER)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if !back.Key.Equal(c.Key) || !bytes.Equal(back.Certificate.Raw, c.Certificate.Raw) {
		t.Error("Parse did not give back the same key and certificate")
	}
	if !back.KeyMatches() {
		t.Error("KeyMatches = false after Parse")
	}
	// CertificateDER is a copy: scribbling on it leaves the credential whole.
	der := c.CertificateDER()
	der[0] ^= 0xff
	if c.Certificate.Raw[0] == der[0] {
		t.Error("CertificateDER returned the certificate's own bytes")
	}
}

func TestParseRefusesMismatchAndJunk(t *testing.T) {
	t.Parallel()
	c := shared(t)
	otherKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	otherPKCS8, err := x509.MarshalPKCS8PrivateKey(otherKey)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecPKCS8, err := x509.MarshalPKCS8PrivateKey(ecKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := c.KeyPKCS8()
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name     string
		cert     []byte
		key      []byte
		wantText string
	}{
		{"key of another certificate", c.CertificateDER(), otherPKCS8, "does not belong"},
		{"EC key", c.CertificateDER(), ecPKCS8, "not an RSA key"},
		{"garbage key", c.CertificateDER(), []byte("not a key"), "private key"},
		{"garbage certificate", []byte("not a certificate"), keyDER, "certificate"},
		{"empty", nil, nil, "certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Parse(tt.cert, tt.key)
			if err == nil || got != nil {
				t.Fatalf("Parse = %v, %v; want an error", got, err)
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error %q does not mention %q", err, tt.wantText)
			}
		})
	}

	mixed := &Credential{Certificate: c.Certificate, Key: otherKey}
	if mixed.KeyMatches() {
		t.Error("KeyMatches = true for another key")
	}
	if _, err := mixed.PFX(pfxPassword); err == nil {
		t.Error("PFX of a mismatched pair succeeded")
	}
}

func TestEmptyCredential(t *testing.T) {
	t.Parallel()
	for _, c := range []*Credential{nil, {}} {
		if c.KeyMatches() {
			t.Errorf("KeyMatches on %#v = true", c)
		}
		if c.CertificatePEM() != nil || c.CertificateDER() != nil {
			t.Errorf("certificate bytes from %#v", c)
		}
		if _, err := c.KeyPKCS8(); err == nil {
			t.Errorf("KeyPKCS8 on %#v succeeded", c)
		}
		if _, err := c.PFX(pfxPassword); err == nil {
			t.Errorf("PFX on %#v succeeded", c)
		}
	}
}

func TestCertificatePEM(t *testing.T) {
	t.Parallel()
	c := shared(t)
	p := c.CertificatePEM()
	block, rest := pem.Decode(p)
	if block == nil || block.Type != "CERTIFICATE" || len(bytes.TrimSpace(rest)) != 0 {
		t.Fatalf("CertificatePEM is not one CERTIFICATE block:\n%s", p)
	}
	if !bytes.Equal(block.Bytes, c.Certificate.Raw) {
		t.Error("PEM block is not the certificate's DER")
	}
	if bytes.Contains(p, []byte("PRIVATE")) {
		t.Error("the certificate file mentions a private key")
	}
}

func BenchmarkPFX(b *testing.B) {
	c, err := Generate(context.Background(), Request{KeySize: 2048, Days: 30})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := c.PFX(pfxPassword); err != nil {
			b.Fatal(err)
		}
	}
}

func TestCredentialPrintsNoKey(t *testing.T) {
	t.Parallel()
	c := shared(t)
	d := c.Key.D.Text(16)
	p := c.Key.Primes[0].Text(10)
	keyDER, err := c.KeyPKCS8()
	if err != nil {
		t.Fatal(err)
	}
	keyB64 := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}))[28:60]
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(verb, c)
		if strings.Contains(out, d[:16]) || strings.Contains(out, p[:16]) || strings.Contains(out, keyB64) {
			t.Errorf("%s of a Credential prints key material: %s", verb, out)
		}
		if !strings.Contains(out, Thumbprint(c.Certificate)) {
			t.Errorf("%s of a Credential = %q, want its thumbprint", verb, out)
		}
	}
	if got := fmt.Sprint((*Credential)(nil)); !strings.Contains(got, "empty") {
		t.Errorf("nil Credential prints %q", got)
	}
}
