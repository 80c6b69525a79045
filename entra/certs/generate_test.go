package certs

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"
)

// fixedNow is the clock of the shared credential; not a whole second, so the
// test sees that validity is truncated to what X.509 can encode.
var fixedNow = time.Date(2026, 3, 14, 15, 9, 26, 535897932, time.UTC)

// serialBytes feeds the serial of the shared credential, so the test can tell
// that the serial came from Request.Rand.
var serialBytes = bytes.Repeat([]byte{0xa5}, 16)

// sharedCredential is one 2048-bit credential most tests read, made once:
// key generation is the slow part of this package.
var sharedCredential = sync.OnceValues(func() (*Credential, error) {
	return Generate(context.Background(), Request{
		CommonName: "  Contoso\x1b]0;pwned\x07 Ltd\n ",
		KeySize:    2048,
		Days:       365,
		Now:        fixedNow,
		Rand:       bytes.NewReader(serialBytes),
	})
})

func shared(t testing.TB) *Credential {
	t.Helper()
	c, err := sharedCredential()
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return c
}

func TestGenerateCertificateProperties(t *testing.T) {
	t.Parallel()
	c := shared(t)
	// Judge what a relying party would see: the DER, parsed afresh.
	cert, err := x509.ParseCertificate(c.CertificateDER())
	if err != nil {
		t.Fatalf("parsing the generated DER: %v", err)
	}

	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		t.Fatalf("public key is %T, want *rsa.PublicKey", cert.PublicKey)
	}
	if got := pub.N.BitLen(); got != 2048 {
		t.Errorf("modulus is %d bits, want 2048", got)
	}
	if cert.SignatureAlgorithm != x509.SHA256WithRSA {
		t.Errorf("signature algorithm %v, want SHA256-RSA", cert.SignatureAlgorithm)
	}
	// CheckSignatureFrom would refuse a non-CA parent: check the signature
	// with the certificate's own key directly.
	if err := cert.CheckSignature(cert.SignatureAlgorithm, cert.RawTBSCertificate, cert.Signature); err != nil {
		t.Errorf("not self-signed: %v", err)
	}
	if !bytes.Equal(cert.RawIssuer, cert.RawSubject) {
		t.Errorf("issuer %q differs from subject %q", cert.Issuer, cert.Subject)
	}
	if got, want := cert.Subject.CommonName, "Contoso Ltd"; got != want {
		t.Errorf("subject CN %q, want %q (sanitised, trimmed)", got, want)
	}

	wantSerial := new(big.Int).SetBytes(serialBytes)
	if cert.SerialNumber.Cmp(wantSerial) != 0 {
		t.Errorf("serial %x, want %x drawn from Request.Rand", cert.SerialNumber, wantSerial)
	}
	if cert.SerialNumber.Sign() <= 0 || cert.SerialNumber.BitLen() > 128 {
		t.Errorf("serial %x is not a positive 128-bit number", cert.SerialNumber)
	}

	wantNotBefore := fixedNow.Add(-5 * time.Minute).Truncate(time.Second)
	if !cert.NotBefore.Equal(wantNotBefore) {
		t.Errorf("NotBefore %v, want %v", cert.NotBefore, wantNotBefore)
	}
	wantNotAfter := fixedNow.Truncate(time.Second).AddDate(0, 0, 365)
	if !cert.NotAfter.Equal(wantNotAfter) {
		t.Errorf("NotAfter %v, want %v (365 days from Now)", cert.NotAfter, wantNotAfter)
	}

	if cert.KeyUsage != x509.KeyUsageDigitalSignature {
		t.Errorf("key usage %b, want digitalSignature only", cert.KeyUsage)
	}
	if len(cert.ExtKeyUsage) != 1 || cert.ExtKeyUsage[0] != x509.ExtKeyUsageClientAuth {
		t.Errorf("extended key usage %v, want [clientAuth]", cert.ExtKeyUsage)
	}
	if !cert.BasicConstraintsValid || cert.IsCA {
		t.Errorf("basic constraints valid=%v CA=%v, want present with CA=false", cert.BasicConstraintsValid, cert.IsCA)
	}
	if !c.KeyMatches() {
		t.Error("KeyMatches = false for a fresh credential")
	}
	if c.Key.N.BitLen() != 2048 {
		t.Errorf("private key is %d bits, want 2048", c.Key.N.BitLen())
	}
}

