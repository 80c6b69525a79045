package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/flow/validate"
)

// The choices of "Link a New Microsoft Account", in ui/autosetup's words.
const (
	autoChoiceAuto   = "Set it up for me (sign in as an admin)"
	autoChoiceGuided = "I'll do it in the Entra admin center (guided)"
)

// autoStopped is an automatic setup (or the guided path it handed over to)
// stopped by end of input or ctrl+c: cause is errInputEnded or
// errInterrupted; the run's progress stays in the store's draft.
type autoStopped struct {
	cause error
	name  string
}

func (e *autoStopped) Error() string { return e.cause.Error() }
func (e *autoStopped) Unwrap() error { return e.cause }

// kept says what a stopped run left, from the store's draft.
func (e *autoStopped) kept(svc *flow.Service) string {
	if p, ok := resumableAuto(svc.Store); ok {
		return fmt.Sprintf("the automatic setup of %s is not finished; what it made is kept: run xops again and choose “Resume setting up %q for me”",
			oneLine(p.Name), oneLine(p.Name))
	}
	return fmt.Sprintf("nothing for %s was made in the tenant yet; nothing saved", oneLine(e.name))
}

// resumableAuto is the automatic run to offer to resume, as the TUI offers
// it: one stopped before its account was saved (one saved and not verified
// yet is verified from Home).
func resumableAuto(st flow.DraftStore) (flow.AutoProgress, bool) {
	raw, err := st.Draft(flow.AutoDraftKind)
	if err != nil {
		return flow.AutoProgress{}, false
	}
	var p flow.AutoProgress
	if json.Unmarshal(raw, &p) != nil || p.V != 1 || p.Name == "" || p.AccountID != "" {
		return flow.AutoProgress{}, false
	}
	return p, true
}

// accessibleLinkMicrosoft is "Link a New Microsoft Account": the guided
// link in progress if there is one (accessible_resume.go), else resume the
// automatic run in progress, set it up automatically, or the guided
// checklist — ui/autosetup's choice as a numbered prompt.
func (a *app) accessibleLinkMicrosoft(p *prompter, svc *flow.Service) error {
	if found, err := a.offerGuidedDraft(p, svc); found {
		return err // resumed, started over, or back Home
	}
	_, _, epErr := a.endpoints()
	for {
		p.say("")
		p.say("Link a New Microsoft Account")
		resume, hasResume := resumableAuto(svc.Store)
		var opts []note
		var do []func() error
		if epErr == nil && hasResume {
			opts = append(opts, note{fmt.Sprintf("Resume setting up %q for me", oneLine(resume.Name)),
				"picks up where the last run stopped; nothing is made twice"})
			do = append(do, func() error { return a.accessibleAuto(p, svc, &resume) })
		}
		if epErr == nil {
			opts = append(opts, note{autoChoiceAuto, "a device-code sign-in; xops registers the app, grants and verifies"})
			do = append(do, func() error { return a.accessibleAuto(p, svc, nil) })
		}
		opts = append(opts, note{autoChoiceGuided, "six steps by hand, each explained; works with any tenant policy"},
			note{"Back", ""})
		do = append(do, func() error { return a.accessibleLink(p, svc) }, func() error { return errBack })
		if epErr != nil {
			p.say("The automatic setup is not available: %s", oneLine(epErr.Error()))
		}
		i, err := p.menuNotes("How do you want to make the Entra side?", opts)
		if err != nil {
			return err
		}
		if err := do[i](); !errors.Is(err, errBack) {
			return err
		}
	}
}

// accessibleAuto is "Set it up for me" in lines: the friendly name (unless
// resuming), the device code on lines of its own, each step as it ends,
// then the verification as the guided path prints it. A failure offers the
// ways out; stopping there goes back to Home, the run resumable from there.
func (a *app) accessibleAuto(p *prompter, svc *flow.Service, resume *flow.AutoProgress) (err error) {
	p.say("")
	p.say("Set it up for me")
	name := ""
	if resume != nil {
		name = resume.Name
	} else if a.sb != nil {
		p.say("Sandbox: next the simulated admin (a Global Administrator of the sandbox tenant) signs in with a code by itself; nothing to open.")
	} else {
		p.say("Next you sign in as an admin of the tenant with a code; you need Application Administrator and Privileged Role Administrator (or Global Administrator).")
	}
	for {
		if name == "" {
			if name, err = p.field("Friendly name for the account", "", func(v string) (string, error) { return checkAutoName(svc, v) }); err != nil {
				return err
			}
		}
		res, failSaid, err := a.autoRun(p, svc, name, resume)
		var ie *flow.InputError
		var ae *flow.AutoLinkError
		switch {
		case err == nil:
			a.autoDone(p, res)
			return nil
		case errors.As(err, &ie):
			// The name was taken meanwhile, or the draft is for another name.
			for _, f := range ie.Fields {
				p.say("  %s", fieldProblem(f))
			}
			name, resume = "", nil
			continue
		case errors.As(err, &ae):
			if stop := a.stoppedBy(err); stop != nil {
				p.say("The run stopped at: %s.", ae.Step.Title())
				return &autoStopped{cause: stop, name: name}
			}
			return a.autoFailed(p, svc, ae, failSaid)
		case a.stoppedBy(err) != nil:
			return &autoStopped{cause: a.stoppedBy(err), name: name}
		default:
			// Said once, by the error the run ends with (stderr): a screen
			// reader would read it twice if it were also said here.
			return classify(err)
		}
	}
}

