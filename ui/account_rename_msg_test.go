package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/xops/xops/flow/validate"
	"github.com/xops/xops/ui/uikit"
)

// An empty new name is refused in the account form's words: flow/validate's
// message, "Friendly name: is empty: …", not a rewording of it.
func TestRenameEmptyNameUsesTheFormsMessage(t *testing.T) {
	_, want := validate.Name("")
	if want == nil {
		t.Fatal("validate.Name(\"\") accepted an empty name")
	}
	p := newRenameScreen("contoso", nil)
	p.input.SetValue("")
	if cmd := p.submit(); cmd != nil {
		t.Fatal("an empty name was submitted")
	}
	if p.errText != want.Error() {
		t.Errorf("rename says %q, the form says %q", p.errText, want.Error())
	}
	if !strings.HasPrefix(p.errText, validate.LabelName+": is empty") {
		t.Errorf("rename says %q, want it to start %q", p.errText, validate.LabelName+": is empty")
	}
}

// The refusal wraps under its text, past the "✗ ", as the form's errors do.
func TestRenameErrorWrapsUnderItsText(t *testing.T) {
	p := newRenameScreen("contoso", nil)
	p.SetStyles(uikit.NewStyles(true, true))
	p.SetSize(63, 20)
	p.input.SetValue("")
	p.submit()
	lines := strings.Split(ansi.Strip(p.View()), "\n")
	at := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "✗ ") {
			at = i
		}
	}
	if at < 0 || at+1 >= len(lines) || !strings.HasPrefix(lines[at+1], "  ") || strings.TrimSpace(lines[at+1]) == "" {
		t.Fatalf("the error does not wrap under its text:\n%s", strings.Join(lines, "\n"))
	}
}
