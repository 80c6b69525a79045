package entra

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Endpoints are the hosts one verification talks to: a cloud's, possibly with
// overrides for private clouds and test rigs.
type Endpoints struct {
	// Cloud is the name of the cloud the endpoints start from.
	Cloud string
	// Login, Graph and Exchange are absolute URLs without a trailing slash.
	Login, Graph, Exchange string
	// InstanceDiscovery tells MSAL to ask Microsoft which authority hosts are
	// genuine. It is false whenever the login host is overridden: a private
	// host is not on Microsoft's list and discovery would reject it.
	InstanceDiscovery bool
	// Sandbox marks the built-in simulated tenant's endpoints: they differ
	// from every cloud's, but not because the admin gave an override.
	Sandbox bool
}

// ResolveEndpoints starts from the named cloud (empty means global) and applies
// the overrides that are not empty. An override must be an absolute https URL;
// plain http is allowed for loopback hosts only (127.0.0.1, localhost, [::1]).
// Errors name the flag to fix.
func ResolveEndpoints(cloud, authorityHost, exchangeURL, graphURL string) (Endpoints, error) {
	c, err := CloudByName(cloud)
	if err != nil {
		return Endpoints{}, err
	}
	ep := Endpoints{Cloud: c.Name, Login: c.Login, Graph: c.Graph, Exchange: c.Exchange, InstanceDiscovery: true}
	overrides := []struct {
		flag, value string
		dst         *string
	}{
		{"--authority-host", authorityHost, &ep.Login},
		{"--exchange-url", exchangeURL, &ep.Exchange},
		{"--graph-url", graphURL, &ep.Graph},
	}
	for _, o := range overrides {
		if strings.TrimSpace(o.value) == "" {
			continue
		}
		u, err := checkOverride(o.flag, o.value)
		if err != nil {
			return Endpoints{}, err
		}
		*o.dst = u
	}
	if strings.TrimSpace(authorityHost) != "" {
		ep.InstanceDiscovery = false
	}
	return ep, nil
}

// overridden reports whether the endpoint an override flag sets differs from
// its cloud's own: advice names --authority-host, --exchange-url or
// --graph-url only then (an admin who never gave one has nothing to check).
func (ep Endpoints) overridden(flag string) bool {
	if ep.Sandbox {
		return false
	}
	c, err := CloudByName(ep.Cloud)
	if err != nil {
		return true
	}
	switch flag {
	case "--authority-host":
		return ep.Login != c.Login
	case "--exchange-url":
		return ep.Exchange != c.Exchange
	case "--graph-url":
		return ep.Graph != c.Graph
	}
	return false
}

// endpointAdvice is the hint for an endpoint that answered oddly: check the
// override flag when one is in effect, else the network in between.
func (ep Endpoints) endpointAdvice(flag, what string) string {
	if ep.overridden(flag) {
		return "check " + flag + " and any proxy between this machine and " + what
	}
	return "a proxy or captive portal may be answering in " + what + "'s place: check the network path, then try again"
}

// checkOverride validates one endpoint override and returns it without a
// trailing slash.
func checkOverride(flag, raw string) (string, error) {
	v := strings.TrimSpace(raw)
	u, err := url.Parse(v)
	switch {
	case err != nil || u.Scheme == "" || (u.Host == "" && u.Opaque != ""):
		return "", fmt.Errorf("%s: %q is not an absolute URL; give one like https://login.example.com", flag, raw)
	case u.Scheme != "https" && u.Scheme != "http":
		return "", fmt.Errorf("%s: %q uses %s://, which xops cannot talk to; give an https URL like https://login.example.com", flag, raw, u.Scheme)
	case u.Hostname() == "":
		// https://:443 would reach this machine under a name no certificate holds.
		return "", fmt.Errorf("%s: %q has no host name; give one like https://login.example.com", flag, raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%s: %q must not carry a user, query or fragment; give just scheme, host and optional path", flag, raw)
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return "", fmt.Errorf("%s: %q uses plain http; use https (http is accepted only for 127.0.0.1, localhost and [::1])", flag, raw)
	}
	return strings.TrimRight(u.Scheme+"://"+u.Host+u.EscapedPath(), "/"), nil
}

// isLoopback reports whether host names this machine.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
