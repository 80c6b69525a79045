package validate

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Limits of a friendly name, in characters (runes).
const (
	MinNameLength = 1
	MaxNameLength = 64
)

// Name checks a friendly name and returns it trimmed of surrounding space.
// It must be 1 to 64 printable characters on one line: no control characters,
// escape sequences or invisible characters. Uniqueness (ignoring case) is the
// store's to check.
func Name(s string) (string, error) {
	name := strings.TrimSpace(s)
	if name == "" {
		return "", fieldError(FieldName, LabelName, "is empty: give the account a name you will recognise in the list, such as contoso-prod")
	}
	if msg := problem(name); msg != "" {
		return "", fieldError(FieldName, LabelName, msg)
	}
	if n := utf8.RuneCountInString(name); n > MaxNameLength {
		return "", fieldError(FieldName, LabelName,
			fmt.Sprintf("is %d characters long, more than the %d allowed: shorten it", n, MaxNameLength))
	}
	return name, nil
}
