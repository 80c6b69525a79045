package autosetup

import (
	"context"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/xops/xops/flow"
)

// TestSandboxCodePageSaysNothingToOpen: in the sandbox the simulated admin
// enters the code by itself (entra/sandbox: after about 2 s), so the name
// page and the code page say so plainly instead of asking the admin to open
// the sandbox's loopback sign-in page; the code stays on screen. Golden at
// 80×24; it fits 60×16.
func TestSandboxCodePageSaysNothingToOpen(t *testing.T) {
	t.Parallel()
	m, _, _, _ := newScreen(t, func(ctx context.Context, in flow.AutoLinkInput, h flow.AutoHooks) (flow.AutoLinkResult, error) {
		h.OnPrompt(testPrompt)
		<-ctx.Done()
		return flow.AutoLinkResult{}, ctx.Err()
	})
	m.d.Sandbox = true
	load(t, m)
	press(m, "up")
	press(m, "enter")
	mustContain(t, plain(m), "simulated admin", "nothing to open")
	typeText(m, "Contoso")
	press(m, "enter")
	pumpUntil(t, m, func() bool { return m.prompt != nil })
	m.SetSize(80, 24)
	v := plain(m)
	mustContain(t, strings.Join(strings.Fields(v), " "),
		"Sandbox: the simulated admin signs in with this code by itself in a moment; there is nothing to open and nothing to type.",
		"K 7 Q X 2 M P L")
	if m.k.forPhase(m)[0].Enabled() {
		t.Error("c (copy the code) is offered in the sandbox, where there is nothing to type")
	}
	for _, bad := range []string{"On any device, open", "devicelogin", "Waiting for you to sign in"} {
		if strings.Contains(v, bad) {
			t.Errorf("the sandbox's code page says %q:\n%s", bad, v)
		}
	}
	golden.RequireEqual(t, v)
	m.SetSize(60, 16)
	lines := strings.Split(plain(m), "\n")
	if len(lines) > 16 {
		t.Errorf("60×16: %d lines", len(lines))
	}
	for _, l := range lines {
		if w := len([]rune(l)); w > 60 {
			t.Errorf("60×16: a line of %d columns: %q", w, l)
		}
	}
	mustContain(t, plain(m), "K 7 Q X 2 M P L", "nothing to open")
	m.Stop()
}
