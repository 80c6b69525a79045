package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/xops/xops/entra/sandbox"
)

// In the sandbox, link and rotate say how to upload to the simulated app
// (there is no admin center to open), and the lines they give work as
// printed: following them finishes the link and the rotation.
func TestSandboxNextLinesWork(t *testing.T) {
	t.Parallel()
	e, _ := sandboxEnv(t)
	dir := t.TempDir()
	reg := mustRun(t, e, "sandbox", "register", "Demo")
	appID := strings.TrimSpace(reg.stdout)
	for _, step := range []string{"add-exchange-permission", "grant-admin-consent", "assign-global-reader"} {
		mustRun(t, e, "sandbox", "do", step, "--app", appID)
	}
	link := mustRun(t, e, append(linkLineArgs(t, reg.stderr), "--name", "demo", "--cert-out", filepath.Join(dir, "demo.cer"))...)
	if strings.Contains(link.stderr, "Entra admin center") {
		t.Errorf("link in the sandbox sends the admin to the admin center:\n%s", link.stderr)
	}
	runNext := func(stderr string) {
		t.Helper()
		for _, line := range strings.Split(stderr, "\n") {
			_, cmd, ok := strings.Cut(line, ": xops --sandbox ")
			if !ok {
				continue
			}
			mustRun(t, e, strings.Fields(cmd)...)
		}
	}
	runNext(link.stderr) // upload, then verify
	if v := mustRun(t, e, "accounts", "verify", "demo"); !strings.Contains(v.stdout, "verified, every check passed") {
		t.Fatalf("after following link's lines: %s", v.stdout)
	}
	rot := mustRun(t, e, "accounts", "rotate", "demo", "--cert-out", filepath.Join(dir, "new.cer"))
	if !strings.Contains(rot.stderr, "sandbox do upload-certificate --account demo") {
		t.Fatalf("rotate in the sandbox: %s", rot.stderr)
	}
	runNext(rot.stderr) // upload the new one, then rotate again: finished
	show := mustRun(t, e, "accounts", "show", "demo", "--json")
	if strings.Contains(show.stdout, "pending_certificate") {
		t.Errorf("the rotation did not finish: %s", show.stdout)
	}
}

// sandbox show says which apps a Conditional Access policy blocks (read
// from the sandbox's own AppStatus).
func TestSandboxShowsConditionalAccessBlock(t *testing.T) {
	t.Parallel()
	e, path := sandboxEnv(t)
	appID := strings.TrimSpace(mustRun(t, e, "sandbox", "register", "Blocked").stdout)
	tenantState(t, path, func(sb *sandbox.Sandbox) {
		if err := sb.SetConditionalAccessBlock(appID, true); err != nil {
			t.Fatal(err)
		}
	})
	v := sandboxShow(t, e)
	if len(v.Apps) != 1 || !v.Apps[0].ConditionalAccessBlock {
		t.Errorf("show --json: %+v, want the app marked as blocked by Conditional Access", v.Apps)
	}
}
