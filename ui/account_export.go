package ui

import (
	"errors"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/internal/safetext"
	"github.com/xops/xops/ui/uikit"
)

// exportScreen exports an account's credential: the certificate as PEM or
// DER to a file, the key and certificate as a password-protected PFX (with
// the PowerShell line that uses it), or the PEM copied with OSC 52. Files
// are written 0600 and never replaced without asking.
type exportScreen struct {
	styles uikit.Styles
	width  int
	height int
	name   string
	svc    *flow.Service

	stage   exportStage
	choice  int // the option under the cursor
	fields  []textinput.Model
	focus   int
	errText string
	busy    bool

	wrote   string // the absolute path written
	connect string // the PowerShell line, after a PFX
	keys    exportKeys
}

var (
	_ uikit.Screen      = (*exportScreen)(nil)
	_ uikit.BackHandler = (*exportScreen)(nil)
)

type exportStage int

const (
	exportChoose    exportStage = iota // which export
	exportForm                         // path (and passwords)
	exportOverwrite                    // the file exists: replace it?
	exportDone                         // written
)

// exportOption is one line of the choice.
type exportOption struct {
	format, title, note string
	copy                bool
}

var exportOptions = []exportOption{
	{format: flow.FormatPEM, title: "Certificate, PEM", note: "the file Entra's upload takes (.cer)"},
	{format: flow.FormatDER, title: "Certificate, DER", note: "binary, for tools that want DER"},
	{format: flow.FormatPFX, title: "Key and certificate, PFX", note: "password-protected; for PowerShell"},
	{format: flow.FormatPEM, title: "Copy the PEM to the clipboard", note: "OSC 52; some terminals ignore it", copy: true},
}

// The form's fields.
const (
	fieldPath = iota
	fieldPassword
	fieldAgain
)

// exportedMsg is the export's answer.
type exportedMsg struct {
	path, connect string
	err           error
}

// pemCopiedMsg carries the PEM to copy (or why it could not be read).
type pemCopiedMsg struct {
	pem string
	err error
}

func newExportScreen(name string, svc *flow.Service) *exportScreen {
	p := &exportScreen{name: name, svc: svc, keys: defaultExportKeys()}
	for i := 0; i < 3; i++ {
		ti := newField()
		ti.Prompt = "› "
		ti.CharLimit = 4096
		if i != fieldPath {
			ti.EchoMode = textinput.EchoPassword
			ti.EchoCharacter = '•'
			ti.CharLimit = 256
		}
		p.fields = append(p.fields, ti)
	}
	p.syncKeys()
	return p
}

func (p *exportScreen) Init() tea.Cmd { return nil }

func (p *exportScreen) option() exportOption { return exportOptions[p.choice] }

func (p *exportScreen) Update(msg tea.Msg) (uikit.Screen, tea.Cmd) {
	defer p.syncKeys()
	switch msg := msg.(type) {
	case exportedMsg:
		return p, p.exported(msg)
	case pemCopiedMsg:
		p.busy = false
		if msg.err != nil {
			return p, uikit.Status("Could not read the certificate: "+msg.err.Error(), true)
		}
		return p, tea.Batch(tea.SetClipboard(msg.pem), uikit.Status(
			"Copied the PEM with OSC 52 (some terminals ignore it: if nothing pastes, save a file).", false))
	case tea.KeyPressMsg:
		if p.busy {
			return p, nil
		}
		switch p.stage {
		case exportChoose:
			return p, p.chooseKey(msg)
		case exportForm:
			return p, p.formKey(msg)
		case exportOverwrite:
			return p, p.overwriteKey(msg)
		case exportDone:
			return p, p.doneKey(msg)
		}
	}
	return p, nil
}

func (p *exportScreen) chooseKey(km tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(km, p.keys.Up):
		p.choice = max(0, p.choice-1)
	case key.Matches(km, p.keys.Down):
		p.choice = min(len(exportOptions)-1, p.choice+1)
	case key.Matches(km, p.keys.Choose):
		if p.option().copy {
			p.busy = true
			svc, name := p.svc, p.name
			return func() tea.Msg {
				b, err := svc.Export(name, flow.FormatPEM, "")
				return pemCopiedMsg{pem: string(b), err: err}
			}
		}
		p.stage, p.errText = exportForm, ""
		p.fields[fieldPath].SetValue("./" + flow.FileNameBase(p.name) + exportExt(p.option().format))
		p.fields[fieldPath].CursorEnd()
		p.fields[fieldPassword].SetValue("")
		p.fields[fieldAgain].SetValue("")
		// The path is filled in; a PFX's password is what is left to type.
		// Starting there, a password typed straight away is masked in its
		// field instead of landing on the end of the file name, in clear.
		// shift+tab reaches the path.
		if p.option().format == flow.FormatPFX {
			return p.focusField(fieldPassword)
		}
		return p.focusField(fieldPath)
	}
	return nil
}

