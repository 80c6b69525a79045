// Package uikit holds what every xops screen shares: the Styles built from a
// semantic palette, the Screen contract between the root model and its
// children, and the messages children use to talk to the root.
package uikit

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Styles is the one set of styles every screen draws with. Build it with
// NewStyles; never keep styles in package-level variables.
type Styles struct {
	Dark    bool
	NoColor bool

	// Semantic colours (nil when NoColor).
	Primary, Subtle, Success, Warning, Error color.Color

	App        lipgloss.Style // the whole frame
	Title      lipgloss.Style // a screen's title
	Subtitle   lipgloss.Style
	Text       lipgloss.Style
	Muted      lipgloss.Style
	Selected   lipgloss.Style // the row or card under the cursor
	Nav        lipgloss.Style // the side navigation panel
	NavItem    lipgloss.Style
	NavActive  lipgloss.Style
	Card       lipgloss.Style
	CardActive lipgloss.Style
	OK         lipgloss.Style // ✓ and passing text
	Warn       lipgloss.Style // amber: warnings, expiring soon
	Bad        lipgloss.Style // ✗ and errors
	Key        lipgloss.Style // a key in help text
	Badge      lipgloss.Style // e.g. SANDBOX
	StatusBar  lipgloss.Style
	Code       lipgloss.Style // IDs, thumbprints, commands
}

// NewStyles builds the styles for a dark or light background. With noColor
// (NO_COLOR set, or a terminal without colour) every style keeps its layout
// and emphasis (bold, reverse) but uses no colour.
func NewStyles(dark, noColor bool) Styles {
	s := Styles{Dark: dark, NoColor: noColor}
	if !noColor {
		ld := lipgloss.LightDark(dark)
		s.Primary = ld(lipgloss.Color("#5A3FC0"), lipgloss.Color("#A78BFA"))
		s.Subtle = ld(lipgloss.Color("#6B6B6B"), lipgloss.Color("#8A8A8A"))
		s.Success = ld(lipgloss.Color("#0B7A3B"), lipgloss.Color("#4ADE80"))
		s.Warning = ld(lipgloss.Color("#A35B00"), lipgloss.Color("#FBBF24"))
		s.Error = ld(lipgloss.Color("#B42318"), lipgloss.Color("#F87171"))
	}
	fg := func(c color.Color) lipgloss.Style {
		st := lipgloss.NewStyle()
		if c != nil {
			st = st.Foreground(c)
		}
		return st
	}
	border := func(c color.Color) lipgloss.Style {
		st := lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1)
		if c != nil {
			st = st.BorderForeground(c)
		}
		return st
	}

	s.App = lipgloss.NewStyle()
	s.Title = fg(s.Primary).Bold(true)
	s.Subtitle = fg(s.Subtle)
	s.Text = lipgloss.NewStyle()
	s.Muted = fg(s.Subtle)
	s.Selected = fg(s.Primary).Bold(true)
	if noColor {
		s.Selected = s.Selected.Reverse(true)
	}
	s.Nav = lipgloss.NewStyle().PaddingRight(1).MarginRight(1).
		Border(lipgloss.NormalBorder(), false, true, false, false)
	if s.Subtle != nil {
		s.Nav = s.Nav.BorderForeground(s.Subtle)
	}
	s.NavItem = fg(s.Subtle)
	s.NavActive = fg(s.Primary).Bold(true)
	s.Card = border(s.Subtle)
	s.CardActive = border(s.Primary).Bold(true)
	if noColor {
		s.CardActive = s.CardActive.BorderStyle(lipgloss.ThickBorder())
	}
	s.OK = fg(s.Success)
	s.Warn = fg(s.Warning)
	s.Bad = fg(s.Error).Bold(true)
	s.Key = fg(s.Primary).Bold(true)
	s.Badge = lipgloss.NewStyle().Bold(true).Padding(0, 1)
	if noColor {
		s.Badge = s.Badge.Reverse(true)
	} else {
		s.Badge = s.Badge.Foreground(lipgloss.Color("#000000")).Background(s.Warning)
	}
	s.StatusBar = fg(s.Subtle)
	s.Code = fg(s.Primary)
	return s
}
