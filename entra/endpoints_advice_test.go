package entra

import (
	"context"
	"strings"
	"testing"
)

// Advice names an endpoint override flag only when that override is in
// effect: an admin who never gave --exchange-url has nothing to check there.
func TestEndpointAdviceNamesOnlyOverrides(t *testing.T) {
	plain, err := ResolveEndpoints("usgov", "", "", "")
	if err != nil {
		t.Fatal(err)
	}
	over, err := ResolveEndpoints("usgov", "https://login.example.test", "https://outlook.example.test", "")
	if err != nil {
		t.Fatal(err)
	}
	sandboxed := Endpoints{Cloud: "global", Login: "https://127.0.0.1:1", Exchange: "https://127.0.0.1:1/ex", Graph: "https://127.0.0.1:1/g", Sandbox: true}
	for _, flag := range []string{"--authority-host", "--exchange-url", "--graph-url"} {
		if plain.overridden(flag) || sandboxed.overridden(flag) {
			t.Errorf("%s counted as overridden without an override", flag)
		}
	}
	if !over.overridden("--authority-host") || !over.overridden("--exchange-url") || over.overridden("--graph-url") {
		t.Errorf("overrides misread: %+v", over)
	}
	if h := plain.endpointAdvice("--exchange-url", "Exchange Online"); strings.Contains(h, "--") {
		t.Errorf("advice without an override names a flag: %q", h)
	}
	if h := over.endpointAdvice("--exchange-url", "Exchange Online"); !strings.Contains(h, "--exchange-url") {
		t.Errorf("advice with an override does not name it: %q", h)
	}
	v := &Verifier{Endpoints: plain}
	if h := v.exchangeMissingAdvice(); strings.Contains(h, "--exchange-url") || !strings.Contains(h, "subscription") {
		t.Errorf("no-Exchange advice without an override: %q", h)
	}
	v.Endpoints = over
	if h := v.exchangeMissingAdvice(); !strings.Contains(h, "--exchange-url") {
		t.Errorf("no-Exchange advice with an override: %q", h)
	}
}

// A report names its cloud when the checks ran against that cloud's own
// hosts, and no cloud under a login override (checked with a cancelled
// context: nothing is dialled).
func TestReportCloudOnlyForTheCloudsOwnHosts(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, c := range []struct {
		authority, want string
	}{
		{"", "usgov"},
		{"https://login.example.test", ""},
	} {
		ep, err := ResolveEndpoints("usgov", c.authority, "", "")
		if err != nil {
			t.Fatal(err)
		}
		r := (&Verifier{Endpoints: ep}).Verify(ctx, Target{Account: "a", AppID: "a", TenantID: "t", Organization: "o"}, nil, nil)
		if r.Cloud != c.want {
			t.Errorf("authority %q: report cloud %q, want %q", c.authority, r.Cloud, c.want)
		}
	}
}
