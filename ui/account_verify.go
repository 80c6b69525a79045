package ui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/assets"
	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/internal/safetext"
	"github.com/xops/xops/ui/uikit"
	"github.com/xops/xops/ui/verifyview"
)

// accountVerifyScreen hosts the verification screen for one linked account.
// Its "go fix it" key opens the checklist step at fault, in words, right
// here (the link wizard is not running: the account is already linked);
// from there r verifies again. Leaving with a result goes back.
type accountVerifyScreen struct {
	inner  *verifyview.Model
	styles uikit.Styles
	width  int
	height int

	fixing   bool // the step to redo is on screen
	rotating bool // checks a rotation's new certificate, not the one in use
	step     entra.Step
	body     scrollBody
	keys     fixKeys

	// In --sandbox: d redoes the step in the simulated tenant (nil otherwise).
	redo    *sandboxRedo
	redoing bool       // the sandbox is at work
	redone  entra.Step // the step the sandbox last did
	redoErr error      // why the sandbox could not
}

var (
	_ uikit.Screen      = (*accountVerifyScreen)(nil)
	_ uikit.BackHandler = (*accountVerifyScreen)(nil)
	_ stopper           = (*accountVerifyScreen)(nil)
)

// fixKeys are the keys of the step-to-redo view.
type fixKeys struct {
	scroll  scrollKeys
	Sandbox key.Binding
	Again   key.Binding
	Back    key.Binding
}

func (k fixKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Sandbox, k.Again, k.Back, k.scroll.Down}
}

func (k fixKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Sandbox, k.Again, k.Back}, {k.scroll.Down, k.scroll.Up, k.scroll.PageDn, k.scroll.PageUp}}
}

func newAccountVerifyScreen(d verifyview.Deps) *accountVerifyScreen {
	return &accountVerifyScreen{inner: verifyview.New(d), keys: fixKeys{
		scroll:  defaultScrollKeys(),
		Sandbox: key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "do it in the sandbox"), key.WithDisabled()),
		Again:   key.NewBinding(key.WithKeys("r", "enter"), key.WithHelp("r", "done: verify again")),
		Back:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to the checks")),
	}}
}

// verifyLeaveLabel says in the help bar where enter leads once the
// verification has a result: back to where it was opened from (the
// account's page, or Home when it was opened from Home's list).
func verifyLeaveLabel(s flow.State) string {
	to, ok := s.BackTo()
	switch {
	case !ok:
		return "" // verifyview's own word
	case to.Page == flow.PageAccount:
		return "back to the account"
	case to.Page == flow.PageHome:
		return "back to Home"
	}
	return "back"
}

// withSandbox lets d redo a failed step in the simulated tenant (--sandbox).
func (p *accountVerifyScreen) withSandbox(redo *sandboxRedo) *accountVerifyScreen {
	p.redo = redo
	return p
}

func (p *accountVerifyScreen) Init() tea.Cmd { return p.inner.Init() }

// Stop ends a verification still running when the admin leaves by tab.
func (p *accountVerifyScreen) Stop() { p.inner.Stop() }

func (p *accountVerifyScreen) Update(msg tea.Msg) (uikit.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case verifyview.FixStepMsg:
		p.fixing, p.step = true, msg.Step
		p.redone, p.redoErr = "", nil
		p.body.offset = 0
		p.relayout()
		return p, nil
	case sandboxRedoneMsg:
		p.redoing = false
		if msg.err != nil {
			p.redoErr = msg.err
		} else {
			p.redone, p.redoErr = msg.step, nil
		}
		p.relayout()
		return p, nil
	case verifyview.DoneMsg:
		return p, func() tea.Msg { return uikit.BackMsg{} }
	case tea.KeyPressMsg:
		if p.fixing {
			return p, p.fixKey(msg)
		}
	}
	_, cmd := p.inner.Update(msg)
	return p, cmd
}

func (p *accountVerifyScreen) fixKey(km tea.KeyPressMsg) tea.Cmd {
	if p.keys.scroll.update(km, &p.body) {
		return nil
	}
	if p.redoing {
		return nil // the sandbox is at work: r would verify before it is done
	}
	switch {
	case key.Matches(km, p.keys.Sandbox) && p.keys.Sandbox.Enabled():
		p.redoing, p.redoErr = true, nil
		p.relayout()
		return p.redo.cmd(p.step)
	case key.Matches(km, p.keys.Again):
		p.fixing = false
		// The screen's own retry key starts a fresh attempt.
		_, cmd := p.inner.Update(tea.KeyPressMsg{Code: 'r', Text: "r"})
		return cmd
	case key.Matches(km, p.keys.Back):
		p.fixing = false
	}
	return nil
}

