package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
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
		base = append(base, tea.WithColorProfile(d.Profile.first()))
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

// ColorProfile is the terminal's colour profile, found in the background by
// DetectColorProfile; hand it over in Deps.Profile.
type ColorProfile struct {
	first func() colorprofile.Profile // what the first frame is drawn with
	// final, inside tmux, is the profile once tmux has been asked about the
	// terminal outside it (that runs the tmux command: tens of ms, too long
	// to hold the first frame for); nil elsewhere.
	final func() colorprofile.Profile
}

// DetectColorProfile starts, in the background, what Bubble Tea would do when
// it starts: find the colour profile of the terminal on stdout, from the
// environment and terminfo, and, inside tmux, from tmux itself. The first
// frame does not wait for tmux: it is drawn with what the environment and
// terminfo say, and the program switches when tmux answers (see
// Model.Init). With noColor nothing is detected (Run uses plain ASCII).
func DetectColorProfile(noColor bool) *ColorProfile {
	if noColor {
		return &ColorProfile{first: func() colorprofile.Profile { return colorprofile.Ascii }}
	}
	return detectColorProfile(os.Stdout, os.Environ())
}

func detectColorProfile(out io.Writer, env []string) *ColorProfile {
	detect := func(env []string) func() colorprofile.Profile {
		done := make(chan colorprofile.Profile, 1)
		go func() { done <- colorprofile.Detect(out, env) }()
		return sync.OnceValue(func() colorprofile.Profile { return <-done })
	}
	var withoutTmux []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "TMUX=") {
			withoutTmux = append(withoutTmux, kv)
		}
	}
	cp := &ColorProfile{first: detect(withoutTmux)}
	if len(withoutTmux) < len(env) {
		cp.final = detect(env)
	}
	return cp
}

// lateProfile is the command that switches the program to the final
// profile, when there is one and it differs from the first.
func (cp *ColorProfile) lateProfile() tea.Cmd {
	if cp == nil || cp.final == nil {
		return nil
	}
	return func() tea.Msg {
		if p := cp.final(); p != cp.first() {
			return tea.ColorProfileMsg{Profile: p} // Bubble Tea hands it to its renderer
		}
		return nil
	}
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
