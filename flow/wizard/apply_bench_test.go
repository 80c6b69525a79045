package wizard

import (
	"testing"

	"github.com/xops/xops/entra"
)

// BenchmarkWizardReducer is the link wizard's reducer over the checklist
// (every step ticked), the form typed a field at a time and submitted, and
// the draft written as the wizard saves it after each change.
func BenchmarkWizardReducer(b *testing.B) {
	typed := []Form{{Name: "c"}, {Name: "contoso"}, {Name: "contoso", AppID: form.AppID},
		{Name: "contoso", AppID: form.AppID, TenantID: form.TenantID}, form}
	b.ReportAllocs()
	for b.Loop() {
		s := New()
		for _, st := range entra.ChecklistSteps {
			if st != entra.StepUploadCertificate {
				s, _ = s.Apply(Toggle{Step: st})
			}
		}
		s, _ = s.Apply(Continue{})
		for _, f := range typed {
			s, _ = s.Apply(FormEdited{Form: f})
		}
		s, _ = s.Apply(Submit{Form: form})
		if _, err := s.Marshal(); err != nil {
			b.Fatal(err)
		}
		if s.Step == StepChecklist {
			b.Fatalf("the wizard is still on the checklist after the form was submitted")
		}
	}
}
