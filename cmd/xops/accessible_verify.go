package main

import (
	"strings"

	"github.com/xops/xops/assets"
	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/flow/wizard"
)

// accessibleVerify verifies an account live, printing each check as it
// lands, and names the checklist step to fix when one fails. The admin can
// fix it and verify again; in the sandbox, fix (non-nil) does the step from
// here. inLink is the link wizard's last page, announced as such and asked
// first; from Home the account just chosen is verified at once. It reports
// whether the account ended verified.
func (a *app) accessibleVerify(p *prompter, svc *flow.Service, name string, inLink bool, fix func(entra.Step) error) (bool, error) {
	where := "live against Microsoft"
	if a.sb != nil {
		where = "against the sandbox tenant"
	}
	if inLink {
		p.say("")
		p.say("Step %d of %d: %s", wizard.StepVerify.Number(), len(wizard.Steps), wizard.StepVerify.Title())
		if yes, err := p.yesNo("Verify "+oneLine(name)+" now, "+where+"?", true); err != nil || !yes {
			if err == nil {
				p.say("Not verified. Later: xops accounts verify %s", shellQuote(name))
			}
			return false, err
		}
	} else {
		p.say("Verifying %s %s.", oneLine(name), where)
	}
	for {
		r, err := a.verifyOnce(p, svc, name)
		if err != nil {
			return false, err
		}
		if r.OK {
			p.say("%s: verified, every check passed.", oneLine(r.Account))
			return true, nil
		}
		if r.FailedStep == "" {
			p.say("%s: failed; no checklist step is at fault (see the message above). The account's status was left as it was.", oneLine(r.Account))
		} else {
			p.say("%s: failed at step %s: %s.", oneLine(r.Account), r.FailedStep, stepTitle(r.FailedStep))
			p.say("Fix that step in the Entra admin center (%s), then verify again.", assets.EntraHome)
		}
		choices := []choice{{"y", "verify again"}, {"n", "stop here"}}
		q := "Verify again?"
		if fix != nil && a.sb != nil && r.FailedStep != "" {
			choices = append(choices, choice{"s", "do the step in the sandbox, then verify"})
			q = "Verify again? (s: do the step in the sandbox first)"
		}
		c, err := p.choose(q, choices, "n")
		if err != nil {
			return false, err
		}
		switch c {
		case "n":
			p.say("Not verified. Later: xops accounts verify %s", shellQuote(name))
			return false, nil
		case "s":
			if err := fix(r.FailedStep); err != nil {
				p.say("Sandbox: %s", oneLine(err.Error()))
			}
		}
	}
}

// verifyOnce runs every check once and prints each as it lands, then those
// that did not run (skipped after an earlier failure).
func (a *app) verifyOnce(p *prompter, svc *flow.Service, name string) (entra.Report, error) {
	printed := map[entra.CheckID]bool{}
	show := func(c entra.CheckResult) {
		printed[c.ID] = true
		printCheck(p, c)
	}
	r, err := svc.VerifyAccount(p.ctx, name, show)
	if err != nil {
		if p.ctx.Err() != nil {
			return r, errInterrupted
		}
		return r, classify(err)
	}
	for _, c := range r.Checks {
		if !printed[c.ID] {
			show(c)
		}
	}
	return r, nil
}

// printCheck prints one check of a verification: its outcome in words, id
// and message, then a warning, and for a failure the checklist step to fix
// and the hint.
func printCheck(p *prompter, c entra.CheckResult) {
	p.say("%s", spokenCheck(c))
	if c.Warning != "" {
		p.say("    warning: %s", oneLine(c.Warning))
	}
	if !c.OK && !c.Skipped {
		if c.Step != "" {
			p.say("    step to fix: %s (%s)", c.Step, stepTitle(c.Step))
		}
		if c.Hint != "" {
			p.say("    %s", oneLine(c.Hint))
		}
	}
}

// spokenCheck is a check's line as a screen reader reads it well: the
// outcome first, in words ("Passed", "Failed", "Not checked": the marks
// ✓ ✗ – of the command line sound alike or not at all), then the check's
// id and its message, without the padding that aligns columns.
func spokenCheck(c entra.CheckResult) string {
	outcome, msg := "Failed", oneLine(c.Message)
	switch {
	case c.Skipped:
		outcome = "Not checked"
		msg = strings.TrimPrefix(msg, "not checked: ")
	case c.OK:
		outcome = "Passed"
	}
	line := outcome + ", " + string(c.ID)
	if msg != "" {
		line += ": " + msg
	}
	return line
}
