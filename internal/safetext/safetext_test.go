package safetext

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"plain ASCII unchanged", "contoso.onmicrosoft.com", "contoso.onmicrosoft.com"},
		{"unicode unchanged", "Café Ünïcödé 日本 ✓", "Café Ünïcödé 日本 ✓"},
		{"empty", "", ""},
		{"OSC 52 clipboard write, BEL", "ok\x1b]52;c;ZWNobyBwd25lZA==\x07done", "okdone"},
		{"OSC 52 clipboard write, ST", "ok\x1b]52;c;ZWNobyBwd25lZA==\x1b\\done", "okdone"},
		{"OSC 0 title set", "\x1b]0;you have been pwned\x07AADSTS700016", "AADSTS700016"},
		{"OSC 8 hyperlink keeps the visible text", "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\", "click"},
		{"cursor movement and clear", "a\x1b[2J\x1b[1;1Hb\x1b[10A\x1b[?25lc", "abc"},
		{"SGR colour", "\x1b[31;1mred\x1b[0m", "red"},
		{"8-bit CSI in UTF-8", "x\u009b2Jy", "xy"},
		{"8-bit CSI raw byte", "x\x9b2Jy", "xy"},
		{"8-bit OSC then ST in UTF-8", "x\u009d0;title\u009cy", "xy"},
		{"DCS", "a\x1bP+q544e\x1b\\b", "ab"},
		{"SOS PM APC", "a\x1bXsos\x1b\\b\x1b^pm\x1b\\c\x1b_apc\x1b\\d", "abcd"},
		{"single-char ESC: reset, save cursor, index", "a\x1bcb\x1b7c\x1bDd", "abcd"},
		{"ESC with intermediates: charset, DECALN", "a\x1b(0b\x1b#8c", "abc"},
		{"ESC at end", "abc\x1b", "abc"},
		{"ESC ESC", "a\x1b\x1b[31mb", "ab"},
		{"unterminated OSC swallows the rest", "a\x1b]0;title forever", "a"},
		{"CAN aborts a string", "a\x1b]0;t\x18b", "ab"},
		{"CSI interrupted by a letter outside the range keeps it", "a\x1b[12é", "aé"},
		{"CSI interrupted by a control drops it", "a\x1b[1\x00b", "ab"},
		{"C0 controls", "a\x00b\x07c\x08d\x0be\x0cf\x7fg", "abcdefg"},
		{"C1 controls", "a\u0080b\u0084c\u008ed\u009ce", "abcde"},
		{"newline and tab become spaces", "one\ntwo\tthree\r\nfour\rfive", "one two three four five"},
		{"unicode line breaks", "a\u0085b\u2028c\u2029d", "a b c d"},
		{"bidi override (Trojan Source)", "admin\u202e\u2066txt.exe\u2069", "admintxt.exe"},
		{"bidi marks", "a\u200eb\u200fc\u061cd", "abcd"},
		{"invalid UTF-8 replaced", "a\xffb\xc3", "a\ufffdb\ufffd"},
		{"valid U+FFFD kept", "a\ufffdb", "a\ufffdb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Line(tt.in); got != tt.want {
				t.Errorf("Line(%q) = %q, want %q", tt.in, got, tt.want)
			}
			wantControl := tt.in != tt.want
			if got := HasControl(tt.in); got != wantControl {
				t.Errorf("HasControl(%q) = %v, want %v", tt.in, got, wantControl)
			}
		})
	}
}

func TestText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"newlines kept", "line one\nline two", "line one\nline two"},
		{"CRLF and CR become LF", "a\r\nb\rc", "a\nb\nc"},
		{"unicode line breaks become LF", "a\u0085b\u2028c", "a\nb\nc"},
		{"tabs become spaces", "key:\tvalue", "key: value"},
		{"escapes removed across lines", "AADSTS700016: app not found\n\x1b]52;c;cm0gLXJmIH4=\x07\x1b[1A\x1b[2Kall good", "AADSTS700016: app not found\nall good"},
		{"other controls removed", "a\x00\x1b[31m\nb\u009b1;1H", "a\nb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Text(tt.in); got != tt.want {
				t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestHasControl(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"contoso", "Café ✓", "", "a b"} {
		if HasControl(s) {
			t.Errorf("HasControl(%q) = true, want false", s)
		}
	}
	for _, s := range []string{"a\nb", "a\tb", "\x1b[0m", "\u202e", "\x7f", "\xff", "\u0085"} {
		if !HasControl(s) {
			t.Errorf("HasControl(%q) = false, want true", s)
		}
	}
}

