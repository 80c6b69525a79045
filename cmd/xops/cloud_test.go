package main

import (
	"testing"

	"github.com/xops/xops/entra"
)

// An account is checked in the cloud it was linked in unless --cloud or
// XOPS_CLOUD names one explicitly; endpoint overrides apply either way.
func TestVerifierForAccountsCloud(t *testing.T) {
	def := &entra.Verifier{Endpoints: entra.Endpoints{Cloud: "global", Login: "https://login.microsoftonline.com"}}
	cases := []struct {
		name      string
		g         globals
		cloud     string
		wantLogin string
		wantCloud string
	}{
		{"same cloud", globals{cloud: "global"}, "global", "https://login.microsoftonline.com", "global"},
		{"before clouds were recorded", globals{cloud: "global"}, "", "https://login.microsoftonline.com", "global"},
		{"account in usgov", globals{cloud: "global"}, "usgov", "https://login.microsoftonline.us", "usgov"},
		{"account in china", globals{cloud: "global"}, "china", "https://login.partner.microsoftonline.cn", "china"},
		{"--cloud given wins", globals{cloud: "global", cloudChosen: true}, "usgov", "https://login.microsoftonline.com", "global"},
		{"override kept", globals{cloud: "global", authorityHost: "https://login.example.test"}, "usgov", "https://login.example.test", "usgov"},
		{"sandbox serves every cloud", globals{cloud: "global", sandbox: true}, "usgov", "https://login.microsoftonline.com", "global"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := &app{g: c.g}
			v, err := a.verifierFor(def)(c.cloud)
			if err != nil {
				t.Fatal(err)
			}
			ev := v.(*entra.Verifier)
			if ev.Endpoints.Login != c.wantLogin || ev.Endpoints.Cloud != c.wantCloud {
				t.Errorf("endpoints %+v, want login %s in cloud %s", ev.Endpoints, c.wantLogin, c.wantCloud)
			}
		})
	}
	a := &app{g: globals{cloud: "global"}}
	if _, err := a.verifierFor(def)("mars"); err == nil {
		t.Error("an unknown stored cloud gave a verifier, want an error naming it")
	}
}

// resolveGlobals records whether the cloud was chosen, by flag or environment.
func TestCloudChosen(t *testing.T) {
	for _, c := range []struct {
		args []string
		env  env
		want bool
	}{
		{nil, env{}, false},
		{[]string{"--cloud", "global"}, env{}, true},
		{nil, env{"XOPS_CLOUD": "usgov"}, true},
	} {
		a := newApp(nil, nil, nil, c.env.get)
		cmd := a.rootCmd()
		if err := cmd.ParseFlags(c.args); err != nil {
			t.Fatal(err)
		}
		if err := a.resolveGlobals(cmd); err != nil {
			t.Fatal(err)
		}
		if a.g.cloudChosen != c.want {
			t.Errorf("args %q env %v: cloudChosen %v, want %v", c.args, c.env, a.g.cloudChosen, c.want)
		}
	}
}
