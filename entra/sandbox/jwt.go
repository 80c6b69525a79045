package sandbox

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	_ "crypto/sha512" // SHA-384 and SHA-512 for RS384/RS512/PS384/PS512
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// jwtParts is a compact JWS split into its decoded header and claims, with
// the signing input and signature kept for verification.
type jwtParts struct {
	Header       map[string]any
	Claims       map[string]any
	SigningInput string
	Signature    []byte
}

// parseJWT splits and decodes a compact JWS without verifying it.
func parseJWT(token string) (*jwtParts, error) {
	segs := strings.Split(token, ".")
	if len(segs) != 3 {
		return nil, fmt.Errorf("a JWT has three dot-separated parts, this one has %d", len(segs))
	}
	var p jwtParts
	if err := decodeSegment(segs[0], &p.Header); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	if err := decodeSegment(segs[1], &p.Claims); err != nil {
		return nil, fmt.Errorf("claims: %w", err)
	}
	sig, err := base64.RawURLEncoding.DecodeString(segs[2])
	if err != nil {
		return nil, fmt.Errorf("signature: %w", err)
	}
	p.SigningInput = segs[0] + "." + segs[1]
	p.Signature = sig
	return &p, nil
}

// decodeSegment decodes one base64url JSON segment, keeping numbers exact.
func decodeSegment(seg string, dst *map[string]any) error {
	raw, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return fmt.Errorf("not base64url: %w", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if err := dec.Decode(dst); err != nil {
		return fmt.Errorf("not a JSON object: %w", err)
	}
	return nil
}

// rsaAlgs are the JWS algorithms Entra takes for a client assertion: RSA
// with SHA-256, -384 or -512, PKCS #1 v1.5 (RS) or PSS (PS).
var rsaAlgs = map[string]struct {
	hash crypto.Hash
	pss  bool
}{
	"RS256": {crypto.SHA256, false}, "RS384": {crypto.SHA384, false}, "RS512": {crypto.SHA512, false},
	"PS256": {crypto.SHA256, true}, "PS384": {crypto.SHA384, true}, "PS512": {crypto.SHA512, true},
}

// verifyRSA checks the signature for one of rsaAlgs; other algorithms fail.
func (p *jwtParts) verifyRSA(alg string, pub *rsa.PublicKey) error {
	a, ok := rsaAlgs[alg]
	if !ok {
		return fmt.Errorf("algorithm %q is not accepted", alg)
	}
	h := a.hash.New()
	h.Write([]byte(p.SigningInput))
	sum := h.Sum(nil)
	if a.pss {
		return rsa.VerifyPSS(pub, a.hash, sum, p.Signature, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto})
	}
	return rsa.VerifyPKCS1v15(pub, a.hash, sum, p.Signature)
}

// stringClaim returns a string claim or "".
func (p *jwtParts) stringClaim(name string) string {
	s, _ := p.Claims[name].(string)
	return s
}

// numericClaim returns a NumericDate claim in Unix seconds.
func (p *jwtParts) numericClaim(name string) (int64, bool) {
	n, ok := p.Claims[name].(json.Number)
	if !ok {
		return 0, false
	}
	if i, err := n.Int64(); err == nil {
		return i, true
	}
	f, err := n.Float64()
	if err != nil {
		return 0, false
	}
	return int64(f), true
}

// signRS256 makes a compact JWS signed with RS256, as Entra signs its tokens.
func signRS256(key *rsa.PrivateKey, header, claims map[string]any) (string, error) {
	h, err := json.Marshal(header)
	if err != nil {
		return "", fmt.Errorf("encode header: %w", err)
	}
	c, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("encode claims: %w", err)
	}
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("sign: %w", err)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// errNoThumbprint means the assertion's header names no certificate.
var errNoThumbprint = errors.New("no certificate thumbprint in the header")

// headerThumbprint reads x5t#S256 (SHA-256) or x5t (SHA-1) from the header.
// MSAL writes standard base64 with padding although RFC 7515 says base64url;
// Entra takes both, and so do we.
func (p *jwtParts) headerThumbprint() (sum []byte, sha256Sum bool, err error) {
	for _, k := range []string{"x5t#S256", "x5t"} {
		v, ok := p.Header[k].(string)
		if !ok || v == "" {
			continue
		}
		b, err := decodeAnyBase64(v)
		if err != nil {
			return nil, false, fmt.Errorf("header %s is not base64: %w", k, err)
		}
		return b, k == "x5t#S256", nil
	}
	return nil, false, errNoThumbprint
}

// decodeAnyBase64 accepts standard or URL alphabets, padded or not.
func decodeAnyBase64(s string) ([]byte, error) {
	s = strings.TrimRight(s, "=")
	s = strings.NewReplacer("+", "-", "/", "_").Replace(s)
	return base64.RawURLEncoding.DecodeString(s)
}
