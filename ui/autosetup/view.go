package autosetup

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/internal/safetext"
)

// View implements uikit.Screen.
func (m *Model) View() string {
	if m.child != nil {
		return m.child.View()
	}
	var lines []string
	switch m.phase {
	case phaseLoading:
		lines = []string{m.title(), "", m.styles.Muted.Render("Looking for a link in progress…")}
	case phaseChoose:
		lines = m.viewChoose()
	case phaseName:
		lines = m.viewName()
	case phaseRunning:
		// What q or esc is doing stays in view; the steps give way.
		return m.fitKeeping(m.viewRunning(), m.stopLines())
	case phaseDone:
		lines = m.viewDone()
	case phaseFailed:
		// The way out stays in view, in one line when the page is short
		// (the help bar names the keys too); what exists gives way.
		what, way := m.viewFailed(false)
		if m.height > 0 && m.wrappedHeight(what)+m.wrappedHeight(way) > m.height {
			what, way = m.viewFailed(true)
		}
		return m.fitKeeping(what, way)
	}
	return m.fit(lines)
}

func (m *Model) title() string { return m.styles.Title.Render("Link a New Microsoft Account") }

func (m *Model) w() int { return max(m.width, 20) }

// fit keeps the page within the height, wrapping long lines first.
func (m *Model) fit(lines []string) string { return m.fitKeeping(lines, nil) }

// fitKeeping is fit with tail drawn whole under the lines: when both do not
// fit, the lines lose their end ("…") and tail stays.
func (m *Model) fitKeeping(lines, tail []string) string {
	wrap := func(ls []string) []string {
		if len(ls) == 0 {
			return nil
		}
		return strings.Split(lipgloss.NewStyle().Width(m.w()).Render(strings.Join(ls, "\n")), "\n")
	}
	out, end := wrap(lines), wrap(tail)
	if room := m.height - len(end); m.height > 0 && len(out) > room {
		out = append(out[:max(room-1, 0)], m.styles.Muted.Render("…"))
	}
	return strings.Join(append(out, end...), "\n")
}

func (m *Model) viewChoose() []string {
	lines := []string{m.title(), ""}
	if m.loadErr != nil {
		lines = append(lines, m.styles.Warn.Render("Could not read the link in progress: "+safetext.Line(m.loadErr.Error())), "")
	}
	lines = append(lines, "How do you want to make the Entra side?", "")
	for i, o := range m.options {
		var text, sub string
		switch o {
		case optResume:
			text = fmt.Sprintf("Resume setting up %q for me", safetext.Line(m.resume.Name))
			sub = "picks up where the last run stopped; nothing is made twice"
		case optAuto:
			text = "Set it up for me (sign in as an admin)"
			sub = "a device-code sign-in; xops registers the app, grants and verifies"
		case optGuided:
			text = "I'll do it in the Entra admin center (guided)"
			sub = "six steps by hand, each explained; works with any tenant policy"
		}
		// A long choice wraps under itself, past the cursor.
		if i == m.cursor {
			lines = append(lines, m.styles.Selected.Render("› "+hang(text, 2, m.w())))
		} else {
			lines = append(lines, "  "+hang(text, 2, m.w()))
		}
		lines = append(lines, m.styles.Muted.Render(indent(sub, "    ", m.w())))
	}
	if m.d.Entra == nil {
		lines = append(lines, "", m.styles.Muted.Render("The automatic setup is not available in this build."))
	}
	return lines
}

func (m *Model) viewName() []string {
	lines := []string{m.title(), "", "Set it up for me", "",
		"Friendly name for the account:", m.name.View()}
	if m.nameErr != "" {
		lines = append(lines, m.styles.Bad.Render("✗ "+hang("Friendly name: "+safetext.Line(m.nameErr), 2, m.w())))
	}
	next := "Next you sign in as an admin of the tenant with a code; " +
		"you need Application Administrator and Privileged Role Administrator (or Global Administrator)."
	if m.d.Sandbox {
		next = "Sandbox: next the simulated admin (a Global Administrator of the sandbox tenant) signs in with a code by itself; nothing to open."
	}
	lines = append(lines, "", m.styles.Muted.Render(next))
	return lines
}

// bigCode spaces the code's letters out, in a box, so it reads from across
// the room and copies without mistakes.
func (m *Model) bigCode(code string) string {
	letters := strings.Split(safetext.Line(code), "")
	return lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 2).Bold(true).
		Render(strings.Join(letters, " "))
}

