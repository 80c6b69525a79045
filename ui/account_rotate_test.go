package ui

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/entra/certs"
	"github.com/xops/xops/entra/sandbox"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/store"
)

// startRotation opens the rotation from the details and makes the new key.
func startRotation(hs *harness) {
	hs.t.Helper()
	hs.keys("enter", "o")
	hs.mustBeOn(flow.PageRotate)
	hs.mustShow("A new key and certificate are made beside the current one")
	hs.keys("enter")
	hs.mustShow("New thumbprint", "Still in use", "-----BEGIN CERTIFICATE-----")
}

func pendingOf(t *testing.T, f *actionFixture, name string) store.Credential {
	t.Helper()
	c, ok := f.account(name).PendingCredential()
	if !ok {
		t.Fatalf("%s has no pending certificate", name)
	}
	return c
}

func TestRotateWholeWay(t *testing.T) {
	t.Parallel()
	f := newActionFixture(t, "global")
	a := f.link("contoso")
	old, _ := a.Active()
	hs := f.harness(80, 24)
	startRotation(hs)
	pending := pendingOf(t, f, "contoso")
	hs.mustShow(pending.Thumbprint, old.Thumbprint)

	// Save the new certificate where the admin says.
	path := filepath.Join(f.dir, "contoso-new.cer")
	hs.keys("e")
	if !hs.m.page().Capturing() {
		t.Fatal("the path does not capture keys while edited")
	}
	hs.clearField()
	hs.typeText(path)
	hs.keys("enter")
	hs.mustShow("✓ Saved")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil || certs.Thumbprint(cert) != pending.Thumbprint {
		t.Fatalf("saved certificate: %v", err)
	}
	hs.keys("c")
	if hs.clipboard() != string(b) {
		t.Fatal("c did not copy the new certificate")
	}

	hs.keys("enter") // upload
	hs.mustShow("Upload the new certificate", pending.Thumbprint, "Certificates & secrets")

	// Verified before the upload: fails, nothing removed, back to the upload.
	hs.keys("enter")
	hs.mustBeOn(flow.PageRotate)
	hs.mustShow("Verify “contoso”", "✗")
	hs.keys("enter")
	hs.mustShow("Entra does not accept the new certificate yet", "Upload the new certificate")
	if got := f.account("contoso"); len(got.Credentials) != 2 {
		t.Fatalf("credentials after a failed verification: %+v", got.Credentials)
	}

	f.entra.upload(pending.Thumbprint)
	hs.keys("enter") // verify again
	hs.keys("enter") // continue with the result
	hs.mustShow("✓ The new certificate passed every check", "Delete the old certificate in Entra too", old.Thumbprint)
	if got := f.account("contoso"); len(got.Credentials) != 2 {
		t.Fatal("the old certificate went before the admin confirmed")
	}
	hs.keys("y")
	hs.mustShow("✓ Rotated", "Remember to delete the old certificate", old.Thumbprint)
	// A marked paragraph wraps under its text, past the "! ".
	hs.mustShow("│   (" + old.Thumbprint + ")")
	got := f.account("contoso")
	if c, ok := got.Active(); !ok || c.Thumbprint != pending.Thumbprint || len(got.Credentials) != 1 {
		t.Fatalf("after the rotation: %+v", got.Credentials)
	}
	if _, err := f.st.Key(old.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("old key still stored: %v", err)
	}
	hs.keys("enter")
	hs.mustBeOn(flow.PageAccount)
	hs.mustShow(pending.Thumbprint)
	hs.mustNotShow(old.Thumbprint)
}