// checkSafe fails t if out could still drive a terminal.
func checkSafe(t *testing.T, fn string, in, out string, keepNewlines bool) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("%s(%q) = %q: not valid UTF-8", fn, in, out)
	}
	for _, r := range out {
		switch {
		case r == '\n' && keepNewlines:
		case r < 0x20, r >= 0x7f && r <= 0x9f:
			t.Fatalf("%s(%q) = %q: holds control %U", fn, in, out, r)
		case unicode.Is(unicode.Bidi_Control, r):
			t.Fatalf("%s(%q) = %q: holds bidi control %U", fn, in, out, r)
		case r == '\u2028' || r == '\u2029':
			t.Fatalf("%s(%q) = %q: holds line separator %U", fn, in, out, r)
		}
	}
	if strings.ContainsRune(out, 0x1b) {
		t.Fatalf("%s(%q) = %q: holds ESC", fn, in, out)
	}
}

func FuzzLine(f *testing.F) {
	for _, s := range []string{
		"plain", "\x1b]52;c;ZWNobw==\x07", "\x1b[2J", "\u009b2J", "\x9b2J", "a\u202eb",
		"\x1bP1$r\x1b\\", "\xff\xfe", "a\r\nb\tc", "\x1b]8;;http://x\x1b\\y\x1b]8;;\x1b\\",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Line(s)
		checkSafe(t, "Line", s, out, false)
		if strings.ContainsRune(out, '\n') {
			t.Fatalf("Line(%q) = %q: holds a newline", s, out)
		}
		if again := Line(out); again != out {
			t.Fatalf("Line not idempotent: Line(%q) = %q, Line of that = %q", s, out, again)
		}
		if HasControl(out) {
			t.Fatalf("HasControl(Line(%q)) = true", s)
		}
		if HasControl(s) != (out != s) {
			t.Fatalf("HasControl(%q) = %v but Line changed it: %v", s, HasControl(s), out != s)
		}
	})
}

func FuzzText(f *testing.F) {
	for _, s := range []string{
		"line\nline", "\x1b]0;title\x1b\\", "a\rb", "\u0085", "\x1b[1A\x1b[2K", "\x9d0;x\x9c",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Text(s)
		checkSafe(t, "Text", s, out, true)
		if strings.ContainsRune(out, '\t') || strings.ContainsRune(out, '\r') {
			t.Fatalf("Text(%q) = %q: holds a tab or CR", s, out)
		}
		if again := Text(out); again != out {
			t.Fatalf("Text not idempotent: Text(%q) = %q, Text of that = %q", s, out, again)
		}
		// Text and Line differ only in what line breaks become.
		if got, want := Line(out), strings.ReplaceAll(out, "\n", " "); got != want {
			t.Fatalf("Line(Text(%q)) = %q, want %q", s, got, want)
		}
	})
}

func BenchmarkLinePlain(b *testing.B) {
	s := "contoso.onmicrosoft.com verified at step grant-admin-consent"
	for b.Loop() {
		_ = Line(s)
	}
}

func BenchmarkLineHostile(b *testing.B) {
	s := strings.Repeat("AADSTS700016 \x1b]52;c;ZWNobw==\x07 é \x1b[31m", 8)
	for b.Loop() {
		_ = Line(s)
	}
}

// FuzzFastPath holds isSafe to clean: the fast path may skip clean only when
// clean would change nothing.
func FuzzFastPath(f *testing.F) {
	for _, s := range []string{"plain", "é\n", "a\u0085", "\u2028", "\u202e", "\xff", "\x7f", "\u009b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, keep := range []bool{false, true} {
			if got, want := isSafe(s, keep), clean(s, keep) == s; got != want {
				t.Fatalf("isSafe(%q, %v) = %v, but clean changes it: %v", s, keep, got, !want)
			}
		}
	})
}

// Not parallel: AllocsPerRun refuses to run beside parallel tests.
func TestLineDoesNotCopySafeText(t *testing.T) {
	s := "Müller GmbH — 日本 ✓"
	if n := testing.AllocsPerRun(100, func() { _ = Line(s) }); n != 0 {
		t.Errorf("Line of safe text allocates %v times, want 0", n)
	}
}
