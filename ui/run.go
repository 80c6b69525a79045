package ui

import (
	"context"
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
)

// Run starts the TUI and blocks until the admin quits or ctx is done.
// With d.NoColor the output carries no colour (bold and reverse stay, so
// the cursor still shows). opts come last and win (tests pass their own
// input, output and size).
func Run(ctx context.Context, d Deps, opts ...tea.ProgramOption) error {
	base := []tea.ProgramOption{tea.WithContext(ctx)}
	if d.NoColor {
		base = append(base, tea.WithColorProfile(colorprofile.Ascii))
	}
	p := tea.NewProgram(New(d), append(base, opts...)...)
	if _, err := p.Run(); err != nil {
		if ctx.Err() != nil && errors.Is(err, tea.ErrProgramKilled) {
			return ctx.Err()
		}
		return fmt.Errorf("run the terminal interface: %w", err)
	}
	return nil
}
