package entra

import (
	"fmt"
	"time"

	"github.com/xops/xops/entra/certs"
)

// expiryWarning is how long before expiry a passing certificate earns a warning.
const expiryWarning = 30 * 24 * time.Hour

// checkCertificateLocal looks at the stored key pair before anything is sent:
// the key must belong to the certificate, and the certificate must be valid now.
func checkCertificateLocal(cred *certs.Credential, now time.Time) CheckResult {
	const id = CheckCertificateLocal
	rotate := "make a new key and certificate (xops accounts rotate NAME), then upload the new certificate on the app"
	if cred == nil || cred.Certificate == nil || cred.Key == nil {
		return failed(id, StepGenerateKey, "no key pair is stored for this account", rotate)
	}
	if !cred.KeyMatches() {
		return failed(id, StepGenerateKey, "the stored private key does not belong to the stored certificate", rotate)
	}
	c := cred.Certificate
	thumb := certs.Thumbprint(c)
	if now.Before(c.NotBefore) {
		return failed(id, StepGenerateKey,
			fmt.Sprintf("the certificate %s is not valid before %s, and this machine's clock says %s", thumb, stamp(c.NotBefore), stamp(now)),
			"check this machine's clock; if it is right, "+rotate)
	}
	if !now.Before(c.NotAfter) {
		return failed(id, StepGenerateKey,
			fmt.Sprintf("the certificate %s expired on %s", thumb, stamp(c.NotAfter)), rotate)
	}
	r := passed(id, fmt.Sprintf("key matches certificate %s, valid until %s", thumb, stamp(c.NotAfter)))
	if left := c.NotAfter.Sub(now); left <= expiryWarning {
		days := int(left.Hours() / 24)
		r.Warning = fmt.Sprintf("the certificate expires in %d days (%s): rotate it soon", days, stamp(c.NotAfter))
	}
	return r
}

// stamp formats a time for a message.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }
