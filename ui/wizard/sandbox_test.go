package wizard

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/entra/sandbox"
)

// A step the sandbox refuses is said once as the sandbox's ("Sandbox:
// sandbox: …" said it twice), and an App ID the sandbox does not know
// points at the form, where it came from.
func TestSandboxRefusalSaysWhatToFix(t *testing.T) {
	t.Parallel()
	st := newMemStore()
	h := newHarness(t, Deps{Service: &fakeService{st: st, taken: map[string]bool{}}, Drafts: st, Keys: st, Sandbox: &fakeSandbox{}}, 80, 24)
	const id = "f08aab8f-8168-46ce-ad94-4b0923457c81"
	h.send(sandboxDoneMsg{step: entra.StepUploadCertificate, appID: id,
		err: fmt.Errorf("sandbox: app %q: %w", id, sandbox.ErrNoSuchApp)})
	h.pump(func() bool { return len(h.statuses()) > 0 })
	got := h.statuses()[0]
	want := `Sandbox: app "` + id + `": no such app registration in the sandbox tenant. ` +
		"Check the App (client) ID on the Account details page (2/7)."
	if got != want {
		t.Errorf("status\n%q\nwant\n%q", got, want)
	}

	h.send(sandboxDoneMsg{step: entra.StepGrantAdminConsent, appID: id, err: fmt.Errorf("sandbox: the tenant is busy")})
	h.pump(func() bool { return len(h.statuses()) > 1 })
	if got := h.statuses()[1]; got != "Sandbox: the tenant is busy" || slices.Contains(h.statuses(), "Sandbox: sandbox:") ||
		strings.Contains(got, "App (client) ID") {
		t.Errorf("other refusal: %q", got)
	}
}
