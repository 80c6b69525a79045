package uikit

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Wrap breaks plain text into lines no wider than width cells, at spaces
// only: flags like --store, IDs and thumbprints must never be split at their
// hyphens (ansi.Wrap always breaks there), since the admin compares and
// copies them whole. A word wider than the line is cut hard. Continuation
// lines start with indent (numbered lists); "" for none.
func Wrap(text string, width int, indent string) string {
	if width <= 0 {
		return text
	}
	if ansi.StringWidth(indent) >= width {
		indent = ""
	}
	var out []string
	for _, para := range strings.Split(text, "\n") {
		line, lineW := "", 0
		flush := func() {
			out = append(out, line)
			line, lineW = indent, ansi.StringWidth(indent)
		}
		first := true
		for _, word := range strings.Fields(para) {
			ww := ansi.StringWidth(word)
			switch {
			case first:
				line, lineW, first = word, ww, false
			case lineW+1+ww <= width:
				line += " " + word
				lineW += 1 + ww
			default:
				flush()
				line += word
				lineW += ww
			}
			for lineW > width { // a word wider than the line
				cut := ansi.Truncate(line, width, "")
				rest := strings.TrimPrefix(line, cut)
				line = cut
				flush()
				line += rest
				lineW = ansi.StringWidth(line)
			}
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}
