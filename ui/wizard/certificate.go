package wizard

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/flow/wizard"
	"github.com/xops/xops/internal/safetext"
	"github.com/xops/xops/ui/uikit"
)

// certKeys are the certificate page's keys.
type certKeys struct {
	Save, Edit, Copy, ScrollDown, ScrollUp, Continue, Back key.Binding
	Done, Cancel                                           key.Binding // while editing the path
	Answer                                                 questionKeys
}

func defaultCertKeys() certKeys {
	return certKeys{
		Save:       binding("s", "save the file", "s"),
		Edit:       binding("e", "change the path", "e"),
		Copy:       binding("c", "copy to clipboard", "c"),
		ScrollDown: binding("pgdn", "scroll", "pgdown", "down", "j"),
		ScrollUp:   binding("pgup", "scroll up", "pgup", "up", "k"),
		Continue:   binding("enter", "next: upload", "enter"),
		Back:       binding("esc", "back to the form", "esc"),
		Done:       binding("enter", "save here", "enter"),
		Cancel:     binding("esc", "stop editing", "esc"),
		Answer:     defaultQuestionKeys(),
	}
}

// certView is the certificate page: the path to save to, and the PEM.
type certView struct {
	k      certKeys
	path   textinput.Model
	pem    scroller
	raw    string // the PEM as made
	width  int
	height int
}

func newCertView() certView {
	ti := textinput.New()
	ti.Prompt = ""
	ti.CharLimit = 4096
	return certView{k: defaultCertKeys(), path: ti}
}

func (c *certView) setSize(w, h int) {
	c.width, c.height = w, h
	c.path.SetWidth(max(w-10, 10))
	c.layoutPEM()
}

func (c *certView) setPEM(b []byte) {
	c.raw = strings.TrimRight(string(b), "\n")
	c.layoutPEM()
	c.pem.top()
}

// layoutPEM fits the PEM's 64-column lines to a narrower page by
// re-breaking the base64 body at a multiple of four columns, which every PEM
// reader accepts, so what the admin copies by hand stays a valid certificate.
func (c *certView) layoutPEM() {
	c.pem.setContent(rewrapPEM(c.raw, c.width))
}

func rewrapPEM(text string, width int) string {
	if width <= 0 || width >= 64 {
		return text
	}
	cols := max(width/4*4, 16)
	var out, body []string
	flush := func() {
		joined := strings.Join(body, "")
		for len(joined) > cols {
			out = append(out, joined[:cols])
			joined = joined[cols:]
		}
		if joined != "" {
			out = append(out, joined)
		}
		body = nil
	}
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "-----") {
			flush()
			out = append(out, line)
			continue
		}
		body = append(body, line)
	}
	flush()
	return strings.Join(out, "\n")
}

// prepare opens the page: the path is where the certificate went, or the default.
func (c *certView) prepare(st wizard.State, def string) {
	p := st.CertPath
	if p == "" {
		p = def
	}
	c.path.SetValue(p)
	c.path.Blur()
}

func (c *certView) editing() bool { return c.path.Focused() }

func (c *certView) update(msg tea.Msg) tea.Cmd {
	if !c.editing() {
		return nil
	}
	var cmd tea.Cmd
	c.path, cmd = c.path.Update(msg)
	return cmd
}

func (c *certView) keys(st wizard.State) keyList {
	switch {
	case st.Asking == wizard.AskOverwrite:
		return keyList{c.k.Answer.Yes, c.k.Answer.No}
	case c.editing():
		return keyList{c.k.Done, c.k.Cancel}
	}
	c.k.ScrollDown.SetEnabled(c.pem.canScrollDown())
	c.k.ScrollUp.SetEnabled(c.pem.canScrollUp())
	return keyList{c.k.Save, c.k.Edit, c.k.Copy, c.k.Continue, c.k.ScrollDown, c.k.ScrollUp, c.k.Back}
}

