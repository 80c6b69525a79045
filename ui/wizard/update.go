package wizard

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/flow/wizard"
	"github.com/xops/xops/internal/safetext"
	"github.com/xops/xops/store"
	"github.com/xops/xops/ui/uikit"
	"github.com/xops/xops/ui/verifyview"
)

// Update routes: results of commands become reducer events; keys go to the
// page on screen.
func (m *Model) Update(msg tea.Msg) (uikit.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case draftLoadedMsg:
		return m, m.draftLoaded(msg)
	case draftWrittenMsg:
		if msg.err != nil {
			return m, uikit.Status("Could not save the wizard's draft: "+msg.err.Error(), true)
		}
		return m, nil
	case keyDiscardedMsg:
		if msg.err != nil && !errors.Is(msg.err, store.ErrNotFound) {
			return m, uikit.Status("Could not delete an unused key: "+msg.err.Error(), true)
		}
		return m, nil
	case keyMadeMsg:
		return m, m.keyMade(msg)
	case certLoadedMsg:
		if msg.err != nil {
			return m, uikit.Status("Could not read the certificate back: "+msg.err.Error(), true)
		}
		m.pem, m.pemID = msg.pem, msg.id
		m.cert.setPEM(msg.pem)
		return m, nil
	case certWrittenMsg:
		return m, m.certWritten(msg)
	case accountSavedMsg:
		if msg.err != nil {
			return m, m.apply(wizard.SaveFailed{Err: msg.err.Error()})
		}
		return m, m.apply(wizard.AccountSaved{ID: msg.id})
	case sandboxDoneMsg:
		return m, m.sandboxDone(msg)
	case checkedMsg:
		if m.form != nil {
			return m, m.formChecked(msg)
		}
		return m, nil
	case verifyview.FixStepMsg:
		return m, m.apply(wizard.FixStep{Step: msg.Step})
	case verifyview.DoneMsg:
		report := msg.Report
		m.report = &report
		return m, m.apply(wizard.Finish{})
	case verifyBackMsg:
		return m, m.apply(wizard.Finish{})
	case spinner.TickMsg:
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		if m.st.Busy || m.working != "" {
			return m, cmd
		}
		return m, nil
	case tea.KeyPressMsg:
		return m, m.key(msg)
	}
	return m, m.forward(msg)
}

// forward hands other messages (huh's own, the verification screen's) to
// the component that expects them.
func (m *Model) forward(msg tea.Msg) tea.Cmd {
	switch m.st.Step {
	case wizard.StepForm:
		if m.form != nil {
			return m.updateForm(msg)
		}
	case wizard.StepCertificate:
		return m.cert.update(msg)
	case wizard.StepVerify:
		if m.verify != nil {
			next, cmd := m.verify.Update(msg)
			m.verify = next
			return hostVerify(cmd)
		}
	}
	return nil
}

func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case !m.loaded || m.fatal != "":
		if msg.String() == "esc" {
			return back
		}
		return nil
	case m.resume != nil:
		return m.updateResume(msg)
	}
	switch m.st.Step {
	case wizard.StepChecklist:
		return m.updateChecklist(msg)
	case wizard.StepForm:
		return m.updateForm(msg)
	case wizard.StepGenerate, wizard.StepSave:
		return m.updateBusy(msg)
	case wizard.StepCertificate:
		return m.updateCertificate(msg)
	case wizard.StepUpload:
		return m.updateUpload(msg)
	case wizard.StepVerify:
		if m.verify != nil {
			next, cmd := m.verify.Update(msg)
			m.verify = next
			return hostVerify(cmd)
		}
	}
	return nil
}

// apply runs an event through the reducer, prepares the page it lands on,
// and turns the effects into commands.
func (m *Model) apply(e wizard.Event) tea.Cmd {
	prev := m.st
	next, effects := m.st.Apply(e)
	m.st = next
	var cmds []tea.Cmd
	if next.Step != prev.Step {
		if prev.Step == wizard.StepVerify {
			m.stopVerify()
		}
		if m.sandboxStatus {
			// "Sandbox: done — …" speaks of the page just left.
			m.sandboxStatus = false
			cmds = append(cmds, uikit.Status("", false))
		}
		cmds = append(cmds, m.enter(prev.Step))
	}
	for _, eff := range effects {
		cmds = append(cmds, m.effect(eff))
	}
	return tea.Batch(cmds...)
}

