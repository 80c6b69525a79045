package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"
)

// statusTTL is how long a status line stays before it clears itself.
const statusTTL = 5 * time.Second

// statusLine is the self-clearing line above the help bar. Every message gets
// a new id, and the timer that clears it carries that id: an old timer must
// not wipe a newer message.
type statusLine struct {
	id   int
	text string
	err  bool
}

// clearStatusMsg is the timer of status message id.
type clearStatusMsg struct{ id int }

// set shows text and returns the command that clears it later.
func (s *statusLine) set(text string, isErr bool) tea.Cmd {
	s.id++
	s.text, s.err = text, isErr
	id := s.id
	return tea.Tick(statusTTL, func(time.Time) tea.Msg { return clearStatusMsg{id: id} })
}

// clear empties the line if msg belongs to the message on show.
func (s *statusLine) clear(msg clearStatusMsg) {
	if msg.id == s.id {
		s.text, s.err = "", false
	}
}
