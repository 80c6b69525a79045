package wizard

import (
	"errors"
	"strings"
	"testing"

	"github.com/xops/xops/entra"
)

func TestDraftRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		from State
		step Step // where the resumed wizard opens
	}{
		{"checklist", New().withTick(entra.StepRegisterApp, true), StepChecklist},
		{"form", at(StepForm, noCred), StepForm},
		{"generating resumes on the form", at(StepGenerate, noCred, busy), StepForm},
		{"certificate", at(StepCertificate, func(s *State) { s.CertPath = "/tmp/x.cer" }), StepCertificate},
		{"upload", at(StepUpload), StepUpload},
		{"saving resumes on upload", at(StepSave, busy), StepUpload},
		{"certificate without credential resumes on the form", at(StepCertificate, noCred), StepForm},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b, err := tc.from.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			got, err := Unmarshal(b)
			if err != nil {
				t.Fatalf("Unmarshal(%s): %v", b, err)
			}
			if got.Step != tc.step {
				t.Errorf("step = %s, want %s", got.Step, tc.step)
			}
			if got.Form != tc.from.Form || got.CertPath != tc.from.CertPath || got.Focus != tc.from.Focus {
				t.Errorf("lost values: got %+v from %+v", got, tc.from)
			}
			if (got.Cred == nil) != (tc.from.Cred == nil) || (got.Cred != nil && *got.Cred != *tc.from.Cred) {
				t.Errorf("credential: got %+v want %+v", got.Cred, tc.from.Cred)
			}
			for _, st := range entra.ChecklistSteps {
				if got.Ticked(st) != tc.from.Ticked(st) {
					t.Errorf("tick of %s lost", st)
				}
			}
			if got.Busy || got.Asking != AskNone {
				t.Errorf("transient state survived: %+v", got)
			}
		})
	}
}

// TestResumeThenContinue: a resumed draft behaves like the wizard it came from.
func TestResumeThenContinue(t *testing.T) {
	t.Parallel()
	b, _ := at(StepUpload).Marshal()
	s, err := Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	s, effects := s.Apply(Continue{})
	if s.Step != StepSave || len(effects) == 0 {
		t.Fatalf("got %s %#v", s.Step, effects)
	}
	if sa, ok := effects[0].(SaveAccount); !ok || sa.Cred.ID != "cred-1" || sa.Form != form {
		t.Fatalf("want SaveAccount with the draft's values, got %#v", effects[0])
	}
}

func TestDraftErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		err      error
		mention  string
	}{
		{"garbage", "not json", ErrDraftBroken, "not a wizard draft"},
		{"no version", `{"step":"form"}`, ErrDraftBroken, "not a wizard draft"},
		{"newer", `{"v":2,"step":"form"}`, ErrDraftTooNew, "start over"},
		{"zero version", `{"v":0,"step":"form"}`, ErrDraftBroken, "version 0"},
		{"unknown step", `{"v":1,"step":"teleport"}`, ErrDraftBroken, "teleport"},
		{"wrong types", `{"v":1,"step":"form","form":{"key_size":"big"}}`, ErrDraftBroken, "cannot be read"},
		{"credential without id", `{"v":1,"step":"upload","credential":{"thumbprint":"AB"}}`, ErrDraftBroken, "without an id"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Unmarshal([]byte(tc.in))
			if !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			if !strings.Contains(err.Error(), tc.mention) {
				t.Errorf("err %q does not mention %q", err, tc.mention)
			}
		})
	}
}

func TestDraftHasNoSecrets(t *testing.T) {
	t.Parallel()
	b, err := at(StepUpload).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"PRIVATE", "key_pkcs8", "BEGIN"} {
		if strings.Contains(string(b), bad) {
			t.Errorf("draft holds %q: %s", bad, b)
		}
	}
	if !strings.Contains(string(b), `"v":1`) {
		t.Errorf("draft is not versioned: %s", b)
	}
}

func TestDefaultsFilledOnResume(t *testing.T) {
	t.Parallel()
	s, err := Unmarshal([]byte(`{"v":1,"step":"form","form":{"name":"x"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if s.Form.KeySize != DefaultKeySize || s.Form.CertDays != DefaultCertDays {
		t.Errorf("defaults not filled: %+v", s.Form)
	}
}
