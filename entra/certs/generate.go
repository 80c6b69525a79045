// Package certs makes the RSA key pair and self-signed certificate an Entra
// app registration authenticates with, and turns them into what the admin
// needs: the public certificate (PEM or DER) to upload, its thumbprint to
// compare with the portal's, and a password-protected PFX for PowerShell.
package certs

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xops/xops/internal/safetext"
)

// Limits of a Request.
const (
	MinDays = 1
	MaxDays = 3650

	// DefaultCommonName is the subject CN when the friendly name leaves
	// nothing printable.
	DefaultCommonName = "xops"

	// backdate is how far NotBefore lies before Now, so a server whose clock
	// runs a little behind still accepts a certificate made this minute.
	backdate = 5 * time.Minute

	// maxCommonName is ub-common-name of RFC 5280, in characters.
	maxCommonName = 64
)

// KeySizes are the RSA key sizes xops makes, smallest first. Entra accepts
// RSA only and recommends 2048 bits.
var KeySizes = []int{2048, 3072, 4096}

// Request says what certificate to make.
type Request struct {
	CommonName string    // from the friendly name
	KeySize    int       // 2048, 3072 or 4096
	Days       int       // certificate lifetime
	Now        time.Time // zero → time.Now()
	Rand       io.Reader // nil → crypto/rand.Reader (for the serial; RSA keygen may ignore it)
}

// Credential is a certificate and its private key.
type Credential struct {
	Certificate *x509.Certificate
	Key         *rsa.PrivateKey
}

// Generate makes an RSA key of req.KeySize bits and a self-signed certificate
// for it: SHA-256 with RSA, a random 128-bit serial, subject CN from
// req.CommonName, valid from five minutes before req.Now for req.Days days,
// key usage digitalSignature, extended key usage clientAuth, not a CA.
//
// RSA key generation cannot be interrupted: when ctx is done first, Generate
// returns ctx.Err() at once and the abandoned key is left to the garbage
// collector when its goroutine finishes.
func Generate(ctx context.Context, req Request) (*Credential, error) {
	if err := checkRequest(req); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	now := req.Now
	if now.IsZero() {
		now = time.Now()
	}
	random := req.Rand
	if random == nil {
		random = rand.Reader
	}
	// The serial is drawn before the key so that a caller's reader is never
	// read from a goroutine that may outlive this call.
	serial, err := randomSerial(random)
	if err != nil {
		return nil, err
	}

	type result struct {
		key *rsa.PrivateKey
		err error
	}
	done := make(chan result, 1) // buffered: an abandoned goroutine must not block
	gen := newKey
	go func() {
		key, err := gen(req.KeySize)
		done <- result{key, err}
	}()
	var key *rsa.PrivateKey
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case r := <-done:
		if r.err != nil {
			return nil, fmt.Errorf("generating a %d-bit RSA key: %w", req.KeySize, r.err)
		}
		key = r.key
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	notBefore := now.UTC().Add(-backdate).Truncate(time.Second)
	template := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: commonName(req.CommonName)},
		NotBefore:             notBefore,
		NotAfter:              notBefore.Add(backdate + time.Duration(req.Days)*24*time.Hour),
		SignatureAlgorithm:    x509.SHA256WithRSA,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true,
		IsCA:                  false,
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("signing the certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("reading back the new certificate: %w", err)
	}
	return &Credential{Certificate: cert, Key: key}, nil
}

// newKey makes the RSA key. Since Go 1.26 crypto/rsa ignores the reader it is
// given and always uses crypto/rand, so Request.Rand is not passed here. A
// variable so a test can stand in a generator that blocks, to prove that
// cancellation does not wait for it.
var newKey = func(bits int) (*rsa.PrivateKey, error) {
	return rsa.GenerateKey(rand.Reader, bits)
}

// checkRequest refuses a key size or lifetime xops does not make.
func checkRequest(req Request) error {
	if !validKeySize(req.KeySize) {
		return fmt.Errorf("key size %d bits is not offered: choose 2048 (recommended), 3072 or 4096", req.KeySize)
	}
	if req.Days < MinDays || req.Days > MaxDays {
		return fmt.Errorf("certificate lifetime %d days is out of range: choose %d to %d days (365 is usual)", req.Days, MinDays, MaxDays)
	}
	return nil
}

// validKeySize does not read KeySizes, so a caller that changes that slice
// cannot change what Generate accepts.
func validKeySize(n int) bool {
	return n == 2048 || n == 3072 || n == 4096
}

// serialLimit is 2^128: serials are positive and fit in 128 bits.
var serialLimit = new(big.Int).Lsh(big.NewInt(1), 128)

// randomSerial draws a serial in [1, 2^128). Zero has odds of 2^-128 per
// draw, so a few zeros in a row mean a broken source, not bad luck.
func randomSerial(random io.Reader) (*big.Int, error) {
	for range 4 {
		n, err := rand.Int(random, serialLimit)
		if err != nil {
			return nil, fmt.Errorf("drawing a certificate serial number: %w", err)
		}
		if n.Sign() > 0 {
			return n, nil
		}
	}
	return nil, errors.New("drawing a certificate serial number: the random source returns only zeros")
}

// commonName makes a friendly name fit for a certificate subject: no control
// characters or escape sequences (the CN is shown by portals and tools), at
// most 64 characters, never empty.
func commonName(name string) string {
	cn := strings.TrimSpace(safetext.Line(name))
	if utf8.RuneCountInString(cn) > maxCommonName {
		cn = strings.TrimSpace(string([]rune(cn)[:maxCommonName]))
	}
	if cn == "" {
		return DefaultCommonName
	}
	return cn
}

// errNoCredential is returned by methods called on an incomplete Credential.
var errNoCredential = errors.New("no certificate and key: generate or load the credential first")
