package store

import (
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// parser is a JSON reader for the few shapes a record holds. Every method
// returns false at the first thing it does not handle exactly as
// encoding/json would; the caller then gives up on the fast path.
type parser struct {
	b  []byte // may be a view of the memory map: every string is copied out
	i  int
	in interner
}

func (p *parser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// end: nothing but white space may follow the record.
func (p *parser) end() bool {
	p.ws()
	return p.i == len(p.b)
}

// consume skips white space and takes c if it is next.
func (p *parser) consume(c byte) bool {
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

// null takes a JSON null, which leaves any field as it is (as encoding/json
// does for strings, numbers, booleans and times, and makes a slice nil).
func (p *parser) null() bool {
	p.ws()
	if len(p.b)-p.i >= 4 && string(p.b[p.i:p.i+4]) == "null" {
		p.i += 4
		return true
	}
	return false
}

// object reads {"field": value, ...}, handing each field name to field,
// which reads the value. Field names with escapes are not handled, nor a
// field named twice (encoding/json merges the second into the first).
func (p *parser) object(field func(name []byte) bool) bool {
	if !p.consume('{') {
		return false
	}
	if p.consume('}') {
		return true
	}
	var seen [16][]byte
	n := 0
	for {
		if !p.consume('"') {
			return false
		}
		start := p.i
		for p.i < len(p.b) && p.b[p.i] != '"' && p.b[p.i] != '\\' {
			p.i++
		}
		if p.i >= len(p.b) || p.b[p.i] != '"' {
			return false
		}
		name := p.b[start:p.i]
		p.i++
		for _, s := range seen[:n] {
			if string(s) == string(name) {
				return false
			}
		}
		if n == len(seen) {
			return false
		}
		seen[n], n = name, n+1
		if !p.consume(':') || !field(name) {
			return false
		}
		if p.consume('}') {
			return true
		}
		if !p.consume(',') {
			return false
		}
	}
}

// array reads null (the slice becomes nil) or [elem, ...]; elem appends.
func (p *parser) array(slice any, elem func() bool) bool {
	if p.null() {
		return setNil(slice)
	}
	if !p.consume('[') {
		return false
	}
	setEmpty(slice)
	if p.consume(']') {
		return true
	}
	for {
		if !elem() {
			return false
		}
		if p.consume(']') {
			return true
		}
		if !p.consume(',') {
			return false
		}
	}
}

// skipped stands for a slice whose elements are read and dropped.
type skipped struct{}

// setNil and setEmpty do what encoding/json does to a slice for null and
// for an array: nil, and an empty non-nil slice before the elements come.
func setNil(slice any) bool {
	switch s := slice.(type) {
	case skipped:
	case *[]CheckRecord:
		*s = nil
	case *[]Credential:
		*s = nil
	default:
		return false
	}
	return true
}

func setEmpty(slice any) {
	switch s := slice.(type) {
	case *[]CheckRecord:
		*s = make([]CheckRecord, 0, 8) // a verification has eight checks
	case *[]Credential:
		*s = make([]Credential, 0, 1) // the active one (a rotation adds one)
	}
}

// stringToken reads a JSON string and returns its contents, unescaped;
// with share, a text seen before comes back as the same string.
func (p *parser) stringToken(share bool) (string, bool) {
	if !p.consume('"') {
		return "", false
	}
	start := p.i
	ascii := true
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			s := p.b[start:p.i]
			p.i++
			if !ascii && !utf8.Valid(s) {
				return "", false // encoding/json would replace the bad bytes
			}
			if share {
				return p.in.get(s), true
			}
			return string(s), true
		case c == '\\':
			return p.escapedString(start)
		case c < 0x20:
			return "", false
		case c >= 0x80:
			ascii = false
		}
		p.i++
	}
	return "", false
}

// escapedString finishes a string that holds escapes, from its start.
func (p *parser) escapedString(start int) (string, bool) {
	out := make([]byte, 0, p.i-start+16)
	out = append(out, p.b[start:p.i]...)
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			if !utf8.Valid(out) {
				return "", false
			}
			return string(out), true
		case c < 0x20:
			return "", false
		case c != '\\':
			out = append(out, c)
			p.i++
			continue
		}
		if p.i+1 >= len(p.b) {
			return "", false
		}
		esc := p.b[p.i+1]
		p.i += 2
		switch esc {
		case '"', '\\', '/':
			out = append(out, esc)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			if p.i+4 > len(p.b) {
				return "", false
			}
			r, err := strconv.ParseUint(string(p.b[p.i:p.i+4]), 16, 16)
			if err != nil || utf16.IsSurrogate(rune(r)) {
				return "", false // surrogates: leave their pairing rules to encoding/json
			}
			out = utf8.AppendRune(out, rune(r))
			p.i += 4
		default:
			return "", false
		}
	}
	return "", false
}

func (p *parser) string(dst *string) bool { return p.text(dst, false) }

// shared reads a text that repeats from account to account.
func (p *parser) shared(dst *string) bool { return p.text(dst, true) }

func (p *parser) text(dst *string, share bool) bool {
	if p.null() {
		return true
	}
	s, ok := p.stringToken(share)
	if ok {
		*dst = s
	}
	return ok
}

func (p *parser) bool(dst *bool) bool {
	p.ws()
	switch {
	case p.null():
		return true
	case len(p.b)-p.i >= 4 && string(p.b[p.i:p.i+4]) == "true":
		*dst = true
		p.i += 4
	case len(p.b)-p.i >= 5 && string(p.b[p.i:p.i+5]) == "false":
		*dst = false
		p.i += 5
	default:
		return false
	}
	return true
}

// int reads an integer written without fraction or exponent, as
// encoding/json writes ints; anything else is left to encoding/json.
func (p *parser) int(dst *int) bool {
	if p.null() {
		return true
	}
	start := p.i
	if p.i < len(p.b) && p.b[p.i] == '-' {
		p.i++
	}
	digits := p.i
	for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		p.i++
	}
	if p.i == digits || (p.b[digits] == '0' && p.i-digits > 1) {
		return false // no digits, or a leading zero JSON forbids
	}
	if p.i < len(p.b) {
		switch p.b[p.i] {
		case '.', 'e', 'E':
			return false
		}
	}
	n, err := strconv.Atoi(string(p.b[start:p.i]))
	if err != nil {
		return false
	}
	*dst = n
	return true
}

// time reads a time as encoding/json does: through time.Time's own
// UnmarshalJSON, given the quoted token.
func (p *parser) time(dst *time.Time) bool {
	if p.null() {
		return true
	}
	p.ws()
	start := p.i
	if !p.consume('"') {
		return false
	}
	for p.i < len(p.b) && p.b[p.i] != '"' {
		if p.b[p.i] == '\\' || p.b[p.i] < 0x20 {
			return false
		}
		p.i++
	}
	if p.i >= len(p.b) {
		return false
	}
	p.i++
	var t time.Time
	if err := t.UnmarshalJSON(p.b[start:p.i]); err != nil {
		return false
	}
	*dst = t
	return true
}
