package verifyview

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/ui/uikit"
)

func isDone(m tea.Msg) bool    { _, ok := m.(DoneMsg); return ok }
func isFix(m tea.Msg) bool     { _, ok := m.(FixStepMsg); return ok }
func isBack(m tea.Msg) bool    { _, ok := m.(uikit.BackMsg); return ok }
func isChanged(m tea.Msg) bool { _, ok := m.(uikit.AccountsChangedMsg); return ok }

func TestAllPass(t *testing.T) {
	t.Parallel()
	f := newFake(finished("contoso", allPass()))
	h := newHarness(t, f, Deps{}, 80, 24)
	h.settle()

	for _, id := range entra.CheckOrder {
		h.wantView("✓ " + CheckTitle(id))
	}
	h.wantView("All 8 checks passed", "“contoso” is verified")
	h.wantNotView("✗", "Retrying", "Step to fix")
	if got := f.names; !slices.Equal(got, []string{"contoso"}) {
		t.Errorf("verifier asked for %v, want [contoso]", got)
	}
	if keys := enabled(h.m); !slices.Equal(keys, []string{"r verify again", "enter continue", "esc back"}) {
		t.Errorf("help offers %v", keys)
	}
	h.drain("AccountsChangedMsg", isChanged)

	h.press("f") // nothing failed: no fix
	h.press("enter")
	done := h.drain("DoneMsg", isDone).(DoneMsg)
	if !done.Report.OK || len(done.Report.Checks) != 8 {
		t.Errorf("DoneMsg report = %+v, want OK with 8 checks", done.Report)
	}
	if slices.ContainsFunc(h.emitted, isFix) {
		t.Error("f emitted a FixStepMsg although nothing failed")
	}
}

func TestFailedConsentNamesStepAndJumps(t *testing.T) {
	t.Parallel()
	f := newFake(finished("contoso", consentMissing()))
	h := newHarness(t, f, Deps{}, 80, 24)
	h.settle()

	h.wantView(
		"✓ App registration",
		"✗ Exchange.ManageAsApp granted",
		"The token has no roles claim",
		"Step to fix: 3. Grant admin consent",
		"How: In the app's API permissions, press \"Grant admin consent for Contoso\"",
		"✓ Global Reader assigned",
		"– Exchange Online answers (skipped)",
		"✗ Fix step 3 (Grant admin consent), then retry.",
		"Retrying in 15s",
	)
	keys := enabled(h.m)
	if !slices.Contains(keys, "f go fix step 3") || !slices.Contains(keys, "esc stop retrying") {
		t.Errorf("help offers %v, want the fix key and esc to stop retrying", keys)
	}
	if slices.Contains(keys, "esc back") {
		t.Errorf("help offers esc back while counting down: %v", keys)
	}

	h.press("f")
	fix := h.drain("FixStepMsg", isFix).(FixStepMsg)
	if fix.Step != entra.StepGrantAdminConsent {
		t.Errorf("FixStepMsg.Step = %q, want %q", fix.Step, entra.StepGrantAdminConsent)
	}
	if h.m.counting {
		t.Error("leaving to fix the step left the countdown running")
	}
}

func TestNetworkFailureIsNotASetupMistake(t *testing.T) {
	t.Parallel()
	f := newFake(finished("contoso", networkDown()))
	h := newHarness(t, f, Deps{}, 80, 24)
	h.settle()

	h.wantView(
		"✓ Certificate and key on this machine",
		"✗ Tenant exists",
		"Couldn't reach login.microsoftonline.com",
		"Not a setup mistake: no checklist step needs changing.",
		"What to do: Check the network (proxy, firewall, DNS), then retry.",
		"– App registration (skipped",
		"✗ Not a setup mistake: solve the problem above, then retry.",
		"Retrying in 15s",
	)
	h.wantNotView("Step to fix", "✗ Fix")
	for _, k := range enabled(h.m) {
		if strings.HasPrefix(k, "f ") {
			t.Errorf("help offers %q for a network failure", k)
		}
	}
	h.press("f")
	h.press("r") // the retry key works, and runs again
	h.settle()
	if f.Calls() != 2 {
		t.Errorf("verifier called %d times, want 2", f.Calls())
	}
	if slices.ContainsFunc(h.emitted, isFix) {
		t.Error("f emitted a FixStepMsg for a network failure")
	}
}

