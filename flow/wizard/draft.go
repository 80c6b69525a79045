package wizard

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/xops/xops/entra"
)

// DraftVersion is the draft format this build writes and reads.
const DraftVersion = 1

// ErrDraftTooNew says the draft was written by a newer xops.
var ErrDraftTooNew = errors.New("the saved draft was made by a newer xops")

// ErrDraftBroken says the draft cannot be read at all.
var ErrDraftBroken = errors.New("the saved draft cannot be read")

// draft is the JSON form of a State: what survives a quit. Questions,
// errors and work in flight do not; key material never is in a State.
type draft struct {
	V          int          `json:"v"`
	Step       Step         `json:"step"`
	Focus      entra.Step   `json:"focus,omitempty"`
	Ticked     []entra.Step `json:"ticked,omitempty"`
	UntickedOK bool         `json:"unticked_ok,omitempty"`
	Form       Form         `json:"form"`
	Cred       *Credential  `json:"credential,omitempty"`
	CertPath   string       `json:"cert_path,omitempty"`
}

// Marshal returns the draft of s: versioned JSON, no secrets.
func (s State) Marshal() ([]byte, error) {
	d := draft{
		V: DraftVersion, Step: s.Step, Focus: s.Focus, UntickedOK: s.UntickedOK,
		Form: s.Form, Cred: s.Cred, CertPath: s.CertPath,
	}
	for _, st := range entra.ChecklistSteps {
		if s.ticks[st] {
			d.Ticked = append(d.Ticked, st)
		}
	}
	b, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("encode wizard draft: %w", err)
	}
	return b, nil
}

// Unmarshal reads a draft written by Marshal. A page that was busy when the
// draft was written resumes on the page before it (the form for a key being
// generated, the upload page for an account being saved). A draft from a
// newer xops gives ErrDraftTooNew, anything unreadable ErrDraftBroken; the UI
// then offers to start over.
func Unmarshal(b []byte) (State, error) {
	var probe struct {
		V *int `json:"v"`
	}
	if err := json.Unmarshal(b, &probe); err != nil || probe.V == nil {
		return State{}, fmt.Errorf("%w: not a wizard draft", ErrDraftBroken)
	}
	if *probe.V > DraftVersion {
		return State{}, fmt.Errorf("%w (draft version %d, this xops reads up to %d): update xops or start over",
			ErrDraftTooNew, *probe.V, DraftVersion)
	}
	if *probe.V < 1 {
		return State{}, fmt.Errorf("%w: draft version %d", ErrDraftBroken, *probe.V)
	}
	var d draft
	if err := json.Unmarshal(b, &d); err != nil {
		return State{}, fmt.Errorf("%w: %w", ErrDraftBroken, err)
	}

	s := New()
	s.Form = d.Form
	if s.Form.KeySize == 0 {
		s.Form.KeySize = DefaultKeySize
	}
	if s.Form.CertDays == 0 {
		s.Form.CertDays = DefaultCertDays
	}
	s.UntickedOK = d.UntickedOK
	s.CertPath = d.CertPath
	if d.Cred != nil {
		if d.Cred.ID == "" {
			return State{}, fmt.Errorf("%w: credential without an id", ErrDraftBroken)
		}
		c := *d.Cred
		s.Cred = &c
	}
	if isChecklistStep(d.Focus) {
		s.Focus = d.Focus
	}
	for _, st := range d.Ticked {
		if isChecklistStep(st) {
			s = s.withTick(st, true)
		}
	}

	switch d.Step {
	case StepChecklist, StepForm:
		s.Step = d.Step
	case StepGenerate:
		s.Step = StepForm
	case StepCertificate, StepUpload, StepSave:
		s.Step = d.Step
		if d.Step == StepSave {
			s.Step = StepUpload
		}
		if s.Cred == nil {
			s.Step = StepForm // no key yet: the form makes one
		}
	default:
		return State{}, fmt.Errorf("%w: unknown step %q", ErrDraftBroken, d.Step)
	}
	return s, nil
}
