package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"golang.org/x/term"
)

// errInputEnded is end of input (ctrl+d, or the end of a file of answers) at
// a prompt of the accessible mode: the run stops and says what was kept.
var errInputEnded = errors.New("input ended")

// prompter asks plain line questions for the accessible mode: one question a
// line, the answer read up to the newline. Nothing is drawn, no colour, no
// cursor movement: a screen reader, a dumb terminal or a file of answers all
// work. Every answer is checked here; an empty answer takes the default
// shown in brackets, which is checked like any other answer.
type prompter struct {
	ctx context.Context
	a   *app
	w   io.Writer
	// tty is set when stdin was a terminal at the start: one that is no
	// longer a terminal hung up (stopSignal).
	tty bool
	// pending is the read of the next answer once it has started: a read
	// left by ctrl+c, or by a run that watched for end of input and ended
	// first, is picked up by the next question, so no typed line is lost.
	pending chan lineRead
	// lineOpen is set when an answer came from a pipe or a file: nothing
	// was echoed, so the prompt's line is still open and the next text
	// starts with a line break (on a terminal the typed Enter gave one).
	lineOpen bool
}

// lineRead is one line read from stdin, or why none was.
type lineRead struct {
	s   string
	err error
}

// read starts reading the next answer, unless a read is already under way,
// and returns where it lands (a channel with room for it: it can be put back).
func (p *prompter) read() chan lineRead {
	if p.pending == nil {
		ch := make(chan lineRead, 1)
		go func() {
			s, err := p.a.readLine(context.Background())
			ch <- lineRead{s, err}
		}()
		p.pending = ch
	}
	return p.pending
}

// say prints one line of text for the admin, wrapped at word boundaries to
// the terminal's width (see wrapProse).
func (p *prompter) say(format string, args ...any) {
	p.endLine()
	width := p.width()
	var lines []string
	for _, l := range strings.Split(spoken(fmt.Sprintf(format, args...)), "\n") {
		lines = append(lines, wrapProse(l, width)...)
	}
	fmt.Fprint(p.w, strings.Join(lines, "\n")+"\n")
}

// breadcrumb is the arrow of a path through the admin center's menus
// ("Entra ID › App registrations", "the app → Certificates & secrets"),
// which a screen reader reads as the symbol's name.
var breadcrumb = strings.NewReplacer(" → ", ", then ", " › ", ", then ")

// spoken is text as it is best heard: a path through menus said with
// "then" instead of arrows.
func spoken(s string) string { return breadcrumb.Replace(s) }

// endLine ends the line of a prompt whose answer came from a pipe, so that
// what follows (a refusal, the next question) does not run on after it.
func (p *prompter) endLine() {
	if p.lineOpen {
		fmt.Fprintln(p.w)
		p.lineOpen = false
	}
}

// width is the width to wrap prose at: the terminal's columns when stdout is
// a terminal whose size is known, else 0 (pipes, files, tests: lines stay
// whole). It is read at every line, so a resized window is followed.
func (p *prompter) width() int {
	f, ok := p.w.(*os.File)
	if !ok || !p.a.terminal(p.w) {
		return 0
	}
	w, _, err := term.GetSize(int(f.Fd()))
	if err != nil || w <= 0 {
		return 0
	}
	return w
}

// ask prints the question and reads one answer, trimmed. End of input is
// errInputEnded, ctrl+c errInterrupted.
func (p *prompter) ask(question string) (string, error) {
	p.endLine()
	fmt.Fprint(p.w, strings.Join(wrapProse(spoken(question)+" ", p.width()), "\n"))
	var s string
	var err error
	select {
	case r := <-p.read():
		p.pending, s, err = nil, r.s, r.err
	case <-p.ctx.Done():
		fmt.Fprintln(p.a.stderr)
		return "", errInterrupted
	}
	if errors.Is(err, io.EOF) {
		fmt.Fprintln(p.w)
		return "", errInputEnded
	}
	if err != nil {
		return "", err
	}
	p.lineOpen = !p.tty
	return strings.TrimSpace(s), nil
}

// yesNo asks a yes/no question; an empty answer is def. Anything else is
// asked again, saying what is expected.
func (p *prompter) yesNo(question string, def bool) (bool, error) {
	hint := "[y/N]"
	if def {
		hint = "[Y/n]"
	}
	for {
		s, err := p.ask(question + " " + hint)
		if err != nil {
			return false, err
		}
		switch strings.ToLower(s) {
		case "":
			return def, nil
		case "y", "yes":
			return true, nil
		case "n", "no":
			return false, nil
		}
		p.say("Please answer y (yes) or n (no).")
	}
}

// choice is one answer a question accepts: what to type and what it means.
type choice struct {
	key   string
	label string
}

// choose asks for one of the choices by key (case ignored); an empty answer
// is def when def is not "".
func (p *prompter) choose(question string, choices []choice, def string) (string, error) {
	keys := make([]string, len(choices))
	for i, c := range choices {
		keys[i] = c.key
		if c.key == def {
			keys[i] = strings.ToUpper(c.key)
		}
	}
	for {
		s, err := p.ask(fmt.Sprintf("%s [%s]", question, strings.Join(keys, "/")))
		if err != nil {
			return "", err
		}
		if s == "" && def != "" {
			return def, nil
		}
		for _, c := range choices {
			if strings.EqualFold(s, c.key) {
				return c.key, nil
			}
		}
		var opts []string
		for _, c := range choices {
			opts = append(opts, c.key+" ("+c.label+")")
		}
		p.say("Please answer %s.", strings.Join(opts, ", "))
	}
}

