package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/assets"
	"github.com/xops/xops/entra"
	"github.com/xops/xops/internal/safetext"
	"github.com/xops/xops/ui/uikit"
)

// rotateKeys are the rotation page's keys; syncKeys enables the current
// stage's.
type rotateKeys struct {
	scroll                scrollKeys
	Next                  key.Binding // enter: the stage's way forward
	Save, Edit, Copy      key.Binding
	EditDone, EditStop    key.Binding
	Yes, No               key.Binding
	CancelRotation, Leave key.Binding
	Interrupt             key.Binding // esc while something runs
	Sandbox               key.Binding // upload in the simulated tenant
}

func defaultRotateKeys() rotateKeys {
	return rotateKeys{
		scroll:         defaultScrollKeys(),
		Next:           key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "continue")),
		Save:           key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "save the file")),
		Edit:           key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "change the path")),
		Copy:           key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy (OSC 52)")),
		EditDone:       key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "save here")),
		EditStop:       key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "stop editing")),
		Yes:            key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes")),
		No:             key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "no")),
		CancelRotation: key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "cancel the rotation")),
		Leave:          key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "leave (both kept)")),
		Interrupt:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "stop")),
		Sandbox:        key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "upload in the sandbox")),
	}
}

func (k rotateKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.EditDone, k.EditStop, k.Yes, k.No, k.Next, k.Sandbox, k.Save, k.Copy, k.Edit,
		k.CancelRotation, k.Interrupt, k.Leave, k.scroll.Down}
}

func (k rotateKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Next, k.Save, k.Edit, k.Copy, k.EditDone, k.EditStop},
		{k.Yes, k.No, k.Sandbox, k.CancelRotation, k.Interrupt, k.Leave},
		{k.scroll.Down, k.scroll.Up, k.scroll.PageDn, k.scroll.PageUp}}
}

func (p *rotateScreen) syncKeys() {
	k := &p.keys
	all := []*key.Binding{&k.Next, &k.Save, &k.Edit, &k.Copy, &k.EditDone, &k.EditStop, &k.Yes, &k.No,
		&k.CancelRotation, &k.Leave, &k.Interrupt, &k.Sandbox}
	for _, b := range all {
		b.SetEnabled(false)
	}
	p.relayout()
	k.scroll.enable(p.body.canScroll() && !p.path.Focused())
	switch {
	case p.busy != "":
		k.Interrupt.SetEnabled(p.cancel != nil)
		return
	case p.path.Focused():
		k.EditDone.SetEnabled(true)
		k.EditStop.SetEnabled(true)
		return
	case p.askCancel:
		k.Yes.SetHelp("y", "cancel the rotation")
		k.No.SetHelp("n", "keep going")
		k.Yes.SetEnabled(true)
		k.No.SetEnabled(true)
		return
	case p.askOver:
		k.Yes.SetHelp("y", "replace the file")
		k.No.SetHelp("n", "keep it")
		k.Yes.SetEnabled(true)
		k.No.SetEnabled(true)
		return
	}
	k.Leave.SetEnabled(p.stage != rotateDone)
	k.Leave.SetHelp("esc", "leave (both kept)")
	switch p.stage {
	case rotateIntro:
		k.Next.SetHelp("enter", "make the new key")
		k.Next.SetEnabled(true)
		k.Leave.SetHelp("esc", "back")
	case rotateCert:
		k.Next.SetHelp("enter", "next: upload")
		k.Next.SetEnabled(true)
		k.Save.SetEnabled(true)
		k.Edit.SetEnabled(true)
		k.Copy.SetEnabled(true)
		k.CancelRotation.SetEnabled(true)
	case rotateUpload:
		k.Next.SetHelp("enter", "uploaded: verify")
		k.Next.SetEnabled(true)
		k.Sandbox.SetEnabled(p.sandboxUpload != nil && !p.uploadedToSandbox())
		k.CancelRotation.SetEnabled(true)
		// Not saved yet: the page says so, and s, e and c get it here.
		k.Save.SetEnabled(p.saved == "")
		k.Edit.SetEnabled(p.saved == "")
		k.Copy.SetEnabled(true)
	case rotateConfirm:
		k.Yes.SetHelp("y", "remove the old one")
		k.No.SetHelp("n", "not now")
		k.Yes.SetEnabled(true)
		k.No.SetEnabled(true)
	case rotateDone:
		k.Next.SetHelp("enter", "done")
		k.Next.SetEnabled(true)
	case rotateFailed:
		k.Leave.SetHelp("esc", "back")
	}
}

