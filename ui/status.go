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
	// sticky: no timer clears the line; the next key does (setWarning).
	sticky bool
	// warn: the line is a warning (something to know, nothing failed).
	warn bool
	// more: how many other warnings Settings lists beside this one.
	more int
}

// clearStatusMsg is the timer of status message id.
type clearStatusMsg struct{ id int }

// set shows text and returns the message that must clear it later.
func (s *statusLine) set(text string, isErr bool) clearStatusMsg {
	s.id++
	s.text, s.err, s.sticky, s.warn, s.more = text, isErr, false, false, 0
	return clearStatusMsg{id: s.id}
}

// setWarning shows a warning until a key is pressed (keyPressed) or another
// message replaces it: a warning at start must not vanish before the admin
// has looked at the screen. more is how many other warnings Settings lists.
func (s *statusLine) setWarning(text string, more int) {
	s.set(text, false)
	s.sticky, s.warn, s.more = true, true, more
}

// keyPressed clears a sticky line.
func (s *statusLine) keyPressed() {
	if s.sticky {
		s.text, s.err, s.sticky, s.warn, s.more = "", false, false, false, 0
	}
}

// clear empties the line if msg belongs to the message on show.
func (s *statusLine) clear(msg clearStatusMsg) {
	if msg.id == s.id {
		s.text, s.err = "", false
	}
}
