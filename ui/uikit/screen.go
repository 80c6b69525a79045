package uikit

import (
	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"
)

// Screen is a child of the root model: one page of the TUI. Children return
// strings; only the root builds the tea.View. A screen never does I/O in
// Update: it returns commands, whose results come back as typed messages.
type Screen interface {
	Init() tea.Cmd
	Update(msg tea.Msg) (Screen, tea.Cmd)
	// View draws the screen within the size last given by SetSize.
	View() string
	SetSize(width, height int)
	SetStyles(s Styles)
	// KeyMap is what the help bar shows; bindings that do nothing right now
	// are disabled, so help never lies.
	KeyMap() help.KeyMap
	// Capturing reports whether the screen is taking text input right now, so
	// the root must pass printable keys (q, ?, j, k) to it instead of acting on them.
	Capturing() bool
}

// StatusMsg asks the root to show a line in the status bar that clears
// itself after a while. Err marks it as an error.
type StatusMsg struct {
	Text string
	Err  bool
}

// Status returns a command that shows a status line.
func Status(text string, isErr bool) tea.Cmd {
	return func() tea.Msg { return StatusMsg{Text: text, Err: isErr} }
}

// BackMsg asks the root to leave the current screen (as esc does).
type BackMsg struct{}

// HomeMsg asks the root to go to Home (for example after an account is saved).
type HomeMsg struct{}

// AccountsChangedMsg tells the root that accounts were added, changed or
// removed, so Home must reload them.
type AccountsChangedMsg struct{}

// BackHandler is implemented by screens that use esc themselves while
// HandlesBack reports true (a wizard going back a step, a dialog closing).
// Otherwise the root treats esc as "leave this screen". A screen that runs
// out of its own steps sends BackMsg.
type BackHandler interface {
	HandlesBack() bool
}

// DraftSaver is implemented by screens whose work in progress is kept as a
// draft (the link wizard). When the program ends — q, ctrl+c, a signal —
// ui.Run calls SaveDraftNow on the screen that was showing, after the event
// loop has stopped (so no command races the screen's state), and a restart
// resumes where the admin left off.
type DraftSaver interface {
	SaveDraftNow() error
}
