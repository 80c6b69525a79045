package validate

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// problem describes the first character of s that has no place in a typed
// value — invalid UTF-8, an escape sequence, a control, a bidi control or an
// invisible character — and what to do, or returns "" when there is none.
// It is stricter than safetext.HasControl: everything that reports true
// there is caught here, and so are invisible characters a paste can bring.
func problem(s string) string {
	if !utf8.ValidString(s) {
		return "is not valid UTF-8 text: type it again rather than pasting it"
	}
	for _, r := range s {
		switch {
		case r == 0x1b || r == 0x9b || r == 0x9d || r == 0x90 || r == 0x98 || r == 0x9e || r == 0x9f:
			return "contains a terminal escape sequence: type it by hand rather than pasting it"
		case r == '\n' || r == '\r' || r == 0x85 || r == '\u2028' || r == '\u2029':
			return "contains a line break: it must be one line, remove the break"
		case r == '\t':
			return "contains a tab: use an ordinary space or remove it"
		case r < 0x20 || (r >= 0x7f && r <= 0x9f):
			return fmt.Sprintf("contains the control character %U: remove it (type it again rather than pasting it)", r)
		case unicode.Is(unicode.Bidi_Control, r):
			return fmt.Sprintf("contains the invisible text-direction character %U, which can make it read differently from what it is: remove it", r)
		case r == ' ':
		case unicode.IsSpace(r):
			return fmt.Sprintf("contains an unusual space %U (often from a web page): use an ordinary space", r)
		case !unicode.IsPrint(r):
			return fmt.Sprintf("contains the invisible or unprintable character %U: remove it (type it again rather than pasting it)", r)
		}
	}
	return ""
}
