package validate

import (
	"errors"
	"strings"
	"testing"
)

// wantFieldError fails t unless err is a *FieldError on field whose message
// holds every one of says, and whose Error() starts with the label.
func wantFieldError(t *testing.T, err error, field, label string, says ...string) {
	t.Helper()
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) is not a *FieldError", err, err)
	}
	if fe.Field != field || fe.Label != label {
		t.Errorf("field %q label %q, want %q %q", fe.Field, fe.Label, field, label)
	}
	if !strings.HasPrefix(err.Error(), label+": ") {
		t.Errorf("Error() = %q, want it to start with %q", err.Error(), label+": ")
	}
	if strings.HasPrefix(fe.Message, label) {
		t.Errorf("message %q repeats the label", fe.Message)
	}
	for _, s := range says {
		if !strings.Contains(fe.Message, s) {
			t.Errorf("message %q does not say %q", fe.Message, s)
		}
	}
}

func TestNameAccepts(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"contoso", "contoso"},
		{"  Contoso Production  ", "Contoso Production"},
		{"\tcontoso\n", "contoso"},
		{"Fabrikam (EU) / prod #2", "Fabrikam (EU) / prod #2"},
		{"Müller GmbH — 日本", "Müller GmbH — 日本"},
		{"x", "x"},
		{strings.Repeat("é", 64), strings.Repeat("é", 64)},
	}
	for _, tt := range tests {
		got, err := Name(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Name(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestNameRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		says []string
	}{
		{"empty", "", []string{"empty", "contoso-prod"}},
		{"spaces only", "   \t ", []string{"empty"}},
		{"too long", strings.Repeat("a", 65), []string{"65 characters", "64", "shorten"}},
		{"too long in runes", strings.Repeat("日", 65), []string{"65 characters"}},
		{"CSI escape", "con\x1b[31mtoso", []string{"escape sequence", "type it by hand"}},
		{"OSC title", "a\x1b]0;x\x07b", []string{"escape sequence"}},
		{"8-bit CSI", "a\u009b2Jb", []string{"escape sequence"}},
		{"newline inside", "con\ntoso", []string{"line break", "one line"}},
		{"CR inside", "con\rtoso", []string{"line break"}},
		{"tab inside", "con\ttoso", []string{"tab", "ordinary space"}},
		{"NUL", "con\x00toso", []string{"control character U+0000", "remove"}},
		{"BEL", "con\atoso", []string{"U+0007"}},
		{"DEL", "con\x7ftoso", []string{"U+007F"}},
		{"C1", "con\u0084toso", []string{"U+0084"}},
		{"bidi override", "admin\u202eexe.txt", []string{"U+202E", "text-direction", "remove"}},
		{"bidi isolate", "a\u2066b", []string{"U+2066"}},
		{"no-break space", "con\u00a0toso", []string{"U+00A0", "ordinary space"}},
		{"zero-width space", "con\u200btoso", []string{"U+200B", "invisible"}},
		{"invalid UTF-8", "con\xfftoso", []string{"UTF-8", "type it again"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Name(tt.in)
			if err == nil {
				t.Fatalf("Name(%q) = %q, want an error", tt.in, got)
			}
			if got != "" {
				t.Errorf("Name(%q) returned %q with its error", tt.in, got)
			}
			wantFieldError(t, err, "name", "Friendly name", tt.says...)
		})
	}
}
