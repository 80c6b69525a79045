package flow

import "testing"

func TestCertificateFileName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, want string }{
		{"Contoso", "Contoso.cer"},
		{"Contoso Ltd", "Contoso-Ltd.cer"},
		{"Müller GmbH", "M-ller-GmbH.cer"},
		{"東京", "certificate.cer"},
		{"a/b\\c", "a-b-c.cer"},
		{"../etc/passwd", "etc-passwd.cer"},
		{".hidden", "hidden.cer"},
		{"Contoso Ltd.", "Contoso-Ltd.cer"},
		{"-rf", "rf.cer"},
		{"v1.2_prod", "v1.2_prod.cer"},
		{"", "certificate.cer"},
		{"   ", "certificate.cer"},
		{"...", "certificate.cer"},
	} {
		if got := CertificateFileName(tc.name); got != tc.want {
			t.Errorf("CertificateFileName(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestFileNameBaseHasNoExtension(t *testing.T) {
	t.Parallel()
	if got := FileNameBase("Müller GmbH"); got != "M-ller-GmbH" {
		t.Errorf("FileNameBase = %q, want %q", got, "M-ller-GmbH")
	}
}