func (p *accountVerifyScreen) View() string {
	if !p.fixing {
		return p.inner.View()
	}
	s := p.styles
	head := s.Title.Render(truncate("Redo "+verifyview.StepLabel(p.step), p.width)) + "\n\n"
	if note := p.note(); note != "" {
		style := s.Warn
		switch {
		case p.redoErr != nil:
			style = s.Bad
		case p.redone == p.step && !p.redoing:
			style = s.OK
		}
		head += style.Render(wrap(note, max(p.width, 20))) + "\n"
	}
	return head + p.body.view(s)
}

// note is the sandbox's line on the step-to-redo view ("" outside the sandbox).
func (p *accountVerifyScreen) note() string {
	return sandboxNote(p.redo, p.step, p.redoing, p.redone, p.redoErr)
}

func (p *accountVerifyScreen) SetSize(w, h int) {
	p.width, p.height = w, h
	p.inner.SetSize(w, h)
	p.relayout()
}

func (p *accountVerifyScreen) SetStyles(s uikit.Styles) {
	p.styles = s
	p.inner.SetStyles(s)
	p.relayout()
}

func (p *accountVerifyScreen) KeyMap() help.KeyMap {
	if p.fixing {
		return p.keys
	}
	return p.inner.KeyMap()
}

func (p *accountVerifyScreen) Capturing() bool { return false }

func (p *accountVerifyScreen) HandlesBack() bool { return p.fixing || p.inner.HandlesBack() }

func (p *accountVerifyScreen) relayout() {
	if !p.fixing {
		return
	}
	height := p.height - 2
	if note := p.note(); note != "" {
		height -= lineCount(wrap(note, max(p.width, 20)))
	}
	p.body.set(stepToRedo(p.styles, p.step, max(p.width, 20), p.rotating), height)
	p.keys.scroll.enable(p.body.canScroll())
	// Once done, r is what is left to press: d leaves the help bar to it.
	p.keys.Sandbox.SetEnabled(p.redo != nil && sandboxCanRedo(p.step) && !p.redoing && p.redone != p.step)
}

// stepToRedo says, in words, what to do again for a failed step: the
// checklist's own text for the steps done in Entra, and what to do in xops
// for the ones xops did. rotating: the certificate checked is a rotation's
// new one, which export (the one in use) does not write.
func stepToRedo(s uikit.Styles, step entra.Step, w int, rotating bool) []string {
	var out []string
	add := func(text string) { out = append(out, strings.Split(text, "\n")...) }
	switch step {
	case entra.StepGenerateKey:
		add(wrap("The key or certificate stored for this account does not work. Rotate the "+
			"certificate (o on the account) to make a new pair, upload it in Entra, and verify.", w))
		return out
	case entra.StepEnterIDs:
		add(wrap("The IDs stored with this account do not match the app in Entra. Check the "+
			"Application (client) ID, the Directory (tenant) ID and the organization domain on "+
			"the app's Overview; if they differ, link the account again with the right IDs and "+
			"delete this one.", w))
		return out
	}
	steps, err := assets.Checklist()
	if err != nil {
		add(s.Bad.Render(hangingWrap("✗ The checklist texts cannot be read ("+safetext.Line(err.Error())+"); see the "+
			"checklist in the xops README.", w, "  ")))
		return out
	}
	for _, st := range steps {
		if st.ID != step {
			continue
		}
		add(wrap(st.Summary, w))
		if st.Where != "" {
			add("")
			add(s.Muted.Render("Where: ") + wrap(st.Where, max(w-7, 10)))
		}
		add("")
		do := st.Do
		if step == entra.StepUploadCertificate {
			// The checklist's first line is about the wizard ("after the
			// form"); a linked account's certificate is exported instead.
			first := "Export the certificate first: e on Home or on the account's page saves it as a PEM file."
			file := "the .cer file you exported"
			if rotating {
				// e would write the certificate still in use, not the new one.
				first = "Save the new certificate first: esc back to the account, o resumes the rotation, and s on its page saves the new certificate as a PEM file (e would export the old one)."
				file = "" // s on the rotation's page: xops saved it
			}
			rest, err := assets.UploadDo(file)
			if err != nil {
				add(s.Bad.Render(hangingWrap("✗ The checklist texts cannot be read ("+safetext.Line(err.Error())+").", w, "  ")))
			}
			do = append([]string{first}, rest...)
		}
		for i, d := range do {
			add(hangingWrap(itoa(i+1)+". "+d, w, "   "))
		}
		for _, pit := range st.Pitfalls {
			out = append(out, styled(s.Warn, hangingWrap("! "+pit, w, "  "))...)
		}
		for _, l := range st.Links {
			add(s.Muted.Render(l.Label+": ") + s.Code.Render(l.URL))
		}
		add("")
		add(s.Muted.Render(wrap("Entra can take a minute to apply a change. Press r when done.", w)))
		return out
	}
	add(wrap("Redo the step “"+safetext.Line(string(step))+"” in the Entra admin center, then press r.", w))
	return out
}
