package validate

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"
)

// DNS limits (RFC 1035).
const (
	maxDomainLength = 253
	maxLabelLength  = 63
)

// initialDomainSuffixes end the initial domain Microsoft gives every tenant,
// in each cloud: contoso.onmicrosoft.com, contoso.onmicrosoft.us (US
// Government), contoso.partner.onmschina.cn or contoso.onmschina.cn (21Vianet).
var initialDomainSuffixes = []string{
	".onmicrosoft.com", ".onmicrosoft.us", ".partner.onmschina.cn", ".onmschina.cn",
}

// Organization checks an Organization ID and returns it as a lower-case
// domain name (a trailing dot dropped). It must be a valid DNS name of at least
// two labels. Pasted email addresses and URLs are refused with the part to
// take from them. A domain that is not a tenant's initial domain
// (*.onmicrosoft.com and its national-cloud twins) is allowed with a warning:
// a verified custom domain works, but the initial domain is what Exchange
// Online expects.
func Organization(s string) (domain string, warning string, err error) {
	fail := func(format string, args ...any) (string, string, error) {
		return "", "", fieldError(FieldOrganization, LabelOrganization, fmt.Sprintf(format, args...))
	}

	d := strings.TrimFunc(s, isWrapping)
	if d == "" {
		return fail("is empty: enter the tenant's initial domain, like contoso.onmicrosoft.com (Entra admin center → Domain names)")
	}
	if msg := problem(d); msg != "" {
		return fail("%s", msg)
	}
	d = strings.ToLower(d)

	if strings.Contains(d, "://") {
		host := ""
		if u, err := url.Parse(d); err == nil && checkDomain(u.Hostname()) == "" {
			host = fmt.Sprintf(" (this one names %q)", u.Hostname())
		}
		return fail("is a web address: enter only a domain name, without https:// or a path%s — the tenant's initial domain, like contoso.onmicrosoft.com", host)
	}
	if at := strings.LastIndex(d, "@"); at >= 0 {
		if after := strings.TrimSuffix(d[at+1:], "."); checkDomain(after) == "" {
			return fail("looks like an email address: enter only the part after @, here %q — ideally the tenant's initial domain, like contoso.onmicrosoft.com", after)
		}
		return fail("looks like an email address: enter only a domain name, like contoso.onmicrosoft.com")
	}
	switch {
	case strings.ContainsAny(d, `/\`):
		return fail("contains a path: enter only the domain name, like contoso.onmicrosoft.com")
	case strings.Contains(d, ":"):
		return fail("contains %q: enter only the domain name, without a port or scheme", ":")
	case strings.Contains(d, " "):
		return fail("contains a space: a domain name has none, remove it")
	}
	d = strings.TrimSuffix(d, ".")
	if _, err := netip.ParseAddr(d); err == nil {
		return fail("is an IP address: enter the tenant's domain name instead, like contoso.onmicrosoft.com")
	}
	if _, err := GUID("", "", d); err == nil {
		return fail("looks like an ID (a GUID), not a domain name: enter the tenant's initial domain, like contoso.onmicrosoft.com, from Entra admin center → Domain names")
	}
	if !strings.Contains(d, ".") && checkLabel(d) == "" {
		return fail("needs at least two parts separated by dots: did you mean %s.onmicrosoft.com?", d)
	}
	if msg := checkDomain(d); msg != "" {
		return fail("%s", msg)
	}
	for _, suffix := range initialDomainSuffixes {
		if d == suffix[1:] || d == "mail"+suffix {
			return fail("is missing the tenant's own part: the initial domain looks like contoso%s", suffix)
		}
	}
	return d, domainWarning(d), nil
}

// checkDomain returns what is wrong with a lower-case domain name, or "".
func checkDomain(d string) string {
	if len(d) > maxDomainLength {
		return fmt.Sprintf("is %d characters long, more than the %d a domain name may have: check what was pasted", len(d), maxDomainLength)
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return "needs at least two parts separated by dots, like contoso.onmicrosoft.com"
	}
	for _, label := range labels {
		if msg := checkLabel(label); msg != "" {
			return msg
		}
	}
	if tld := labels[len(labels)-1]; strings.Trim(tld, "0123456789") == "" {
		return fmt.Sprintf("ends in %q, all digits, which no domain name does: enter a domain like contoso.onmicrosoft.com", tld)
	}
	return ""
}

// checkLabel returns what is wrong with one lower-case label, or "".
func checkLabel(label string) string {
	if label == "" {
		return "has an empty part (two dots in a row, or a dot at the start): remove the extra dot"
	}
	for _, r := range label {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-':
		case r > 0x7f:
			return fmt.Sprintf("contains %q: enter the domain in its ASCII form (xn--…), as Entra lists it under Domain names", r)
		default:
			return fmt.Sprintf("contains %q: a domain name holds only letters, digits, hyphens and dots", r)
		}
	}
	if len(label) > maxLabelLength {
		return fmt.Sprintf("has a part of %d characters, more than the %d allowed between two dots: check what was pasted", len(label), maxLabelLength)
	}
	if label[0] == '-' || label[len(label)-1] == '-' {
		return fmt.Sprintf("has the part %q, which starts or ends with a hyphen: a domain name does not allow that", label)
	}
	return ""
}

// domainWarning says when a valid domain is probably not what Exchange Online
// wants as the organization, or returns "".
func domainWarning(d string) string {
	for _, suffix := range initialDomainSuffixes {
		if tenant, ok := strings.CutSuffix(d, suffix); ok {
			if !strings.Contains(tenant, ".") {
				return ""
			}
			if first, rest, _ := strings.Cut(tenant, "."); rest == "mail" {
				return fmt.Sprintf("%s is the tenant's mail routing domain, not its initial domain: the Organization ID is normally %s%s", d, first, suffix)
			}
			return fmt.Sprintf("%s is not a tenant's initial domain, which has one part before %s: check Entra admin center → Domain names", d, suffix)
		}
	}
	return fmt.Sprintf("%s is a custom domain, not the tenant's initial domain (like contoso.onmicrosoft.com): Exchange Online expects the initial domain, listed in Entra admin center → Domain names; a custom domain works only if it is verified in this tenant", d)
}