func TestStreamsResultsAndAnswersKeysWhileRunning(t *testing.T) {
	t.Parallel()
	first := finished("contoso", allPass())
	first.hold = 3
	f := newFake(first, finished("contoso", allPass()))
	h := newHarness(t, f, Deps{}, 80, 24)

	h.until("three results", func() bool { return len(h.m.results) == 3 })
	h.wantView("✓ Certificate and key on this machine", "✓ Tenant exists",
		"✓ Organization domain belongs to the tenant", "Checking… 3 of 8 done.")
	h.wantNotView("✓ App registration")
	if keys := enabled(h.m); !slices.Equal(keys, []string{"esc cancel"}) {
		t.Errorf("help offers %v while running, want only esc cancel", keys)
	}

	h.press("r") // no retry while running
	h.press("enter")
	if h.m.Attempts() != 1 || !h.m.Running() {
		t.Fatalf("keys while running changed the attempt: attempts=%d running=%v", h.m.Attempts(), h.m.Running())
	}

	h.press("esc")
	select {
	case <-f.cancelled:
	case <-time.After(10 * time.Second):
		t.Fatal("esc did not cancel the verifier's context")
	}
	h.wantView("Verification cancelled", "· App registration (not run)", "✓ Tenant exists")
	if keys := enabled(h.m); !slices.Equal(keys, []string{"r retry now", "esc back"}) {
		t.Errorf("help offers %v after cancel", keys)
	}
	if slices.ContainsFunc(h.emitted, isDone) {
		t.Error("enter while running emitted DoneMsg")
	}

	h.press("r")
	h.settle()
	h.wantView("All 8 checks passed", "attempt 2")
	if f.Calls() != 2 {
		t.Errorf("verifier called %d times, want 2", f.Calls())
	}
}

func TestAutoRetryCountsDownThenRunsAgain(t *testing.T) {
	t.Parallel()
	roleMissing := failing(entra.CheckGlobalReader, entra.StepAssignGlobalReader,
		"The token's wids claim lacks Global Reader.", "Roles and administrators → Global Reader → Add assignments → the app.",
		entra.CheckExchange)
	f := newFake(finished("contoso", roleMissing), finished("contoso", allPass()))
	h := newHarness(t, f, Deps{AutoRetry: 15 * time.Second}, 80, 24)
	h.settle()
	h.wantView("Step to fix: 4. Make the app a Global Reader", "Retrying in 15s")
	tick := h.takeTick()

	h.clock.Advance(5 * time.Second)
	h.send(tick)
	h.wantView("Retrying in 10s")
	if f.Calls() != 1 || h.m.Running() {
		t.Fatalf("retried before the countdown ended: calls=%d", f.Calls())
	}
	h.clock.Advance(9*time.Second + 500*time.Millisecond)
	h.send(h.takeTick())
	h.wantView("Retrying in 1s") // rounds up: never 0s early

	h.clock.Advance(time.Second)
	h.send(h.takeTick())
	if !h.m.Running() {
		t.Fatal("the countdown ended but no attempt started")
	}
	h.settle()
	h.wantView("All 8 checks passed", "attempt 2")
	h.wantNotView("Retrying")
	if f.Calls() != 2 {
		t.Errorf("verifier called %d times, want 2", f.Calls())
	}

	// A tick left over from the finished countdown changes nothing.
	h.clock.Advance(time.Minute)
	h.send(tick)
	if h.m.Running() || f.Calls() != 2 {
		t.Error("a stale tick started an attempt")
	}
}

