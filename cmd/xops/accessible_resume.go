package main

import (
	"bytes"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/flow/wizard"
	"github.com/xops/xops/store"
)

// A guided link left in progress — by the TUI's wizard, or by a resumed
// session here — is flow/wizard's draft (wizard.DraftKind) in the store.
// The accessible mode offers it as the TUI does, resumes it at its page with
// its ticks, form and key, and keeps it up to date in the same format, so
// either front end can pick it up again.

// guidedDraft reads the guided wizard's draft: found reports there is one;
// err says why one that is there cannot be used (then only starting over
// is offered, as in the TUI).
func guidedDraft(st flow.DraftStore) (draft wizard.State, found bool, err error) {
	raw, err := st.Draft(wizard.DraftKind)
	if errors.Is(err, store.ErrNotFound) {
		return wizard.State{}, false, nil
	}
	if err != nil {
		return wizard.State{}, true, fmt.Errorf("the draft could not be read: %w", err)
	}
	draft, err = wizard.Unmarshal(raw)
	return draft, true, err
}

// resumeLabel is the resume choice in ui/wizard's words.
func resumeLabel(st wizard.State) string {
	if name := st.Form.Name; name != "" {
		return fmt.Sprintf("Resume “%s” (step %d, %s)", oneLine(name), st.Step.Number(), st.Step.Title())
	}
	return fmt.Sprintf("Resume (step %d, %s; no name yet)", st.Step.Number(), st.Step.Title())
}

// offerGuidedDraft asks what to do with a guided link in progress: resume
// it, start over (which deletes the draft and its unused key, then opens a
// fresh guided checklist), or go back Home. found is false when there is no
// draft; the caller then offers its usual choice.
func (a *app) offerGuidedDraft(p *prompter, svc *flow.Service) (found bool, err error) {
	draft, found, broken := guidedDraft(svc.Store)
	if !found {
		return false, nil
	}
	p.say("")
	p.say("Link a New Microsoft Account")
	if broken != nil {
		p.say("A guided link was left unfinished, but it cannot be used:")
		p.say("%s", oneLine(broken.Error()))
		i, err := p.menuNotes("What next?", []note{
			{"Start over", "the old draft is deleted and you begin at the checklist"},
			{"Back", ""},
		})
		if err != nil || i == 1 {
			return true, err
		}
		draft = wizard.New() // its key, if any, is for 'xops store check --prune'
	} else {
		if name := draft.Form.Name; name != "" {
			p.say("A guided link of %s was left unfinished.", oneLine(name))
		} else {
			p.say("A guided link was left unfinished.")
		}
		i, err := p.menu("What next?", []string{
			resumeLabel(draft),
			"Start over (forget it, and delete its unused key)",
			"Back",
		})
		if err != nil {
			return true, err
		}
		switch i {
		case 0:
			return true, a.runDraftSession(p, svc, draft)
		case 2:
			return true, nil
		}
	}
	if err := startOver(svc, draft); err != nil {
		return true, failedErr(fmt.Errorf("start over: %w", err))
	}
	p.say("Started over: the draft is deleted, and its key too if it had one.")
	return true, a.accessibleLink(p, svc)
}

// startOver carries out the wizard's StartOver as the TUI does: its unused
// key is deleted, then the draft. A key some account uses is never deleted
// (the store refuses it); the draft still goes.
func startOver(svc *flow.Service, draft wizard.State) error {
	_, effects := draft.Apply(wizard.StartOver{})
	var errs []error
	for _, eff := range effects {
		switch e := eff.(type) {
		case wizard.DiscardKey:
			if err := svc.Store.DeleteKey(e.CredentialID); err != nil && !errors.Is(err, store.ErrNotFound) {
				errs = append(errs, fmt.Errorf("delete the unused key: %w", err))
			}
		case wizard.DeleteDraft:
			if err := svc.Store.DeleteDraft(wizard.DraftKind); err != nil && !errors.Is(err, store.ErrNotFound) {
				errs = append(errs, fmt.Errorf("delete the draft: %w", err))
			}
		}
	}
	return errors.Join(errs...)
}

// draftKept is a guided link stopped before its account was saved with
// its draft kept, up to date: a resumed one stopped in any way (end of
// input, ctrl+c, a failure, a signal), or a new one stopped by a signal
// (accessible_signal.go). signal names the signal, "" when there was none.
type draftKept struct {
	cause  error
	signal string
}