// checkAutoName validates the friendly name as the account form does,
// including that no account has it yet.
func checkAutoName(svc *flow.Service, v string) (string, error) {
	in, _, ferrs := svc.CheckLinkInput(flow.LinkInput{Name: v})
	for _, fe := range ferrs {
		if fe.Field == validate.FieldName {
			return "", fe
		}
	}
	return in.Name, nil
}

// errBack is "Back" on the choice: to Home, nothing done.
var errBack = errors.New("back")

// errRunInputEnded marks a run that the watcher stopped at end of input.
var errRunInputEnded = errors.New("input ended during the automatic setup")

// stoppedBy tells whether err is a run stopped by the admin: end of input
// (errInputEnded) or ctrl+c (errInterrupted); nil otherwise.
func (a *app) stoppedBy(err error) error {
	switch {
	case errors.Is(err, errRunInputEnded), errors.Is(err, errInputEnded):
		return errInputEnded
	case errors.Is(err, errInterrupted), errors.Is(err, context.Canceled):
		return errInterrupted
	}
	return nil
}

// autoRun runs AutoLink, printing what it shows. Meanwhile it watches the
// input: end of input (ctrl+d) stops the run as ctrl+c does, and its
// progress stays in the draft; a line typed meanwhile is kept for the next
// question. The keys are unlocked first, so no passphrase prompt reads the
// terminal while the watch does. failSaid is the message of the step that
// failed, as it was said.
func (a *app) autoRun(p *prompter, svc *flow.Service, name string, resume *flow.AutoProgress) (res flow.AutoLinkResult, failSaid string, err error) {
	if err := a.unlockKeys(p, svc); err != nil {
		return flow.AutoLinkResult{}, "", err
	}
	ep, client, err := a.endpoints()
	if err != nil {
		return flow.AutoLinkResult{}, "", err
	}
	ctx, cancel := context.WithCancelCause(p.ctx)
	defer cancel(nil)
	lines := p.read()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		select {
		case r := <-lines:
			lines <- r // for the next question, which ends too at end of input
			if errors.Is(r.err, io.EOF) {
				cancel(errRunInputEnded)
			}
		case <-stop:
		}
	})
	from := "Microsoft"
	if a.sb != nil {
		from = "the sandbox tenant" // nothing reaches Microsoft
	}
	p.say("Asking %s for a sign-in code… (ctrl+d or ctrl+c stops the run; what it made is kept)", from)
	stopSaid := false
	in := flow.AutoLinkInput{Name: name, Wait: flow.DefaultAutoWait, Entra: &entra.Setup{Endpoints: ep, HTTP: client}, Resume: resume}
	hooks := flow.AutoHooks{
		OnPrompt: func(dc entra.DeviceCodePrompt) { sayDeviceCode(p, dc) },
		OnEvent: func(e entra.SetupEvent) {
			if ctx.Err() != nil && !stopSaid {
				stopSaid = true
				p.say("") // off the line a terminal's "^C" was echoed on
			}
			if line := spokenWords.setupEventLine(e); line != "" {
				p.say("%s", line)
			}
			if !e.Running && !e.OK {
				failSaid = oneLine(e.Message)
			}
		},
		OnAttempt: func(n int, r entra.Report) {
			if !r.OK {
				p.say("verification attempt %d: %s; Entra may still be applying the changes, trying again", n, failureSummary(r))
			}
		},
	}
	res, err = svc.AutoLink(ctx, in, hooks)
	close(stop)
	wg.Wait()
	if err != nil && ctx.Err() != nil {
		err = errors.Join(err, context.Cause(ctx))
	}
	return res, failSaid, err
}

// sayDeviceCode tells where to sign in: the address and the code each on a
// line of their own (a screen reader reads lines), the code spelled out. In
// the sandbox there is nothing to do: its simulated admin signs in with the
// code by itself (its sign-in page is a loopback address), as the TUI says.
func sayDeviceCode(p *prompter, dc entra.DeviceCodePrompt) {
	if p.a.sb != nil {
		p.say("Sandbox: the simulated admin signs in with the code by itself in a moment; there is nothing to open and nothing to type.")
		p.say("Waiting for the simulated admin to sign in…")
		return
	}
	code := oneLine(dc.UserCode)
	p.say("To sign in as an admin, open this address on any device:")
	p.say("%s", oneLine(dc.VerificationURL))
	p.say("and enter this code:")
	p.say("%s", code)
	p.say("(spelled out: %s)", strings.Join(strings.Split(code, ""), " "))
	if !dc.ExpiresAt.IsZero() {
		p.say("The code works until %s. Waiting for you to sign in…", codeDeadline(dc.ExpiresAt, time.Now()))
	} else {
		p.say("Waiting for you to sign in…")
	}
}