func TestAutoRetryGivesUpAfterTheWindow(t *testing.T) {
	t.Parallel()
	f := newFake(finished("contoso", consentMissing()))
	h := newHarness(t, f, Deps{AutoRetry: 15 * time.Second, RetryWindow: 20 * time.Second}, 80, 24)
	h.settle()
	h.clock.Advance(15 * time.Second)
	h.send(h.takeTick())
	h.settle()
	if f.Calls() != 2 {
		t.Fatalf("verifier called %d times, want 2", f.Calls())
	}
	h.wantView("Stopped retrying by itself after 20s: r tries again.")
	h.wantNotView("Retrying in")

	// r opens a new window.
	h.press("r")
	h.settle()
	h.wantView("Retrying in 15s")
}

func TestEscStopsTheCountdownThenGoesBack(t *testing.T) {
	t.Parallel()
	f := newFake(finished("contoso", consentMissing()))
	h := newHarness(t, f, Deps{}, 80, 24)
	h.settle()
	tick := h.takeTick()

	h.press("esc")
	h.wantNotView("Retrying by itself")
	h.clock.Advance(time.Hour)
	h.send(tick)
	if h.m.Running() || f.Calls() != 1 {
		t.Fatal("a tick after esc still retried")
	}
	if slices.ContainsFunc(h.emitted, isBack) {
		t.Fatal("the first esc left the screen; it should only stop the countdown")
	}
	h.press("esc")
	h.drain("BackMsg", isBack)
}

func TestNoAutoRetryForAMistakeThatWillNotFixItself(t *testing.T) {
	t.Parallel()
	wrongTenant := failing(entra.CheckTenant, entra.StepCopyIDs,
		"Tenant 11111111-2222-3333-4444-555555555555 was not found (AADSTS90002).",
		"Copy the Directory (tenant) ID from the app's Overview page.",
		entra.CheckOrganization, entra.CheckApp, entra.CheckCertificate,
		entra.CheckExchangePermission, entra.CheckGlobalReader, entra.CheckExchange)
	f := newFake(finished("contoso", wrongTenant))
	h := newHarness(t, f, Deps{}, 80, 24)
	h.settle()
	h.wantView("Step to fix: 5. Copy the three IDs")
	h.wantNotView("Retrying")
	if h.m.counting || len(h.ticks) != 0 {
		t.Errorf("the screen scheduled %d countdown ticks for a wrong tenant", len(h.ticks))
	}
}

func TestVerifierErrorOffersRetry(t *testing.T) {
	t.Parallel()
	f := newFake(script{err: errors.New(`no account named "contoso"`)}, finished("contoso", allPass()))
	h := newHarness(t, f, Deps{}, 80, 24)
	h.settle()
	h.wantView(`Couldn't run the verification: no account named "contoso"`, "(not run)")
	if keys := enabled(h.m); !slices.Equal(keys, []string{"r retry now", "esc back"}) {
		t.Errorf("help offers %v after an error", keys)
	}
	h.press("r")
	h.settle()
	h.wantView("All 8 checks passed")
}

func TestWarningsShowInAmber(t *testing.T) {
	t.Parallel()
	rs := allPass()
	rs[0].Warning = "The certificate expires in 12 days: rotate it."
	f := newFake(finished("contoso", rs))
	h := newHarness(t, f, Deps{}, 80, 24)
	h.m.SetStyles(uikit.NewStyles(true, false))
	h.settle()
	h.wantView("⚠ The certificate expires in 12 days: rotate it.", "⚠ 1 warning above: act before it becomes a failure.")
	amber := h.m.styles.Warn.Render("⚠ The certificate expires in 12 days: rotate it.")
	if !strings.Contains(h.m.View(), amber) {
		t.Errorf("the warning is not drawn in the warning colour; view: %q", h.m.View())
	}
}

func TestServerTextIsCleaned(t *testing.T) {
	t.Parallel()
	rs := consentMissing()
	rs[5].Message = "bad\x1b]52;c;cm0gLXJmIH4=\x07 news\x1b[2J"
	rs[5].Hint = "\u202eevil"
	f := newFake(finished("con\x1b]0;title\x07toso", rs))
	h := newHarness(t, f, Deps{Account: "con\x1b]0;title\x07toso"}, 80, 24)
	h.settle()
	raw := h.m.View()
	for _, bad := range []string{"]52;", "]0;", "\x1b[2J", "\u202e"} {
		if strings.Contains(raw, bad) {
			t.Errorf("view carries %q from the server", bad)
		}
	}
	h.wantView("bad news", "Verify “contoso”")
}