func TestRotateLeftMidWayKeepsBothAndResumes(t *testing.T) {
	t.Parallel()
	f := newActionFixture(t, "global")
	a := f.link("contoso")
	old, _ := a.Active()
	hs := f.harness(80, 24)
	startRotation(hs)
	pending := pendingOf(t, f, "contoso")
	hs.keys("esc")
	hs.mustBeOn(flow.PageAccount)
	hs.mustShow("Rotation paused", "New, pending", "A rotation is under way")
	if c, _ := f.account("contoso").Active(); c.Thumbprint != old.Thumbprint {
		t.Fatal("leaving the rotation changed the active certificate")
	}
	if !strings.Contains(hs.helpBar(), "o resume the rotation") {
		t.Fatalf("help bar: %q", hs.helpBar())
	}
	// The old one still works.
	hs.keys("v")
	hs.keys("enter")
	hs.mustShow("contoso  ✓ verified")

	// Resumed: the same pending certificate, no second key.
	hs.keys("o")
	hs.mustShow("New thumbprint", pending.Thumbprint)
	if got := f.account("contoso"); len(got.Credentials) != 2 {
		t.Fatalf("resuming made another key: %+v", got.Credentials)
	}
	// tab away mid-verification: nothing changes either.
	hs.keys("enter", "enter", "tab")
	hs.mustBeOn(flow.PageIntegrations)
	if got := f.account("contoso"); len(got.Credentials) != 2 {
		t.Fatalf("leaving by tab: %+v", got.Credentials)
	}

	// Cancel drops the new key only.
	hs.keys("shift+tab", "enter", "o", "x", "y")
	hs.mustShow("Rotation cancelled")
	got := f.account("contoso")
	if c, ok := got.Active(); !ok || c.Thumbprint != old.Thumbprint || len(got.Credentials) != 1 {
		t.Fatalf("after cancel: %+v", got.Credentials)
	}
	if _, err := f.st.Key(pending.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the dropped key is still stored: %v", err)
	}
}

func TestRotateNotNowKeepsBoth(t *testing.T) {
	t.Parallel()
	f := newActionFixture(t, "global")
	f.link("contoso")
	hs := f.harness(80, 24)
	startRotation(hs)
	f.entra.upload(pendingOf(t, f, "contoso").Thumbprint)
	hs.keys("enter", "enter", "enter") // upload, verify, continue
	hs.mustShow("passed every check")
	hs.keys("n")
	hs.mustBeOn(flow.PageAccount)
	hs.mustShow("Both certificates kept")
	if got := f.account("contoso"); len(got.Credentials) != 2 {
		t.Fatalf("n removed a certificate: %+v", got.Credentials)
	}
}

func TestRotateInTheSandboxUploadsWithAKey(t *testing.T) {
	t.Parallel()
	f := newActionFixture(t, "global")
	a := f.link("contoso")
	var gotApp string
	upload := func(appID string, certPEM []byte) error {
		blk, _ := pem.Decode(certPEM)
		cert, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return err
		}
		gotApp = appID
		f.entra.upload(certs.Thumbprint(cert))
		return nil
	}
	hs := newHarness(t, Deps{Store: f.st, Service: f.svc, Now: func() time.Time { return testNow },
		VerifyAutoRetry: -1, SandboxUpload: upload}, 80, 24)
	startRotation(hs)
	hs.keys("enter")
	if !strings.Contains(hs.helpBar(), "u upload in the sandbox") {
		t.Fatalf("help bar: %q", hs.helpBar())
	}
	hs.keys("u")
	hs.mustShow("Uploaded to the sandbox's app")
	if gotApp != a.AppID {
		t.Fatalf("uploaded to app %q", gotApp)
	}
	// Done: the page says so, and u is no longer offered (a second upload
	// is refused by the sandbox as a duplicate).
	hs.mustShow("✓ Uploaded to the sandbox's app")
	if strings.Contains(hs.helpBar(), "upload in the sandbox") {
		t.Fatalf("the help bar still offers the upload after it was done: %q", hs.helpBar())
	}
	gotApp = ""
	hs.keys("u")
	if gotApp != "" {
		t.Fatal("u uploaded a second time")
	}
	hs.keys("enter", "enter", "y")
	hs.mustShow("✓ Rotated")
}

