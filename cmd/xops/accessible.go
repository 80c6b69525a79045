package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/store"
)

// accessibleFlagName is the global flag that swaps the full-screen TUI for
// plain line prompts (screen readers, dumb terminals, files of answers).
const accessibleFlagName = "accessible"

// addAccessibleFlag registers --accessible among the global flags.
func (a *app) addAccessibleFlag(f *pflag.FlagSet) {
	f.Bool(accessibleFlagName, false, "plain line prompts instead of the full-screen TUI (env XOPS_ACCESSIBLE=1; on by itself when TERM=dumb)")
}

// accessibleMode tells whether xops without a command runs as plain
// prompts: --accessible (which wins either way), else XOPS_ACCESSIBLE, else
// a terminal that cannot draw (TERM=dumb).
func (a *app) accessibleMode(cmd *cobra.Command) (bool, error) {
	if f := cmd.Flags().Lookup(accessibleFlagName); f != nil && f.Changed {
		return f.Value.String() == "true", nil
	}
	on, err := envBool(a.env("XOPS_ACCESSIBLE"))
	if err != nil {
		return false, usageErr("XOPS_ACCESSIBLE: %v", err)
	}
	return on || a.env("TERM") == "dumb", nil
}

// accessibleTUI runs the accessible mode when it is asked for; handled
// reports whether it ran (err is then its outcome). It is called first thing
// in runTUI, before the TUI asks for a terminal: plain prompts work from a
// pipe too.
func (a *app) accessibleTUI(cmd *cobra.Command) (handled bool, err error) {
	on, err := a.accessibleMode(cmd)
	if err != nil {
		return true, err
	}
	if !on {
		return false, nil
	}
	return true, a.runAccessible(cmd)
}

// runAccessible is the TUI as plain text: Home (the accounts list) and a
// menu, the platform picker on first run, and the link wizard as line
// prompts. End of input at any prompt stops with exit 2 and leaves no half
// account behind.
func (a *app) runAccessible(cmd *cobra.Command) error {
	svc, err := a.service() // in sandbox mode this starts the simulated tenant
	if err != nil {
		return err
	}
	p := &prompter{ctx: cmd.Context(), a: a, w: a.stdout, tty: a.terminal(a.stdin)}
	// The last answer, from a pipe, left its prompt's line open: the output
	// ends with a line break, and the error the run ends with (on stderr,
	// the same screen) starts on a line of its own.
	defer p.endLine()
	p.say("xops %s, plain prompts (accessible mode). Store: %s", versionString(), oneLine(a.stPath))
	if a.sb != nil {
		p.say("Sandbox: a simulated tenant on this machine; nothing reaches Microsoft.")
	}
	p.say("Type each answer and press Enter. Enter alone takes the answer in brackets; in [y/N] the capital letter is that answer.")
	err = a.accessibleHome(p, svc)
	var stopped *autoStopped
	var kept *draftKept
	switch {
	case errors.As(err, &kept) && kept.signal != "":
		return failedErr(fmt.Errorf("%s; %s", stoppedBy(kept.signal), signalKeptNote(svc)))
	case errors.As(err, &kept) && errors.Is(err, errInputEnded):
		return usageErr("input ended; %s", kept.kept(svc))
	case errors.As(err, &kept) && errors.Is(err, errInterrupted):
		return failedErr(fmt.Errorf("interrupted; %s", kept.kept(svc)))
	case errors.As(err, &kept):
		return kept.cause
	case errors.As(err, &stopped) && p.stopSignal() != "":
		return failedErr(fmt.Errorf("%s; %s", stoppedBy(p.stopSignal()), stopped.kept(svc)))
	case errors.As(err, &stopped) && errors.Is(err, errInputEnded):
		return usageErr("input ended; %s", stopped.kept(svc))
	case errors.As(err, &stopped) && errors.Is(err, errInterrupted):
		return failedErr(fmt.Errorf("interrupted; %s", stopped.kept(svc)))
	case errors.As(err, &stopped):
		return stopped.cause
	case (errors.Is(err, errInputEnded) || errors.Is(err, errInterrupted)) && p.stopSignal() != "":
		return failedErr(fmt.Errorf("%s; nothing saved%s%s", stoppedBy(p.stopSignal()), autoKeptNote(svc), guidedKeptNote(svc)))
	case errors.Is(err, errInputEnded):
		return usageErr("input ended; nothing saved%s%s", autoKeptNote(svc), guidedKeptNote(svc))
	case errors.Is(err, errInterrupted):
		return failedErr(fmt.Errorf("interrupted; nothing saved%s%s", autoKeptNote(svc), guidedKeptNote(svc)))
	}
	return err
}

