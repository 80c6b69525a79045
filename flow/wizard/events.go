package wizard

import "github.com/xops/xops/entra"

// Event is something that happened: a key the admin pressed (as an intent,
// not a key) or the result of an Effect. Apply reacts to each.
type Event interface{ isEvent() }

// Continue is "go on" on the current page (enter).
type Continue struct{}

// Back is "go back" (esc).
type Back struct{}

// Answer answers the question on screen (see State.Asking).
type Answer struct{ Yes bool }

// Retry runs the failed effect of this page again (key generation, saving).
type Retry struct{}

// StartOver throws the draft and the generated key away and starts afresh.
type StartOver struct{}

// Toggle ticks or unticks a checklist step.
type Toggle struct{ Step entra.Step }

// MarkDone ticks a checklist step, for instance after the sandbox performed it.
type MarkDone struct{ Step entra.Step }

// FocusStep moves the checklist cursor to a step.
type FocusStep struct{ Step entra.Step }

// FormEdited carries the form's values as typed so far, checked or not, so
// that the draft keeps what the admin typed if the session drops mid-form.
type FormEdited struct{ Form Form }

// Submit carries the form's values once they passed validation.
type Submit struct{ Form Form }

// KeyGenerated reports that the key and certificate of GenerateKey with the
// same Seq exist (the key is already in the store under Cred.ID).
type KeyGenerated struct {
	Seq  int
	Cred Credential
}

// KeyFailed reports that GenerateKey with the same Seq failed or was cancelled.
type KeyFailed struct {
	Seq int
	Err string
}

// SaveCertificate asks to write the certificate to Path (never over an
// existing file without asking).
type SaveCertificate struct{ Path string }

// CertificateWritten reports the certificate was written to Path.
type CertificateWritten struct{ Path string }

// CertificateExists reports that Path already exists, so nothing was written.
type CertificateExists struct{ Path string }

// CertificateFailed reports that writing the certificate failed.
type CertificateFailed struct{ Err string }

// AccountSaved reports the account was written (or updated) under ID.
type AccountSaved struct{ ID string }

// SaveFailed reports that writing the account failed; nothing was written.
type SaveFailed struct{ Err string }

// FixStep comes from verification: the admin wants to fix this step.
type FixStep struct{ Step entra.Step }

// Finish ends the wizard after verification (or without it).
type Finish struct{}

func (Continue) isEvent()           {}
func (Back) isEvent()               {}
func (Answer) isEvent()             {}
func (Retry) isEvent()              {}
func (StartOver) isEvent()          {}
func (Toggle) isEvent()             {}
func (MarkDone) isEvent()           {}
func (FocusStep) isEvent()          {}
func (FormEdited) isEvent()         {}
func (Submit) isEvent()             {}
func (KeyGenerated) isEvent()       {}
func (KeyFailed) isEvent()          {}
func (SaveCertificate) isEvent()    {}
func (CertificateWritten) isEvent() {}
func (CertificateExists) isEvent()  {}
func (CertificateFailed) isEvent()  {}
func (AccountSaved) isEvent()       {}
func (SaveFailed) isEvent()         {}
func (FixStep) isEvent()            {}
func (Finish) isEvent()             {}