// enter prepares the page the wizard just moved to.
func (m *Model) enter(from wizard.Step) tea.Cmd {
	switch m.st.Step {
	case wizard.StepChecklist:
		m.check.focus(m.st.Focus, m.steps)
		m.check.refresh(m.styles, m.steps)
	case wizard.StepForm:
		m.form = newFormView(m.formStart(), m.styles, m.st.Saved(), m.width)
		m.form.setSize(m.width, m.height)
		return m.form.init()
	case wizard.StepGenerate, wizard.StepSave:
		return m.spin.Tick
	case wizard.StepCertificate:
		m.cert.prepare(m.st, m.defaultCertPath())
		if m.st.Cred != nil && m.pemID != m.st.Cred.ID {
			return loadCertCmd(m.d.Keys, m.st.Cred.ID)
		}
	case wizard.StepUpload:
		if m.st.Cred != nil && m.pemID != m.st.Cred.ID {
			return loadCertCmd(m.d.Keys, m.st.Cred.ID)
		}
	}
	return nil
}

// formStart is what the form opens with: the last values, and in the
// sandbox whatever the simulated tenant already knows.
func (m *Model) formStart() wizard.Form {
	f := m.st.Form
	if m.d.Sandbox != nil {
		if f.AppID == "" {
			f.AppID = m.appID
		}
		if f.TenantID == "" {
			f.TenantID = m.d.Sandbox.TenantID()
		}
		if f.Organization == "" {
			f.Organization = m.d.Sandbox.Domain()
		}
	}
	return f
}

func (m *Model) keyMade(msg keyMadeMsg) tea.Cmd {
	if msg.err != nil {
		return m.apply(wizard.KeyFailed{Seq: msg.seq, Err: describeKeyError(msg.err)})
	}
	// Keep the certificate with its credential's id: if the reducer throws
	// this key away as stale, the ids will not match and nothing shows it.
	m.pem, m.pemID = msg.pem, msg.cred.ID
	m.cert.setPEM(msg.pem)
	return m.apply(wizard.KeyGenerated{Seq: msg.seq, Cred: msg.cred})
}

func (m *Model) certWritten(msg certWrittenMsg) tea.Cmd {
	switch {
	case msg.exists:
		return m.apply(wizard.CertificateExists{Path: msg.path})
	case msg.err != nil:
		return m.apply(wizard.CertificateFailed{Err: msg.err.Error()})
	}
	text := "Certificate saved to " + safetext.Line(msg.path)
	if ext := strings.ToLower(filepath.Ext(msg.path)); ext != ".cer" && ext != ".pem" && ext != ".crt" {
		// Entra's upload dialog only offers these.
		text += " — Entra only takes .cer, .pem or .crt files: rename it before uploading"
	}
	return tea.Batch(m.apply(wizard.CertificateWritten{Path: msg.path}), uikit.Status(text, false))
}

// draftLoaded opens the wizard: fresh, or with the question whether to
// resume the draft found.
func (m *Model) draftLoaded(msg draftLoadedMsg) tea.Cmd {
	m.loaded = true
	switch {
	case msg.err != nil && errors.Is(msg.err, store.ErrNotFound):
		m.check.focus(m.st.Focus, m.steps)
		m.check.refresh(m.styles, m.steps)
		return nil
	case msg.err != nil:
		m.resume = newBrokenDraftView(fmt.Errorf("the draft could not be read: %w", msg.err))
		return nil
	}
	st, err := wizard.Unmarshal(msg.data)
	if err != nil {
		m.resume = newBrokenDraftView(err)
		return nil
	}
	if m.resumeNow {
		return m.resumeDraft(st)
	}
	m.resume = newResumeView(st)
	return nil
}

// stopVerify ends the verification screen's work (an attempt in flight, the
// auto-retry) when the wizard leaves it for another page.
func (m *Model) stopVerify() {
	if s, ok := m.verify.(interface{ Stop() }); ok {
		s.Stop()
	}
	m.verify = nil
}

// back leaves the wizard (esc on its first page).
func back() tea.Msg { return uikit.BackMsg{} }

// verifyBackMsg is the verification screen's "back", which inside the
// wizard means "done with verification".
type verifyBackMsg struct{}

// hostVerify turns the verification screen's BackMsg into the wizard's own
// message: leaving verification finishes the wizard (the account exists), it
// must not drop the admin out of it without telling Home.
func hostVerify(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() tea.Msg {
		switch msg := cmd().(type) {
		case uikit.BackMsg:
			return verifyBackMsg{}
		case tea.BatchMsg:
			out := make(tea.BatchMsg, len(msg))
			for i, c := range msg {
				out[i] = hostVerify(c)
			}
			return out
		default:
			return msg
		}
	}
}