// menu lists numbered options and returns the index of the one chosen.
func (p *prompter) menu(title string, options []string) (int, error) {
	p.say("%s", title)
	for i, o := range options {
		p.say("  %d. %s", i+1, o)
	}
	return p.choose1(len(options))
}

// choose1 asks for a number from 1 to n and returns it less one.
func (p *prompter) choose1(n int) (int, error) {
	for {
		s, err := p.ask(fmt.Sprintf("Choose 1 to %d:", n)) // "1-4" is read "1 minus 4"
		if err != nil {
			return 0, err
		}
		i, convErr := strconv.Atoi(s)
		if convErr == nil && i >= 1 && i <= n {
			return i - 1, nil
		}
		p.say("Please type a number from 1 to %d.", n)
	}
}

// note is a menu option with a line that says what it does.
type note struct{ label, about string }

// menuNotes is menu with each option's explanation on the line under it.
func (p *prompter) menuNotes(title string, options []note) (int, error) {
	p.say("%s", title)
	for i, o := range options {
		p.say("  %d. %s", i+1, o.label)
		if o.about != "" {
			p.say("     %s", o.about)
		}
	}
	return p.choose1(len(options))
}

// field asks for one form field until check accepts the answer. An empty
// answer stands for def (shown in brackets) and goes through check too: a
// default is never taken on trust. check returns the value to keep (trimmed,
// normalised) or an error that says what is wrong and how to fix it.
func (p *prompter) field(label, def string, check func(string) (string, error)) (string, error) {
	q := label + ":"
	if def != "" {
		q = fmt.Sprintf("%s [%s]:", label, oneLine(def))
	}
	for {
		s, err := p.ask(q)
		if err != nil {
			return "", err
		}
		if s == "" {
			s = def
		}
		v, err := check(s)
		if err == nil {
			return v, nil
		}
		p.say("  %s", fieldProblem(err))
	}
}

// fieldProblem is a refused answer's message, one clean line.
func fieldProblem(err error) string { return oneLine(err.Error()) }

// wrapProse breaks one line of prose at spaces so that no line is wider
// than width (0: never), for terminals that would otherwise cut words in
// two. Continuation lines take the indentation of the line they continue
// (of its text, for a "- " or "1. " list item).
// Words are never broken, so neither is a URL; nor are a quoted command
// ('xops store check') or a command that ends the line after a colon
// ("…with: xops accounts verify NAME --wait 5m"): they can be pasted whole.
// A unit wider than width gets a line of its own. Trailing spaces (the one
// after a question) stay on the last line.
func wrapProse(line string, width int) []string {
	if width <= 0 || ansi.StringWidth(line) <= width {
		return []string{line}
	}
	body := strings.TrimLeft(line, " ")
	indent := line[:len(line)-len(body)]
	if m := listMarker(body); m != "" {
		indent += strings.Repeat(" ", len(m)) // under the item's text, not its marker
	}
	trimmed := strings.TrimRight(body, " ")
	trail := body[len(trimmed):]
	units, seps := proseUnits(trimmed)
	var out []string
	cur := line[:len(line)-len(body)] + units[0]
	for i, u := range units[1:] {
		next := cur + seps[i] + u
		if ansi.StringWidth(next) <= width {
			cur = next
			continue
		}
		out = append(out, cur)
		cur = indent + u
	}
	return append(out, cur+trail)
}

// listMarker is the "- " or "12. " that starts a list item, or "".
func listMarker(s string) string {
	if strings.HasPrefix(s, "- ") {
		return "- "
	}
	i := 0
	for i < len(s) && i < 3 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 && strings.HasPrefix(s[i:], ". ") {
		return s[:i+2]
	}
	return ""
}

// proseUnits splits s at runs of spaces that may break a line: units[i] and
// units[i+1] are separated by seps[i] in s. Spaces inside a single-quoted
// span and after a colon that introduces "xops …" do not break.
func proseUnits(s string) (units, seps []string) {
	keep := make([]bool, len(s)) // spaces that must not break
	if i := strings.Index(s, ": xops "); i >= 0 {
		for j := i + 2; j < len(s); j++ {
			keep[j] = true
		}
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '\'' || (i > 0 && s[i-1] != ' ' && s[i-1] != '(') {
			continue
		}
		end := strings.IndexByte(s[i+1:], '\'')
		if end < 0 {
			break
		}
		for j := i; j <= i+1+end; j++ {
			keep[j] = true
		}
		i += 1 + end
	}
	start := 0
	for i := 0; i < len(s); {
		if s[i] != ' ' || keep[i] {
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] == ' ' && !keep[j] {
			j++
		}
		units = append(units, s[start:i])
		seps = append(seps, s[i:j])
		start, i = j, j
	}
	return append(units, s[start:]), seps
}
