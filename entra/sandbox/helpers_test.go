package sandbox_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xops/xops/entra/sandbox"
)

// Two RSA keys for the whole test binary: key generation is slow.
var (
	keysOnce sync.Once
	keyA     *rsa.PrivateKey
	keyB     *rsa.PrivateKey
)

func keys(t testing.TB) (*rsa.PrivateKey, *rsa.PrivateKey) {
	t.Helper()
	keysOnce.Do(func() {
		var err error
		if keyA, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if keyB, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	return keyA, keyB
}

// selfSigned makes a certificate for key, valid from notBefore to notAfter.
func selfSigned(t testing.TB, key *rsa.PrivateKey, alg x509.SignatureAlgorithm, notBefore, notAfter time.Time) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "test"},
		NotBefore: notBefore, NotAfter: notAfter, SignatureAlgorithm: alg,
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatalf("create certificate: %v", err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func pemOf(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

// world is a started sandbox with one fully set-up app.
type world struct {
	sb    *sandbox.Sandbox
	appID string
	key   *rsa.PrivateKey
	cert  *x509.Certificate
	http  *http.Client
}

func newWorld(t *testing.T) *world {
	t.Helper()
	sb, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	key, _ := keys(t)
	cert := selfSigned(t, key, x509.SHA256WithRSA, time.Now().Add(-time.Hour), time.Now().Add(365*24*time.Hour))
	appID, err := sb.RegisterApp("test app")
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []func(string) error{sb.AddExchangePermission, sb.GrantAdminConsent, sb.AssignGlobalReader} {
		if err := step(appID); err != nil {
			t.Fatal(err)
		}
	}
	if err := sb.UploadCertificate(appID, pemOf(cert)); err != nil {
		t.Fatal(err)
	}
	return &world{sb: sb, appID: appID, key: key, cert: cert, http: sb.HTTPClient()}
}

func (w *world) tokenURL() string {
	return w.sb.URL() + "/" + w.sb.TenantID() + "/oauth2/v2.0/token"
}

// assertion makes a client assertion; edit lets a test break one thing.
type assertion struct {
	header map[string]any
	claims map[string]any
	alg    string // how to sign: PS256, RS256, RS384, PS512, HS256, none
	key    *rsa.PrivateKey
}

func (w *world) goodAssertion() *assertion {
	now := time.Now()
	s256 := sha256.Sum256(w.cert.Raw)
	return &assertion{
		header: map[string]any{"alg": "PS256", "typ": "JWT", "x5t#S256": base64.StdEncoding.EncodeToString(s256[:])},
		claims: map[string]any{
			"aud": w.tokenURL(), "iss": w.appID, "sub": w.appID, "jti": "j-" + now.String(),
			"nbf": now.Unix(), "exp": now.Add(10 * time.Minute).Unix(),
		},
		alg: "PS256", key: w.key,
	}
}

// rs256x5t turns the assertion into the RS256 / SHA-1 x5t (base64url) form.
func (a *assertion) rs256x5t(cert *x509.Certificate) *assertion {
	s1 := sha1.Sum(cert.Raw)
	a.header = map[string]any{"alg": "RS256", "typ": "JWT", "x5t": base64.RawURLEncoding.EncodeToString(s1[:])}
	a.alg = "RS256"
	return a
}

func (a *assertion) sign(t testing.TB) string {
	t.Helper()
	h, _ := json.Marshal(a.header)
	c, _ := json.Marshal(a.claims)
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	sum := sha256.Sum256([]byte(input))
	var sig []byte
	var err error
	switch a.alg {
	case "PS256":
		sig, err = rsa.SignPSS(rand.Reader, a.key, crypto.SHA256, sum[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	case "RS256":
		sig, err = rsa.SignPKCS1v15(rand.Reader, a.key, crypto.SHA256, sum[:])
	case "RS384", "PS512":
		hash := map[string]crypto.Hash{"RS384": crypto.SHA384, "PS512": crypto.SHA512}[a.alg]
		h := hash.New()
		h.Write([]byte(input))
		if a.alg == "RS384" {
			sig, err = rsa.SignPKCS1v15(rand.Reader, a.key, hash, h.Sum(nil))
		} else {
			sig, err = rsa.SignPSS(rand.Reader, a.key, hash, h.Sum(nil), &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
		}
	case "HS256":
		sig = sum[:] // any bytes: the algorithm alone must be refused
	case "none":
		sig = nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// tokenReply is the token endpoint's answer, success or error.
type tokenReply struct {
	status           int
	AccessToken      string `json:"access_token"`
	TokenType        string `json:"token_type"`
	ExpiresIn        int    `json:"expires_in"`
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	ErrorCodes       []int  `json:"error_codes"`
	Timestamp        string `json:"timestamp"`
	TraceID          string `json:"trace_id"`
	CorrelationID    string `json:"correlation_id"`
}

// postToken posts a client-credentials form; form edits override defaults.
func (w *world) postToken(t testing.TB, assertionJWT string, edit func(url.Values)) tokenReply {
	t.Helper()
	f := url.Values{
		"grant_type":            {"client_credentials"},
		"client_id":             {w.appID},
		"scope":                 {w.sb.Endpoints().Exchange + "/.default openid offline_access profile"},
		"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
		"client_assertion":      {assertionJWT},
	}
	if edit != nil {
		edit(f)
	}
	resp, err := w.http.PostForm(w.tokenURL(), f)
	if err != nil {
		t.Fatalf("post token: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var r tokenReply
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("token answer is not JSON: %v: %s", err, body)
	}
	r.status = resp.StatusCode
	return r
}

// claimsOf decodes an access token's payload.
func claimsOf(t testing.TB, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", tok)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func hasString(v any, want string) bool {
	arr, _ := v.([]any)
	for _, x := range arr {
		if x == want {
			return true
		}
	}
	return false
}

func publicOf(key any) any {
	if k, ok := key.(*rsa.PrivateKey); ok {
		return &k.PublicKey
	}
	return nil
}