// TestRotateSandboxUploadAlreadyThere: a rotation resumed after its upload
// in the sandbox: u finds the certificate on the app already, and the page
// says it is uploaded (not a refusal), offering verification instead of u.
func TestRotateSandboxUploadAlreadyThere(t *testing.T) {
	t.Parallel()
	f := newActionFixture(t, "global")
	f.link("contoso")
	calls := 0
	upload := func(string, []byte) error {
		calls++
		return fmt.Errorf("sandbox: upload certificate: %w", sandbox.ErrAlreadyUploaded)
	}
	hs := newHarness(t, Deps{Store: f.st, Service: f.svc, Now: func() time.Time { return testNow },
		VerifyAutoRetry: -1, SandboxUpload: upload}, 80, 24)
	startRotation(hs)
	hs.keys("enter", "u")
	hs.mustShow("✓ Uploaded to the sandbox's app", "already on the sandbox's app")
	hs.mustNotShow("refused")
	hs.keys("u")
	if calls != 1 || strings.Contains(hs.helpBar(), "upload in the sandbox") {
		t.Fatalf("after the upload was found done: %d uploads, help bar %q", calls, hs.helpBar())
	}
}

// Home's help says what o does on an account mid-rotation, as the
// account's page does: it resumes, it does not start another.
func TestHomeHelpSaysOResumesARotation(t *testing.T) {
	t.Parallel()
	f := newActionFixture(t, "global")
	f.link("contoso")
	hs := f.harness(80, 24)
	startRotation(hs)
	hs.keys("esc")
	hs.mustBeOn(flow.PageAccount)
	hs.keys("esc")
	hs.mustBeOn(flow.PageHome)
	hs.keys("?")
	hs.mustShow("rotation under way", "o resume the rotation")
}

// The rotation's thumbprints start in one column, to be compared by eye:
// "New thumbprint" is a cell longer than the account page's labels, and
// "Still in use" (and "File") sat one column left of it.
func TestRotateThumbprintsLineUp(t *testing.T) {
	t.Parallel()
	f := newActionFixture(t, "global")
	a := f.link("contoso")
	old, _ := a.Active()
	hs := f.harness(80, 24)
	startRotation(hs)
	pending := pendingOf(t, f, "contoso")
	col := func(v, label, value string) int {
		for _, l := range strings.Split(v, "\n") {
			if i := strings.Index(l, label); i >= 0 {
				if j := strings.Index(l, value); j > i {
					return len([]rune(l[:j]))
				}
			}
		}
		t.Fatalf("no %q line with %s:\n%s", label, value, v)
		return -1
	}
	v := hs.view()
	if n, o := col(v, "New thumbprint", pending.Thumbprint), col(v, "Still in use", old.Thumbprint); n != o {
		t.Errorf("new thumbprint at column %d, the one in use at %d:\n%s", n, o, v)
	}
}

// x asks before cancelling, and says a certificate already uploaded stays
// in Entra; n keeps the rotation as it was.
func TestRotateCancelAsksFirst(t *testing.T) {
	t.Parallel()
	f := newActionFixture(t, "global")
	f.link("contoso")
	hs := f.harness(80, 24)
	startRotation(hs)
	pending := pendingOf(t, f, "contoso")
	hs.keys("x")
	hs.mustShow("Cancel the rotation?", "stays there", "Certificates & secrets")
	if !strings.Contains(hs.helpBar(), "y cancel the rotation") {
		t.Fatalf("help bar: %q", hs.helpBar())
	}
	if got := f.account("contoso"); len(got.Credentials) != 2 {
		t.Fatalf("x cancelled without asking: %+v", got.Credentials)
	}
	hs.keys("n")
	hs.mustNotShow("Cancel the rotation?")
	hs.mustShow(pending.Thumbprint)
	if got := f.account("contoso"); len(got.Credentials) != 2 {
		t.Fatalf("n cancelled: %+v", got.Credentials)
	}
	hs.keys("enter", "x", "y") // from the upload page too
	hs.mustShow("Rotation cancelled")
	if got := f.account("contoso"); len(got.Credentials) != 1 {
		t.Fatalf("y did not cancel: %+v", got.Credentials)
	}
}