func (p *rotateScreen) handleKey(km tea.KeyPressMsg) tea.Cmd {
	k := p.keys
	if p.stage == rotateVerify && p.verify != nil {
		_, cmd := p.verify.Update(km)
		return cmd
	}
	if p.busy != "" {
		if key.Matches(km, k.Interrupt) && p.cancel != nil {
			p.cancel()
		}
		return nil
	}
	if p.path.Focused() {
		switch {
		case key.Matches(km, k.EditDone):
			return p.save(false)
		case key.Matches(km, k.EditStop):
			p.path.Blur()
			return nil
		}
		var cmd tea.Cmd
		p.path, cmd = p.path.Update(km)
		return cmd
	}
	if p.askOver {
		switch {
		case key.Matches(km, k.Yes):
			return p.save(true)
		case key.Matches(km, k.No):
			p.askOver = false
			return p.path.Focus()
		}
		return nil
	}
	if p.askCancel {
		switch {
		case key.Matches(km, k.Yes):
			p.askCancel = false
			return p.cancelRotation()
		case key.Matches(km, k.No) || km.String() == "esc":
			p.askCancel = false
		}
		return nil
	}
	if k.scroll.update(km, &p.body) {
		return nil
	}
	back := func() tea.Msg { return uikit.BackMsg{} }
	switch {
	case key.Matches(km, k.Leave) && k.Leave.Enabled():
		if p.stage == rotateCert || p.stage == rotateUpload || p.stage == rotateConfirm {
			return tea.Batch(back, uikit.Status("Rotation paused: the old certificate stays in use; o on the account resumes.", false))
		}
		return back
	case key.Matches(km, k.CancelRotation) && k.CancelRotation.Enabled():
		p.askCancel, p.errText = true, ""
		p.body.offset = 0 // the question is at the top
		return nil
	case key.Matches(km, k.Sandbox) && k.Sandbox.Enabled():
		return p.uploadToSandbox()
	case key.Matches(km, k.Save) && k.Save.Enabled():
		return p.save(false)
	case key.Matches(km, k.Edit) && k.Edit.Enabled():
		return p.path.Focus()
	case key.Matches(km, k.Copy) && k.Copy.Enabled():
		return tea.Batch(tea.SetClipboard(p.pem), uikit.Status(
			"Copied with OSC 52 (some terminals ignore it: if nothing pastes, save the file: s).", false))
	case key.Matches(km, k.Yes) && k.Yes.Enabled():
		return p.finish()
	case key.Matches(km, k.No) && k.No.Enabled():
		return tea.Batch(back, uikit.Status("Both certificates kept; o on the account removes the old one later.", false))
	case key.Matches(km, k.Next) && k.Next.Enabled():
		switch p.stage {
		case rotateIntro:
			return p.start()
		case rotateCert:
			p.stage, p.errText = rotateUpload, ""
			p.body.offset = 0
		case rotateUpload:
			return p.verifyNew()
		case rotateDone:
			return back
		}
	}
	return nil
}

func (p *rotateScreen) View() string {
	s := p.styles
	if p.stage == rotateVerify && p.verify != nil {
		// The hosted screen speaks of the account; say which certificate.
		return s.Warn.Render(truncate("New certificate "+safetext.Line(p.newCred.Thumbprint), p.width)) + "\n" + p.verify.View()
	}
	title := s.Title.Render(truncate("Rotate the certificate of “"+safetext.Line(p.name)+"”", p.width))
	return title + "\n\n" + p.body.view(s)
}

