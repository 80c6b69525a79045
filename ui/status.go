package ui

import "time"

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

// set shows text and returns the message that must clear it later.
func (s *statusLine) set(text string, isErr bool) clearStatusMsg {
	s.id++
	s.text, s.err = text, isErr
	return clearStatusMsg{id: s.id}
}

// clear empties the line if msg belongs to the message on show.
func (s *statusLine) clear(msg clearStatusMsg) {
	if msg.id == s.id {
		s.text, s.err = "", false
	}
}
