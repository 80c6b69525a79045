package main

import (
	"encoding/json"
	"net"
	"strings"
	"testing"
)

// TestVerifyServerDownLeavesAccountUntouched points every endpoint at a
// loopback port nothing listens on: a clear failure, exit 1, no status change.
func TestVerifyServerDownLeavesAccountUntouched(t *testing.T) {
	t.Parallel()
	e, _, _ := linked(t, "contoso")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "https://" + ln.Addr().String()
	ln.Close()
	before := mustRun(t, e, "accounts", "show", "contoso", "--json").stdout

	r := xops(t, e, "", "accounts", "verify", "contoso", "--json",
		"--authority-host", down, "--exchange-url", down+"/exchange", "--graph-url", down+"/graph")
	if r.code != 1 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	var v verifyJSON
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
		t.Fatalf("%v: %q", err, r.stdout)
	}
	if v.OK || len(v.Checks) != 8 || v.Checks[1].OK || !strings.Contains(v.Checks[1].Message, ln.Addr().(*net.TCPAddr).IP.String()) {
		t.Errorf("report %+v", v)
	}
	if v.FailedStep != nil && *v.FailedStep != "" {
		t.Errorf("a network failure blamed step %q", *v.FailedStep)
	}
	if !strings.Contains(r.stderr, "left as it was") {
		t.Errorf("stderr %q", r.stderr)
	}
	if after := mustRun(t, e, "accounts", "show", "contoso", "--json").stdout; after != before {
		t.Errorf("the account changed:\n%s\n%s", before, after)
	}
}