// relayout rebuilds the page's text for the current stage.
func (p *rotateScreen) relayout() {
	p.body.set(p.lines(), p.height-2)
}

func (p *rotateScreen) lines() []string {
	s, w := p.styles, max(p.width, 20)
	var out []string
	add := func(text ...string) { out = append(out, text...) }
	// What went wrong, or what runs, comes first: a long page must not
	// scroll it out of sight.
	if p.errText != "" && p.stage != rotateFailed {
		add(styled(s.Bad, hangingWrap("✗ "+p.errText, w, "  "))...)
		add("")
	}
	if p.busy != "" {
		add(s.Muted.Render(truncate(p.busy, w)), "")
	}
	if p.askCancel {
		add(styled(s.Warn, hangingWrap("! Cancel the rotation? The new key is dropped; the old certificate stays in use. "+
			"If you already uploaded the new certificate to Entra, it stays there: delete it in the app → "+
			"Certificates & secrets → Certificates (thumbprint "+safetext.Line(p.newCred.Thumbprint)+"). y/n", w, "  "))...)
		add("")
	}
	para := func(text string) { add(strings.Split(wrap(text, w), "\n")...) }
	code := func(label, value string) { // thumbprints whole: they are compared with Entra's
		add(labeledAt(s.Muted.Render(strings.TrimSpace(label)), s.Code.Render(safetext.Line(value)), w, rotateCol)...)
	}
	switch p.stage {
	case rotateLoading:
	case rotateFailed:
		add(styled(s.Bad, hangingWrap("✗ "+p.errText, w, "  "))...)
		return out
	case rotateIntro:
		// "Stays in place", not "keeps working": the current certificate
		// may never have passed verification.
		para("A new key and certificate are made beside the current one. The current one stays " +
			"in place until the new one is uploaded to Entra and passes verification; only then, " +
			"and after you confirm, is the old one removed.")
		if p.oldCred.Thumbprint != "" {
			add("")
			code("In use now  ", p.oldCred.Thumbprint)
		}
	case rotateCert:
		para("The new certificate is made and kept beside the old one. Save it to a file (s) or copy it (c), then upload it in Entra.")
		add("")
		code("New thumbprint ", p.newCred.Thumbprint)
		code("Still in use   ", p.oldCred.Thumbprint)
		add("", s.Muted.Render("File"), p.pathView())
		add(p.fileLines(w)...)
		add("")
		add(strings.Split(fitPEM(p.pem, w), "\n")...)
	case rotateUpload:
		add(p.uploadLines(w)...)
	case rotateConfirm:
		add(s.OK.Render(truncate("✓ The new certificate passed every check.", w)), "")
		para("Remove the old certificate from xops now? The account then signs in with the new one only.")
		add("")
		code("Old thumbprint ", p.oldCred.Thumbprint)
		code("New thumbprint ", p.newCred.Thumbprint)
		add("")
		add(styled(s.Warn, hangingWrap("! Delete the old certificate in Entra too: the app → Certificates & secrets → "+
			"Certificates → the row with the old thumbprint → Delete.", w, "  "))...)
	case rotateDone:
		add(styled(s.OK, hangingWrap("✓ Rotated. xops now uses the new certificate; the old key is removed.", w, "  "))...)
		add("")
		code("Now in use ", p.newCred.Thumbprint)
		add("")
		add(styled(s.Warn, hangingWrap("! Remember to delete the old certificate ("+safetext.Line(p.oldCred.Thumbprint)+
			") in Entra: the app → Certificates & secrets → Certificates.", w, "  "))...)
	}
	return out
}

// rotateCol is where the rotation's values start: one cell past its
// longest label ("New thumbprint", "Old thumbprint"), so they line up.
const rotateCol = len("New thumbprint") + 1

