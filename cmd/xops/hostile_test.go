package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestHostileServerTextIsCleaned: a login endpoint whose error text carries
// terminal escapes (set the title, write the clipboard, move the cursor)
// cannot get them to the admin's terminal through any output of verify.
func TestHostileServerTextIsCleaned(t *testing.T) {
	t.Parallel()
	const evil = `\u001b]0;pwned\u0007\u001b]52;c;ZXZpbA==\u0007\u001b[2J\u009b31m`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"error":"invalid_tenant` + evil + `","error_description":"AADSTS4242: Tenant ` + evil +
			` not found.` + evil + `","error_codes":[4242]}`))
	}))
	defer srv.Close()
	e, _, _ := linked(t, "contoso")
	flags := []string{"--authority-host", srv.URL, "--exchange-url", srv.URL + "/exchange", "--graph-url", srv.URL + "/graph"}
	for _, args := range [][]string{
		append([]string{"accounts", "verify", "contoso"}, flags...),
		append([]string{"accounts", "verify", "contoso", "--json"}, flags...),
		{"accounts", "show", "contoso"},
	} {
		r := xops(t, e, "", args...)
		out := r.stdout + r.stderr
		if strings.ContainsAny(out, "\x1b\x07\u009b") {
			t.Errorf("%v: a control character reached the output:\n%q", args, out)
		}
		if args[1] == "verify" && !strings.Contains(out, "AADSTS4242") {
			t.Errorf("%v: the server's words were not shown at all, so this proves nothing:\n%s", args, out)
		}
	}
}