// The upload page does not send the admin looking for a file that was
// never saved: it says so, and s saves it from there.
func TestRotateUploadBeforeSavingSaysNoFile(t *testing.T) {
	t.Parallel()
	f := newActionFixture(t, "global")
	f.link("contoso")
	hs := f.harness(80, 40)
	startRotation(hs)
	hs.mustShow("not saved yet: s saves")
	hs.keys("enter")
	hs.mustShow("Upload the new certificate", "not saved yet: s saves", "pick the new certificate's")
	hs.mustNotShow("xops saved")
	path := filepath.Join(f.dir, "contoso-new.cer")
	hs.keys("e")
	hs.clearField()
	hs.typeText(path)
	hs.keys("enter")
	hs.mustNotShow("not saved yet")
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("s on the upload page did not save: %v", err)
	}
	hs.mustShow("pick the .cer file xops")
}

// A new certificate that Entra accepts but that fails a later check (here
// admin consent) is not an upload problem: the rotation says which step to
// fix, not "check the upload".
func TestRotateVerifyFailureNamesTheStep(t *testing.T) {
	t.Parallel()
	f := newActionFixture(t, "global")
	f.link("contoso")
	hs := f.harness(80, 40)
	startRotation(hs)
	pending := pendingOf(t, f, "contoso")
	f.entra.upload(pending.Thumbprint)
	f.entra.setFailure(entra.CheckExchangePermission, entra.StepGrantAdminConsent)
	hs.keys("enter") // upload page
	hs.keys("enter") // verify
	hs.mustShow("Verify “contoso”", "✗")
	hs.keys("enter") // continue with the result
	hs.mustShow("Upload the new certificate", "✗ The new certificate is accepted, but verification failed at",
		"step 3 (Grant admin consent): fix that step in Entra")
	hs.mustNotShow("check the upload")

	// Not uploaded after all: then it is the upload.
	f.entra.setFailure("", "")
	f.entra.mu.Lock()
	delete(f.entra.uploaded, pending.Thumbprint)
	f.entra.mu.Unlock()
	hs.keys("enter", "enter")
	hs.mustShow("✗ Entra does not accept the new certificate yet: check step 6", "(Upload the certificate) and the thumbprint")
}

// The file path wears the "›" of a field being typed in only while it is
// (e); otherwise it reads as a value, as the export form's other fields do.
func TestRotatePathMarkedOnlyWhileEdited(t *testing.T) {
	t.Parallel()
	f := newActionFixture(t, "global")
	f.link("contoso")
	hs := f.harness(80, 40)
	startRotation(hs)
	hs.mustShow("  ./contoso-new.cer")
	hs.mustNotShow("› ./contoso-new.cer")
	hs.keys("e")
	hs.mustShow("› ./contoso-new.cer")
	hs.keys("esc")
	hs.mustNotShow("› ./contoso-new.cer")
	hs.keys("enter") // the upload page shows the unsaved path too
	hs.mustShow("Upload the new certificate", "  ./contoso-new.cer")
	hs.mustNotShow("› ./contoso-new.cer")
}

// The rotation's first page promises only what holds for every account:
// the current certificate stays until the new one passes. "Keeps working"
// was untrue for an account whose certificate never passed verification.
func TestRotateIntroPromisesOnlyWhatHolds(t *testing.T) {
	t.Parallel()
	f := newActionFixture(t, "global")
	f.link("contoso")
	hs := f.harness(80, 40)
	hs.keys("enter", "o")
	hs.mustBeOn(flow.PageRotate)
	hs.mustShow("current one stays in place until the new one is uploaded")
	hs.mustNotShow("keeps working")
}