// uploadLines is the checklist's upload step, with the new thumbprint to
// compare in Entra.
func (p *rotateScreen) uploadLines(w int) []string {
	s := p.styles
	var out []string
	add := func(text ...string) { out = append(out, text...) }
	if p.uploadedToSandbox() {
		add(styled(s.OK, hangingWrap("✓ Uploaded to the sandbox's app, beside the old one: enter verifies it.", w, "  "))...)
	} else {
		add(strings.Split(wrap("Upload the new certificate to the app in Entra, beside the old one (do not delete the old one yet).", w), "\n")...)
	}
	add("")
	add(labeledAt(s.Muted.Render("New thumbprint"), s.Code.Render(safetext.Line(p.newCred.Thumbprint)), w, rotateCol)...)
	if p.saved != "" {
		add(labeledAt(s.Muted.Render("File"), safetext.Line(p.saved), w, rotateCol)...)
	} else {
		add("", s.Muted.Render("File"), p.pathView())
		add(p.fileLines(w)...)
	}
	add("")
	steps, err := assets.Checklist()
	if err != nil {
		add(styled(s.Bad, hangingWrap("✗ The checklist texts cannot be read: "+safetext.Line(err.Error()), w, "  "))...)
		return out
	}
	// The checklist's "the .cer file xops saved", unless there is no file
	// yet: then do not send the admin looking for one.
	file := ""
	if p.saved == "" {
		file = "the new certificate's .cer file"
	}
	do, _ := assets.UploadDo(file) // without "after the form": the certificate is made; Checklist read above
	for i, d := range do {
		add(strings.Split(hangingWrap(itoa(i+1)+". "+d, w, "   "), "\n")...)
	}
	for _, st := range steps {
		if st.ID != entra.StepUploadCertificate {
			continue
		}
		for _, pit := range st.Pitfalls {
			add(styled(s.Warn, hangingWrap("! "+pit, w, "  "))...)
		}
	}
	add("")
	add(styled(s.Muted, wrap("Entra shows the thumbprint in the Certificates list: it must match the one above.", w))...)
	return out
}

// pathView is the file path: a field with its "›" while e edits it, else a
// value (the marker would invite typing that goes nowhere).
func (p *rotateScreen) pathView() string {
	if p.path.Focused() {
		return p.path.View()
	}
	return "  " + safetext.Line(p.path.Value())
}

// fileLines say whether the new certificate is saved, as the link wizard's
// certificate page does, and ask before replacing a file.
func (p *rotateScreen) fileLines(w int) []string {
	s := p.styles
	var out []string
	switch {
	case p.saved != "":
		out = append(out, s.OK.Render(truncate("✓ Saved "+safetext.Line(p.saved), w)))
	case !p.path.Focused():
		out = append(out, styled(s.Muted, wrap("not saved yet: s saves (or c copies it)", w))...)
	}
	if p.askOver {
		out = append(out, styled(s.Warn, hangingWrap("! That file exists. y replaces it, n keeps it (change the path).", w, "  "))...)
	}
	return out
}

// fitPEM re-breaks a PEM's base64 lines at a multiple of four columns when
// the page is narrower than 64, which every PEM reader accepts: what the
// admin copies by hand stays a valid certificate.
func fitPEM(pem string, w int) string {
	pem = strings.TrimRight(pem, "\n")
	if w >= 64 {
		return pem
	}
	cols := max(w/4*4, 16)
	var out []string
	var body strings.Builder
	flush := func() {
		b := body.String()
		for len(b) > cols {
			out = append(out, b[:cols])
			b = b[cols:]
		}
		if b != "" {
			out = append(out, b)
		}
		body.Reset()
	}
	for _, ln := range strings.Split(pem, "\n") {
		if strings.HasPrefix(ln, "-----") {
			flush()
			out = append(out, ln)
			continue
		}
		body.WriteString(ln)
	}
	flush()
	return strings.Join(out, "\n")
}