// accessibleHome loops over Home and its menu until the admin quits. A
// link left unfinished, guided or automatic, is offered first, as the TUI
// opens "Link a New Microsoft Account" on it (which says the guided one).
func (a *app) accessibleHome(p *prompter, svc *flow.Service) error {
	if _, found, _ := guidedDraft(svc.Store); found {
		if err := a.accessibleLinkMicrosoft(p, svc); err != nil {
			return err
		}
	} else if prog, ok := resumableAuto(svc.Store); ok {
		p.say("An automatic setup of %s was left unfinished.", oneLine(prog.Name))
		if err := a.accessibleLinkMicrosoft(p, svc); err != nil {
			return err
		}
	}
	for {
		n, err := a.printHome(p, svc)
		if err != nil {
			return err
		}
		if n == 0 {
			quit, err := a.pickPlatform(p)
			if err != nil || quit {
				return err
			}
			if err := a.accessibleLinkMicrosoft(p, svc); err != nil {
				return err
			}
			continue
		}
		i, err := p.menu("What next?", []string{
			"Link a new Microsoft 365 account",
			"Verify an account",
			"Show the accounts again",
			"Quit",
		})
		if err != nil {
			return err
		}
		switch i {
		case 0:
			err = a.accessibleLinkMicrosoft(p, svc)
		case 1:
			err = a.accessibleVerifyAccount(p, svc)
		case 3:
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// pickPlatform is the first-run platform picker; quit reports the admin chose
// to leave.
func (a *app) pickPlatform(p *prompter) (quit bool, err error) {
	p.say("No account is linked yet.")
	for {
		i, err := p.menu("Choose your platform:", []string{"AWS", "Azure", "Microsoft", "Quit"})
		if err != nil {
			return false, err
		}
		switch i {
		case 2:
			return false, nil
		case 3:
			return true, nil
		}
		p.say("xops does not link %s accounts yet: Microsoft 365 is the first integration. Choose Microsoft, or Quit.",
			[]string{"AWS", "Azure"}[i])
	}
}

// printHome says the linked accounts, one sentence each — name, status,
// organization, certificate expiry — rather than a table, whose columns a
// screen reader reads without their headings; it returns how many there
// are.
func (a *app) printHome(p *prompter, svc *flow.Service) (int, error) {
	accounts, bad, err := svc.Store.Accounts()
	if err != nil {
		return 0, failedErr(fmt.Errorf("read the accounts: %w", err))
	}
	p.say("")
	if len(bad) > 0 {
		p.say("%s cannot be read; run 'xops store check'.", count(len(bad), "account record"))
	}
	if len(accounts) == 0 {
		return 0, nil
	}
	p.say("Home: %s.", count(len(accounts), "linked account"))
	now := a.now()
	for _, acc := range accounts {
		cert := "no certificate"
		if c, ok := acc.Active(); ok {
			cert = "certificate expires " + expiryText(c.NotAfter, now)
		}
		p.say("  %s: %s; organization %s; %s.", oneLine(acc.Name), spokenStatus(acc), oneLine(acc.Organization), cert)
	}
	p.say("")
	return len(accounts), nil
}

// spokenStatus is an account's status, a failure with the title of the
// step to fix ("failed at step copy-ids (Copy the three IDs)").
func spokenStatus(acc store.Account) string {
	if s := statusText(acc); s != "failed at "+acc.FailedStep || acc.FailedStep == "" {
		return s
	}
	return fmt.Sprintf("failed at step %s (%s)", acc.FailedStep, stepTitle(entra.Step(acc.FailedStep)))
}

// count is n things, the noun in the plural unless n is 1.
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// accessibleVerifyAccount asks which account — its number in the list, or
// its name; Enter alone for the only one — and verifies it check by check.
func (a *app) accessibleVerifyAccount(p *prompter, svc *flow.Service) error {
	accounts, _, err := svc.Store.Accounts()
	if err != nil {
		return failedErr(fmt.Errorf("read the accounts: %w", err))
	}
	p.say("Which account?")
	for i, acc := range accounts {
		p.say("  %d. %s", i+1, oneLine(acc.Name))
	}
	def := ""
	if len(accounts) == 1 {
		def = accounts[0].Name
	}
	name, err := p.field("Account to verify (its number or name)", def, func(v string) (string, error) {
		if strings.TrimSpace(v) == "" {
			return "", errors.New("type the number or the name of an account from the list above")
		}
		acc, err := svc.Account(v)
		if err == nil {
			return acc.Name, nil
		}
		if n, convErr := strconv.Atoi(strings.TrimSpace(v)); convErr == nil {
			if n < 1 || n > len(accounts) {
				return "", fmt.Errorf("there is no account %d: type a number from 1 to %d, or an account's name", n, len(accounts))
			}
			return accounts[n-1].Name, nil
		}
		var nf *flow.NotFoundError
		if errors.As(err, &nf) {
			return "", fmt.Errorf("no account named %q: type a number from 1 to %d, or a name from the list above", oneLine(v), len(accounts))
		}
		return "", err
	})
	if err != nil {
		return err
	}
	_, err = a.accessibleVerify(p, svc, name, false, nil)
	return err
}
