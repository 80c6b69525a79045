package validate

import (
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/xops/xops/internal/safetext"
)

// checkRefusal fails t unless err is a *FieldError for field with a message.
func checkRefusal(t *testing.T, err error, field string) {
	t.Helper()
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != field || fe.Message == "" || fe.Label == "" {
		t.Fatalf("refusal %#v is not a complete FieldError on %q", err, field)
	}
}

func FuzzName(f *testing.F) {
	for _, s := range []string{"contoso", "  x  ", "", "a\x1b[31mb", "日本語", "\u202e", "\xff", "a\tb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, err := Name(s)
		if err != nil {
			checkRefusal(t, err, FieldName)
			if name != "" {
				t.Fatalf("Name(%q) returned %q with an error", s, name)
			}
			return
		}
		again, err := Name(name)
		if err != nil || again != name {
			t.Fatalf("Name(%q) = %q, which re-validates to %q, %v", s, name, again, err)
		}
		if n := utf8.RuneCountInString(name); n < MinNameLength || n > MaxNameLength {
			t.Fatalf("Name(%q) = %q of %d characters", s, name, n)
		}
		if safetext.HasControl(name) || safetext.Line(name) != name {
			t.Fatalf("Name(%q) = %q, which holds what safetext removes", s, name)
		}
	})
}

func FuzzGUID(f *testing.F) {
	for _, s := range []string{appGUID, "{" + appGUID + "}", "urn:uuid:" + appGUID, "", "x", "1b2c3d4e5f604a1b8c2d3e4f5a6b7c8d", `"` + appGUID + `"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g, err := GUID(FieldAppID, LabelAppID, s)
		if err != nil {
			checkRefusal(t, err, FieldAppID)
			return
		}
		if !canonicalGUID.MatchString(g) {
			t.Fatalf("GUID(%q) = %q, not canonical", s, g)
		}
		again, err := GUID(FieldAppID, LabelAppID, g)
		if err != nil || again != g {
			t.Fatalf("GUID(%q) = %q, which re-validates to %q, %v", s, g, again, err)
		}
		if err := IDsDiffer(s, g); err == nil {
			t.Fatalf("IDsDiffer(%q, %q) = nil for the same ID", s, g)
		}
	})
}

func FuzzOrganization(f *testing.F) {
	for _, s := range []string{"contoso.onmicrosoft.com", "Contoso.COM.", "a@b.c", "https://x.y/z", "", "..", "xn--mller-kva.de", "a.mail.onmicrosoft.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, warning, err := Organization(s)
		if err != nil {
			checkRefusal(t, err, FieldOrganization)
			if d != "" || warning != "" {
				t.Fatalf("Organization(%q) returned %q, %q with an error", s, d, warning)
			}
			return
		}
		again, againWarning, err := Organization(d)
		if err != nil || again != d || againWarning != warning {
			t.Fatalf("Organization(%q) = %q (%q), which re-validates to %q (%q), %v", s, d, warning, again, againWarning, err)
		}
		if len(d) > maxDomainLength || safetext.HasControl(d) {
			t.Fatalf("Organization(%q) = %q: too long or holds controls", s, d)
		}
		for _, r := range d {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
				t.Fatalf("Organization(%q) = %q holds %q", s, d, r)
			}
		}
	})
}
