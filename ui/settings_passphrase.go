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

// passphrasePanel is the part of Settings that says how keys are protected
// and sets, changes or removes the passphrase, or unlocks the keys for this
// session. Passphrases are typed masked; a new one twice. A wrong current
// passphrase is said under its field and nothing changes. The work (scrypt,
// re-encrypting every key) runs in a command.
type passphrasePanel struct {
	svc *flow.Service

	loaded   bool
	prot     flow.Protection
	unlocked bool
	loadErr  string

	op       passOp
	fields   []textinput.Model
	labels   []string
	focus    int
	errField int // the field errText belongs under (-1: none)
	errText  string
	busy     bool
	done     string
	keys     passKeys
}

// passOp is what the form does.
type passOp int

const (
	passNone passOp = iota
	passSet
	passChange
	passRemove
	passUnlock
)

// protectionMsg is how keys are protected, read in a command.
type protectionMsg struct {
	prot     flow.Protection
	unlocked bool
	err      error
}

// passDoneMsg is the answer of a set, change, remove or unlock.
type passDoneMsg struct {
	op  passOp
	err error
}

type passKeys struct {
	Set, Change, Remove, Unlock, Next, Prev, Cancel key.Binding
}

func defaultPassKeys() passKeys {
	return passKeys{
		Set:    key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "set a passphrase")),
		Change: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "change passphrase")),
		Remove: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "remove passphrase")),
		Unlock: key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "unlock keys")),
		Next:   key.NewBinding(key.WithKeys("enter", "tab"), key.WithHelp("enter", "next/confirm")),
		Prev:   key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

func (k passKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Set, k.Change, k.Remove, k.Unlock, k.Next, k.Prev, k.Cancel}
}

func (k passKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

func newPassphrasePanel(svc *flow.Service) *passphrasePanel {
	p := &passphrasePanel{svc: svc, keys: defaultPassKeys(), errField: -1}
	p.syncKeys()
	return p
}

// init reads how keys are protected (one setting; no key is opened).
func (p *passphrasePanel) init() tea.Cmd {
	if p.svc == nil {
		return nil
	}
	svc := p.svc
	return func() tea.Msg {
		prot, err := svc.KeyProtection()
		return protectionMsg{prot: prot, unlocked: err == nil && svc.KeysUnlocked(), err: err}
	}
}

func (p *passphrasePanel) capturing() bool { return p.op != passNone }

// open starts the form of op.
func (p *passphrasePanel) open(op passOp) tea.Cmd {
	p.op, p.focus, p.errText, p.errField, p.done = op, 0, "", -1, ""
	switch op {
	case passSet:
		p.labels = []string{"New passphrase", "The same again"}
	case passChange:
		p.labels = []string{"Current passphrase", "New passphrase", "The same again"}
	default:
		p.labels = []string{"Passphrase"}
	}
	p.fields = p.fields[:0]
	for range p.labels {
		ti := newField()
		ti.Prompt = "› "
		ti.EchoMode = textinput.EchoPassword
		ti.EchoCharacter = '•'
		ti.CharLimit = 256
		p.fields = append(p.fields, ti)
	}
	return p.fields[0].Focus()
}

func (p *passphrasePanel) close() {
	p.op, p.fields, p.busy = passNone, nil, false
}

func (p *passphrasePanel) update(msg tea.Msg) tea.Cmd {
	defer p.syncKeys()
	switch msg := msg.(type) {
	case protectionMsg:
		p.loaded = true
		p.prot, p.unlocked, p.loadErr = msg.prot, msg.unlocked, ""
		if msg.err != nil {
			p.loadErr = msg.err.Error()
		}
		return nil
	case passDoneMsg:
		return p.finished(msg)
	case tea.KeyPressMsg:
		if p.busy || p.svc == nil {
			return nil
		}
		if p.op == passNone {
			return p.idleKey(msg)
		}
		return p.formKey(msg)
	}
	if p.op != passNone && p.focus < len(p.fields) {
		var cmd tea.Cmd
		p.fields[p.focus], cmd = p.fields[p.focus].Update(msg)
		return cmd
	}
	return nil
}

func (p *passphrasePanel) idleKey(km tea.KeyPressMsg) tea.Cmd {
	for _, b := range []struct {
		k  key.Binding
		op passOp
	}{{p.keys.Set, passSet}, {p.keys.Change, passChange}, {p.keys.Remove, passRemove}, {p.keys.Unlock, passUnlock}} {
		if b.k.Enabled() && key.Matches(km, b.k) {
			return p.open(b.op)
		}
	}
	return nil
}

func (p *passphrasePanel) formKey(km tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(km, p.keys.Cancel):
		p.close()
		return nil
	case key.Matches(km, p.keys.Prev):
		return p.focusField(max(0, p.focus-1))
	case key.Matches(km, p.keys.Next):
		if p.focus < len(p.fields)-1 {
			return p.focusField(p.focus + 1)
		}
		return p.submit()
	}
	var cmd tea.Cmd
	p.fields[p.focus], cmd = p.fields[p.focus].Update(km)
	return cmd
}

func (p *passphrasePanel) focusField(i int) tea.Cmd {
	p.fields[p.focus].Blur()
	p.focus = i
	return p.fields[i].Focus()
}

