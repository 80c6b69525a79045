package sandbox_test

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"testing"
	"time"

	"github.com/xops/xops/entra/sandbox"
)

// An upload the portal would refuse (the admin's file is at fault) is a
// *CertificateRefused; a certificate the app has already is
// ErrAlreadyUploaded, and not a refusal of the file.
func TestUploadErrorsSayWhoseFault(t *testing.T) {
	sb, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	appID, err := sb.RegisterApp("xops")
	if err != nil {
		t.Fatal(err)
	}
	var refused *sandbox.CertificateRefused
	if err := sb.UploadCertificate(appID, []byte("not a certificate")); !errors.As(err, &refused) {
		t.Errorf("garbage: %v, want a CertificateRefused", err)
	}
	key, _ := keys(t)
	cert := selfSigned(t, key, x509.SHA256WithRSA, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
	if err := sb.UploadCertificate(appID, pemBytes); err != nil {
		t.Fatal(err)
	}
	err = sb.UploadCertificate(appID, pemBytes)
	if !errors.Is(err, sandbox.ErrAlreadyUploaded) || errors.As(err, &refused) {
		t.Errorf("second upload: %v, want ErrAlreadyUploaded and not a refusal of the file", err)
	}
}
