package validate

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// exampleGUID shows the expected shape in messages.
const exampleGUID = "1b2c3d4e-5f60-4a1b-8c2d-3e4f5a6b7c8d"

// AppID checks an Application (client) ID: GUID with the app-id field.
func AppID(s string) (string, error) {
	return GUID(FieldAppID, LabelAppID, s)
}

// TenantID checks a Directory (tenant) ID: GUID with the tenant-id field.
func TenantID(s string) (string, error) {
	return GUID(FieldTenantID, LabelTenantID, s)
}

// GUID checks a GUID for the given field and returns it in canonical form:
// lower case, 8-4-4-4-12. It accepts what people paste: surrounding space and
// quotes, braces or parentheses, "urn:uuid:", upper case, and the 32 digits
// without hyphens.
func GUID(field, label, s string) (string, error) {
	fail := func(format string, args ...any) (string, error) {
		return "", fieldError(field, label, fmt.Sprintf(format, args...)+" — "+whereToCopy(field))
	}

	g := unwrapGUID(s)
	if g == "" {
		return fail("is empty")
	}
	if msg := problem(g); msg != "" {
		return "", fieldError(field, label, msg)
	}
	g = strings.ToLower(g)
	switch {
	case strings.Contains(g, "@"):
		return fail("looks like an email address, not an ID")
	case strings.Contains(g, "~"):
		return fail("looks like a client secret, not an ID (xops signs in with a certificate and needs no secret)")
	case strings.Contains(g, "."):
		return fail("looks like a domain name, not an ID (the domain goes in %s)", LabelOrganization)
	}
	switch n := utf8.RuneCountInString(g); {
	case n == 32 && len(g) == 32 && !strings.Contains(g, "-"):
		// The 32 digits without hyphens ("N" format): add them.
		g = g[:8] + "-" + g[8:12] + "-" + g[12:16] + "-" + g[16:20] + "-" + g[20:]
	case n != 36:
		return fail("expected 36 characters like %s, got %d", exampleGUID, n)
	}
	pos := 0
	for _, r := range g {
		pos++
		if r != '-' && !isHexDigit(r) {
			return fail("has %q at position %d, but an ID holds only the digits 0-9, the letters a-f and hyphens", r, pos)
		}
	}
	for i := 0; i < len(g); i++ {
		if hyphen := i == 8 || i == 13 || i == 18 || i == 23; hyphen != (g[i] == '-') {
			return fail("expected hyphens after the 8th, 12th, 16th and 20th digits, like %s", exampleGUID)
		}
	}
	if strings.Trim(g, "0-") == "" {
		return fail("is all zeros, a placeholder rather than a real ID")
	}
	return g, nil
}

// unwrapGUID strips what commonly surrounds a pasted GUID.
func unwrapGUID(s string) string {
	g := strings.TrimFunc(s, isWrapping)
	if len(g) >= 9 && strings.EqualFold(g[:9], "urn:uuid:") {
		g = strings.TrimFunc(g[9:], isWrapping)
	}
	for _, pair := range []string{"{}", "()", "[]"} {
		if len(g) >= 2 && g[0] == pair[0] && g[len(g)-1] == pair[1] {
			g = strings.TrimFunc(g[1:len(g)-1], isWrapping)
		}
	}
	return g
}

// isWrapping reports whether r is space, a quote or an invisible character a
// copy from a web page or a document leaves around a value.
func isWrapping(r rune) bool {
	switch r {
	case '"', '\'', '`', '‘', '’', '“', '”', '«', '»', '\u200b', '\ufeff', '\u200e', '\u200f':
		return true
	}
	return unicode.IsSpace(r)
}

func isHexDigit(r rune) bool {
	return (r >= '0' && r <= '9') || (r >= 'a' && r <= 'f')
}

// whereToCopy says where in the Entra admin center the value of field is.
func whereToCopy(field string) string {
	switch field {
	case FieldAppID:
		return "copy the Application (client) ID again from the app registration's Overview page"
	case FieldTenantID:
		return "copy the Directory (tenant) ID again from the app registration's Overview page"
	}
	return "copy it again from where you found it"
}

// IDsDiffer refuses an App ID equal to the Tenant ID: two different values
// sit side by side on the app's Overview page, so the same value twice means
// one was pasted into both fields. Empty values are left to AppID and TenantID.
func IDsDiffer(appID, tenantID string) error {
	a, t := canonicalOrRaw(appID), canonicalOrRaw(tenantID)
	if a == "" || t == "" || a != t {
		return nil
	}
	return fieldError(FieldTenantID, LabelTenantID,
		"is the same as the "+LabelAppID+", so the two look swapped or duplicated — on the app registration's Overview page "+
			"copy the Application (client) ID into "+LabelAppID+" and the Directory (tenant) ID into "+LabelTenantID)
}

// canonicalOrRaw returns the canonical form of a GUID, or of anything else the
// lower-cased unwrapped text, so that differently pasted copies compare equal.
func canonicalOrRaw(s string) string {
	if g, err := GUID("", "", s); err == nil {
		return g
	}
	return strings.ToLower(unwrapGUID(s))
}