func (m *Model) updateCertificate(msg tea.KeyPressMsg) tea.Cmd {
	c := &m.cert
	switch {
	case m.st.Asking == wizard.AskOverwrite:
		switch {
		case key.Matches(msg, c.k.Answer.Yes):
			return m.apply(wizard.Answer{Yes: true})
		case key.Matches(msg, c.k.Answer.No):
			return m.apply(wizard.Answer{Yes: false})
		}
		return nil
	case c.editing():
		switch {
		case key.Matches(msg, c.k.Done):
			c.path.Blur()
			return m.apply(wizard.SaveCertificate{Path: strings.TrimSpace(c.path.Value())})
		case key.Matches(msg, c.k.Cancel):
			c.path.Blur()
			return nil
		}
		return c.update(msg)
	}
	switch {
	case key.Matches(msg, c.k.Save):
		return m.apply(wizard.SaveCertificate{Path: strings.TrimSpace(c.path.Value())})
	case key.Matches(msg, c.k.Edit):
		return c.path.Focus()
	case key.Matches(msg, c.k.Copy):
		if len(m.pem) == 0 {
			return uikit.Status("The certificate is still loading; try again in a moment.", true)
		}
		return tea.Batch(tea.SetClipboard(string(m.pem)),
			uikit.Status("Sent to your clipboard (OSC 52). Some terminals ignore it: if nothing pastes, copy the text below.", false))
	case key.Matches(msg, c.k.ScrollDown):
		c.pem.scroll(1)
	case key.Matches(msg, c.k.ScrollUp):
		c.pem.scroll(-1)
	case key.Matches(msg, c.k.Continue):
		return m.apply(wizard.Continue{})
	case key.Matches(msg, c.k.Back):
		return m.apply(wizard.Back{})
	}
	return nil
}

// defaultCertPath is NAME.cer in the working directory, named as the command
// line names it.
func (m *Model) defaultCertPath() string {
	return flow.CertificateFileName(m.st.Form.Name)
}

// groupHex writes a thumbprint in groups of four, easier to compare by eye.
func groupHex(h string) string {
	var parts []string
	for i := 0; i < len(h); i += 4 {
		parts = append(parts, h[i:min(i+4, len(h))])
	}
	return strings.Join(parts, " ")
}

// credentialLines describes the generated credential: thumbprint, validity, size.
func credentialLines(s uikit.Styles, c *wizard.Credential, w int) []string {
	if c == nil {
		return nil
	}
	lines := []string{"Thumbprint (SHA-1, as Entra shows it):", "  " + s.Code.Render(c.Thumbprint)}
	if w >= 2+len(groupHex(c.Thumbprint)) {
		lines = append(lines, "  "+s.Muted.Render(groupHex(c.Thumbprint)))
	}
	const day = "2006-01-02 15:04 MST"
	days := int(c.NotAfter.Sub(c.NotBefore).Round(time.Hour).Hours() / 24)
	lines = append(lines, wrap(fmt.Sprintf("Valid %s → %s (%d days) · RSA %d bits",
		c.NotBefore.UTC().Format(day), c.NotAfter.UTC().Format(day), days, c.KeySize), w))
	return lines
}

func (m *Model) viewCertificate() string {
	s, c, st := m.styles, &m.cert, m.st
	w := max(m.width, 20)
	lines := []string{header(s, wizard.StepCertificate, w)}
	lines = append(lines, credentialLines(s, st.Cred, w)...)

	path := safetext.Line(c.path.Value())
	state := s.Muted.Render("not saved yet: s saves")
	if st.CertPath != "" {
		state = s.OK.Render("✓ saved")
		path = safetext.Line(st.CertPath)
	}
	if c.editing() {
		lines = append(lines, "Save as: "+c.path.View())
	} else if one := "Save as: " + path; lipgloss.Width(one)+3+lipgloss.Width(state) <= w {
		// " · " keeps the state apart from the path without colour (NO_COLOR).
		lines = append(lines, one+" · "+state)
	} else {
		// At 60×16 the path keeps the line to itself, the state goes under it.
		lines = append(lines, wrap(one, w), "  "+state)
	}
	switch {
	case st.Asking == wizard.AskOverwrite:
		lines = append(lines, s.Warn.Render(wrap(fmt.Sprintf("%s already exists. Replace it? y/n", safetext.Line(st.Pending)), w)))
	case st.Err != "":
		lines = append(lines, s.Bad.Render(wrap("✗ "+safetext.Line(st.Err), w)))
	}
	target := st.CertPath
	if target == "" {
		target = m.absPath(c.path.Value())
	}
	fetch := fmt.Sprintf("scp %s@%s:%s .", m.user, m.host, safetext.Line(target))
	if lipgloss.Width("Fetch it: "+fetch) <= w {
		lines = append(lines, "Fetch it: "+s.Code.Render(fetch))
	} else {
		// A command to copy: on a line of its own, cut only if wider than
		// the page, never broken before its closing " .".
		lines = append(lines, "Fetch it:", s.Code.Render(ansi.Hardwrap(fetch, w, true)))
	}
	if m.height >= 18 {
		lines = append(lines, s.Muted.Render(wrap("(adjust user@host if you reach this machine another way)", w)))
	}
	lines = append(lines, s.Muted.Render(fitting(w, "── the certificate (public; safe to copy) ──", "── the certificate (public) ──")))
	c.pem.setHeight(max(m.height-lineCount(strings.Join(lines, "\n")), 2))
	lines = append(lines, c.pem.view(s))
	return strings.Join(lines, "\n")
}
