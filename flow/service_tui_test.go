package flow_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/store"
)

func TestConnectLineForEveryCloud(t *testing.T) {
	t.Parallel()
	for cloud, env := range map[string]string{"global": "", "": "", "usgov": "O365USGovGCCHigh", "usgovdod": "O365USGovDoD", "china": "O365China"} {
		a := store.Account{AppID: "8f3c2a51-6d0e-4b7a-9c1f-2e4d5a6b7c81", Organization: "contoso.onmicrosoft.com", Cloud: cloud}
		line := flow.ConnectLine(a, "/tmp/it's.pfx")
		want := "Connect-ExchangeOnline -AppId 8f3c2a51-6d0e-4b7a-9c1f-2e4d5a6b7c81 -Organization contoso.onmicrosoft.com " +
			"-CertificateFilePath '/tmp/it''s.pfx' -CertificatePassword (Read-Host -AsSecureString -Prompt 'PFX password')"
		if env != "" {
			want += " -ExchangeEnvironmentName " + env
		}
		if line != want {
			t.Errorf("cloud %q:\n got %s\nwant %s", cloud, line, want)
		}
	}
}

func TestExportToFileAsksBeforeReplacing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.link(t, "contoso")
	path := filepath.Join(t.TempDir(), "c.cer")
	if err := os.WriteFile(path, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.ExportToFile("contoso", flow.FormatPEM, "", path, false); !errors.Is(err, flow.ErrFileExists) {
		t.Fatalf("err = %v, want ErrFileExists", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "keep" {
		t.Fatal("replaced without overwrite")
	}
	abs, err := f.svc.ExportToFile("contoso", flow.FormatPEM, "", path, true)
	if err != nil || abs != path {
		t.Fatalf("overwrite: %q %v", abs, err)
	}
	b, _ := os.ReadFile(path)
	fi, _ := os.Stat(path)
	if !strings.HasPrefix(string(b), "-----BEGIN CERTIFICATE-----") || fi.Mode().Perm() != 0o600 {
		t.Fatalf("written %q mode %v", b, fi.Mode().Perm())
	}
	if _, err := f.svc.ExportToFile("contoso", flow.FormatPEM, "", filepath.Dir(path), true); err == nil || !strings.Contains(err.Error(), "is a folder") {
		t.Fatalf("a folder as the path: %v", err)
	}
	if _, err := f.svc.ExportToFile("contoso", flow.FormatPFX, "", filepath.Join(filepath.Dir(path), "k.pfx"), false); err == nil {
		t.Fatal("a PFX without a password was written")
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(path), "k.pfx")); !os.IsNotExist(err) {
		t.Fatal("a refused PFX left a file")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".xops-export-") {
			t.Fatalf("temporary file left behind: %s", e.Name())
		}
	}
}

func TestVerifyPendingRecordsNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.link(t, "contoso")
	if _, err := f.svc.VerifyPending(t.Context(), "contoso", nil); !errors.Is(err, flow.ErrNoRotation) {
		t.Fatalf("without a rotation: %v", err)
	}
	if _, _, err := f.svc.StartRotation(t.Context(), "contoso", 2048, 30); err != nil {
		t.Fatal(err)
	}
	before, _ := f.svc.Account("contoso")
	pending, _ := before.PendingCredential()
	r, err := f.svc.VerifyPending(t.Context(), "contoso", nil)
	if err != nil || !r.OK {
		t.Fatalf("VerifyPending: %+v %v", r, err)
	}
	if got := f.ver.gotCreds[len(f.ver.gotCreds)-1].Certificate.NotAfter; !got.Equal(pending.NotAfter) {
		t.Fatal("verified a credential other than the pending one")
	}
	after, _ := f.svc.Account("contoso")
	if after.Status != before.Status || len(after.Credentials) != 2 || !after.LastVerified.Equal(before.LastVerified) {
		t.Fatalf("VerifyPending changed the account: %+v", after)
	}
	pem, c, err := f.svc.PendingCertificate("contoso")
	if err != nil || c.ID != pending.ID || !strings.HasPrefix(string(pem), "-----BEGIN CERTIFICATE-----") {
		t.Fatalf("PendingCertificate: %v", err)
	}
}
