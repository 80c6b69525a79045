package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/internal/safetext"
)

// exportKeys are the export page's keys; syncKeys enables those of the
// current stage.
type exportKeys struct {
	Up, Down, Choose     key.Binding
	NextField, PrevField key.Binding
	Submit, Cancel       key.Binding
	Yes, No              key.Binding
	CopyLine, Finish     key.Binding
}

func defaultExportKeys() exportKeys {
	return exportKeys{
		Up:        key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:      key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Choose:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose")),
		NextField: key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "next field")),
		PrevField: key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous field")),
		Submit:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "export")),
		Cancel:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Yes:       key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "replace it")),
		No:        key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "choose another path")),
		CopyLine:  key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy the line")),
		Finish:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "done")),
	}
}

func (k exportKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Choose, k.Submit, k.NextField, k.PrevField, k.Yes, k.No, k.CopyLine, k.Finish, k.Cancel, k.Up, k.Down}
}

func (k exportKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.Choose}, {k.Submit, k.NextField, k.PrevField, k.Cancel},
		{k.Yes, k.No, k.CopyLine, k.Finish}}
}

func (p *exportScreen) syncKeys() {
	k := &p.keys
	choosing, form, asking, done := p.stage == exportChoose, p.stage == exportForm, p.stage == exportOverwrite, p.stage == exportDone
	k.Up.SetEnabled(choosing)
	k.Down.SetEnabled(choosing)
	k.Choose.SetEnabled(choosing)
	multi := form && p.fieldCount() > 1
	k.NextField.SetEnabled(multi)
	k.PrevField.SetEnabled(multi)
	k.Submit.SetEnabled(form)
	if form && p.focus < p.fieldCount()-1 {
		k.Submit.SetHelp("enter", "next")
	} else {
		k.Submit.SetHelp("enter", "export")
	}
	k.Cancel.SetEnabled(form || asking || done)
	k.Yes.SetEnabled(asking)
	k.No.SetEnabled(asking)
	k.CopyLine.SetEnabled(done && p.connect != "")
	k.Finish.SetEnabled(done)
}

func (p *exportScreen) View() string {
	s, w := p.styles, max(p.width, 20)
	title := s.Title.Render(truncate("Export “"+safetext.Line(p.name)+"”", w))
	var lines []string
	add := func(text ...string) { lines = append(lines, text...) }
	switch p.stage {
	case exportChoose:
		add(wrap("What to export? The certificate is public; the PFX holds the private key.", w), "")
		for i, o := range exportOptions {
			if i == p.choice {
				add(s.Selected.Render(truncate("› "+o.title, w)))
			} else {
				add(truncate("  "+o.title, w))
			}
			add(s.Muted.Render(truncate("    "+o.note, w)))
		}
		if p.busy {
			add("", s.Muted.Render("Reading the certificate…"))
		}
	case exportForm, exportOverwrite:
		o := p.option()
		add(s.Text.Bold(true).Render(truncate(o.title, w)), "")
		add(s.Muted.Render("File (written with mode 0600)"), p.fields[fieldPath].View())
		if o.format == flow.FormatPFX {
			add(s.Muted.Render("PFX password"), p.fields[fieldPassword].View())
			add(s.Muted.Render("The same password again"), p.fields[fieldAgain].View())
		}
		add("")
		switch {
		case p.stage == exportOverwrite:
			add(styled(s.Warn, hangingWrap("! "+safetext.Line(strings.TrimSpace(p.fields[fieldPath].Value()))+
				" already exists. Replace it? y replaces, n keeps it and lets you change the path.", w, "  "))...)
		case p.busy:
			add(s.Muted.Render("Exporting…"))
		case p.errText != "":
			add(styled(s.Bad, hangingWrap("✗ "+p.errText, w, "  "))...)
		case o.format == flow.FormatPFX:
			add(styled(s.Muted, wrap("The password protects the key in the file; PowerShell asks for it when it connects.", w))...)
		}
	case exportDone:
		add(s.OK.Render(truncate("✓ Written, mode 0600:", w)))
		add(strings.Split(wrap(safetext.Line(p.wrote), w), "\n")...)
		if p.connect != "" {
			add("", s.Text.Bold(true).Render("Connect from PowerShell"))
			add(styled(s.Muted, wrap("Copy the PFX to the machine that runs PowerShell, fix the path if it differs, "+
				"and paste this one line (c copies it whole):", w))...)
			add(styled(s.Code, wrap(p.connect, w))...)
		}
	}
	return title + "\n\n" + strings.Join(lines, "\n")
}
