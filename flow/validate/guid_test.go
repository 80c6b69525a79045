package validate

import (
	"regexp"
	"strings"
	"testing"
)

var canonicalGUID = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

const appGUID = "1b2c3d4e-5f60-4a1b-8c2d-3e4f5a6b7c8d"

func TestGUIDAcceptsWhatPeoplePaste(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		appGUID,
		"  " + appGUID + "\n",
		strings.ToUpper(appGUID),
		"{" + strings.ToUpper(appGUID) + "}",
		"{ " + appGUID + " }",
		"(" + appGUID + ")",
		"urn:uuid:" + appGUID,
		"URN:UUID:" + strings.ToUpper(appGUID),
		`"` + appGUID + `"`,
		`'` + appGUID + `'`,
		"“" + appGUID + "”",
		"`" + appGUID + "`",
		"\u00a0" + appGUID + "\u200b",
		"\ufeff" + appGUID,
		strings.ReplaceAll(appGUID, "-", ""),
		strings.ToUpper(strings.ReplaceAll(appGUID, "-", "")),
	} {
		got, err := GUID("app-id", "App (client) ID", in)
		if err != nil || got != appGUID {
			t.Errorf("GUID(%q) = %q, %v; want %q", in, got, err, appGUID)
		}
	}
}

func TestGUIDRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		says []string
	}{
		{"empty", "", []string{"empty", "Overview"}},
		{"quotes only", `""`, []string{"empty"}},
		{"one short", appGUID[:35], []string{"expected 36 characters like", "got 35", "copy the Application (client) ID again", "Overview page"}},
		{"one long", appGUID + "a", []string{"got 37"}},
		{"two pasted", appGUID + " " + appGUID, []string{"got 73"}},
		{"not hex", "1b2c3d4e-5f60-4a1b-8c2d-3e4f5a6b7c8g", []string{`'g'`, "position 36", "0-9", "a-f"}},
		{"letter o for zero", "1b2c3d4e-5f6o-4a1b-8c2d-3e4f5a6b7c8d", []string{`'o'`, "position 13"}},
		{"non-ASCII", "1b2c3d4e-5f60-4a1b-8c2d-3e4f5a6b7c8é", []string{`'é'`, "position 36"}},
		{"hyphens misplaced", "1b2c3d4e5-f60-4a1b-8c2d-3e4f5a6b7c8d", []string{"hyphens after the 8th, 12th, 16th and 20th digits"}},
		{"32 characters with hyphens", "1b2c3d4e-5f60-4a1b-8c2d-3e4f5a6b", []string{"got 32"}},
		{"all zeros", "00000000-0000-0000-0000-000000000000", []string{"all zeros", "placeholder"}},
		{"email", "admin@contoso.onmicrosoft.com", []string{"email address"}},
		{"domain", "contoso.onmicrosoft.com", []string{"domain name", "Organization ID"}},
		{"client secret", "Xy8Q~abcdefghijklmnopqrstuvwxyz0123456", []string{"client secret", "certificate"}},
		{"escape", appGUID + "\x1b[2J", []string{"escape sequence"}},
		{"control inside", "1b2c3d4e-5f60\x00-4a1b-8c2d-3e4f5a6b7c8d", []string{"control character"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := AppID(tt.in)
			if err == nil {
				t.Fatalf("AppID(%q) = %q, want an error", tt.in, got)
			}
			wantFieldError(t, err, "app-id", "App (client) ID", tt.says...)
		})
	}
}

func TestTenantID(t *testing.T) {
	t.Parallel()
	got, err := TenantID(" {" + strings.ToUpper(appGUID) + "} ")
	if err != nil || got != appGUID {
		t.Errorf("TenantID = %q, %v; want %q", got, err, appGUID)
	}
	_, err = TenantID("72f988bf-86f1-41af-91ab-2d7cd011db4")
	wantFieldError(t, err, "tenant-id", "Directory (tenant) ID", "got 35", "Directory (tenant) ID again", "Overview page")
}

func TestGUIDOtherField(t *testing.T) {
	t.Parallel()
	_, err := GUID("client-id", "Client ID", "nope")
	wantFieldError(t, err, "client-id", "Client ID", "copy it again")
}

func TestIDsDiffer(t *testing.T) {
	t.Parallel()
	const tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	if err := IDsDiffer(appGUID, tenant); err != nil {
		t.Errorf("IDsDiffer of two IDs = %v", err)
	}
	for _, pair := range [][2]string{
		{appGUID, appGUID},
		{appGUID, "{" + strings.ToUpper(appGUID) + "}"},
		{strings.ReplaceAll(appGUID, "-", ""), appGUID},
		{"same junk", " SAME JUNK "},
	} {
		err := IDsDiffer(pair[0], pair[1])
		if err == nil {
			t.Errorf("IDsDiffer(%q, %q) = nil, want an error", pair[0], pair[1])
			continue
		}
		wantFieldError(t, err, "tenant-id", "Directory (tenant) ID", "swapped or duplicated", "Application (client) ID", "Directory (tenant) ID", "Overview page")
	}
	for _, pair := range [][2]string{{"", ""}, {appGUID, ""}, {"", appGUID}} {
		if err := IDsDiffer(pair[0], pair[1]); err != nil {
			t.Errorf("IDsDiffer(%q, %q) = %v; empty values are for AppID/TenantID to refuse", pair[0], pair[1], err)
		}
	}
}
