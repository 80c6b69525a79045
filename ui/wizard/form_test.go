package wizard

import (
	"errors"

	tea "charm.land/bubbletea/v2"
	"strings"
	"testing"

	"github.com/xops/xops/flow/validate"
	"github.com/xops/xops/flow/wizard"
)

const (
	appID    = "11111111-2222-3333-4444-555555555555"
	tenantID = "66666666-7777-8888-9999-aaaaaaaaaaaa"
)

// focusOn waits until the form's cursor is on field.
func focusOn(h *harness, field string) {
	h.t.Helper()
	h.pump(func() bool { return h.m.form != nil && h.m.form.focused == field })
}

// walkForm fills the whole form with good values and submits it.
func walkForm(h *harness, name string) {
	h.t.Helper()
	focusOn(h, validate.FieldName)
	for _, f := range []struct{ field, value string }{
		{validate.FieldName, name},
		{validate.FieldAppID, appID},
		{validate.FieldTenantID, tenantID},
		{validate.FieldOrganization, "contoso.onmicrosoft.com"},
		{validate.FieldKeySize, ""},
		{validate.FieldCertDays, ""},
	} {
		focusOn(h, f.field)
		h.typeText(f.value)
		h.press("enter")
	}
}

// toForm opens the form from a fresh checklist.
func toForm(h *harness) {
	h.t.Helper()
	h.press("enter", "y")
	focusOn(h, validate.FieldName)
}

// message is what flow/validate says about a refused value.
func message(err error) string {
	var fe *validate.FieldError
	if errors.As(err, &fe) {
		return fe.Label + ": " + fe.Message
	}
	return ""
}

// flat removes all white space, so that a message wrapped over lines (at
// a space or a hyphen) can be found whole: compare flat(view) with flat(want).
func flat(v string) string {
	return strings.Join(strings.Fields(v), "")
}

// shows reports whether the view holds text, however it was wrapped.
func shows(h *harness, text string) bool { return strings.Contains(flat(h.view()), flat(text)) }

func TestFormValidationMessages(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("n", 65)
	_, longErr := validate.Name(long)
	_, appErr := validate.AppID("not-a-guid")
	_, tenantErr := validate.TenantID("contoso.com")
	_, _, orgErr := validate.Organization("not a domain")
	_, orgWarn, _ := validate.Organization("contoso.com")
	tests := []struct {
		name  string
		field string // the field to type into
		text  string
		want  string
	}{
		{"name too long", validate.FieldName, long, message(longErr)},
		{"pasted name with a bidi control", validate.FieldName, "evil\u202Eexe.cer", "Removed control or invisible characters from what you pasted: check the value."},
		{"pasted ID with an escape sequence", validate.FieldAppID, "\x1b]52;c;aGk=\a" + appID, "Removed control or invisible characters from what you pasted"},
		{"app id not a GUID", validate.FieldAppID, "not-a-guid", message(appErr)},
		{"tenant id a domain", validate.FieldTenantID, "contoso.com", message(tenantErr)},
		{"same IDs", validate.FieldTenantID, appID, message(validate.IDsDiffer(appID, appID))},
		{"organization not a domain", validate.FieldOrganization, "not a domain", message(orgErr)},
		{"custom domain warns", validate.FieldOrganization, "contoso.com", orgWarn},
		{"days out of range", validate.FieldCertDays, "0", message(validate.CertDays(0))},
		{"days not a number", validate.FieldCertDays, "a year", "Certificate lifetime: must be a whole number of days, like 365"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.want == "" {
				t.Fatal("validate gave no message to look for")
			}
			h, _, _ := newTestWizard(t, 80, 40)
			toForm(h)
			good := map[string]string{validate.FieldName: "contoso", validate.FieldAppID: appID,
				validate.FieldTenantID: tenantID, validate.FieldOrganization: "contoso.onmicrosoft.com"}
			for _, f := range []string{validate.FieldName, validate.FieldAppID, validate.FieldTenantID,
				validate.FieldOrganization, validate.FieldKeySize, validate.FieldCertDays} {
				focusOn(h, f)
				if f == tc.field {
					if f == validate.FieldCertDays {
						h.press("backspace", "backspace", "backspace")
					}
					h.send(tea.PasteMsg{Content: tc.text})
					break
				}
				h.typeText(good[f])
				h.press("enter")
			}
			// As they type: the message is on screen before leaving the field.
			if !shows(h, tc.want) {
				t.Fatalf("want %q on screen:\n%s", tc.want, h.view())
			}
			h.press("enter")
			h.drain()
			if strings.HasPrefix(tc.name, "pasted") {
				if v := h.m.View(); strings.ContainsAny(v, "\u202E") || strings.Contains(v, "]52;") {
					t.Errorf("hostile pasted text drawn: %q", v)
				}
				return
			}
			if tc.name == "custom domain warns" {
				focusOn(h, validate.FieldKeySize) // a warning does not block
				return
			}
			if h.m.form.focused != tc.field {
				t.Errorf("enter left %s despite the error (now on %s)", tc.field, h.m.form.focused)
			}
		})
	}
}