func (e *draftKept) Error() string { return e.cause.Error() }
func (e *draftKept) Unwrap() error { return e.cause }

// kept says what the stopped link left, from the store's draft.
func (e *draftKept) kept(svc *flow.Service) string { return "nothing saved" + guidedKeptNote(svc) }

// guidedKeptNote reminds, when a session ends, of a guided link in progress
// ("" when there is none).
func guidedKeptNote(svc *flow.Service) string {
	draft, found, err := guidedDraft(svc.Store)
	if !found || err != nil {
		return ""
	}
	return "; the guided link is kept: run xops again and choose: " + resumeLabel(draft)
}

// runDraftSession resumes the guided wizard from its draft.
func (a *app) runDraftSession(p *prompter, svc *flow.Service, draft wizard.State) error {
	return a.runSession(p, svc, func(s *linkSession) { s.resume(draft) })
}

// resume fills the session from the draft: its page, ticks, form, and the
// key it made (reused, its certificate read back from the store; the
// private key is never read here). A key gone from the store is said, and
// the form makes a new one.
func (s *linkSession) resume(draft wizard.State) {
	s.draft, s.start = true, draft.Step
	s.in = flow.LinkInput{Name: draft.Form.Name, AppID: draft.Form.AppID, TenantID: draft.Form.TenantID,
		Organization: draft.Form.Organization, KeySize: draft.Form.KeySize, CertDays: draft.Form.CertDays}
	for _, id := range entra.ChecklistSteps {
		s.done[id] = draft.Ticked(id)
	}
	if c := draft.Cred; c != nil {
		km, err := s.svc.Store.Key(c.ID)
		if err == nil {
			cred := *c
			s.cred, s.draftCredID = &cred, c.ID
			s.sc = store.Credential{ID: c.ID, Thumbprint: c.Thumbprint, KeySize: c.KeySize,
				NotBefore: c.NotBefore, NotAfter: c.NotAfter, Created: c.Created}
			s.certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: km.CertDER})
			s.certPath = draft.CertPath
		} else {
			s.notes = append(s.notes, fmt.Sprintf("The key made in the earlier session cannot be read (%s): a new one is made after the form.", oneLine(err.Error())))
			s.done[entra.StepUploadCertificate] = false
			if s.start.Number() > wizard.StepForm.Number() {
				s.start = wizard.StepForm
			}
		}
	}
	if s.start == wizard.StepUpload && !certFileHolds(s.certPath, s.certPEM) {
		if s.certPath != "" {
			s.notes = append(s.notes, fmt.Sprintf("The certificate file of the earlier session (%s) is not there any more: save it again.", oneLine(s.certPath)))
		}
		s.start = wizard.StepCertificate
	}
	if s.a.sb != nil {
		s.appID = s.in.AppID // the sandbox app, known through the form (as in the TUI)
	}
	s.notes = append(s.notes, fmt.Sprintf("Resuming at step %d of %d: %s.", s.start.Number(), len(wizard.Steps), s.start.Title()))
	if s.start.Number() > wizard.StepChecklist.Number() {
		var undone []string
		for _, id := range checklistBeforeUpload() {
			if !s.done[id] {
				undone = append(undone, s.steps[id].Title)
			}
		}
		if len(undone) == 0 {
			s.notes = append(s.notes, "Checklist: every step before the upload is ticked.")
		} else {
			s.notes = append(s.notes, fmt.Sprintf("Checklist: not ticked: %s. Verification will name what is missing.", strings.Join(undone, "; ")))
		}
	}
}

// certFileHolds reports whether the file at path holds exactly pemData.
func certFileHolds(path string, pemData []byte) bool {
	if path == "" || len(pemData) == 0 {
		return false
	}
	b, err := os.ReadFile(path)
	return err == nil && bytes.Equal(b, pemData)
}

// keep writes the session's draft, when it is a resumed one whose account
// is not saved yet: flow/wizard's State on the page the session is at, so
// the TUI (or this mode) resumes it there.
func (s *linkSession) keep() error {
	if !s.draft || s.saved {
		return nil
	}
	st, err := s.wizardState()
	if err != nil {
		return err
	}
	b, err := st.Marshal()
	if err != nil {
		return err
	}
	if err := s.svc.Store.PutDraft(wizard.DraftKind, b); err != nil {
		return fmt.Errorf("save the progress: %w", err)
	}
	return nil
}

