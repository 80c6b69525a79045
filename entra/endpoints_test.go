package entra

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCloudByName(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"global", "usgov", "usgovdod", "china", "USGov", ""} {
		c, err := CloudByName(name)
		if err != nil {
			t.Errorf("%q: %v", name, err)
			continue
		}
		if !strings.HasPrefix(c.Login, "https://") || !strings.HasPrefix(c.Graph, "https://") || !strings.HasPrefix(c.Exchange, "https://") {
			t.Errorf("%q: %+v", name, c)
		}
	}
	c, _ := CloudByName("usgovdod")
	if c.Login != "https://login.microsoftonline.us" || c.Graph != "https://dod-graph.microsoft.us" || c.Exchange != "https://outlook-dod.office365.us" {
		t.Errorf("usgovdod = %+v", c)
	}
	_, err := CloudByName("mars")
	if err == nil || !strings.Contains(err.Error(), "--cloud") || !strings.Contains(err.Error(), "global, usgov, usgovdod, china") {
		t.Errorf("unknown cloud error: %v", err)
	}
}

func TestResolveEndpoints(t *testing.T) {
	t.Parallel()
	ep, err := ResolveEndpoints("", "", "", "")
	if err != nil || ep.Login != "https://login.microsoftonline.com" || !ep.InstanceDiscovery || ep.Cloud != "global" {
		t.Fatalf("defaults: %+v %v", ep, err)
	}
	ep, err = ResolveEndpoints("china", "https://login.example.com/", "https://127.0.0.1:8443/exo/", "http://localhost:9000")
	if err != nil {
		t.Fatal(err)
	}
	if ep.Login != "https://login.example.com" || ep.Exchange != "https://127.0.0.1:8443/exo" || ep.Graph != "http://localhost:9000" {
		t.Errorf("overrides: %+v", ep)
	}
	if ep.InstanceDiscovery {
		t.Error("instance discovery stays on with an authority override")
	}
	if ep.Cloud != "china" {
		t.Errorf("cloud %q", ep.Cloud)
	}
	ep, _ = ResolveEndpoints("", "", "https://exo.example", "")
	if !ep.InstanceDiscovery {
		t.Error("an Exchange override must not turn instance discovery off")
	}
	for _, tc := range []struct{ authority, exchange, graph, flag string }{
		{"login.example.com", "", "", "--authority-host"},
		{"http://login.example.com", "", "", "--authority-host"},
		{"", "ftp://x", "", "--exchange-url"},
		{"", "https://x/?q=1", "", "--exchange-url"},
		{"", "", "http://10.0.0.1", "--graph-url"},
		{"", "", "https://user:pw@x", "--graph-url"},
	} {
		_, err := ResolveEndpoints("", tc.authority, tc.exchange, tc.graph)
		if err == nil || !strings.HasPrefix(err.Error(), tc.flag+":") {
			t.Errorf("%+v: error %v should start with %s", tc, err, tc.flag)
		}
	}
	for _, loop := range []string{"http://127.0.0.1:1", "http://[::1]:2", "http://localhost"} {
		if _, err := ResolveEndpoints("", loop, "", ""); err != nil {
			t.Errorf("%s refused: %v", loop, err)
		}
	}
}

func TestHTTPClientRefusesCrossHostRedirects(t *testing.T) {
	t.Parallel()
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("the token reached another host")
	}))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/same" {
			w.WriteHeader(204)
			return
		}
		if r.URL.Path == "/local" {
			http.Redirect(w, r, "/same", http.StatusFound)
			return
		}
		http.Redirect(w, r, strings.Replace(other.URL, "127.0.0.1", "localhost", 1)+"/steal", http.StatusFound)
	}))
	defer srv.Close()
	c := NewHTTPClient(nil)
	resp, err := c.Get(srv.URL + "/local")
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("same-host redirect: %v", err)
	}
	resp.Body.Close()
	if _, err := c.Get(srv.URL + "/away"); err == nil || !strings.Contains(err.Error(), "another host") {
		t.Errorf("cross-host redirect: %v", err)
	}
	if c.Timeout == 0 {
		t.Error("no overall timeout")
	}
}

// Each way an override can be wrong gets its own words: not a URL at all, a
// scheme xops cannot use, no host name.
func TestOverrideMessagesSayWhatIsWrong(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		"login.example.com":        "is not an absolute URL",
		"mailto:admin@example.com": "is not an absolute URL",
		"ftp://login.example.com":  "uses ftp://",
		"https://":                 "has no host name",
		"https://:443":             "has no host name",
	} {
		_, err := ResolveEndpoints("", raw, "", "")
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "https://login.example.com") {
			t.Errorf("--authority-host %q: %v, want %q and an example", raw, err, want)
		}
	}
}
