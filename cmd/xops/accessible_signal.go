package main

import (
	"context"
	"errors"
	"fmt"
	"syscall"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/flow/wizard"
)

// A guided link stopped by the system, not by the admin — the SSH session
// dropped (SIGHUP, or the terminal hung up under a read) or the machine is
// shutting down (SIGTERM) — keeps what it made as the wizard's draft, as
// the full-screen TUI does: its ticks, form, key and certificate file, for
// the next start (here or in the TUI) to offer. End of input (ctrl+d) and
// ctrl+c are the admin's own stops: a new link then takes everything back,
// as its first screen says.

// stopSignal names what stopped the run when it was not the admin's doing:
// "hangup" or "terminated" (the signal's name), "" for ctrl+c, end of input
// or a failure of its own. A terminal that hung up counts even before its
// SIGHUP lands: its last read ends like ctrl+d, and the signal may come
// after.
func (p *prompter) stopSignal() string {
	var by signalStop
	if errors.As(context.Cause(p.ctx), &by) && (by.sig == syscall.SIGHUP || by.sig == syscall.SIGTERM) {
		return by.sig.String()
	}
	if p.tty && !p.a.terminal(p.a.stdin) {
		return syscall.SIGHUP.String()
	}
	return ""
}

// worthKeeping reports whether a new link has anything a signal should not
// throw away: a key, a ticked step, or a form field typed (the TUI keeps
// all of these in its draft).
func (s *linkSession) worthKeeping() bool {
	if s.cred != nil {
		return true
	}
	for _, done := range s.done {
		if done {
			return true
		}
	}
	def := flow.LinkInput{KeySize: flow.DefaultKeySize, CertDays: flow.DefaultCertDays}
	return s.in != def
}

// keepOnSignal turns a new link stopped by a signal into the wizard's
// draft, at the page it was on; kept is false when there is nothing worth
// keeping or the signal was not one, and err says why the draft could not
// be written (the caller then takes everything back as for ctrl+d).
func (s *linkSession) keepOnSignal() (sig string, kept bool, err error) {
	sig = s.p.stopSignal()
	if sig == "" || !s.worthKeeping() {
		return sig, false, nil
	}
	s.draft = true
	if err := s.keep(); err != nil {
		s.draft = false
		return sig, false, err
	}
	return sig, true, nil
}

// keepHandoverOnSignal keeps a guided link that took over from an
// automatic run, stopped by a signal, as the wizard's draft, as
// keepOnSignal keeps a new one: the steps the run did and those ticked
// since, the form, the key (the run's, unless the form made a new one) and
// the certificate file. The draft then holds everything the run's progress
// did, so that goes (and the run's key, when the draft names another), as
// the TUI's switch to the guided path does: the next start offers the
// guided link alone. kept is false when the stop was not a signal's, and
// err says why the draft could not be written (the run's progress then
// stays, as for ctrl+d).
func (s *linkSession) keepHandoverOnSignal() (sig string, kept bool, err error) {
	sig = s.p.stopSignal()
	if sig == "" {
		return sig, false, nil
	}
	if c := s.autoCred; s.cred == nil && c.ID != "" && (s.sc.ID == "" || s.sc.ID == c.ID) {
		s.sc = c
		s.cred = &wizard.Credential{ID: c.ID, Thumbprint: c.Thumbprint, KeySize: c.KeySize, NotBefore: c.NotBefore,
			NotAfter: c.NotAfter, Created: c.Created, MadeFor: s.autoName, CertDays: s.autoDays}
	}
	if s.keyMade && s.at.Number() < wizard.StepUpload.Number() {
		// A key of this session's: the app holds the run's certificate, not
		// its own, until the upload page says otherwise.
		s.done[entra.StepUploadCertificate] = false
	}
	s.draft = true
	if err := s.keep(); err != nil {
		s.draft = false
		return sig, false, err
	}
	s.dropAutoRun()
	return sig, true, nil
}

// signalKeptNote says what a link stopped by a signal left, from the
// store's draft: its page, its key's thumbprint and its certificate file.
func signalKeptNote(svc *flow.Service) string {
	draft, found, err := guidedDraft(svc.Store)
	if !found || err != nil {
		return "nothing saved"
	}
	note := "no account saved; the guided link is kept"
	if c := draft.Cred; c != nil {
		note += fmt.Sprintf(" with its key (thumbprint %s)", c.Thumbprint)
		if draft.CertPath != "" {
			note += fmt.Sprintf(" and certificate file %s", oneLine(draft.CertPath))
		}
	}
	return note + ": run xops again and choose: " + resumeLabel(draft)
}

// stoppedBy is the message of a run a signal stopped.
func stoppedBy(sig string) string {
	return fmt.Sprintf("stopped by a signal (%s)", sig)
}
