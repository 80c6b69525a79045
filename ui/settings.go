package ui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/internal/safetext"
	"github.com/xops/xops/ui/uikit"
)

// settingsScreen shows where xops keeps its data and how it is protected;
// the passphrase that protects the keys is set, changed or removed here
// (settings_passphrase.go).
type settingsScreen struct {
	styles        uikit.Styles
	width, height int
	storePath     string
	cloud         string
	version       string
	sandbox       bool
	warnings      []string // noticed at start (Deps.Warnings)
	pass          *passphrasePanel
}

var _ uikit.Screen = (*settingsScreen)(nil)

// noKeys is the key map of a page whose only keys are the global ones.
type noKeys struct{}

func (noKeys) ShortHelp() []key.Binding  { return nil }
func (noKeys) FullHelp() [][]key.Binding { return nil }

func newSettingsScreen(d Deps) *settingsScreen {
	return &settingsScreen{storePath: d.StorePath, cloud: d.Cloud, version: d.Version, sandbox: d.Sandbox,
		warnings: d.Warnings, pass: newPassphrasePanel(d.Service)}
}

func (p *settingsScreen) Init() tea.Cmd { return p.pass.init() }

func (p *settingsScreen) Update(msg tea.Msg) (uikit.Screen, tea.Cmd) { return p, p.pass.update(msg) }

func (p *settingsScreen) View() string {
	s := p.styles
	orUnknown := func(v string) string {
		if v == "" {
			return "(unknown)"
		}
		return safetext.Line(v)
	}
	field := func(name, value string) string {
		return s.Muted.Render(name+strings.Repeat(" ", max(1, 10-len(name)))) + s.Code.Render(value)
	}
	var b strings.Builder
	b.WriteString(s.Title.Render("Settings") + "\n\n")
	b.WriteString(field("Store", orUnknown(p.storePath)) + "\n")
	b.WriteString(field("Cloud", orUnknown(p.cloud)) + "\n")
	b.WriteString(field("Version", orUnknown(p.version)) + "\n")
	if p.sandbox {
		b.WriteString(field("Mode", "sandbox (simulated tenant)") + "\n")
	}
	if len(p.warnings) > 0 {
		b.WriteString("\n" + s.Warn.Render("At start xops warned:") + "\n")
		for _, w := range p.warnings {
			b.WriteString(strings.Join(styled(s.Warn, hangingWrap("! "+safetext.Line(w), p.width, "  ")), "\n") + "\n")
		}
	}
	b.WriteString("\n" + p.pass.view(s, p.width))
	// The hint is the first thing to go when the page is short.
	hint := wrap("To use another store or cloud, start xops with --store PATH "+
		"or --cloud NAME (or set XOPS_STORE or XOPS_CLOUD).", p.width)
	if lineCount(b.String())+1+lineCount(hint) <= p.height {
		b.WriteString("\n\n" + s.Muted.Render(hint))
	}
	return b.String()
}

func (p *settingsScreen) SetSize(width, height int) { p.width, p.height = width, height }

func (p *settingsScreen) SetStyles(s uikit.Styles) { p.styles = s }

func (p *settingsScreen) KeyMap() help.KeyMap { return p.pass.keyMap() }

// Capturing is true while a passphrase is being typed: every key goes to the field.
func (p *settingsScreen) Capturing() bool { return p.pass.capturing() }