// keepOrSay keeps the draft; a failure is said, not fatal: the link goes
// on, only its progress would not survive a stop.
func (s *linkSession) keepOrSay() {
	if err := s.keep(); err != nil {
		s.p.say("Note: could not save the progress (%s); if this stops, resuming starts from the last saved page.", oneLine(err.Error()))
	}
}

// wizardState is the session as flow/wizard's State at its page, built
// with the reducer's own events (its ticks are private), so the draft reads
// back exactly as one the TUI wrote. A page that is busy in the TUI is
// kept as the page before it, as wizard.Unmarshal resumes it anyway.
func (s *linkSession) wizardState() (wizard.State, error) {
	at := s.at
	switch at {
	case "", wizard.StepChecklist:
		at = wizard.StepChecklist
	case wizard.StepGenerate:
		at = wizard.StepForm
	case wizard.StepSave:
		at = wizard.StepUpload
	}
	apply := func(st wizard.State, e wizard.Event) wizard.State { st, _ = st.Apply(e); return st }
	st := wizard.New()
	for _, id := range checklistBeforeUpload() {
		if s.done[id] {
			st = apply(st, wizard.MarkDone{Step: id})
		}
	}
	if un := st.Unticked(); len(un) > 0 {
		st = apply(st, wizard.FocusStep{Step: un[0]})
	}
	form := wizard.Form{Name: s.in.Name, AppID: s.in.AppID, TenantID: s.in.TenantID, Organization: s.in.Organization,
		KeySize: s.in.KeySize, CertDays: s.in.CertDays}
	if s.cred == nil && at != wizard.StepChecklist {
		at = wizard.StepForm // no key yet: the form makes one
	}
	if at == wizard.StepChecklist && s.cred == nil && form == wizard.New().Form {
		return st, nil
	}
	st = apply(st, wizard.Continue{})
	if st.Asking == wizard.AskUnticked {
		st = apply(st, wizard.Answer{Yes: true})
	}
	if s.cred != nil {
		st = apply(st, wizard.Submit{Form: form}) // the TUI checks on its next submit what the key was made with
		st = apply(st, wizard.KeyGenerated{Seq: st.Seq(), Cred: *s.cred})
		if s.certPath != "" {
			path := s.certPath
			if abs, err := filepath.Abs(path); err == nil {
				path = abs // as the TUI keeps it
			}
			st = apply(st, wizard.CertificateWritten{Path: path})
		}
		st = apply(st, wizard.Continue{}) // the upload page
		if s.done[entra.StepUploadCertificate] {
			st = apply(st, wizard.MarkDone{Step: entra.StepUploadCertificate})
		}
		back := map[wizard.Step]int{wizard.StepUpload: 0, wizard.StepCertificate: 1, wizard.StepForm: 2, wizard.StepChecklist: 2}[at]
		for range back {
			st = apply(st, wizard.Back{})
		}
	}
	if st.Step == wizard.StepForm {
		st = apply(st, wizard.FormEdited{Form: form})
		if at == wizard.StepChecklist {
			st = apply(st, wizard.Back{})
		}
	}
	if st.Step != at {
		return wizard.State{}, fmt.Errorf("save the progress: the draft ends on %s, not %s", st.Step, at)
	}
	return st, nil
}

// dropDraft forgets the draft once its account is saved. It is not worth
// failing a saved account over: a leftover is said.
func (s *linkSession) dropDraft() {
	if err := s.svc.Store.DeleteDraft(wizard.DraftKind); err != nil && !errors.Is(err, store.ErrNotFound) {
		s.p.say("Note: could not delete the link's draft (%s); linking a Microsoft account again offers to start over.", oneLine(err.Error()))
	}
}

// dropKey deletes a key the draft no longer names (the form changed what it
// was made with), once the draft names the new one.
func (s *linkSession) dropKey(id string) {
	if id == "" || id == s.sc.ID {
		return
	}
	if err := s.svc.Store.DeleteKey(id); err != nil && !errors.Is(err, store.ErrNotFound) {
		s.p.say("Note: could not delete the earlier key (%s); 'xops store check --prune' removes it.", oneLine(err.Error()))
	}
}