// submit checks what can be checked here and runs the operation in a command.
func (p *passphrasePanel) submit() tea.Cmd {
	vals := make([]string, len(p.fields))
	for i, f := range p.fields {
		vals[i] = f.Value()
	}
	p.errText, p.errField = "", -1
	if vals[0] == "" {
		p.errText, p.errField = "Type the passphrase.", 0
		return p.focusField(0)
	}
	if p.op == passSet || p.op == passChange {
		n := len(vals)
		if vals[n-2] != vals[n-1] {
			p.errText, p.errField = "The two new passphrases differ: type the new one again here, or shift+tab to retype the first.", n-1
			p.fields[n-1].SetValue("")
			return p.focusField(n - 1)
		}
	}
	p.busy = true
	svc, op := p.svc, p.op
	return func() tea.Msg {
		var err error
		switch op {
		case passSet:
			err = svc.SetPassphrase(vals[0])
		case passChange:
			err = svc.ChangePassphrase(vals[0], vals[1])
		case passRemove:
			err = svc.RemovePassphrase(vals[0])
		case passUnlock:
			err = svc.UnlockKeys(vals[0])
		}
		return passDoneMsg{op: op, err: err}
	}
}

// finished shows the outcome: inline under the field at fault, or done.
func (p *passphrasePanel) finished(msg passDoneMsg) tea.Cmd {
	p.busy = false
	var ie *flow.InputError
	switch {
	case msg.err == nil:
		p.close()
		p.done = map[passOp]string{
			passSet:    "Passphrase set: every key is now encrypted with it.",
			passChange: "Passphrase changed: every key was re-encrypted.",
			passRemove: "Passphrase removed: the keys are protected by file permissions only.",
			passUnlock: "Keys unlocked for this session.",
		}[msg.op]
		return tea.Batch(p.init(), uikit.Status(p.done, false))
	case errors.Is(msg.err, flow.ErrWrongPassphrase):
		p.errText, p.errField = "Wrong passphrase: nothing was changed. Type it again.", 0
		p.fields[0].SetValue("")
		return p.focusField(0)
	case errors.As(msg.err, &ie):
		i := len(p.fields) - 2 // the new passphrase
		p.errText, p.errField = ie.Fields[0].Message, i
		p.fields[i].SetValue("")
		p.fields[i+1].SetValue("")
		return p.focusField(i)
	default:
		p.errText, p.errField = safetext.Line(msg.err.Error()), len(p.fields)-1
		return nil
	}
}

func (p *passphrasePanel) syncKeys() {
	idle := p.op == passNone && p.svc != nil && p.loaded && p.loadErr == ""
	protected := p.prot == flow.ProtectionPassphrase
	p.keys.Set.SetEnabled(idle && !protected)
	p.keys.Change.SetEnabled(idle && protected)
	p.keys.Remove.SetEnabled(idle && protected)
	p.keys.Unlock.SetEnabled(idle && protected && !p.unlocked)
	form := p.op != passNone && !p.busy
	p.keys.Next.SetEnabled(form)
	p.keys.Prev.SetEnabled(form && len(p.fields) > 1)
	p.keys.Cancel.SetEnabled(form)
}

func (p *passphrasePanel) keyMap() help.KeyMap { return p.keys }

// view is the protection paragraph and, while one is open, the form.
func (p *passphrasePanel) view(s uikit.Styles, width int) string {
	var b strings.Builder
	switch {
	case p.svc == nil || (p.loaded && p.prot == flow.ProtectionFilePermissions):
		b.WriteString(wrap("Private keys are protected by the store file's permissions only "+
			"(readable by your user alone).", width))
		if p.svc != nil {
			b.WriteString("\n" + s.Muted.Render(wrap("p sets a passphrase: every key is then encrypted with it "+
				"and opened only to verify, export a PFX or rotate.", width)))
		}
	case !p.loaded:
		b.WriteString(s.Muted.Render("Reading how keys are protected…"))
	case p.loadErr != "":
		b.WriteString(s.Bad.Render(wrap("Cannot tell how keys are protected: "+safetext.Line(p.loadErr), width)))
	default:
		b.WriteString(wrap("Private keys are encrypted with your passphrase (age, scrypt); "+
			"they are opened only to verify, export a PFX or rotate.", width))
		state := "Locked: xops asks for the passphrase when a key is needed (u unlocks now)."
		if p.unlocked {
			state = "Unlocked for this session."
		}
		b.WriteString("\n" + s.Muted.Render(wrap(state+" c changes it, r removes it.", width)))
	}
	if p.done != "" && p.op == passNone {
		b.WriteString("\n" + s.OK.Render(hangingWrap("✓ "+p.done, width, "  ")))
	}
	if p.op == passNone {
		return b.String()
	}
	title := map[passOp]string{passSet: "Set a passphrase", passChange: "Change the passphrase",
		passRemove: "Remove the passphrase", passUnlock: "Unlock the keys"}[p.op]
	b.WriteString("\n\n" + s.Subtitle.Bold(true).Render(title) + "\n")
	for i, f := range p.fields {
		label := p.labels[i]
		mark := "  "
		if i == p.focus {
			mark = "▸ "
		}
		b.WriteString(mark + s.Muted.Render(label+strings.Repeat(" ", max(1, 20-len(label)))) + f.View() + "\n")
		if i == p.errField && p.errText != "" {
			b.WriteString(s.Bad.Render(wrap("  ✗ "+p.errText, width)) + "\n")
		}
	}
	if p.busy {
		b.WriteString(s.Muted.Render("Working: the passphrase is stretched (scrypt) and every key re-encrypted…"))
	} else if p.op == passSet {
		b.WriteString(s.Muted.Render(wrap("At least 8 characters. Without it the keys cannot be used: keep it safe.", width)))
	}
	return strings.TrimRight(b.String(), "\n")
}
