package entra

import (
	"github.com/xops/xops/internal/safetext"
)

// maxServerText bounds how much of a server's words reach a message.
const maxServerText = 400

// serverText is the one door through which text a server sent (an AADSTS
// description, an Exchange error, a host name in an error) reaches a check's
// message: stripped of terminal escapes and controls, on one line, bounded.
func serverText(s string) string {
	s = safetext.Line(s)
	if r := []rune(s); len(r) > maxServerText {
		s = string(r[:maxServerText]) + "…"
	}
	return s
}