// unlockKeys asks for the store's passphrase now, when keys are protected
// and not open yet, rather than in the middle of the run.
func (a *app) unlockKeys(p *prompter, svc *flow.Service) error {
	if svc.KeysUnlocked() {
		return nil
	}
	p.endLine() // the prompt (stderr) or its refusal starts on a line of its own
	ask := a.passphraseProvider()
	for {
		pass, err := ask(p.ctx)
		if err != nil {
			if p.ctx.Err() != nil {
				return errInterrupted
			}
			return classify(err)
		}
		err = svc.UnlockKeys(pass)
		if err == nil || !errors.Is(err, flow.ErrWrongPassphrase) {
			return err
		}
	}
}

// autoDone prints a finished run: linked and verified (or linked with
// checks failing), each check as the guided path prints it, the IDs.
func (a *app) autoDone(p *prompter, res flow.AutoLinkResult) {
	r, name := res.Report, oneLine(res.Account.Name)
	p.say("")
	for _, c := range r.Checks {
		printCheck(p, c)
	}
	if r.OK {
		p.say("Linked and verified: %s", name)
	} else {
		p.say("Linked, but not every check passes yet: %s", name)
		p.say("Entra may still be applying the changes: verify again in a while, from Home (Verify an account) or with: xops accounts verify %s --wait 5m",
			shellQuote(res.Account.Name))
	}
	if c, ok := res.Account.Active(); ok {
		p.say("Thumbprint:   %s", c.Thumbprint)
	}
	p.say("App ID:       %s", oneLine(res.Account.AppID))
	p.say("Tenant ID:    %s", oneLine(res.Account.TenantID))
	p.say("Organization: %s", oneLine(res.Account.Organization))
	if res.SignedInAs != "" {
		p.say("Signed in as: %s", oneLine(res.SignedInAs))
	}
	p.say("The certificate is on the app already. For a copy: xops accounts export %s --format pem --out FILE", shellQuote(res.Account.Name))
}

// autoFailed says why the run stopped and what exists, then offers the ways
// out, as ui/autosetup's failure page: where the tenant or the role blocks
// the automatic path, the guided checklist prefilled, else running it again.
// The reason is not said again when the failed step's line (failSaid, its
// message) just said it: a screen reader would read it twice in full.
func (a *app) autoFailed(p *prompter, svc *flow.Service, ae *flow.AutoLinkError, failSaid string) (err error) {
	p.say("")
	p.say("Stopped at: %s", ae.Step.Title())
	if why := oneLine(ae.Err.Error()); failSaid == "" || !strings.Contains(why, failSaid) {
		p.say("%s", sentence(why))
	}
	inv := ae.Inventory
	if len(inv.Items) == 0 {
		inv = entra.InventoryFromProgress(ae.Progress.Setup) // never leave what was made unexplained
	}
	for _, l := range spokenWords.inventoryLines(inv) {
		p.say("%s", l)
	}
	stop := note{"Stop here", "the progress is kept: linking a Microsoft account again offers to resume it"}
	guided := note{"Continue with the guided checklist", "what exists ticked, the IDs filled in; you do the rest in the Entra admin center"}
	var i int
	if ae.Guided() {
		p.say("This tenant or your role does not allow the automatic path.")
		if i, err = p.menuNotes("What next?", []note{guided, stop}); err != nil {
			return &autoStopped{cause: err, name: ae.Progress.Name}
		}
		i++ // as the second menu: 1 guided, 2 stop
	} else {
		retry := note{"Run it again", "it resumes where it stopped and makes nothing twice"}
		if i, err = p.menuNotes("What next?", []note{retry, guided, stop}); err != nil {
			return &autoStopped{cause: err, name: ae.Progress.Name}
		}
		if i == 0 {
			prog := ae.Progress
			return a.accessibleAuto(p, svc, &prog)
		}
	}
	if i == 1 {
		return a.runLinkSession(p, svc, ae)
	}
	p.say("Stopped here; what it made is kept: linking a Microsoft account again offers “Resume setting up %q for me”.", oneLine(ae.Progress.Name))
	return nil
}

// sentence starts a message from elsewhere with a capital.
func sentence(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

// autoKeptNote reminds, when a session ends elsewhere, of an automatic run
// left unfinished ("" when there is none).
func autoKeptNote(svc *flow.Service) string {
	if _, ok := resumableAuto(svc.Store); !ok {
		return ""
	}
	return "; " + (&autoStopped{}).kept(svc)
}