func TestLayoutFitsSmallTerminalsAndScrolls(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("Entra answered with a long explanation of what went wrong. ", 5)
	rs := failing(entra.CheckExchange, entra.StepAssignGlobalReader, long,
		"Roles and administrators → Global Reader → Add assignments → pick the app.")
	for _, size := range [][2]int{{80, 24}, {60, 16}} {
		f := newFake(finished("contoso", rs))
		h := newHarness(t, f, Deps{}, size[0], size[1])
		h.settle()
		lines := strings.Split(h.view(), "\n")
		if len(lines) != size[1] {
			t.Errorf("%dx%d: view has %d lines", size[0], size[1], len(lines))
		}
		for _, l := range lines {
			if w := len([]rune(l)); w > size[0] {
				t.Errorf("%dx%d: line wider than the screen (%d): %q", size[0], size[1], w, l)
			}
		}
		// The failure is scrolled into view.
		h.wantView("✗ Exchange Online answers", "Step to fix: 4. Make the app a Global Reader")
		if size[1] == 16 {
			h.wantView("more above")
			h.wantNotView("Certificate and key on this machine")
			h.press("k")
			h.press("k")
			h.press("k")
			h.press("k")
			h.press("k")
			h.press("k")
			h.press("k")
			h.press("k")
			h.press("k")
			h.press("k")
			h.wantView("✓ Certificate and key on this machine", "more below")
			if !slices.Contains(enabled(h.m), "↓/j scroll down") {
				t.Errorf("help lacks scrolling at 60x16: %v", enabled(h.m))
			}
		} else if slices.Contains(enabled(h.m), "↓/j scroll down") {
			t.Error("help offers scrolling when everything fits at 80x24")
		}
	}
}

func TestFailureScrolledWhollyIntoViewBelowTheCountdown(t *testing.T) {
	t.Parallel()
	h := newHarness(t, newFake(finished("contoso", consentMissing())), Deps{}, 60, 16)
	h.settle()
	// The whole failure fits at 60×16 (once scrolled, if need be); the
	// countdown line, added as the attempt ends, must not push its last
	// line out of view. With the spacer rows given to the checks, the
	// checks before it fit too: nothing is scrolled above.
	h.wantView("✗ Exchange.ManageAsApp granted", "Step to fix: 3. Grant admin consent",
		"and answer Yes.", "Retrying in 15s", "more below")
}

func TestNoVerifierIsAnErrorNotAPanic(t *testing.T) {
	t.Parallel()
	m := New(Deps{Account: "contoso"})
	m.SetStyles(uikit.NewStyles(true, true))
	h := &harness{t: t, m: m, clock: newClock(), msgs: make(chan tea.Msg, 16)}
	h.run(m.Init())
	h.settle()
	h.wantView("Couldn't run the verification: no verifier was configured")
}

func TestSpinnerTurnsOnlyForTheRunningAttempt(t *testing.T) {
	t.Parallel()
	held := finished("contoso", allPass())
	held.hold = 1
	f := newFake(held)
	h := newHarness(t, f, Deps{}, 80, 24)
	h.until("one result", func() bool { return len(h.m.results) == 1 })
	before := h.view()
	h.send(spinMsg{attempt: 1})
	if h.view() == before {
		t.Error("a spinner tick of the running attempt did not turn the spinner")
	}
	turned := h.view()
	h.send(spinMsg{attempt: 0}) // from an attempt long gone
	if h.view() != turned {
		t.Error("a stale spinner tick turned the spinner")
	}
	close(f.release)
	h.settle()
	_, cmd := h.m.Update(spinMsg{attempt: 1})
	if cmd != nil {
		t.Error("the spinner keeps ticking after the attempt finished")
	}
}