func exportExt(format string) string {
	switch format {
	case flow.FormatDER:
		return ".der"
	case flow.FormatPFX:
		return ".pfx"
	}
	return ".cer"
}

// fieldCount is how many fields the form has for the chosen format.
func (p *exportScreen) fieldCount() int {
	if p.option().format == flow.FormatPFX {
		return 3
	}
	return 1
}

func (p *exportScreen) focusField(i int) tea.Cmd {
	p.focus = i
	for j := range p.fields {
		p.fields[j].Blur()
		p.fields[j].Prompt = "  " // the cursor's field alone has the marker, so it shows without colour
	}
	p.fields[i].Prompt = "› "
	return p.fields[i].Focus()
}

func (p *exportScreen) formKey(km tea.KeyPressMsg) tea.Cmd {
	n := p.fieldCount()
	switch {
	case key.Matches(km, p.keys.Cancel):
		p.stage, p.errText = exportChoose, ""
		p.clearPasswords()
		return nil
	case key.Matches(km, p.keys.NextField):
		return p.focusField((p.focus + 1) % n)
	case key.Matches(km, p.keys.PrevField):
		return p.focusField((p.focus + n - 1) % n)
	case key.Matches(km, p.keys.Submit):
		if p.focus < n-1 {
			return p.focusField(p.focus + 1)
		}
		return p.submit(false)
	}
	var cmd tea.Cmd
	p.fields[p.focus], cmd = p.fields[p.focus].Update(km)
	p.errText = ""
	return cmd
}

// submit checks the form and exports in a command. Bad input stays on the
// page with an error that says what to do; nothing is written.
func (p *exportScreen) submit(overwrite bool) tea.Cmd {
	path := strings.TrimSpace(p.fields[fieldPath].Value())
	if path == "" {
		p.errText = "File: empty; type where to write the export."
		return p.focusField(fieldPath)
	}
	format, password := p.option().format, ""
	if format == flow.FormatPFX {
		password = p.fields[fieldPassword].Value()
		switch {
		case password == "":
			p.errText = "PFX password: empty; a PFX holds the private key and must be protected by a password."
			return p.focusField(fieldPassword)
		case password != p.fields[fieldAgain].Value():
			p.errText = "PFX password: the two passwords differ; type them again."
			p.fields[fieldAgain].SetValue("")
			return p.focusField(fieldAgain)
		}
	}
	p.busy, p.errText = true, ""
	svc, name := p.svc, p.name
	return func() tea.Msg {
		abs, err := svc.ExportToFile(name, format, password, path, overwrite)
		if err != nil {
			return exportedMsg{err: err}
		}
		msg := exportedMsg{path: abs}
		if format == flow.FormatPFX {
			if a, err := svc.Account(name); err == nil {
				msg.connect = flow.ConnectLine(a, abs)
			}
		}
		return msg
	}
}

func (p *exportScreen) exported(msg exportedMsg) tea.Cmd {
	p.busy = false
	switch {
	case errors.Is(msg.err, flow.ErrFileExists):
		p.stage = exportOverwrite
		return nil
	case msg.err != nil:
		p.errText = safetext.Line(msg.err.Error()) + ". Change the path or try again; nothing was written."
		return nil
	}
	p.clearPasswords()
	p.stage, p.wrote, p.connect = exportDone, msg.path, msg.connect
	return func() tea.Msg { return uikit.AccountsChangedMsg{} } // a PFX export is in the history
}

func (p *exportScreen) clearPasswords() {
	p.fields[fieldPassword].SetValue("")
	p.fields[fieldAgain].SetValue("")
}

func (p *exportScreen) overwriteKey(km tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(km, p.keys.Yes):
		return p.submit(true)
	case key.Matches(km, p.keys.No), key.Matches(km, p.keys.Cancel):
		p.stage = exportForm
		return p.focusField(fieldPath)
	}
	return nil
}

func (p *exportScreen) doneKey(km tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(km, p.keys.CopyLine) && p.connect != "":
		return tea.Batch(tea.SetClipboard(p.connect), uikit.Status(
			"Copied with OSC 52 (some terminals ignore it: then select the line by mouse).", false))
	case key.Matches(km, p.keys.Finish), key.Matches(km, p.keys.Cancel):
		return func() tea.Msg { return uikit.BackMsg{} }
	}
	return nil
}

func (p *exportScreen) SetSize(w, h int) {
	p.width, p.height = w, h
	for i := range p.fields {
		p.fields[i].SetWidth(max(10, w-4))
	}
}

func (p *exportScreen) SetStyles(s uikit.Styles) { p.styles = s }

func (p *exportScreen) KeyMap() help.KeyMap { return p.keys }

// Capturing while the form's fields take text.
func (p *exportScreen) Capturing() bool { return p.stage == exportForm }

// HandlesBack: esc steps back inside the page before it leaves it.
func (p *exportScreen) HandlesBack() bool { return p.stage != exportChoose }
