package main

import (
	"encoding/pem"
	"errors"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/store"
)

// takeOver fills the session from an automatic setup that stopped (the
// accessible form of ui/autosetup's switch to the guided path): the form
// holds the name and the IDs it learned, the checklist steps it did are
// ticked, and the key it made is reused (its certificate read back from the
// store; the private key is never read here).
func (s *linkSession) takeOver(ae *flow.AutoLinkError) {
	in, credID := ae.GuidedInput()
	if in.KeySize == 0 {
		in.KeySize = flow.DefaultKeySize
	}
	if in.CertDays == 0 {
		in.CertDays = flow.DefaultCertDays
	}
	s.in, s.fromAuto, s.autoName, s.autoDays = in, true, in.Name, in.CertDays
	for _, id := range entra.SetupSteps {
		if ae.Progress.Setup.Done(id) {
			for _, st := range id.Checklist() {
				s.done[st] = true
			}
		}
	}
	if credID != "" {
		if km, err := s.svc.Store.Key(credID); err == nil {
			s.autoCred = ae.Progress.Credential
			s.certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: km.CertDER})
		}
		// else the key is gone: the session makes another, as the TUI does.
	}
	if s.a.sb != nil {
		s.appID = in.AppID // the sandbox can do the steps left on this app
	}
}

// dropAutoRun forgets the automatic run once its account is saved by the
// guided path: its draft, and its key when the account took a new one.
// Neither is worth failing a saved account over: a leftover is said.
func (s *linkSession) dropAutoRun() {
	if err := s.svc.Store.DeleteDraft(flow.AutoDraftKind); err != nil && !errors.Is(err, store.ErrNotFound) {
		s.p.say("Note: could not drop the automatic setup's progress (%s); 'xops store check' shows it.", oneLine(err.Error()))
	}
	if s.autoCred.ID != "" && s.sc.ID != s.autoCred.ID {
		if err := s.svc.Store.DeleteKey(s.autoCred.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
			s.p.say("Note: could not remove the automatic setup's unused key (%s); 'xops store check --prune' removes it.", oneLine(err.Error()))
		}
	}
}
