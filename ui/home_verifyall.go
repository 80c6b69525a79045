package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/internal/safetext"
	"github.com/xops/xops/ui/uikit"
)

// Verify all (V on Home): every loaded account is verified in the
// background, a few at a time, through the same service call as the
// verification screen, so each outcome is stored on its account. Home keeps
// answering keys; the line under the title counts what is done, and the list
// is read again at most once a second while the run is on.

const (
	// verifyAllAtOnce is how many accounts are checked at the same time:
	// flow.VerifyEach's, as `xops accounts verify --all` does.
	verifyAllAtOnce = flow.VerifyAllAtOnce
	// verifyAllAskAbove: with more accounts than this, V asks first.
	verifyAllAskAbove = 20
	// verifyAllReloadEvery is the least time between two reloads of the
	// list during a run: 10,000 accounts are not read again per account.
	verifyAllReloadEvery = time.Second
	// verifyAllNamed is how many failed accounts the summary names.
	verifyAllNamed = 3
)

// bulkVerifier is what verify all needs of flow.Service.
type bulkVerifier interface {
	VerifyAccount(ctx context.Context, name string, onCheck func(entra.CheckResult)) (entra.Report, error)
	// KeysUnlocked: no passphrase will be asked for (none set, or open).
	KeysUnlocked() bool
}

var _ bulkVerifier = (*flow.Service)(nil)

// verifyAllOutcome is one account's verification.
type verifyAllOutcome struct {
	name   string
	report entra.Report
	err    error
}

// verifyAllMsg brings one outcome of run; a nil outcome says the run is over.
type verifyAllMsg struct {
	run     int
	outcome *verifyAllOutcome
}

// verifyAllReloadMsg is the timer after which the list is read again.
type verifyAllReloadMsg struct{ run int }

// errVerifyAllStopped is the cause a stopped run's context is cancelled with.
var errVerifyAllStopped = errors.New("verify all was stopped")

// verifyAll is Home's part for V: the confirmation, the run under way, and
// the last run's summary.
type verifyAll struct {
	svc   bulkVerifier // nil: no service, V is off
	after func(time.Duration, tea.Msg) tea.Cmd
	// asking: the confirmation is up for this many accounts (0: it is not).
	asking int
	run    *verifyAllRun
	seq    int
	// summary is the last run's outcome, shown under the title until the
	// next run; bad colours it.
	summary string
	bad     bool
}

// verifyAllRun is a run under way.
type verifyAllRun struct {
	id     int
	total  int
	ch     chan verifyAllOutcome
	cancel context.CancelCauseFunc

	done, passed, failed int
	failures             []string // the first few, "contoso: step 3"
	stopping             bool
	passErr              error // a passphrase problem stopped it
	dirty, ticking       bool  // outcomes since the last reload; a reload timer is on
}

// running reports whether a run is under way.
func (v *verifyAll) running() bool { return v.run != nil }

// verifyAllKey handles V, and every key while the confirmation is up or a
// run is on that means something to it. handled is false for the keys it
// leaves to Home.
func (h *homeScreen) verifyAllKey(km tea.KeyPressMsg) (cmd tea.Cmd, handled bool) {
	v := &h.va
	switch {
	case v.asking > 0:
		switch km.String() {
		case "y", "Y":
			return h.startVerifyAll(), true
		case "n", "N", "esc":
			v.asking = 0
			return nil, true
		}
		v.asking = 0 // any other key: not now, and the key does its own work
		return nil, false
	case v.running():
		if km.String() == "esc" || km.String() == "V" {
			h.stopVerifyAll()
			return nil, true
		}
		return nil, false
	case km.String() == "V" && h.keys.VerifyAll.Enabled():
		if n := len(h.list.accounts); n > verifyAllAskAbove {
			v.asking = n
			return nil, true
		}
		return h.startVerifyAll(), true
	}
	return nil, false
}

