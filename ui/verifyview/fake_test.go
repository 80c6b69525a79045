package verifyview

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/ui/uikit"
)

// script is what the fake verifier does on one call: stream results (in
// order, pausing before result number hold if hold > 0 until released or
// cancelled), then answer report and err.
type script struct {
	results []entra.CheckResult
	report  entra.Report
	err     error
	hold    int
}

// fakeVerifier plays one script per call (the last one again when it runs
// out) and records what it was asked.
type fakeVerifier struct {
	mu        sync.Mutex
	scripts   []script
	calls     int
	names     []string
	release   chan struct{}
	cancelled chan struct{} // gets a value when a call sees its ctx cancelled
}

func newFake(scripts ...script) *fakeVerifier {
	return &fakeVerifier{scripts: scripts, release: make(chan struct{}), cancelled: make(chan struct{}, 4)}
}

func (f *fakeVerifier) VerifyAccount(ctx context.Context, name string, onCheck func(entra.CheckResult)) (entra.Report, error) {
	f.mu.Lock()
	s := f.scripts[min(f.calls, len(f.scripts)-1)]
	f.calls++
	f.names = append(f.names, name)
	f.mu.Unlock()
	for i, r := range s.results {
		if s.hold > 0 && i == s.hold {
			select {
			case <-f.release:
			case <-ctx.Done():
				f.cancelled <- struct{}{}
				return entra.Report{}, ctx.Err()
			}
		}
		onCheck(r)
	}
	return s.report, s.err
}

func (f *fakeVerifier) Calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// finished builds the script of a verification that streams and reports rs.
func finished(account string, rs []entra.CheckResult) script {
	rep := entra.Report{Account: account, OK: true, Checks: rs}
	// As entra does: failed_step is the first failing check that ran and
	// names a step.
	for _, r := range rs {
		if !r.OK {
			rep.OK = false
		}
		if !r.OK && !r.Skipped && r.Step != "" && rep.FailedStep == "" {
			rep.FailedStep = r.Step
		}
	}
	return script{results: rs, report: rep}
}

// allPass is every check passing.
func allPass() []entra.CheckResult {
	rs := make([]entra.CheckResult, 0, len(entra.CheckOrder))
	for _, id := range entra.CheckOrder {
		rs = append(rs, entra.CheckResult{ID: id, OK: true, Message: "ok"})
	}
	return rs
}

// failing is every check passing up to id, which fails with step, message
// and hint; the checks listed in skipped are skipped, the rest pass.
func failing(id entra.CheckID, step entra.Step, msg, hint string, skipped ...entra.CheckID) []entra.CheckResult {
	rs := allPass()
	for i := range rs {
		switch {
		case rs[i].ID == id:
			rs[i] = entra.CheckResult{ID: id, Step: step, Message: msg, Hint: hint}
		case contains(skipped, rs[i].ID):
			rs[i] = entra.CheckResult{ID: rs[i].ID, Skipped: true, Message: "not checked: an earlier check failed"}
		}
	}
	return rs
}

func contains(ids []entra.CheckID, id entra.CheckID) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// consentMissing is the classic mistake: permission added, consent not granted.
func consentMissing() []entra.CheckResult {
	return failing(entra.CheckExchangePermission, entra.StepGrantAdminConsent,
		"The token has no roles claim: Exchange.ManageAsApp is not granted.",
		"In the app's API permissions, press \"Grant admin consent for Contoso\" and answer Yes.",
		entra.CheckExchange)
}

// networkDown is a network failure: no checklist step at fault.
func networkDown() []entra.CheckResult {
	return failing(entra.CheckTenant, "",
		"Couldn't reach login.microsoftonline.com: dial tcp: connection refused.",
		"Check the network (proxy, firewall, DNS), then retry.",
		entra.CheckOrganization, entra.CheckApp, entra.CheckCertificate,
		entra.CheckExchangePermission, entra.CheckGlobalReader, entra.CheckExchange)
}

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 29, 23, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// harness drives the screen as Bubble Tea would, without a terminal: it
// runs commands on goroutines and feeds the verifier's messages back into
// Update. Countdown ticks are collected instead of delivered, so each test
// decides when time passes; messages meant for the host are collected too.
type harness struct {
	t       *testing.T
	m       *Model
	clock   *clock
	fake    *fakeVerifier
	msgs    chan tea.Msg
	ticks   []retryTickMsg
	emitted []tea.Msg
}

