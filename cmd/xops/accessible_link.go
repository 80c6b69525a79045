// The link wizard as plain prompts: the session and its end (here), the
// checklist (accessible_link_checklist.go), the form (accessible_link_form.go),
// the key, certificate and upload (accessible_link_cert.go).

package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/xops/xops/assets"
	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/flow/wizard"
	"github.com/xops/xops/store"
)

// linkSession is one run of the link wizard as plain prompts: the same pages
// as the TUI wizard (checklist, form, key, certificate, upload, save,
// verification), and what was made so far, so that a run that stops before
// the save takes it all back (the key, the certificate file).
type linkSession struct {
	a     *app
	p     *prompter
	svc   *flow.Service
	steps map[entra.Step]assets.Step
	done  map[entra.Step]bool
	// appID is the app registered in the sandbox from here ("" outside it).
	appID string

	in       flow.LinkInput
	sc       store.Credential
	certPEM  []byte // the certificate of sc, to write and upload
	keyMade  bool
	certPath string // the certificate file (written by this run when certMade)
	certMade bool
	saved    bool

	// fromAuto is set when a stopped automatic setup handed over to this
	// session (accessible_auto.go): the steps it did are ticked, the form is
	// filled with what it learned, and its key (autoCred, made for autoName
	// with autoDays) is reused unless the form changes what it was made
	// with. The automatic run's draft and key stay until the account is
	// saved, so a session the admin stops before that leaves the run
	// resumable; one the system stops (a signal) becomes the wizard's draft
	// instead, with what the guided part did (keepHandoverOnSignal).
	fromAuto bool
	autoCred store.Credential
	autoName string
	autoDays int

	// draft is set when the session resumes the guided wizard's draft
	// (accessible_resume.go): it starts on the draft's page (start), and
	// keeps the draft up to date at every page (at is the page it is on),
	// so a stop keeps the progress and the key, for this mode or the TUI.
	draft bool
	start wizard.Step
	at    wizard.Step
	// cred describes sc as the wizard's draft does (what it was made with);
	// draftCredID is the key the draft came with.
	cred        *wizard.Credential
	draftCredID string
	// notes are said once the session has started (what the resume found).
	notes []string
}

// accessibleLink runs the link wizard. When it stops before the account is
// saved (end of input, ctrl+c, a failure), the key and the certificate file
// it made are removed: nothing half-made stays behind. Stopped by a signal
// instead (the SSH session dropped, a shutdown), it keeps them as the
// wizard's draft (accessible_signal.go).
func (a *app) accessibleLink(p *prompter, svc *flow.Service) error {
	return a.runLinkSession(p, svc, nil)
}

// runLinkSession runs the guided wizard, fresh (ae nil) or taking over from
// the automatic setup that stopped with ae.
func (a *app) runLinkSession(p *prompter, svc *flow.Service, ae *flow.AutoLinkError) error {
	return a.runSession(p, svc, func(s *linkSession) {
		if ae != nil {
			s.takeOver(ae)
		}
	})
}