// startVerifyAll starts a run over every loaded account (whatever the
// filter shows), in name order.
func (h *homeScreen) startVerifyAll() tea.Cmd {
	v := &h.va
	v.asking = 0
	if v.svc == nil || len(h.list.accounts) == 0 {
		return nil
	}
	names := make([]string, len(h.list.accounts))
	for i, a := range h.list.accounts {
		names[i] = a.Name
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	v.seq++
	r := &verifyAllRun{id: v.seq, total: len(names), ch: make(chan verifyAllOutcome, len(names)), cancel: cancel}
	v.run, v.summary, v.bad = r, "", false
	svc, ch := v.svc, r.ch
	start := func() tea.Msg {
		go runVerifyAll(ctx, cancel, svc, names, ch)
		return nil
	}
	return tea.Batch(start, r.wait())
}

// stopVerifyAll cancels the run: checks under way end without recording
// anything, and no other account is started.
func (h *homeScreen) stopVerifyAll() {
	if r := h.va.run; r != nil && !r.stopping {
		r.stopping = true
		r.cancel(errVerifyAllStopped)
	}
}

// wait is the command that brings the run's next outcome.
func (r *verifyAllRun) wait() tea.Cmd {
	ch, id := r.ch, r.id
	return func() tea.Msg {
		o, ok := <-ch
		if !ok {
			return verifyAllMsg{run: id}
		}
		return verifyAllMsg{run: id, outcome: &o}
	}
}

// runVerifyAll verifies names with flow.VerifyEach (a few at a time, one
// at a time while the keys are locked, stopped by a passphrase problem),
// sending each outcome to out, and closes out when every check has ended.
// An account not checked, or whose check was cut short, sends nothing: it
// recorded nothing. A passphrase problem also cancels the run's ctx.
func runVerifyAll(ctx context.Context, cancel context.CancelCauseFunc, svc bulkVerifier, names []string, out chan<- verifyAllOutcome) {
	defer close(out)
	check := func(ctx context.Context, name string) (entra.Report, error) { return svc.VerifyAccount(ctx, name, nil) }
	err := flow.VerifyEach(ctx, names, svc.KeysUnlocked, check, func(i int, r entra.Report, err error) {
		if errors.Is(err, flow.ErrNotChecked) || (err != nil && ctx.Err() != nil) {
			return
		}
		out <- verifyAllOutcome{name: names[i], report: r, err: err}
	})
	if err != nil {
		cancel(err)
	}
}

// passphraseProblem: the key could not be opened for want of the right
// passphrase (missing, wrong, or the prompt was closed).
func passphraseProblem(err error) bool {
	return flow.IsPassphraseProblem(err) || errors.Is(err, ErrPassphraseCancelled)
}

// updateVerifyAll takes the run's messages, wherever the admin is: the root
// hands them to Home whatever page is on screen.
func (h *homeScreen) updateVerifyAll(msg tea.Msg) tea.Cmd {
	defer h.syncKeys()
	r := h.va.run
	switch msg := msg.(type) {
	case verifyAllMsg:
		if r == nil || msg.run != r.id {
			return nil
		}
		if msg.outcome == nil {
			return h.finishVerifyAll()
		}
		r.count(*msg.outcome)
		cmds := []tea.Cmd{r.wait()}
		if r.dirty && !r.ticking && h.va.after != nil {
			r.ticking = true
			cmds = append(cmds, h.va.after(verifyAllReloadEvery, verifyAllReloadMsg{run: r.id}))
		}
		return tea.Batch(cmds...)
	case verifyAllReloadMsg:
		if r == nil || msg.run != r.id {
			return nil
		}
		r.ticking = false
		if !r.dirty {
			return nil
		}
		r.dirty = false
		return navigate(flow.ReloadRequested{})
	}
	return nil
}

// count adds one outcome to the run's tally.
func (r *verifyAllRun) count(o verifyAllOutcome) {
	if passphraseProblem(o.err) {
		r.passErr = o.err
		return
	}
	r.done++
	r.dirty = true
	if o.err == nil && o.report.OK {
		r.passed++
		return
	}
	r.failed++
	if len(r.failures) < verifyAllNamed {
		r.failures = append(r.failures, safetext.Line(o.name)+": "+failureWhy(o))
	}
}

// failureWhy says in a few words why an account did not pass.
func failureWhy(o verifyAllOutcome) string {
	switch {
	case o.err != nil:
		return "could not verify"
	case o.report.FailedStep == "":
		return "no step at fault, not recorded"
	}
	if t := failedAt(o.report.FailedStep); t != "" {
		return strings.TrimPrefix(strings.TrimPrefix(t, "failed at "), "failed: ")
	}
	return safetext.Line(string(o.report.FailedStep))
}

// finishVerifyAll ends the run: the summary under the title and on the
// status line, and a last reload so every row shows its outcome.
func (h *homeScreen) finishVerifyAll() tea.Cmd {
	r := h.va.run
	h.va.run = nil
	r.cancel(nil)
	text, isErr := r.summary(h.list.sort == sortByStatus), r.failed > 0
	if r.passErr != nil {
		isErr = true
	}
	h.va.summary, h.va.bad = text, isErr
	status := func() tea.Msg { return uikit.StatusMsg{Text: text, Err: isErr} }
	if r.done == 0 {
		return status // nothing was recorded: nothing to read again
	}
	return tea.Batch(navigate(flow.ReloadRequested{}), status)
}

// summary is the run's outcome in a sentence.
func (r *verifyAllRun) summary(sortedByStatus bool) string {
	tally := fmt.Sprintf("%d passed, %d failed", r.passed, r.failed)
	if len(r.failures) > 0 {
		named := strings.Join(r.failures, ", ")
		if more := r.failed - len(r.failures); more > 0 {
			named += fmt.Sprintf(", %d more", more)
		}
		tally += " (" + named + ")"
	}
	switch {
	case r.passErr != nil:
		s := fmt.Sprintf("Verify all stopped: %s; %d of %d done", passphraseWords(r.passErr), r.done, r.total)
		if r.done > 0 {
			s += " (" + tally + ")"
		}
		return s
	case r.stopping:
		return fmt.Sprintf("Stopped verifying all: %d of %d done (%s); the others were left as they were", r.done, r.total, tally)
	}
	s := fmt.Sprintf("Verified %s: %s", accountsWord(r.total), tally)
	if r.failed > 0 && !sortedByStatus {
		s += " · s sorts by status, failed first"
	}
	return s
}

// passphraseWords is a passphrase problem without the wrapping ("verify
// "x": open the key: …"): the same for every account.
func passphraseWords(err error) string {
	var pe *flow.PassphraseError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return strings.TrimSuffix(safetext.Line(err.Error()), ".")
}

// accountsWord is "1 account" or "N accounts".
func accountsWord(n int) string {
	if n == 1 {
		return "1 account"
	}
	return fmt.Sprintf("%d accounts", n)
}

// verifyAllLine is the line under the title for verify all: the question,
// the progress, or the last summary ("" when there is nothing to say).
func (h *homeScreen) verifyAllLine() (text string, bad bool) {
	v := &h.va
	switch r := v.run; {
	case v.asking > 0:
		return fmt.Sprintf("Verify all %d accounts? Each check talks to Microsoft; %d at a time. y/n", v.asking, verifyAllAtOnce), false
	case r != nil && r.stopping:
		return fmt.Sprintf("Stopping: %d of %d done; waiting for the checks under way to end…", r.done, r.total), false
	case r != nil:
		return fmt.Sprintf("Verifying all: %d of %d done · %d failed · esc stops", r.done, r.total, r.failed), false
	}
	return v.summary, v.bad
}
