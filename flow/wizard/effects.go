package wizard

// Effect is work the UI must do after a transition. Effects are plain data;
// their results come back as Events.
type Effect interface{ isEffect() }

// SaveDraft asks to write the current State's draft (State.Marshal) to the store.
type SaveDraft struct{}

// DeleteDraft asks to remove the draft: the account is saved, or the admin started over.
type DeleteDraft struct{}

// GenerateKey asks to make the RSA key and the self-signed certificate, and
// to store the key at once. Its result is KeyGenerated or KeyFailed with the
// same Seq; a result with another Seq is stale and is thrown away.
type GenerateKey struct {
	Seq      int
	Name     string
	KeySize  int
	CertDays int
}

// CancelGenerate asks to cancel the key generation in flight.
type CancelGenerate struct{}

// DiscardKey asks to delete a generated key that no account will use.
type DiscardKey struct{ CredentialID string }

// WriteCertificate asks to write the certificate (PEM) to Path; without
// Overwrite an existing file is left alone and CertificateExists comes back.
type WriteCertificate struct {
	Path      string
	Overwrite bool
}

// SaveAccount asks to write the account with its credential (one transaction).
type SaveAccount struct {
	Form Form
	Cred Credential
}

// UpdateAccount asks to correct the IDs of an account already saved (when
// verification sent the admin back to the form).
type UpdateAccount struct {
	AccountID string
	Form      Form
}

// StartVerify asks to run the live verification of the saved account.
type StartVerify struct{ AccountID string }

// Leave asks to leave the wizard, keeping the draft (esc on the first page).
type Leave struct{}

// FinishWizard ends the wizard: accounts changed, go Home.
type FinishWizard struct {
	AccountID string
	Name      string
}

func (SaveDraft) isEffect()        {}
func (DeleteDraft) isEffect()      {}
func (GenerateKey) isEffect()      {}
func (CancelGenerate) isEffect()   {}
func (DiscardKey) isEffect()       {}
func (WriteCertificate) isEffect() {}
func (SaveAccount) isEffect()      {}
func (UpdateAccount) isEffect()    {}
func (StartVerify) isEffect()      {}
func (Leave) isEffect()            {}
func (FinishWizard) isEffect()     {}