func TestGenerateKeySizesAndDefaults(t *testing.T) {
	t.Parallel()
	for _, size := range []int{3072, 4096} {
		t.Run(big.NewInt(int64(size)).String(), func(t *testing.T) {
			t.Parallel()
			before := time.Now()
			// Zero Now and nil Rand: the clock and crypto/rand.
			c, err := Generate(context.Background(), Request{CommonName: "", KeySize: size, Days: 1})
			if err != nil {
				t.Fatalf("Generate(%d): %v", size, err)
			}
			after := time.Now()
			if got := c.Certificate.PublicKey.(*rsa.PublicKey).N.BitLen(); got != size {
				t.Errorf("modulus is %d bits, want %d", got, size)
			}
			if got := c.Certificate.Subject.CommonName; got != DefaultCommonName {
				t.Errorf("CN %q for an empty name, want %q", got, DefaultCommonName)
			}
			lo := before.Add(-5*time.Minute - time.Second)
			hi := after.Add(-5 * time.Minute)
			if nb := c.Certificate.NotBefore; nb.Before(lo) || nb.After(hi) {
				t.Errorf("NotBefore %v not five minutes before the call (%v…%v)", nb, lo, hi)
			}
			if got := c.Certificate.NotAfter.Sub(c.Certificate.NotBefore); got != 24*time.Hour+5*time.Minute {
				t.Errorf("validity %v, want one day from now (24h5m from NotBefore)", got)
			}
			if !c.KeyMatches() {
				t.Error("KeyMatches = false")
			}
		})
	}
}

func TestGenerateSerialsDiffer(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 64 {
		n, err := randomSerial(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if n.Sign() <= 0 || n.BitLen() > 128 {
			t.Fatalf("serial %x out of range", n)
		}
		if seen[n.String()] {
			t.Fatalf("serial %x drawn twice", n)
		}
		seen[n.String()] = true
	}
	if _, err := randomSerial(bytes.NewReader(make([]byte, 1024))); err == nil {
		t.Error("a reader of zeros gave a serial; want an error")
	}
	if _, err := randomSerial(bytes.NewReader(nil)); err == nil {
		t.Error("an empty reader gave a serial; want an error")
	}
}

func TestGenerateRefusesBadRequests(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		req      Request
		wantText []string
	}{
		{"key 1024", Request{KeySize: 1024, Days: 365}, []string{"1024", "2048", "3072", "4096"}},
		{"key 0", Request{KeySize: 0, Days: 365}, []string{"key size", "choose"}},
		{"key 2049", Request{KeySize: 2049, Days: 365}, []string{"2049"}},
		{"days 0", Request{KeySize: 2048, Days: 0}, []string{"lifetime", "1 to 3650"}},
		{"days negative", Request{KeySize: 2048, Days: -5}, []string{"-5"}},
		{"days 3651", Request{KeySize: 2048, Days: 3651}, []string{"3651", "3650"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := Generate(context.Background(), tt.req)
			if err == nil || c != nil {
				t.Fatalf("Generate(%+v) = %v, %v; want an error", tt.req, c, err)
			}
			for _, want := range tt.wantText {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
		})
	}
}

func TestCommonName(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"Contoso", "Contoso"},
		{"  Fabrikam EU  ", "Fabrikam EU"},
		{"", DefaultCommonName},
		{"\x1b[2J\t\n", DefaultCommonName},
		{"evil\u202etxt", "eviltxt"},
		{strings.Repeat("é", 70), strings.Repeat("é", 64)},
	}
	for _, tt := range tests {
		if got := commonName(tt.in); got != tt.want {
			t.Errorf("commonName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestGenerateAlreadyCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c, err := Generate(ctx, Request{KeySize: 4096, Days: 365})
	if !errors.Is(err, context.Canceled) || c != nil {
		t.Fatalf("Generate on a cancelled context = %v, %v; want nil, context.Canceled", c, err)
	}
}

// TestGenerateCancelWhileGenerating proves that Generate returns on
// cancellation without waiting for the key: the key generator is replaced by
// one that blocks until the test ends, so only a prompt return can pass.
// Not parallel: it swaps newKey, which parallel tests read.
func TestGenerateCancelWhileGenerating(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{})
	saved := newKey
	newKey = func(bits int) (*rsa.PrivateKey, error) {
		close(started)
		<-release
		return nil, errors.New("released")
	}
	t.Cleanup(func() { close(release) })
	defer func() { newKey = saved }()

	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-started
		cancel()
	}()
	c, err := Generate(ctx, Request{KeySize: 4096, Days: 365})
	if !errors.Is(err, context.Canceled) || c != nil {
		t.Fatalf("Generate cancelled mid-way = %v, %v; want nil, context.Canceled", c, err)
	}
}

func TestGenerateDeadline(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	if _, err := Generate(ctx, Request{KeySize: 2048, Days: 1}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Generate after the deadline: %v, want context.DeadlineExceeded", err)
	}
}

func benchmarkGenerate(b *testing.B, size int) {
	req := Request{CommonName: "bench", KeySize: size, Days: 365}
	for b.Loop() {
		if _, err := Generate(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGenerate2048(b *testing.B) { benchmarkGenerate(b, 2048) }
func BenchmarkGenerate3072(b *testing.B) { benchmarkGenerate(b, 3072) }
func BenchmarkGenerate4096(b *testing.B) { benchmarkGenerate(b, 4096) }
