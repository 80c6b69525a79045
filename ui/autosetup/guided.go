package autosetup

import (
	"encoding/json"
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/flow/wizard"
	"github.com/xops/xops/store"
)

// guidedReadyMsg says the guided wizard's draft is written (or why not).
type guidedReadyMsg struct{ err error }

// resumer is the guided wizard's way to open its draft without asking
// whether to resume it (ui/wizard's Model).
type resumer interface{ ResumeWithoutAsking() }

// openGuided hands the screen to the guided wizard, which reads its draft.
// switched says the draft was just written from a stopped automatic run:
// the wizard opens on it at once, since asking "Resume?" about the link the
// admin is in the middle of would only be one more key.
func (m *Model) openGuided(switched bool) tea.Cmd {
	m.child, m.phase = m.d.Guided(), phaseGuided
	if r, ok := m.child.(resumer); ok && switched {
		r.ResumeWithoutAsking()
	}
	m.child.SetStyles(m.styles)
	m.child.SetSize(m.width, m.height)
	return m.child.Init()
}

// switchToGuided writes the guided wizard's draft from what the automatic run
// made — the form filled in, the checklist steps done ticked, the key it made
// reused — and drops the automatic draft (the wizard owns the key now); then
// the wizard opens on it.
func (m *Model) switchToGuided(ae *flow.AutoLinkError) tea.Cmd {
	drafts := m.d.Drafts
	return func() tea.Msg {
		raw, err := GuidedDraft(ae)
		if err == nil {
			err = drafts.PutDraft(wizard.DraftKind, raw)
		}
		if err == nil {
			if derr := drafts.DeleteDraft(flow.AutoDraftKind); derr != nil && !errors.Is(derr, store.ErrNotFound) {
				err = derr
			}
		}
		return guidedReadyMsg{err: err}
	}
}

// guidedDraft is flow/wizard's draft format (version 1), written here since
// its State's ticks are private; GuidedDraft round-trips it through
// wizard.Unmarshal so a mismatch fails here, not in the wizard.
type guidedDraft struct {
	V      int                `json:"v"`
	Step   wizard.Step        `json:"step"`
	Focus  entra.Step         `json:"focus,omitempty"`
	Ticked []entra.Step       `json:"ticked,omitempty"`
	Form   wizard.Form        `json:"form"`
	Cred   *wizard.Credential `json:"credential,omitempty"`
}

// GuidedDraft returns the guided wizard's draft for a stopped automatic run:
// on the checklist, with every step the run finished ticked, the focus on
// the first step left, the form filled with the IDs it learned and the key
// it made, so the guided path does not make a second one.
func GuidedDraft(ae *flow.AutoLinkError) ([]byte, error) {
	in, credID := ae.GuidedInput()
	p := ae.Progress
	d := guidedDraft{V: wizard.DraftVersion, Step: wizard.StepChecklist,
		Form: wizard.Form{Name: in.Name, AppID: in.AppID, TenantID: in.TenantID, Organization: in.Organization,
			KeySize: in.KeySize, CertDays: in.CertDays}}
	if d.Form.KeySize == 0 {
		d.Form.KeySize = wizard.DefaultKeySize
	}
	if d.Form.CertDays == 0 {
		d.Form.CertDays = wizard.DefaultCertDays
	}
	done := map[entra.Step]bool{}
	for _, id := range entra.SetupSteps {
		if p.Setup.Done(id) {
			for _, st := range id.Checklist() {
				done[st] = true
			}
		}
	}
	for _, st := range entra.ChecklistSteps {
		if done[st] {
			d.Ticked = append(d.Ticked, st)
		} else if d.Focus == "" {
			d.Focus = st
		}
	}
	if c := p.Credential; credID != "" {
		d.Cred = &wizard.Credential{ID: c.ID, Thumbprint: c.Thumbprint, KeySize: c.KeySize, NotBefore: c.NotBefore,
			NotAfter: c.NotAfter, Created: c.Created, MadeFor: in.Name, CertDays: d.Form.CertDays}
	}
	raw, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("encode the guided draft: %w", err)
	}
	if _, err := wizard.Unmarshal(raw); err != nil {
		return nil, fmt.Errorf("the guided draft does not read back: %w", err)
	}
	return raw, nil
}