// newHarness starts the screen with f as its verifier (or d.Verifier when f
// is nil) and a settable clock.
func newHarness(t *testing.T, f *fakeVerifier, d Deps, width, height int) *harness {
	t.Helper()
	c := newClock()
	d.Now = c.Now
	if f != nil {
		d.Verifier = f
	}
	if d.Account == "" {
		d.Account = "contoso"
	}
	m := New(d)
	m.SetStyles(uikit.NewStyles(true, true))
	m.SetSize(width, height)
	// Ticks come back at once; the harness holds them until a test sends one.
	m.every = func(tag int) tea.Cmd { return func() tea.Msg { return retryTickMsg{tag: tag} } }
	h := &harness{t: t, m: m, clock: c, fake: f, msgs: make(chan tea.Msg, 256)}
	h.run(m.Init())
	return h
}

func (h *harness) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() { h.msgs <- cmd() }()
}

// send delivers one message to the screen and starts its commands.
func (h *harness) send(msg tea.Msg) {
	_, cmd := h.m.Update(msg)
	h.run(cmd)
}

// press sends a key press ("esc", "enter" or a printable key).
func (h *harness) press(k string) {
	switch k {
	case "esc":
		h.send(tea.KeyPressMsg{Code: tea.KeyEscape})
	case "enter":
		h.send(tea.KeyPressMsg{Code: tea.KeyEnter})
	case "down":
		h.send(tea.KeyPressMsg{Code: tea.KeyDown})
	default:
		r := []rune(k)[0]
		h.send(tea.KeyPressMsg{Code: r, Text: k})
	}
}

// until processes messages until cond holds. The deadline only guards
// against a hung test; no test depends on how long anything takes.
func (h *harness) until(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.After(10 * time.Second)
	for !cond() {
		select {
		case msg := <-h.msgs:
			h.dispatch(msg)
		case <-deadline:
			h.t.Fatalf("gave up waiting for %s; view:\n%s", what, h.view())
		}
	}
}

// settle waits for the current attempt to finish.
func (h *harness) settle() {
	h.t.Helper()
	h.until("the attempt to finish", func() bool { return !h.m.Running() })
}

func (h *harness) dispatch(msg tea.Msg) {
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			h.run(c)
		}
	case spinMsg:
		// Spinner frames are never asserted; dropping the tick ends its chain.
	case retryTickMsg:
		h.ticks = append(h.ticks, msg)
	case checkMsg, finishedMsg:
		h.send(msg)
	default:
		h.emitted = append(h.emitted, msg)
	}
}

// drain handles the messages already produced (host messages from a key).
func (h *harness) drain(what string, cond func(tea.Msg) bool) tea.Msg {
	h.t.Helper()
	var found tea.Msg
	h.until(what, func() bool {
		for _, m := range h.emitted {
			if cond(m) {
				found = m
				return true
			}
		}
		return false
	})
	return found
}

// takeTick waits for the next countdown tick the screen asked for and takes
// it from the queue; the test sends it when it has moved the clock.
func (h *harness) takeTick() retryTickMsg {
	h.t.Helper()
	h.until("a countdown tick", func() bool { return len(h.ticks) > 0 })
	tick := h.ticks[0]
	h.ticks = h.ticks[1:]
	return tick
}

// view is the screen as the admin reads it. Every view a test looks at must
// fit the screen: no line wider, no more lines than it was given.
func (h *harness) view() string {
	h.t.Helper()
	v := ansi.Strip(h.m.View())
	lines := strings.Split(v, "\n")
	if len(lines) > h.m.height {
		h.t.Errorf("view has %d lines, the screen %d", len(lines), h.m.height)
	}
	for _, l := range lines {
		if w := ansi.StringWidth(l); w > h.m.width {
			h.t.Errorf("line %d cells wide on a %d-cell screen: %q", w, h.m.width, l)
		}
	}
	return v
}

func (h *harness) wantView(subs ...string) {
	h.t.Helper()
	v := h.view()
	for _, s := range subs {
		if !strings.Contains(v, s) {
			h.t.Errorf("view lacks %q; view:\n%s", s, v)
		}
	}
}

func (h *harness) wantNotView(subs ...string) {
	h.t.Helper()
	v := h.view()
	for _, s := range subs {
		if strings.Contains(v, s) {
			h.t.Errorf("view shows %q; view:\n%s", s, v)
		}
	}
}

// enabled lists the help keys the screen offers now, as "key desc".
func enabled(m *Model) []string {
	var out []string
	for _, b := range m.KeyMap().ShortHelp() {
		if b.Enabled() {
			out = append(out, b.Help().Key+" "+b.Help().Desc)
		}
	}
	return out
}
