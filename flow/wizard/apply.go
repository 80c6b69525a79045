package wizard

import "github.com/xops/xops/entra"

// Apply returns the state after e and the effects the UI must carry out.
// Events that make no sense on the current page change nothing.
func (s State) Apply(e Event) (State, []Effect) {
	// Events that mean the same on every page.
	switch e := e.(type) {
	case StartOver:
		return s.startOver()
	case KeyGenerated:
		return s.keyGenerated(e)
	case KeyFailed:
		if s.Step == StepGenerate && s.Busy && e.Seq == s.seq {
			s.Busy = false
			s.Err = e.Err
		}
		return s, nil
	}

	switch s.Step {
	case StepChecklist:
		return s.applyChecklist(e)
	case StepForm:
		return s.applyForm(e)
	case StepGenerate:
		return s.applyGenerate(e)
	case StepCertificate:
		return s.applyCertificate(e)
	case StepUpload:
		return s.applyUpload(e)
	case StepSave:
		return s.applySave(e)
	case StepVerify:
		return s.applyVerify(e)
	}
	return s, nil
}

// to moves to a page, clearing the page's transient state, and saves the
// draft (while there is one: after the account is saved there is none).
func (s State) to(step Step, effects ...Effect) (State, []Effect) {
	s.Step = step
	s.Asking, s.Pending, s.Err = AskNone, "", ""
	return s, s.persist(effects...)
}

// persist appends SaveDraft unless the account is already saved.
func (s State) persist(effects ...Effect) []Effect {
	if s.Saved() {
		return effects
	}
	return append(effects, SaveDraft{})
}

// verify moves to verification of the saved account.
func (s State) verify() (State, []Effect) {
	return s.to(StepVerify, StartVerify{AccountID: s.AccountID})
}

func (s State) startOver() (State, []Effect) {
	if s.Saved() {
		return s, nil // the account exists: nothing to start over
	}
	var effects []Effect
	if s.Busy && s.Step == StepGenerate {
		effects = append(effects, CancelGenerate{})
	}
	if s.Cred != nil {
		effects = append(effects, DiscardKey{CredentialID: s.Cred.ID})
	}
	n := New()
	n.seq = s.seq // a generation still in flight stays stale
	return n, append(effects, DeleteDraft{})
}

// keyGenerated accepts the key of the generation in flight; any other key
// (cancelled, superseded) is already stored and must be thrown away.
func (s State) keyGenerated(e KeyGenerated) (State, []Effect) {
	if s.Step != StepGenerate || !s.Busy || e.Seq != s.seq {
		return s, []Effect{DiscardKey{CredentialID: e.Cred.ID}}
	}
	c := e.Cred
	s.Cred = &c
	s.Busy = false
	s.CertPath = ""
	return s.to(StepCertificate)
}

func (s State) applyChecklist(e Event) (State, []Effect) {
	switch e := e.(type) {
	case Toggle:
		if !isChecklistStep(e.Step) {
			return s, nil
		}
		s = s.withTick(e.Step, !s.Ticked(e.Step))
		return s, s.persist()
	case MarkDone:
		if !isChecklistStep(e.Step) {
			return s, nil
		}
		s = s.withTick(e.Step, true)
		return s, s.persist()
	case FocusStep:
		if isChecklistStep(e.Step) {
			s.Focus = e.Step
		}
		return s, nil
	case Continue:
		if s.Asking != AskNone {
			return s, nil
		}
		if s.Saved() {
			return s.verify()
		}
		if un := s.Unticked(); len(un) > 0 && !s.UntickedOK {
			s.Asking = AskUnticked
			return s, nil
		}
		return s.to(StepForm)
	case Answer:
		if s.Asking != AskUnticked {
			return s, nil
		}
		s.Asking = AskNone
		if e.Yes {
			s.UntickedOK = true
			return s.to(StepForm)
		}
		if un := s.Unticked(); len(un) > 0 {
			s.Focus = un[0]
		}
		return s, nil
	case Back:
		if s.Asking != AskNone {
			s.Asking = AskNone
			return s, nil
		}
		if s.Saved() {
			return s.verify()
		}
		return s, []Effect{Leave{}}
	}
	return s, nil
}

// madeWith reports whether the credential was made for these form values:
// the certificate's subject comes from the name, its key size and lifetime
// from the form. The IDs are not in the certificate, so they may change freely.
func (c *Credential) madeWith(f Form) bool {
	return c.MadeFor == f.Name && c.KeySize == f.KeySize && c.CertDays == f.CertDays
}

func (s State) applyForm(e Event) (State, []Effect) {
	switch e := e.(type) {
	case FormEdited:
		if s.Busy {
			return s, nil
		}
		s.Form = e.Form
		return s, s.persist()
	case Submit:
		if s.Busy {
			return s, nil
		}
		if s.Saved() {
			// Fixing the IDs of a saved account: name, key size and
			// lifetime stay as they are (rename and rotate do those).
			f := s.Form
			f.AppID, f.TenantID, f.Organization = e.Form.AppID, e.Form.TenantID, e.Form.Organization
			s.Form = f
			s.Busy, s.Err = true, ""
			return s, []Effect{UpdateAccount{AccountID: s.AccountID, Form: f}}
		}
		s.Form = e.Form
		var effects []Effect
		if s.Cred != nil && !s.Cred.madeWith(s.Form) {
			// The certificate no longer matches what the admin asked
			// for: make a new one rather than hand over a certificate
			// named after the old name. An uploaded old certificate is
			// of no use either, so its tick goes.
			effects = append(effects, DiscardKey{CredentialID: s.Cred.ID})
			s.Cred = nil
			s.CertPath = ""
			s = s.withTick(entra.StepUploadCertificate, false)
		}
		if s.Cred != nil {
			return s.to(StepCertificate, effects...)
		}
		return s.generate(effects...)
	case AccountSaved:
		if s.Saved() && s.Busy {
			s.Busy = false
			return s.verify()
		}
	case SaveFailed:
		if s.Busy {
			s.Busy, s.Err = false, e.Err
		}
	case Back:
		if s.Busy {
			return s, nil
		}
		if s.Saved() {
			return s.verify()
		}
		return s.to(StepChecklist)
	}
	return s, nil
}

