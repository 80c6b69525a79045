// Package safetext makes text that came from outside xops safe to draw or print
// on a terminal.
//
// Names, pasted IDs, server messages, AADSTS descriptions and file names can
// carry terminal escape sequences: an error body must not be able to move the
// cursor, set the window title, write to the clipboard (OSC 52), plant a
// hyperlink (OSC 8) or reorder what the admin reads (bidi overrides). Line and
// Text remove all of that and keep everything else.
package safetext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Line returns s ready to be shown on one line: every terminal escape sequence
// (CSI, OSC including OSC 8 and OSC 52, DCS, SOS, PM, APC and the short ESC
// sequences), C0 and C1 control characters, DEL and Unicode bidi controls are
// removed; line breaks and tabs become a single space; invalid UTF-8 becomes
// U+FFFD. Line is idempotent.
func Line(s string) string {
	if isSafe(s, false) {
		return s
	}
	return clean(s, false)
}

// Text is Line for multi-line messages: line breaks (\n, \r\n, a lone \r,
// NEL, U+2028 and U+2029) become \n instead of a space; tabs still become a
// single space. Text is idempotent.
func Text(s string) string {
	if isSafe(s, true) {
		return s
	}
	return clean(s, true)
}

// HasControl reports whether s holds anything Line would remove or replace:
// an escape sequence, a control character (newlines and tabs included), DEL,
// a bidi control or invalid UTF-8. Input fields use it to refuse such text.
func HasControl(s string) bool {
	return !isSafe(s, false)
}

// isSafe reports whether clean would return s unchanged, without allocating:
// the common case, worth a fast path because lists sanitise every row they
// draw. It must agree with clean; the fuzz tests hold them to it.
func isSafe(s string, keepNewlines bool) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		if c < 0x80 {
			if c == '\n' && keepNewlines {
				i++
				continue
			}
			return false // C0 control or DEL
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1: // invalid UTF-8
			return false
		case r <= apc, r == '\u2028', r == '\u2029': // C1 controls, line separators
			return false
		case unicode.Is(unicode.Bidi_Control, r):
			return false
		}
		i += size
	}
	return true
}

// state is where the scanner is inside an escape sequence, after ECMA-48 and
// the parser terminals such as xterm implement.
type state int

const (
	ground        state = iota // ordinary text
	escape                     // after ESC
	escInterm                  // after ESC and intermediate bytes (ESC ( B, ESC # 8)
	controlSeq                 // inside CSI, until its final byte
	controlString              // inside OSC, DCS, SOS, PM or APC, until BEL or ST
)

// Characters with a meaning to the scanner.
const (
	bel = 0x07
	can = 0x18
	sub = 0x1a
	esc = 0x1b
	del = 0x7f
	nel = 0x85 // C1 "next line"
	dcs = 0x90
	sos = 0x98
	csi = 0x9b
	st  = 0x9c
	osc = 0x9d
	pm  = 0x9e
	apc = 0x9f

	invalid = -1 // a byte that is not valid UTF-8
)

// clean is the scanner behind Line and Text. Sequences are dropped whole; a
// character that cannot continue a sequence ends it and is then judged as
// ordinary text, so nothing hides behind a malformed sequence.
func clean(s string, keepNewlines bool) string {
	var b strings.Builder
	b.Grow(len(s))
	newline := func() {
		if keepNewlines {
			b.WriteByte('\n')
		} else {
			b.WriteByte(' ')
		}
	}

	mode := ground
	for i := 0; i < len(s); {
		r, size := decode(s[i:])
		switch mode {
		case escape:
			switch {
			case r == '[':
				mode = controlSeq
			case r == ']' || r == 'P' || r == 'X' || r == '^' || r == '_':
				mode = controlString
			case r >= 0x20 && r <= 0x2f:
				mode = escInterm
			case r >= 0x30 && r <= 0x7e:
				mode = ground // a two-character sequence such as ESC c or ESC 7
			case r == esc:
				// The second ESC starts over.
			default:
				mode = ground
				continue // not part of a sequence: judge it as text
			}
			i += size
			continue
		case escInterm:
			switch {
			case r >= 0x20 && r <= 0x2f:
			case r >= 0x30 && r <= 0x7e:
				mode = ground
			case r == esc:
				mode = escape
			default:
				mode = ground
				continue
			}
			i += size
			continue
		case controlSeq:
			switch {
			case r >= 0x20 && r <= 0x3f: // parameter and intermediate bytes
			case r >= 0x40 && r <= 0x7e: // the final byte
				mode = ground
			case r == esc:
				mode = escape
			default:
				mode = ground
				continue
			}
			i += size
			continue
		case controlString:
			switch r {
			case bel, st, can, sub:
				mode = ground
			case esc:
				// ESC \ is the string terminator; any other ESC also ends
				// the string (as in xterm) and starts a new sequence.
				mode = escape
			}
			i += size
			continue
		}

		// Ground: ordinary text.
		switch {
		case r == esc:
			mode = escape
		case r == csi:
			mode = controlSeq
		case r == osc || r == dcs || r == sos || r == pm || r == apc:
			mode = controlString
		case r == '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				size++
			}
			newline()
		case r == '\n' || r == nel || r == '\u2028' || r == '\u2029':
			newline()
		case r == '\t':
			b.WriteByte(' ')
		case r == invalid:
			b.WriteRune(utf8.RuneError)
		case r < 0x20 || (r >= del && r <= apc):
			// Other C0 and C1 controls and DEL: dropped.
		case unicode.Is(unicode.Bidi_Control, r):
			// LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI, LRM, RLM, ALM:
			// they can make text read differently from what it is.
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// decode returns the next character of s and its length in bytes. A byte
// that is not valid UTF-8 comes back as invalid, except the bytes 0x80–0x9f:
// a terminal not in UTF-8 mode reads those as C1 controls (0x9b is CSI), so
// they are returned as the C1 control they would be and their sequence is
// dropped like any other.
func decode(s string) (rune, int) {
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && size == 1 {
		if c := s[0]; c >= 0x80 && c <= 0x9f {
			return rune(c), 1
		}
		return invalid, 1
	}
	return r, size
}