// countdown is the time left on the code, as m:ss.
func countdown(left time.Duration) string {
	if left < 0 {
		left = 0
	}
	s := int(left.Round(time.Second) / time.Second)
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

func (m *Model) viewRunning() []string {
	s := m.styles
	lines := []string{m.title(), ""}
	if !m.signedIn {
		if m.prompt == nil {
			return append(lines, m.spin.View()+" Asking Microsoft for a sign-in code…", "", s.Muted.Render("esc cancels"))
		}
		p := m.prompt
		wait := "Waiting for you to sign in as an admin…"
		if m.d.Sandbox {
			// The sandbox's sign-in page is a loopback URL with nothing to
			// do on it: its simulated admin enters the code after ~2 s.
			lines = append(lines, s.Warn.Render("Sandbox: the simulated admin signs in with this code by itself in a moment; "+
				"there is nothing to open and nothing to type."), m.bigCode(p.UserCode))
			wait = "Waiting for the simulated admin to sign in…"
		} else {
			lines = append(lines, "On any device, open", s.Code.Render(safetext.Line(p.VerificationURL)), "and enter the code:",
				m.bigCode(p.UserCode))
		}
		// OSC 52 needs the terminal's consent (tmux: set-clipboard): say so.
		tail := "copied to your clipboard if the terminal allows (c: again)"
		if m.d.Sandbox {
			tail = "" // nothing to type, so nothing to copy
		}
		if !p.ExpiresAt.IsZero() {
			left := p.ExpiresAt.Sub(m.now)
			tail = strings.TrimSuffix("expires in "+countdown(left)+" · "+tail, " · ")
			if left <= 0 {
				tail = "the code has expired; esc, then run it again"
			}
		}
		return append(lines, s.Muted.Render(tail), "", m.spin.View()+" "+wait)
	}
	lines = append(lines, m.stepLines()...)
	if m.lastMsg != "" {
		// What the last step found or made: who signed in, the ids.
		lines = append(lines, "", s.Muted.Render(safetext.Line(m.lastMsg)))
	}
	if m.attempt > 0 {
		lines = append(lines, "", s.Muted.Render(fmt.Sprintf("verification attempt %d: %s", m.attempt, m.lastTry)))
	}
	return lines
}

// stopLines say what q or esc does to the run, and what is kept: the run
// saves its progress after every step, so once signed in "Resume" offers
// it next time; before that nothing was made.
func (m *Model) stopLines() []string {
	s := m.styles
	kept := "Nothing was made in the tenant yet."
	if m.signedIn {
		kept = fmt.Sprintf("What it made so far is saved: next time, “Resume setting up %q for me” picks it up.",
			safetext.Line(m.runName))
	}
	switch {
	case m.quitting:
		return []string{"", s.Warn.Render("Stopping the run, then quitting…"), s.Muted.Render(kept)}
	case m.quitAsk:
		return []string{"", s.Warn.Render("Quit xops? The run stops here."), s.Muted.Render(kept),
			"y: stop and quit · n: keep going"}
	case m.stopping:
		return []string{"", s.Warn.Render("Cancelling…")}
	}
	return nil
}

// stepLines shows each step with its mark.
func (m *Model) stepLines() []string {
	s := m.styles
	var lines []string
	for _, l := range m.steps {
		title := l.id.Title()
		var mark string
		switch l.state {
		case stWaiting:
			mark = "  · "
		case stRunning:
			mark = "  " + m.spin.View() + " "
		case stOK:
			mark = "  ✓ "
			if l.existed {
				title += " (already existed)"
			}
		case stFailed:
			mark = "  ✗ "
		}
		// A long title wraps under itself, past its mark (60×16).
		title = hang(title, ansi.StringWidth(mark), m.w())
		switch l.state {
		case stWaiting:
			lines = append(lines, s.Muted.Render(mark+title))
		case stOK:
			lines = append(lines, s.OK.Render(mark)+title)
		case stFailed:
			lines = append(lines, s.Bad.Render(mark+title))
		default:
			lines = append(lines, mark+title)
		}
	}
	return lines
}

func (m *Model) viewDone() []string {
	s, r := m.styles, m.result
	lines := []string{m.title(), ""}
	name := safetext.Line(r.Account.Name)
	if r.Report.OK {
		lines = append(lines, s.OK.Render("✓ Linked and verified: ")+name)
	} else {
		lines = append(lines, s.Warn.Render("Linked, but not every check passes yet: ")+name)
		if f, ok := r.Report.FirstFailure(); ok {
			lines = append(lines, safetext.Line(f.Message),
				s.Muted.Render("Entra may still be applying the changes: verify again from the account in a while."))
		}
	}
	// Label and value side by side when they fit (the label padded to 12),
	// else one under the other.
	field := func(label, value string) []string {
		if max(len(label), 12)+1+len(value) <= m.w() {
			return []string{fmt.Sprintf("%-12s %s", label, value)}
		}
		return []string{label + ":", "  " + value}
	}
	lines = append(lines, "")
	if c, ok := r.Account.Active(); ok {
		lines = append(lines, field("Thumbprint", c.Thumbprint)...)
	}
	lines = append(lines, field("App ID", safetext.Line(r.Account.AppID))...)
	lines = append(lines, field("Tenant ID", safetext.Line(r.Account.TenantID))...)
	if r.SignedInAs != "" {
		lines = append(lines, field("Signed in as", safetext.Line(r.SignedInAs))...)
	}
	// The help bar says it too: dropped when the page would not fit.
	if m.height <= 0 || len(lines)+2 <= m.height {
		lines = append(lines, "", s.Muted.Render("enter: back to Home"))
	}
	return lines
}

// wrappedHeight is how many rows lines take at the page's width.
func (m *Model) wrappedHeight(lines []string) int {
	if len(lines) == 0 {
		return 0
	}
	return strings.Count(lipgloss.NewStyle().Width(m.w()).Render(strings.Join(lines, "\n")), "\n") + 1
}

// viewFailed is why the run stopped and what exists, then the way out
// (short: in one line).
func (m *Model) viewFailed(short bool) (what, way []string) {
	s := m.styles
	lines := []string{m.title(), ""}
	if m.failure == nil {
		return append(lines, s.Bad.Render("✗ The automatic setup stopped:"), sentence(safetext.Text(m.errText))), nil
	}
	ae := m.failure
	lines = append(lines, s.Bad.Render("✗ Stopped at: "+ae.Step.Title()), sentence(safetext.Text(ae.Err.Error())))
	inv := ae.Inventory
	if len(inv.Items) == 0 {
		inv = entra.InventoryFromProgress(ae.Progress.Setup) // never leave what was made unexplained
	}
	src := "according to this run"
	if inv.FromTenant {
		src = "in the tenant"
	}
	made := false
	for _, it := range inv.Items {
		made = made || it.Exists
	}
	switch {
	case len(inv.Items) > 0 && !made:
		// A run stopped before it made anything: one line, not a list of misses.
		none := "This run made nothing in the tenant yet."
		if inv.FromTenant {
			none = "Nothing for this link exists in the tenant yet."
		}
		lines = append(lines, "", none)
	case len(inv.Items) > 0:
		lines = append(lines, "", "What exists "+src+":")
		for _, it := range inv.Items {
			if it.Exists {
				lines = append(lines, s.OK.Render("  ✓ ")+hang(safetext.Line(it.What), 4, m.w()))
			} else {
				lines = append(lines, s.Bad.Render("  ✗ ")+hang(safetext.Line(it.What)+s.Muted.Render(" (missing)"), 4, m.w()))
			}
		}
	}
	way = []string{""}
	switch {
	case short && ae.Guided():
		way = append(way, s.Warn.Render("Blocked here: g opens the guided checklist."))
	case short:
		way = append(way, "r runs it again (resumes) · g: guided")
	case ae.Guided():
		way = append(way, s.Warn.Render("This tenant or your role does not allow the automatic path."),
			"g: the guided checklist, with what exists ticked and the IDs filled in.")
	default:
		way = append(way, "r: run it again; it resumes where it stopped and makes nothing twice.",
			s.Muted.Render("g: do the rest in the Entra admin center (guided)."))
	}
	return lines, way
}

// hang wraps text to width behind a first-line prefix of the given width,
// the next lines indented under the text.
func hang(text string, prefix, width int) string {
	wrapped := lipgloss.NewStyle().Width(max(width-prefix, 10)).Render(text)
	ls := strings.Split(wrapped, "\n")
	for i := range ls {
		ls[i] = strings.TrimRight(ls[i], " ")
		if i > 0 {
			ls[i] = strings.Repeat(" ", prefix) + ls[i]
		}
	}
	return strings.Join(ls, "\n")
}

// sentence starts a message from elsewhere (entra, the store) with a capital.
func sentence(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[size:]
}

// indent wraps text to width with every line behind prefix.
func indent(text, prefix string, width int) string {
	wrapped := lipgloss.NewStyle().Width(max(width-len(prefix), 10)).Render(text)
	ls := strings.Split(wrapped, "\n")
	for i, l := range ls {
		ls[i] = prefix + strings.TrimRight(l, " ")
	}
	return strings.Join(ls, "\n")
}