// generate moves to the key page and starts a new generation.
func (s State) generate(effects ...Effect) (State, []Effect) {
	s.seq++
	s.Busy = true
	return s.to(StepGenerate, append(effects, GenerateKey{
		Seq: s.seq, Name: s.Form.Name, KeySize: s.Form.KeySize, CertDays: s.Form.CertDays,
	})...)
}

func (s State) applyGenerate(e Event) (State, []Effect) {
	switch e.(type) {
	case Retry:
		if s.Busy {
			return s, nil
		}
		return s.generate()
	case Back:
		var effects []Effect
		if s.Busy {
			effects = append(effects, CancelGenerate{})
			s.Busy = false
		}
		return s.to(StepForm, effects...)
	}
	return s, nil
}

func (s State) applyCertificate(e Event) (State, []Effect) {
	switch e := e.(type) {
	case SaveCertificate:
		if s.Asking != AskNone || e.Path == "" {
			return s, nil
		}
		s.Err = ""
		return s, []Effect{WriteCertificate{Path: e.Path}}
	case CertificateWritten:
		s.CertPath = e.Path
		s.Asking, s.Pending, s.Err = AskNone, "", ""
		return s, s.persist()
	case CertificateExists:
		s.Asking, s.Pending = AskOverwrite, e.Path
		return s, nil
	case CertificateFailed:
		s.Asking, s.Pending, s.Err = AskNone, "", e.Err
		return s, nil
	case Answer:
		if s.Asking != AskOverwrite {
			return s, nil
		}
		path := s.Pending
		s.Asking, s.Pending = AskNone, ""
		if e.Yes {
			return s, []Effect{WriteCertificate{Path: path, Overwrite: true}}
		}
		return s, nil
	case Continue:
		if s.Asking != AskNone {
			return s, nil
		}
		return s.to(StepUpload)
	case Back:
		if s.Asking != AskNone {
			s.Asking, s.Pending = AskNone, ""
			return s, nil
		}
		if s.Saved() {
			return s.verify()
		}
		return s.to(StepForm)
	}
	return s, nil
}

func (s State) applyUpload(e Event) (State, []Effect) {
	switch e := e.(type) {
	case MarkDone:
		if e.Step == entra.StepUploadCertificate {
			s = s.withTick(e.Step, true)
			return s, s.persist()
		}
	case Continue:
		// Going on means "I uploaded it".
		s = s.withTick(entra.StepUploadCertificate, true)
		if s.Saved() {
			return s.verify()
		}
		if s.Cred == nil {
			// A draft from a build that lost the credential: make one.
			return s.to(StepForm)
		}
		s.Busy = true
		return s.to(StepSave, SaveAccount{Form: s.Form, Cred: *s.Cred})
	case Back:
		return s.to(StepCertificate)
	}
	return s, nil
}

func (s State) applySave(e Event) (State, []Effect) {
	switch e := e.(type) {
	case AccountSaved:
		if !s.Busy {
			return s, nil
		}
		s.Busy = false
		s.AccountID = e.ID
		st, effects := s.verify()
		return st, append([]Effect{DeleteDraft{}}, effects...)
	case SaveFailed:
		if s.Busy {
			s.Busy, s.Err = false, e.Err
		}
	case Retry:
		if s.Busy || s.Cred == nil {
			return s, nil
		}
		s.Busy, s.Err = true, ""
		return s, []Effect{SaveAccount{Form: s.Form, Cred: *s.Cred}}
	case Back:
		if s.Busy {
			return s, nil
		}
		return s.to(StepUpload)
	}
	return s, nil
}

func (s State) applyVerify(e Event) (State, []Effect) {
	switch e := e.(type) {
	case FixStep:
		switch e.Step {
		case entra.StepCopyIDs, entra.StepEnterIDs:
			return s.to(StepForm)
		case entra.StepGenerateKey:
			return s.to(StepCertificate)
		case entra.StepUploadCertificate:
			// The upload page shows the thumbprint to compare.
			s = s.withTick(e.Step, false)
			s.Focus = e.Step
			return s.to(StepUpload)
		}
		if !isChecklistStep(e.Step) {
			return s, nil
		}
		// Verification says this step is not done: untick it and put
		// the cursor on it.
		s = s.withTick(e.Step, false)
		s.Focus = e.Step
		return s.to(StepChecklist)
	case Continue:
		return s.verify()
	case Finish, Back:
		s.Step = StepDone
		return s, []Effect{FinishWizard{AccountID: s.AccountID, Name: s.Form.Name}}
	}
	return s, nil
}