// runSession runs the guided wizard once init has filled the session: a
// run that stops before the account is saved takes back what it made, or,
// taking over from an automatic run or resuming a draft, keeps that.
func (a *app) runSession(p *prompter, svc *flow.Service, init func(*linkSession)) error {
	steps, err := assets.Checklist()
	if err != nil {
		return failedErr(err)
	}
	s := &linkSession{a: a, p: p, svc: svc, steps: map[entra.Step]assets.Step{}, done: map[entra.Step]bool{},
		in: flow.LinkInput{KeySize: flow.DefaultKeySize, CertDays: flow.DefaultCertDays}}
	for _, st := range steps {
		s.steps[st.ID] = st
	}
	init(s)
	err = s.run()
	if err != nil && !s.saved && s.draft {
		if kerr := s.keep(); kerr != nil {
			err = errors.Join(err, kerr)
		}
		return &draftKept{cause: err, signal: s.p.stopSignal()}
	}
	if err != nil && !s.saved && !s.fromAuto {
		// A new link the system stopped (SIGHUP, SIGTERM) becomes a draft.
		sig, kept, kerr := s.keepOnSignal()
		if kept {
			return &draftKept{cause: err, signal: sig}
		}
		if kerr != nil {
			err = errors.Join(err, kerr)
		}
	}
	if err != nil && !s.saved && s.fromAuto {
		// Taken over from an automatic run and stopped by the system: the
		// guided part becomes the draft, in place of the run's progress.
		sig, kept, kerr := s.keepHandoverOnSignal()
		if kept {
			return &draftKept{cause: err, signal: sig}
		}
		if kerr != nil {
			err = errors.Join(err, kerr)
		}
		if derr := s.discard(); derr != nil {
			return errors.Join(err, derr)
		}
		return &autoStopped{cause: err, name: s.autoName}
	}
	if err != nil && !s.saved {
		if derr := s.discard(); derr != nil {
			err = errors.Join(err, derr)
		}
	}
	if err != nil && s.saved {
		next := fmt.Sprintf("the account %s is saved, not verified yet; to verify it run: xops accounts verify %s", oneLine(s.in.Name), shellQuote(s.in.Name))
		switch {
		case errors.Is(err, errInputEnded):
			return usageErr("input ended; %s", next)
		case errors.Is(err, errInterrupted):
			return failedErr(fmt.Errorf("interrupted; %s", next))
		}
	}
	return err
}

func (s *linkSession) run() error {
	s.p.say("")
	switch {
	case s.draft:
		s.p.say("The guided link from an earlier session. End of input (ctrl+d) stops here; the progress is kept, to resume here or in the full-screen xops.")
		for _, n := range s.notes {
			s.p.say("%s", n)
		}
	case s.fromAuto:
		s.p.say("The guided checklist, with what the automatic setup did ticked and the IDs it learned filled in.")
		s.p.say("End of input (ctrl+d) stops here; the automatic setup's progress stays, to resume. If the connection drops, this guided link is kept, to resume.")
	default:
		s.p.say("Link a new Microsoft 365 account. End of input (ctrl+d) stops here with nothing saved; if the connection drops, the progress is kept, to resume.")
	}
	pages := []struct {
		at wizard.Step
		do func() error
	}{
		{wizard.StepChecklist, s.checklist}, {wizard.StepForm, s.form}, {wizard.StepGenerate, s.generate},
		{wizard.StepCertificate, s.writeCertificate}, {wizard.StepUpload, s.upload}, {wizard.StepSave, s.save},
	}
	for _, pg := range pages {
		if pg.at.Number() < s.start.Number() {
			continue // done in the session the draft comes from
		}
		s.at = pg.at
		s.keepOrSay()
		if err := pg.do(); err != nil {
			return err
		}
	}
	_, err := s.a.accessibleVerify(s.p, s.svc, s.in.Name, true, s.sandboxFix)
	return err
}

// page announces a page of the wizard, numbered as the TUI numbers them.
func (s *linkSession) page(st wizard.Step) {
	s.p.say("")
	s.p.say("Step %d of %d: %s", st.Number(), len(wizard.Steps), st.Title())
}

// save writes the account with its key, in one transaction.
func (s *linkSession) save() error {
	s.page(wizard.StepSave)
	acc, err := s.svc.SaveAccount(s.in, s.sc)
	if err != nil {
		return classify(err)
	}
	s.saved = true
	s.in.Name = acc.Name
	s.p.say("Saved the account %s (not verified yet).", oneLine(acc.Name))
	if s.fromAuto {
		s.dropAutoRun()
	}
	if s.draft {
		s.dropDraft()
	}
	return nil
}

// discard takes back what a run that stopped before the save made.
func (s *linkSession) discard() error {
	var errs []error
	if s.keyMade {
		if err := s.svc.Store.DeleteKey(s.sc.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
			errs = append(errs, fmt.Errorf("remove the unused key: %w", err))
		}
	}
	if s.certMade {
		if err := os.Remove(s.certPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("remove the unused certificate %s: %w", s.certPath, err))
		}
	}
	return errors.Join(errs...)
}
