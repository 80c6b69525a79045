package entra

import (
	"fmt"
	"strings"
)

// Target is the account being verified: what the admin typed in the form.
type Target struct {
	// Account is the friendly name, echoed in the report.
	Account string
	// AppID is the Application (client) ID.
	AppID string
	// TenantID is the Directory (tenant) ID.
	TenantID string
	// Organization is the tenant's initial *.onmicrosoft.com domain.
	Organization string
}

// CheckResult is the outcome of one check. Its JSON is part of the
// command-line contract (verify --json).
type CheckResult struct {
	ID      CheckID `json:"id"`
	OK      bool    `json:"ok"`
	Skipped bool    `json:"skipped,omitempty"`
	// Step is the checklist step to fix; empty when no step is at fault
	// (the network, a clock, a tenant without Exchange Online).
	Step    Step   `json:"step,omitempty"`
	Message string `json:"message"`
	Hint    string `json:"hint,omitempty"`
	// Warning accompanies a passing check that will soon fail (a
	// certificate about to expire).
	Warning string `json:"warning,omitempty"`
}

// Report is a whole verification. Checks always lists all eight checks, in
// CheckOrder.
type Report struct {
	Account    string        `json:"account"`
	OK         bool          `json:"ok"`
	FailedStep Step          `json:"failed_step,omitempty"`
	Checks     []CheckResult `json:"checks"`
	// Cloud is the name of the cloud the checks ran in (Endpoints.Cloud);
	// empty when they ran against the sandbox or a login override, which
	// say nothing of the tenant's cloud. It is not part of verify --json:
	// the account's cloud is in accounts show.
	Cloud string `json:"-"`
}

// Check returns the result of one check (the zero value if absent).
func (r Report) Check(id CheckID) CheckResult {
	for _, c := range r.Checks {
		if c.ID == id {
			return c
		}
	}
	return CheckResult{}
}

// FirstFailure returns the first failing check that actually ran, if any.
func (r Report) FirstFailure() (CheckResult, bool) {
	for _, c := range r.Checks {
		if !c.OK && !c.Skipped {
			return c, true
		}
	}
	return CheckResult{}, false
}

// newReport assembles the report from the results, in CheckOrder. A check
// that never produced a result (it cannot happen; a bug would) is reported
// as failed rather than silently passing.
func newReport(account string, results map[CheckID]CheckResult) Report {
	r := Report{Account: account, OK: true, Checks: make([]CheckResult, 0, len(CheckOrder))}
	for _, id := range CheckOrder {
		c, ok := results[id]
		if !ok {
			c = CheckResult{ID: id, Message: fmt.Sprintf("the %s check did not run (internal error)", id)}
		}
		r.Checks = append(r.Checks, c)
		if !c.OK {
			r.OK = false
		}
	}
	// failed_step names the first failing check that ran and names a step.
	for _, c := range r.Checks {
		if !c.OK && !c.Skipped && c.Step != "" {
			r.FailedStep = c.Step
			break
		}
	}
	return r
}

// passed makes a passing result.
func passed(id CheckID, msg string) CheckResult {
	return CheckResult{ID: id, OK: true, Message: msg}
}

// failed makes a failing result that points at a step (or none).
func failed(id CheckID, step Step, msg, hint string) CheckResult {
	return CheckResult{ID: id, Step: step, Message: msg, Hint: hint}
}

// skipped makes the result of a check that could not run because another
// one failed first.
func skipped(id, waitedOn CheckID) CheckResult {
	return CheckResult{ID: id, Skipped: true,
		Message: fmt.Sprintf("not checked: it needs the %s check to pass first", waitedOn)}
}

// cliWaitPrefix opens the command-line advice a hint may carry: how long
// `xops verify --wait` should keep retrying while Entra applies a change.
const cliWaitPrefix = " (on the command line: --wait "

// waitAdvice is that advice for a wait of d ("5m"). Hints are written for
// the command line (human output and --json); a screen has no flags, so it
// shows ScreenHint instead.
func waitAdvice(d string) string { return cliWaitPrefix + d + ")" }

// legacyWaitPrefix is how hints stored before waitAdvice said it.
const legacyWaitPrefix = ", or on the command line use --wait "

// ScreenHint is a hint as a screen shows it: without the command-line
// advice (" (on the command line: --wait 5m)"), which means nothing where
// there are no flags. It takes hints stored by earlier versions too, so an
// account verified before reads the same.
func ScreenHint(hint string) string {
	hint = cutAdvice(hint, cliWaitPrefix, true)
	hint = cutAdvice(hint, legacyWaitPrefix, false)
	// A running screen cannot take a flag: the cloud is chosen when xops
	// starts (the draft and the account wait meanwhile).
	hint = strings.ReplaceAll(hint, runAgainCloud, "quit, then start xops again with --cloud")
	// A step is named by its contract ID for scripts; a screen numbers the
	// checklist instead.
	for _, st := range ChecklistSteps {
		if n := st.Number(); n > 0 {
			hint = strings.ReplaceAll(hint, "(step "+string(st)+")", fmt.Sprintf("(checklist step %d)", n))
		}
	}
	return hint
}

// runAgainCloud opens cloudHint's advice.
const runAgainCloud = "run again with --cloud"

// cutAdvice removes each prefix and the duration after it, through the
// closing parenthesis when closed is true, else up to it (or the end).
func cutAdvice(hint, prefix string, closed bool) string {
	for {
		i := strings.Index(hint, prefix)
		if i < 0 {
			return hint
		}
		rest := hint[i+len(prefix):]
		j := strings.IndexByte(rest, ')')
		switch {
		case j < 0 && closed:
			return hint
		case j < 0:
			j = len(rest)
		case closed:
			j++
		}
		hint = hint[:i] + rest[j:]
	}
}
