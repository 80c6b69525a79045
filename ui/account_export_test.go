package ui

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	pkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/xops/xops/flow"
)

// openExport opens the export page of the first account from Home and
// moves the cursor to option n (0: PEM, 1: DER, 2: PFX, 3: copy).
func openExport(hs *harness, n int) {
	hs.t.Helper()
	hs.keys("e")
	hs.mustBeOn(flow.PageExport)
	for range n {
		hs.keys("down")
	}
}

func TestExportPEMToAFileNeverOverwritesWithoutAsking(t *testing.T) {
	t.Parallel()
	f := newActionFixture(t, "global")
	a := f.link("contoso")
	c, _ := a.Active()
	hs := f.harness(80, 24)
	openExport(hs, 0)
	hs.keys("enter")
	hs.mustShow("File (written with mode 0600)", "./contoso.cer")
	if !hs.m.page().Capturing() {
		t.Fatal("the path field does not capture keys")
	}
	path := filepath.Join(f.dir, "contoso.cer")
	hs.clearField()
	hs.keys("enter")
	hs.mustShow("✗ File: empty")
	hs.typeText(path)
	hs.keys("enter")
	hs.mustShow("✓ Written, mode 0600:")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "CERTIFICATE" {
		t.Fatalf("not a PEM certificate: %q", b)
	}
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil || cert.NotAfter.UTC() != c.NotAfter {
		t.Fatalf("certificate: %v", err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode().Perm())
	}
	if strings.Contains(string(b), "PRIVATE") {
		t.Fatal("the certificate export holds the key")
	}

	// Again to the same file: asked first; n keeps it.
	hs.keys("enter")
	hs.mustBeOn(flow.PageHome)
	if err := os.WriteFile(path, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	openExport(hs, 1) // DER
	hs.keys("enter")
	hs.clearField()
	hs.typeText(path)
	hs.keys("enter")
	hs.mustShow("already exists. Replace it?")
	hs.keys("n")
	if b, _ := os.ReadFile(path); string(b) != "keep me" {
		t.Fatal("the file was replaced without a yes")
	}
	hs.keys("enter", "y")
	hs.mustShow("✓ Written")
	b, _ = os.ReadFile(path)
	if _, err := x509.ParseCertificate(b); err != nil {
		t.Fatalf("DER export: %v", err)
	}
}

func TestExportPFXAsksThePasswordTwiceAndGivesThePowerShellLine(t *testing.T) {
	t.Parallel()
	f := newActionFixture(t, "usgov")
	f.link("contoso")
	hs := f.harness(80, 24)
	openExport(hs, 2)
	hs.keys("enter")
	hs.mustShow("PFX password", "The same password again", "./contoso.pfx")
	path := filepath.Join(f.dir, "contoso.pfx")
	hs.keys("shift+tab") // from the password up to the prefilled path
	hs.clearField()
	hs.typeText(path)
	hs.keys("tab", "tab", "enter") // no password
	hs.mustShow("✗ PFX password: empty")
	hs.typeText("s3cret-one")
	hs.keys("tab")
	hs.typeText("s3cret-two")
	hs.keys("enter")
	hs.mustShow("✗ PFX password: the two passwords differ")
	hs.mustNotShow("s3cret")
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("a PFX was written after a refused password: %v", err)
	}
	hs.keys("shift+tab")
	hs.clearField()
	hs.typeText("s3cret-one")
	hs.keys("tab")
	hs.typeText("s3cret-one")
	hs.mustShow("••••")
	hs.mustNotShow("s3cret")
	hs.keys("enter")
	hs.mustShow("✓ Written, mode 0600:", "Connect from PowerShell", "Connect-ExchangeOnline -AppId",
		"-ExchangeEnvironmentName", "O365USGovGCCHigh")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := pkcs12.Decode(b, "s3cret-one"); err != nil {
		t.Fatalf("PFX with its password: %v", err)
	}
	if _, _, err := pkcs12.Decode(b, "wrong"); err == nil {
		t.Fatal("PFX opens with a wrong password")
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode().Perm())
	}
	hs.keys("c")
	if got := hs.clipboard(); !strings.HasPrefix(got, "Connect-ExchangeOnline -AppId 8f3c2a51") || !strings.Contains(got, path) {
		t.Fatalf("clipboard: %q", got)
	}
	if p := hs.m.transient.(*exportScreen); p.fields[fieldPassword].Value() != "" || p.fields[fieldAgain].Value() != "" {
		t.Fatal("the password stays in memory after the export")
	}
}

func TestExportCopiesThePEMWithOSC52(t *testing.T) {
	t.Parallel()
	f := newActionFixture(t, "global")
	f.link("contoso")
	hs := f.harness(80, 24)
	openExport(hs, 3)
	hs.mustShow("some terminals ignore it")
	hs.keys("enter")
	got := hs.clipboard()
	if !strings.HasPrefix(got, "-----BEGIN CERTIFICATE-----") || strings.Contains(got, "PRIVATE") {
		t.Fatalf("clipboard: %q", got)
	}
	hs.mustShow("OSC 52", "some terminals ignore it")
}

// The PFX form's help bar shows shift+tab, which goes back between the two
// password fields, at the smallest supported size too.
func TestExportPFXHelpShowsShiftTab(t *testing.T) {
	t.Parallel()
	for _, size := range [][2]int{{80, 24}, {60, 16}} {
		f := newActionFixture(t, "global")
		f.link("contoso")
		hs := f.harness(size[0], size[1])
		openExport(hs, 2)
		hs.keys("enter")
		hs.mustShow("PFX password")
		if bar := hs.helpBar(); !strings.Contains(bar, "shift+tab") || !strings.Contains(bar, "tab next field") {
			t.Errorf("%dx%d help bar: %q", size[0], size[1], bar)
		}
	}
}

// TestExportPFXTypingStartsInThePassword: the PFX form opens with the path
// filled in and the cursor in the password, so a password typed straight
// away goes there (masked), not onto the end of the file name (seen:
// "Contoso.pfxpw1"); shift+tab reaches the path, which is marked while it
// is edited.
func TestExportPFXTypingStartsInThePassword(t *testing.T) {
	t.Parallel()
	f := newActionFixture(t, "global")
	f.link("contoso")
	hs := f.harness(80, 24)
	openExport(hs, 2)
	hs.keys("enter")
	hs.typeText("pw1")
	p := hs.m.transient.(*exportScreen)
	if got := p.fields[fieldPath].Value(); got != "./contoso.pfx" {
		t.Fatalf("typing on the new PFX form changed the path to %q", got)
	}
	if got := p.fields[fieldPassword].Value(); got != "pw1" {
		t.Fatalf("the password field holds %q, want what was typed", got)
	}
	hs.mustShow("  ./contoso.pfx", "› •••")
	hs.mustNotShow("pw1", "› ./contoso.pfx")
	if bar := hs.helpBar(); !strings.Contains(bar, "enter next") {
		t.Errorf("help bar: %q", bar)
	}
	hs.keys("shift+tab")
	hs.mustShow("› ./contoso.pfx")
	if p.focus != fieldPath {
		t.Fatalf("shift+tab from the password: focus %d, want the path", p.focus)
	}
	// The certificate forms have the path only: it has the cursor.
	hs.keys("esc", "up", "up")
	hs.keys("enter")
	hs.mustShow("› ./contoso.cer")
	if p.focus != fieldPath {
		t.Fatalf("the PEM form: focus %d, want the path", p.focus)
	}
}
