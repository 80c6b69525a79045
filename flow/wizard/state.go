// Package wizard is the link wizard's state machine: where the admin is in
// "Link a New Microsoft Account", what they ticked and typed, and which
// credential was generated for them. It is a pure reducer — no tea, no I/O, no
// clock: State.Apply(Event) returns the next State and the Effects the UI must
// carry out (save the draft, generate the key, write the certificate…). The
// results of those effects come back as Events.
//
// The State never holds key material: only the generated credential's id,
// thumbprint, size and validity. The key itself is stored by the use case at
// the moment it is generated, under the credential id, so a draft can be
// written to disk safely at any step.
package wizard

import (
	"maps"
	"time"

	"github.com/xops/xops/entra"
)

// DraftKind is the kind under which the wizard's draft is kept in the store.
const DraftKind = "link-microsoft"

// Step is a page of the wizard.
type Step string

// The wizard's pages, in order.
const (
	StepChecklist   Step = "checklist"   // the Entra admin-center checklist
	StepForm        Step = "form"        // friendly name, IDs, key size, lifetime
	StepGenerate    Step = "generate"    // making the key pair and certificate
	StepCertificate Step = "certificate" // save/copy the certificate
	StepUpload      Step = "upload"      // upload it in Entra, compare the thumbprint
	StepSave        Step = "save"        // writing the account
	StepVerify      Step = "verify"      // live verification (the account exists)
	StepDone        Step = "done"        // finished; the UI leaves
)

// Steps lists the wizard's pages in order (for progress indicators).
var Steps = []Step{StepChecklist, StepForm, StepGenerate, StepCertificate, StepUpload, StepSave, StepVerify}

// Title is the page's name as the admin reads it.
func (s Step) Title() string {
	switch s {
	case StepChecklist:
		return "Entra checklist"
	case StepForm:
		return "Account details"
	case StepGenerate:
		return "Key and certificate"
	case StepCertificate:
		return "Save the certificate"
	case StepUpload:
		return "Upload in Entra"
	case StepSave:
		return "Save the account"
	case StepVerify:
		return "Verification"
	case StepDone:
		return "Done"
	}
	return string(s)
}

// Number is the 1-based position of the page in Steps (0 for StepDone or unknown).
func (s Step) Number() int {
	for i, st := range Steps {
		if st == s {
			return i + 1
		}
	}
	return 0
}

// Default values of the form.
const (
	DefaultKeySize  = 2048
	DefaultCertDays = 365
)

// Form is what the admin typed in the account form, already checked and
// normalised by the UI (flow.Service.CheckLinkInput) before it reaches the
// reducer.
type Form struct {
	Name         string `json:"name"`
	AppID        string `json:"app_id"`
	TenantID     string `json:"tenant_id"`
	Organization string `json:"organization"`
	KeySize      int    `json:"key_size"`
	CertDays     int    `json:"cert_days"`
}

// Credential is the generated key pair's public description. The key itself
// is in the store under ID; it never passes through the wizard.
type Credential struct {
	ID         string    `json:"id"`
	Thumbprint string    `json:"thumbprint"`
	KeySize    int       `json:"key_size"`
	NotBefore  time.Time `json:"not_before"`
	NotAfter   time.Time `json:"not_after"`
	Created    time.Time `json:"created"`
	// MadeFor is the friendly name and lifetime the certificate was made
	// with: its subject CN comes from the name, its validity from the
	// lifetime, so changing either means a new certificate.
	MadeFor  string `json:"made_for"`
	CertDays int    `json:"cert_days"`
}

// State is the wizard. The zero value is not ready: start with New.
// State is a value; Apply never changes a State it was given.
type State struct {
	// Step is the page on screen.
	Step Step
	// Focus is the checklist step under the cursor (kept so the admin
	// comes back to where they were, and so verification can point at a step).
	Focus entra.Step
	// Form holds the account form's last submitted values (defaults at first).
	Form Form
	// Cred is the generated credential, nil until the key exists.
	Cred *Credential
	// CertPath is where the certificate was last written ("" if not yet).
	CertPath string
	// AccountID is set once the account is saved: from then on the draft
	// is gone and the wizard only verifies and fixes.
	AccountID string
	// UntickedOK records that the admin already answered "continue anyway"
	// to the unticked-steps question, which is asked only once.
	UntickedOK bool

	// Transient: questions and work in flight, never in the draft.

	// Asking is the question on screen, if any.
	Asking Question
	// Pending is the certificate path waiting for an overwrite answer.
	Pending string
	// Busy reports that a long effect (key generation, saving) is running.
	Busy bool
	// Err is the last failure on this page, for the UI to show ("" when none).
	Err string

	ticks map[entra.Step]bool
	// seq numbers key generations, so a late result of a cancelled one is
	// recognised and its key discarded.
	seq int
}

// Question is a yes/no question the wizard is waiting on.
type Question string

// The questions.
const (
	AskNone      Question = ""
	AskUnticked  Question = "unticked"  // continue with unticked checklist steps?
	AskOverwrite Question = "overwrite" // replace the existing certificate file?
)

// New returns a wizard at the start: the checklist, nothing ticked, the form
// with its defaults.
func New() State {
	return State{
		Step:  StepChecklist,
		Focus: entra.ChecklistSteps[0],
		Form:  Form{KeySize: DefaultKeySize, CertDays: DefaultCertDays},
	}
}

// Ticked reports whether a checklist step is ticked.
func (s State) Ticked(step entra.Step) bool { return s.ticks[step] }

// Unticked returns the checklist steps not ticked among those the admin can
// do before the certificate exists (every step but upload-certificate).
func (s State) Unticked() []entra.Step {
	var out []entra.Step
	for _, st := range entra.ChecklistSteps {
		if st != entra.StepUploadCertificate && !s.ticks[st] {
			out = append(out, st)
		}
	}
	return out
}

// withTick returns s with step ticked or not, copying the set so that an
// older State never sees the change.
func (s State) withTick(step entra.Step, on bool) State {
	t := maps.Clone(s.ticks)
	if t == nil {
		t = map[entra.Step]bool{}
	}
	if on {
		t[step] = true
	} else {
		delete(t, step)
	}
	s.ticks = t
	return s
}

// Seq is the number of the latest key generation (see GenerateKey.Seq).
func (s State) Seq() int { return s.seq }

// Saved reports whether the account has been written.
func (s State) Saved() bool { return s.AccountID != "" }

// isChecklistStep reports whether step is one of the checklist's steps.
func isChecklistStep(step entra.Step) bool {
	for _, st := range entra.ChecklistSteps {
		if st == step {
			return true
		}
	}
	return false
}
