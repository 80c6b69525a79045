package validate

import (
	"strings"
	"testing"
)

func TestOrganizationAccepts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		warns    []string // empty: no warning
	}{
		{"contoso.onmicrosoft.com", "contoso.onmicrosoft.com", nil},
		{"  Contoso.OnMicrosoft.COM  ", "contoso.onmicrosoft.com", nil},
		{"contoso.onmicrosoft.com.", "contoso.onmicrosoft.com", nil},
		{`"contoso.onmicrosoft.com"`, "contoso.onmicrosoft.com", nil},
		{"contoso-eu2.onmicrosoft.us", "contoso-eu2.onmicrosoft.us", nil},
		{"contoso.partner.onmschina.cn", "contoso.partner.onmschina.cn", nil},
		{"contoso.onmschina.cn", "contoso.onmschina.cn", nil},
		{"xn--mller-kva.onmicrosoft.com", "xn--mller-kva.onmicrosoft.com", nil},
		{"contoso.com", "contoso.com", []string{"custom domain", "initial domain", "Domain names", "verified"}},
		{"mail.contoso.co.uk", "mail.contoso.co.uk", []string{"custom domain"}},
		{"contoso.mail.onmicrosoft.com", "contoso.mail.onmicrosoft.com", []string{"mail routing domain", "contoso.onmicrosoft.com"}},
		{"a.b.onmicrosoft.com", "a.b.onmicrosoft.com", []string{"not a tenant's initial domain"}},
		{strings.Repeat("a", 63) + ".com", strings.Repeat("a", 63) + ".com", []string{"custom domain"}},
	}
	for _, tt := range tests {
		got, warning, err := Organization(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Organization(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			continue
		}
		if len(tt.warns) == 0 && warning != "" {
			t.Errorf("Organization(%q) warns %q, want no warning", tt.in, warning)
		}
		if len(tt.warns) > 0 && warning == "" {
			t.Errorf("Organization(%q) gives no warning", tt.in)
		}
		for _, s := range tt.warns {
			if !strings.Contains(warning, s) {
				t.Errorf("Organization(%q) warning %q does not say %q", tt.in, warning, s)
			}
		}
	}
}

func TestOrganizationRefuses(t *testing.T) {
	t.Parallel()
	// 11 + 4×61 + 3 = 258 characters, every label valid: only the total is too long.
	long := strings.Repeat("b", 10) + "." + strings.Repeat(strings.Repeat("a", 60)+".", 4) + "com"
	tests := []struct {
		name string
		in   string
		says []string
	}{
		{"empty", "", []string{"empty", "contoso.onmicrosoft.com", "Domain names"}},
		{"email", "admin@Contoso.onmicrosoft.com", []string{"email address", "after @", `"contoso.onmicrosoft.com"`}},
		{"email, bad domain", "admin@", []string{"email address", "domain name"}},
		{"URL", "https://contoso.sharepoint.com/sites/x", []string{"web address", "https://", `"contoso.sharepoint.com"`}},
		{"URL of the portal", "https://entra.microsoft.com/#view/x", []string{"web address", "contoso.onmicrosoft.com"}},
		{"path", "contoso.onmicrosoft.com/admin", []string{"path", "domain name"}},
		{"port", "contoso.com:443", []string{"port"}},
		{"space", "contoso onmicrosoft.com", []string{"space"}},
		{"one label", "contoso", []string{"two parts", "contoso.onmicrosoft.com?"}},
		{"empty label", "contoso..com", []string{"empty part", "extra dot"}},
		{"leading dot", ".contoso.com", []string{"empty part"}},
		{"two trailing dots", "contoso.com..", []string{"empty part"}},
		{"underscore", "con_toso.com", []string{`'_'`, "letters, digits, hyphens"}},
		{"non-ASCII", "müller.com", []string{`'ü'`, "xn--"}},
		{"leading hyphen", "-contoso.com", []string{`"-contoso"`, "hyphen"}},
		{"trailing hyphen", "contoso-.com", []string{"hyphen"}},
		{"label too long", strings.Repeat("a", 64) + ".com", []string{"64 characters", "63"}},
		{"name too long", long, []string{"characters long", "253"}},
		{"numeric TLD", "contoso.123", []string{`"123"`, "all digits"}},
		{"IPv4", "10.0.0.1", []string{"IP address"}},
		{"IPv6", "2001:db8::1", []string{":"}},
		{"only the suffix", "onmicrosoft.com", []string{"tenant's own part", "contoso.onmicrosoft.com"}},
		{"only the mail suffix", "mail.onmicrosoft.com", []string{"tenant's own part"}},
		{"China suffix only", "partner.onmschina.cn", []string{"tenant's own part"}},
		{"escape", "contoso.com\x1b]52;c;eA==\x07", []string{"escape sequence"}},
		{"bidi", "contoso\u202e.com", []string{"U+202E"}},
		{"GUID pasted", appGUID, []string{"looks like an ID", "contoso.onmicrosoft.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, warning, err := Organization(tt.in)
			if err == nil {
				t.Fatalf("Organization(%q) = %q (%q), want an error", tt.in, got, warning)
			}
			if got != "" || warning != "" {
				t.Errorf("Organization(%q) returned %q, %q with its error", tt.in, got, warning)
			}
			wantFieldError(t, err, "org", "Organization ID", tt.says...)
		})
	}
}
