package wizard

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/assets"
	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow/wizard"
	"github.com/xops/xops/internal/safetext"
)

// uploadKeys are the upload page's keys.
type uploadKeys struct {
	Sandbox, ScrollDown, ScrollUp, Continue, Back key.Binding
}

// uploadView is the upload page: the checklist's upload step with the
// thumbprint to compare.
type uploadView struct {
	k      uploadKeys
	detail scroller
}

func newUploadView() uploadView {
	return uploadView{k: uploadKeys{
		Sandbox:    binding("u", "upload (sandbox)", "u"),
		ScrollDown: binding("pgdn", "more", "pgdown", "down", "j"),
		ScrollUp:   binding("pgup", "back up", "pgup", "up", "k"),
		Continue:   binding("enter", "uploaded: save", "enter"),
		Back:       binding("esc", "back", "esc"),
	}}
}

func (u *uploadView) keys(sandbox, done bool) keyList {
	u.k.Sandbox.SetEnabled(sandbox && !done)
	u.k.ScrollDown.SetEnabled(u.detail.canScrollDown())
	u.k.ScrollUp.SetEnabled(u.detail.canScrollUp())
	return keyList{u.k.Continue, u.k.Sandbox, u.k.ScrollDown, u.k.ScrollUp, u.k.Back}
}

func (m *Model) updateUpload(msg tea.KeyPressMsg) tea.Cmd {
	u := &m.upload
	switch {
	case key.Matches(msg, u.k.Sandbox) && m.d.Sandbox != nil:
		return m.sandboxDo(entra.StepUploadCertificate)
	case key.Matches(msg, u.k.ScrollDown):
		u.detail.scroll(max(u.detail.rows()-1, 1))
	case key.Matches(msg, u.k.ScrollUp):
		u.detail.scroll(-max(u.detail.rows()-1, 1))
	case key.Matches(msg, u.k.Continue):
		return m.apply(wizard.Continue{})
	case key.Matches(msg, u.k.Back):
		return m.apply(wizard.Back{})
	}
	return nil
}

func (m *Model) viewUpload() string {
	s, st := m.styles, m.st
	w := max(m.width, 20)
	top := []string{header(s, wizard.StepUpload, w)}
	switch {
	case m.working != "":
		top = append(top, s.Warn.Render(truncate(m.spin.View()+" "+m.working, w)))
	case st.Ticked(entra.StepUploadCertificate):
		top = append(top, s.OK.Render(truncate("✓ Uploaded. enter saves the account.", w)))
	case m.d.Sandbox != nil:
		// The help bar may not have room for u at 60 columns: say it here.
		top = append(top, wrap("Sandbox: u uploads it to the simulated app; then enter saves the account.", w))
	default:
		top = append(top, wrap("Upload the certificate to your app in Entra, then press enter.", w))
	}
	top = append(top, credentialLines(s, st.Cred, w)...)

	var body []string
	if st.Form.AppID != "" {
		body = append(body, "Your app's Certificates & secrets page:",
			hyperlink(assets.AppCertificatesURL(safetext.Line(st.Form.AppID)), w, s.Code))
	}
	file := "" // the checklist's words: "the .cer file xops saved"
	if st.CertPath != "" {
		body = append(body, wrap("The file: "+safetext.Line(st.CertPath), w))
	} else {
		// Gone on without s: no file to pick yet, and this page cannot
		// write one (the certificate page does).
		body = append(body, s.Warn.Render(wrap("Not saved yet: esc goes back to the certificate, where s saves it (or c copies it).", w)))
		file = "the certificate's .cer file once saved"
	}
	do, err := assets.UploadDo(file) // without the first line, "after the form": we are there
	if err != nil {
		body = append(body, s.Bad.Render(wrap("✗ The checklist texts cannot be read: "+safetext.Line(err.Error()), w)))
	}
	for i, d := range do {
		body = append(body, hang(string(rune('1'+i))+". ", d, w))
	}
	for _, step := range m.steps {
		if step.ID != entra.StepUploadCertificate {
			continue
		}
		for _, p := range step.Pitfalls {
			body = append(body, s.Warn.Render(hang("! ", p, w)))
		}
	}
	u := &m.upload
	u.detail.setContent(strings.Join(body, "\n"))
	u.detail.setHeight(max(m.height-lineCount(strings.Join(top, "\n")), 2))
	return strings.Join(top, "\n") + "\n" + u.detail.view(s)
}
