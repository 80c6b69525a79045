package ui

import (
	"strings"
	"testing"

	"github.com/xops/xops/flow/validate"
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
