package sandbox_test

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xops/xops/entra/sandbox"
)

// fakeClock is a sandbox clock a test moves by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// A certificate uploaded while valid and expired since is refused as Entra
// refuses it: AADSTS700027 with the reason "The key used is expired" and the
// key's dates, not as a certificate that was never uploaded.
func TestTokenRefusesAnExpiredUploadedCertificate(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Now()}
	sb, err := sandbox.New(sandbox.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	key, _ := keys(t)
	start := clock.Now().Add(-time.Hour).Truncate(time.Second)
	end := clock.Now().Add(time.Hour).Truncate(time.Second)
	cert := selfSigned(t, key, x509.SHA256WithRSA, start, end)
	appID, err := sb.RegisterApp("short-lived")
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.UploadCertificate(appID, pemOf(cert)); err != nil {
		t.Fatal(err)
	}
	w := &world{sb: sb, appID: appID, key: key, cert: cert, http: sb.HTTPClient()}

	// An assertion made at the sandbox's time: only the key's age is wrong.
	at := func() *assertion {
		a := w.goodAssertion()
		now := clock.Now()
		a.claims["nbf"], a.claims["exp"] = now.Unix(), now.Add(10*time.Minute).Unix()
		return a
	}
	if r := w.postToken(t, at().sign(t), nil); r.status != 200 {
		t.Fatalf("while the certificate is valid: %d %s", r.status, r.ErrorDescription)
	}
	clock.advance(2 * time.Hour)
	r := w.postToken(t, at().sign(t), nil)
	if r.status != 401 || r.Error != "invalid_client" || len(r.ErrorCodes) != 1 || r.ErrorCodes[0] != 700027 {
		t.Fatalf("after the certificate expired: %d %s %v %s", r.status, r.Error, r.ErrorCodes, r.ErrorDescription)
	}
	want := fmt.Sprintf("[Reason - The key used is expired., Thumbprint of key used by client: '%X', Found key 'Start=%s, End=%s'",
		sha256.Sum256(cert.Raw), start.UTC().Format("01/02/2006 15:04:05"), end.UTC().Format("01/02/2006 15:04:05"))
	if !strings.Contains(r.ErrorDescription, want) {
		t.Errorf("description %q\nlacks %q", r.ErrorDescription, want)
	}
}

// Each AADSTS700027 says why, in Entra's words: a key the app does not have,
// or a key it has whose signature does not verify.
func TestTokenSignatureRefusalsNameTheReason(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	_, otherKey := keys(t)
	otherCert := selfSigned(t, otherKey, x509.SHA256WithRSA, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	unknown := w.goodAssertion()
	s256 := sha256.Sum256(otherCert.Raw)
	unknown.header["x5t#S256"], unknown.key = base64.StdEncoding.EncodeToString(s256[:]), otherKey
	forged := w.goodAssertion()
	forged.key = otherKey
	for name, tc := range map[string]struct {
		a    *assertion
		want []string
	}{
		"not uploaded": {unknown, []string{
			"The certificate with identifier used to sign the client assertion is not registered on application.",
			fmt.Sprintf("[Reason - The key was not found., Thumbprint of key used by client: '%X'", s256),
			"configured keys for app Id '" + w.appID + "'",
		}},
		"wrong key": {forged, []string{
			"Client assertion contains an invalid signature.",
			"[Reason - The provided signature value did not match the expected signature value.",
			"Found key 'Start=",
		}},
	} {
		r := w.postToken(t, tc.a.sign(t), nil)
		if len(r.ErrorCodes) != 1 || r.ErrorCodes[0] != 700027 {
			t.Errorf("%s: codes %v, want AADSTS700027 (%s)", name, r.ErrorCodes, r.ErrorDescription)
			continue
		}
		for _, s := range tc.want {
			if !strings.Contains(r.ErrorDescription, s) {
				t.Errorf("%s: description %q\nlacks %q", name, r.ErrorDescription, s)
			}
		}
	}
}