func TestFormNameTaken(t *testing.T) {
	t.Parallel()
	h, _, svc := newTestWizard(t, 80, 40)
	svc.taken["contoso"] = true
	toForm(h)
	h.typeText("Contoso")
	h.press("enter")
	focusOn(h, validate.FieldAppID)
	want := "Friendly name: is already used by another account: choose another name"
	h.pump(func() bool { return shows(h, want) })

	// Submitting anyway is refused and the wizard stays on the form.
	for _, v := range []string{appID, tenantID, "contoso.onmicrosoft.com", "", ""} {
		h.typeText(v)
		h.press("enter")
		h.drain()
	}
	h.pump(func() bool { return h.m.form != nil && !h.m.form.checking })
	if h.m.st.Step != wizard.StepForm {
		t.Fatalf("a taken name got through to %s", h.m.st.Step)
	}
	if !shows(h, want) {
		t.Errorf("message gone after submit:\n%s", h.view())
	}
}

func TestFormKeepsValuesInDraftOnBlur(t *testing.T) {
	t.Parallel()
	h, st, _ := newTestWizard(t, 80, 24)
	toForm(h)
	h.typeText("contoso")
	h.press("enter")
	focusOn(h, validate.FieldAppID)
	h.pump(func() bool { return strings.Contains(st.draft(), `"name":"contoso"`) })
	h.typeText(appID) // not left yet: SaveDraftNow takes it anyway
	if err := h.m.SaveDraftNow(); err != nil {
		t.Fatal(err)
	}
	if d := st.draft(); !strings.Contains(d, appID) || !strings.Contains(d, `"step":"form"`) {
		t.Errorf("draft lacks the field being typed: %s", d)
	}
	if !h.m.Capturing() {
		t.Error("Capturing is false while a form field has the keys")
	}
}

func TestFormEscGoesBackKeepingValues(t *testing.T) {
	t.Parallel()
	h, _, _ := newTestWizard(t, 80, 24)
	toForm(h)
	h.typeText("contoso")
	h.press("esc")
	if h.m.st.Step != wizard.StepChecklist || h.m.st.Form.Name != "contoso" {
		t.Fatalf("esc: at %s with %+v", h.m.st.Step, h.m.st.Form)
	}
	h.press("enter")
	h.drain()
	if v := h.view(); !strings.Contains(v, "contoso") {
		t.Errorf("form reopened without the name:\n%s", v)
	}
}

// An empty required field refuses enter and says why; before, the form
// stayed put in silence (the message waited for text or for leaving).
func TestFormEnterOnEmptyNameSaysWhy(t *testing.T) {
	t.Parallel()
	_, nameErr := validate.Name("")
	want := message(nameErr)
	if want == "" {
		t.Fatal("validate gave no message for an empty name")
	}
	h, _, _ := newTestWizard(t, 80, 40)
	toForm(h)
	if shows(h, want) {
		t.Fatalf("%q shown before enter:\n%s", want, h.view())
	}
	h.press("enter")
	h.drain()
	if h.m.form.focused != validate.FieldName {
		t.Fatalf("enter left the empty name (now on %s)", h.m.form.focused)
	}
	if !shows(h, want) {
		t.Errorf("want %q on screen after enter on an empty name:\n%s", want, h.view())
	}
}

// At 60×16 (43×13 beside the navigation) the form and a long message do not
// both fit: the page keeps the focused field and the whole message in view
// and lets fields away from the focus go, rather than cutting the message
// (it ended "like 1b2c3d4e-5f60-4a1b-8c2d-", without what to do).
func TestFormMessageWholeWhenShort(t *testing.T) {
	t.Parallel()
	_, appErr := validate.AppID("{abc}")
	h, _, _ := newTestWizard(t, 43, 13)
	toForm(h)
	h.typeText("contoso")
	h.press("enter")
	focusOn(h, validate.FieldAppID)
	h.typeText("{abc}")
	h.press("enter")
	v := h.view()
	if n := lineCount(v); n > 13 {
		t.Errorf("%d lines in 13 rows:\n%s", n, v)
	}
	for _, want := range []string{message(appErr), "App (client) ID", "{abc}"} {
		if !shows(h, want) {
			t.Errorf("lacks %q:\n%s", want, v)
		}
	}
	// Without a message the whole form shows, as before.
	h2, _, _ := newTestWizard(t, 43, 13)
	toForm(h2)
	if !shows(h2, "Days") || !shows(h2, "Name") {
		t.Errorf("the form without a message:\n%s", h2.view())
	}
}
