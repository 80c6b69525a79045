package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/xops/xops/ui/uikit"
)

// Run starts the TUI and blocks until the admin quits or ctx is done. When
// the page on screen keeps a draft (uikit.DraftSaver), the draft is saved
// after the program ends, however it ended.
// With d.NoColor the output carries no colour (bold and reverse stay, so
// the cursor still shows). opts come last and win (tests pass their own
// input, output and size).
func Run(ctx context.Context, d Deps, opts ...tea.ProgramOption) error {
	// The caller's context carries the signals (SIGINT, SIGTERM, SIGHUP):
	// Bubble Tea's own SIGTERM handler would race it and sometimes end the
	// program as a plain quit, without the caller's message.
	base := []tea.ProgramOption{tea.WithContext(ctx), tea.WithoutSignalHandler()}
	// 120 frames a second (Bubble Tea's most): the first frame goes out at
	// the renderer's first tick, 8 ms after the start instead of 17.
	base = append(base, tea.WithFPS(120))
	switch {
	case d.NoColor:
		base = append(base, tea.WithColorProfile(colorprofile.Ascii))
	case d.Profile != nil:
		base = append(base, tea.WithColorProfile(d.Profile()))
	}
	p := tea.NewProgram(New(d), append(base, opts...)...)
	if d.Passphrase != nil {
		d.Passphrase.attach(p.Send)
		defer d.Passphrase.detach()
	}
	final, err := p.Run()
	var saveErr error
	if m, ok := final.(*Model); ok {
		saveErr = m.saveDraft()
	}
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, tea.ErrProgramKilled) {
			err = ctx.Err()
		} else {
			err = fmt.Errorf("run the terminal interface: %w", err)
		}
	}
	return errors.Join(err, saveErr)
}

// DetectColorProfile starts, in the background, what Bubble Tea would do when
// it starts: find the colour profile of the terminal on stdout (from the
// environment, terminfo, and tmux when inside it). The function returned
// waits for the answer; hand it over in Deps.Profile. With noColor nothing
// is detected (Run uses plain ASCII).
func DetectColorProfile(noColor bool) func() colorprofile.Profile {
	if noColor {
		return func() colorprofile.Profile { return colorprofile.Ascii }
	}
	done := make(chan colorprofile.Profile, 1)
	go func() { done <- colorprofile.Detect(os.Stdout, os.Environ()) }()
	return sync.OnceValue(func() colorprofile.Profile { return <-done })
}

// saveDraft keeps the work in progress of the page that was showing when
// the program ended. It runs after the event loop, never inside Update.
func (m *Model) saveDraft() error {
	ds, ok := m.page().(uikit.DraftSaver)
	if !ok {
		return nil
	}
	if err := ds.SaveDraftNow(); err != nil {
		return fmt.Errorf("save the link in progress (it will not resume): %w", err)
	}
	return nil
}

// WarmUp starts, in the background, the one-time work the first frame would
// otherwise do on the renderer's clock: the terminal width tables (about
// 2 MB, built on the first character outside Latin-1, and every frame has
// some: │ ▸ …). Call it first thing; it returns at once.
func WarmUp() {
	go func() {
		_ = ansi.WcWidth.StringWidth(warmGlyphs)
		_ = ansi.GraphemeWidth.StringWidth(warmGlyphs)
	}()
}

// warmGlyphs are characters every frame draws, from the tables WarmUp fills.
const warmGlyphs = "│▸›…✓✗"
