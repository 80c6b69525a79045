package entra

import (
	"fmt"
	"strings"
)

// Cloud is one Microsoft cloud: its sign-in, Graph and Exchange Online hosts.
type Cloud struct {
	// Name is the value of --cloud: global, usgov, usgovdod or china.
	Name string
	// Login is the Entra ID sign-in endpoint (the authority host).
	Login string
	// Graph is the Microsoft Graph endpoint.
	Graph string
	// Exchange is the Exchange Online endpoint.
	Exchange string
	// Instance is the cloud_instance_name Entra's OpenID metadata reports for a
	// tenant of this cloud; a different value means the tenant lives elsewhere.
	Instance string
}

// Clouds lists the clouds xops knows, in the order --help shows them.
func Clouds() []Cloud {
	return []Cloud{
		{Name: "global", Login: "https://login.microsoftonline.com", Graph: "https://graph.microsoft.com", Exchange: "https://outlook.office365.com", Instance: "microsoftonline.com"},
		{Name: "usgov", Login: "https://login.microsoftonline.us", Graph: "https://graph.microsoft.us", Exchange: "https://outlook.office365.us", Instance: "microsoftonline.us"},
		{Name: "usgovdod", Login: "https://login.microsoftonline.us", Graph: "https://dod-graph.microsoft.us", Exchange: "https://outlook-dod.office365.us", Instance: "microsoftonline.us"},
		{Name: "china", Login: "https://login.partner.microsoftonline.cn", Graph: "https://microsoftgraph.chinacloudapi.cn", Exchange: "https://partner.outlook.cn", Instance: "partner.microsoftonline.cn"},
	}
}

// DefaultCloud is the cloud used when --cloud is not given.
const DefaultCloud = "global"

// CloudNames returns the valid --cloud values.
func CloudNames() []string {
	clouds := Clouds()
	names := make([]string, len(clouds))
	for i, c := range clouds {
		names[i] = c.Name
	}
	return names
}

// CloudByName finds a cloud by its --cloud name (case-insensitive; empty means
// global). An unknown name is an error that lists the valid ones.
func CloudByName(name string) (Cloud, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	if n == "" {
		n = DefaultCloud
	}
	for _, c := range Clouds() {
		if c.Name == n {
			return c, nil
		}
	}
	return Cloud{}, fmt.Errorf("--cloud: unknown cloud %q; use one of %s", name, strings.Join(CloudNames(), ", "))
}

// cloudByInstance finds the cloud whose tenants report this cloud_instance_name.
func cloudByInstance(instance string) (Cloud, bool) {
	for _, c := range Clouds() {
		if strings.EqualFold(c.Instance, instance) {
			return c, true
		}
	}
	return Cloud{}, false
}
