package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xops/xops/entra/sandbox"
)

// TestSandboxLinkAuto drives `link microsoft --auto` as the independent rig
// does: the binary against a tenant started by the test, whose admin approves
// the device code after a moment.
func TestSandboxLinkAuto(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.sb.SetAdmin(sandbox.Admin{ApproveAfter: 50 * time.Millisecond})
	certOut := filepath.Join(r.dir, "auto.cer")
	res := r.xops("link", "microsoft", "--auto", "--name", "Auto Corp", "--cert-out", certOut, "--wait", "30s")
	if res.code != 0 {
		t.Fatalf("link --auto: exit %d\nstdout %s\nstderr %s", res.code, res.stdout, res.stderr)
	}
	for _, want := range []string{"/devicelogin", "enter the code", "✓ Register the app", "✓ Assign the Global Reader role"} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
		}
	}
	if !strings.Contains(res.stdout, "thumbprint:") || !strings.Contains(res.stdout, "verified, every check passed") ||
		!strings.Contains(res.stdout, "tenant id:   "+r.sb.TenantID()) {
		t.Errorf("stdout:\n%s", res.stdout)
	}
	if _, err := os.Stat(certOut); err != nil {
		t.Errorf("certificate not written: %v", err)
	}
	show := r.xops("accounts", "show", "auto corp", "--json")
	var acc map[string]any
	if err := json.Unmarshal([]byte(show.stdout), &acc); err != nil {
		t.Fatal(err)
	}
	if acc["status"] != "verified" || acc["organization"] != r.sb.Domain() {
		t.Errorf("account: %v", acc)
	}
}

func TestSandboxLinkAutoBlockedSaysWhatExists(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.sb.SetAdmin(sandbox.Admin{ApproveAfter: 50 * time.Millisecond, Outcome: sandbox.AdminBlockedByConditionalAccess})
	certOut := filepath.Join(r.dir, "blocked.cer")
	res := r.xops("link", "microsoft", "--auto", "--name", "blocked", "--cert-out", certOut)
	if res.code != 1 || !strings.Contains(res.stderr, "guided") || !strings.Contains(res.stderr, "xops link microsoft --name blocked --app-id") {
		t.Fatalf("blocked sign-in: exit %d\nstdout %s\nstderr %s", res.code, res.stdout, res.stderr)
	}
	if _, err := os.Stat(certOut); !os.IsNotExist(err) {
		t.Error("a certificate was written for a link that did not happen")
	}
}

func TestLinkAutoFlagClashes(t *testing.T) {
	t.Parallel()
	e, p := newStore(t)
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"link", "microsoft", "--auto", "--name", "x", "--app-id", testAppID}, "--app-id: not with --auto"},
		{[]string{"link", "microsoft", "--auto", "--name", "x", "--verify"}, "--verify: not with --auto"},
		{[]string{"link", "microsoft", "--name", "x", "--client-id", testAppID}, "--client-id: only with --auto"},
		{[]string{"link", "microsoft", "--auto", "--name", "x", "--wait", "-1s"}, "--wait: "},
	} {
		r := xops(t, e, "", c.args...)
		if r.code != 2 || !strings.Contains(r.stderr, c.msg) {
			t.Errorf("%v: exit %d stderr %q", c.args, r.code, r.stderr)
		}
	}
	if got := accountNames(t, p); len(got) != 0 {
		t.Errorf("store holds %v", got)
	}
}
