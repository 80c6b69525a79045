package wizard

import (
	"reflect"
	"testing"
	"time"

	"github.com/xops/xops/entra"
)

var (
	t0   = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	form = Form{Name: "contoso", AppID: "11111111-1111-1111-1111-111111111111",
		TenantID: "22222222-2222-2222-2222-222222222222", Organization: "contoso.onmicrosoft.com",
		KeySize: 2048, CertDays: 365}
	cred = Credential{ID: "cred-1", Thumbprint: "ABCDEF", KeySize: 2048,
		NotBefore: t0, NotAfter: t0.AddDate(1, 0, 0), MadeFor: "contoso", CertDays: 365}
)

// allTicked is a checklist with every pre-certificate step ticked.
func allTicked(s State) State {
	for _, st := range entra.ChecklistSteps {
		if st != entra.StepUploadCertificate {
			s = s.withTick(st, true)
		}
	}
	return s
}

func at(step Step, mods ...func(*State)) State {
	s := New()
	s.Step = step
	s.Form = form
	if step != StepChecklist && step != StepForm {
		c := cred
		s.Cred = &c
	}
	for _, m := range mods {
		m(&s)
	}
	return s
}

func busy(s *State)          { s.Busy = true }
func saved(s *State)         { s.AccountID = "acct-1" }
func noCred(s *State)        { s.Cred = nil }
func withCred(s *State)      { c := cred; s.Cred = &c }
func seq(n int) func(*State) { return func(s *State) { s.seq = n } }
func asking(q Question, pending string) func(*State) {
	return func(s *State) { s.Asking, s.Pending = q, pending }
}

func TestApply(t *testing.T) {
	t.Parallel()
	renamed := form
	renamed.Name = "fabrikam"
	bigger := form
	bigger.KeySize = 4096
	longer := form
	longer.CertDays = 730
	newIDs := form
	newIDs.AppID = "33333333-3333-3333-3333-333333333333"

	tests := []struct {
		name    string
		from    State
		event   Event
		step    Step
		effects []Effect
		check   func(t *testing.T, s State)
	}{
		// Checklist.
		{name: "tick a step", from: New(), event: Toggle{entra.StepRegisterApp}, step: StepChecklist,
			effects: []Effect{SaveDraft{}},
			check:   func(t *testing.T, s State) { want(t, s.Ticked(entra.StepRegisterApp), "register-app ticked") }},
		{name: "untick a step", from: New().withTick(entra.StepRegisterApp, true), event: Toggle{entra.StepRegisterApp},
			step: StepChecklist, effects: []Effect{SaveDraft{}},
			check: func(t *testing.T, s State) { want(t, !s.Ticked(entra.StepRegisterApp), "register-app unticked") }},
		{name: "tick an unknown step", from: New(), event: Toggle{"nope"}, step: StepChecklist},
		{name: "mark done (sandbox)", from: New(), event: MarkDone{entra.StepGrantAdminConsent}, step: StepChecklist,
			effects: []Effect{SaveDraft{}},
			check:   func(t *testing.T, s State) { want(t, s.Ticked(entra.StepGrantAdminConsent), "consent ticked") }},
		{name: "focus", from: New(), event: FocusStep{entra.StepCopyIDs}, step: StepChecklist,
			check: func(t *testing.T, s State) { want(t, s.Focus == entra.StepCopyIDs, "focus on copy-ids") }},
		{name: "continue with unticked asks", from: New(), event: Continue{}, step: StepChecklist,
			check: func(t *testing.T, s State) { want(t, s.Asking == AskUnticked, "asks") }},
		{name: "continue all ticked", from: allTicked(New()), event: Continue{}, step: StepForm,
			effects: []Effect{SaveDraft{}}},
		{name: "upload step need not be ticked", from: allTicked(New()), event: Continue{}, step: StepForm,
			effects: []Effect{SaveDraft{}},
			check:   func(t *testing.T, s State) { want(t, !s.Ticked(entra.StepUploadCertificate), "upload unticked") }},
		{name: "answer yes continues", from: at(StepChecklist, asking(AskUnticked, "")), event: Answer{Yes: true},
			step: StepForm, effects: []Effect{SaveDraft{}},
			check: func(t *testing.T, s State) { want(t, s.UntickedOK && s.Asking == AskNone, "remembered, question gone") }},
		{name: "answer no stays on first unticked", from: at(StepChecklist, asking(AskUnticked, "")).withTick(entra.StepRegisterApp, true),
			event: Answer{Yes: false}, step: StepChecklist,
			check: func(t *testing.T, s State) {
				want(t, s.Asking == AskNone && s.Focus == entra.StepAddExchangePermission, "focus on first unticked")
			}},
		{name: "asked once", from: at(StepChecklist, func(s *State) { s.UntickedOK = true }), event: Continue{},
			step: StepForm, effects: []Effect{SaveDraft{}}},
		{name: "continue ignored while asking", from: at(StepChecklist, asking(AskUnticked, "")), event: Continue{},
			step: StepChecklist},
		{name: "esc closes the question", from: at(StepChecklist, asking(AskUnticked, "")), event: Back{},
			step: StepChecklist, check: func(t *testing.T, s State) { want(t, s.Asking == AskNone, "question closed") }},
		{name: "esc leaves the wizard", from: New(), event: Back{}, step: StepChecklist, effects: []Effect{Leave{}}},
		{name: "checklist after save goes to verify", from: at(StepChecklist, saved), event: Continue{},
			step: StepVerify, effects: []Effect{StartVerify{"acct-1"}}},
		{name: "esc on checklist after save goes to verify", from: at(StepChecklist, saved), event: Back{},
			step: StepVerify, effects: []Effect{StartVerify{"acct-1"}}},
		{name: "tick after save saves no draft", from: at(StepChecklist, saved), event: Toggle{entra.StepRegisterApp},
			step: StepChecklist},

		// Form.
		{name: "edit keeps the values", from: at(StepForm, noCred), event: FormEdited{renamed}, step: StepForm,
			effects: []Effect{SaveDraft{}},
			check:   func(t *testing.T, s State) { want(t, s.Form == renamed, "form kept") }},
		{name: "submit generates", from: at(StepForm, noCred), event: Submit{form}, step: StepGenerate,
			effects: []Effect{GenerateKey{Seq: 1, Name: "contoso", KeySize: 2048, CertDays: 365}, SaveDraft{}},
			check:   func(t *testing.T, s State) { want(t, s.Busy, "busy") }},
		{name: "submit with a matching key skips generation", from: at(StepForm, withCred), event: Submit{newIDs},
			step: StepCertificate, effects: []Effect{SaveDraft{}},
			check: func(t *testing.T, s State) {
				want(t, s.Cred.ID == "cred-1" && s.Form == newIDs, "key kept, IDs changed")
			}},
		{name: "renamed: old key discarded, new one made",
			from:  at(StepForm, withCred, seq(1), func(s *State) { s.CertPath = "contoso.cer" }).withTick(entra.StepUploadCertificate, true),
			event: Submit{renamed}, step: StepGenerate,
			effects: []Effect{DiscardKey{"cred-1"}, GenerateKey{Seq: 2, Name: "fabrikam", KeySize: 2048, CertDays: 365}, SaveDraft{}},
			check: func(t *testing.T, s State) {
				want(t, s.Cred == nil && s.CertPath == "" && !s.Ticked(entra.StepUploadCertificate), "old credential forgotten")
			}},
		{name: "key size changed: regenerate", from: at(StepForm, withCred), event: Submit{bigger}, step: StepGenerate,
			effects: []Effect{DiscardKey{"cred-1"}, GenerateKey{Seq: 1, Name: "contoso", KeySize: 4096, CertDays: 365}, SaveDraft{}}},
		{name: "lifetime changed: regenerate", from: at(StepForm, withCred), event: Submit{longer}, step: StepGenerate,
			effects: []Effect{DiscardKey{"cred-1"}, GenerateKey{Seq: 1, Name: "contoso", KeySize: 2048, CertDays: 730}, SaveDraft{}}},
		{name: "esc back to checklist", from: at(StepForm, noCred), event: Back{}, step: StepChecklist,
			effects: []Effect{SaveDraft{}}},
		{name: "fixing IDs after save updates the account", from: at(StepForm, saved, withCred), event: Submit{renamed},
			step:    StepForm,
			effects: []Effect{UpdateAccount{AccountID: "acct-1", Form: form}}, // the name is not changed here
			check:   func(t *testing.T, s State) { want(t, s.Busy, "busy") }},
		{name: "updated account is verified again", from: at(StepForm, saved, withCred, busy), event: AccountSaved{"acct-1"},
			step: StepVerify, effects: []Effect{StartVerify{"acct-1"}}},
		{name: "update failed", from: at(StepForm, saved, withCred, busy), event: SaveFailed{"disk full"}, step: StepForm,
			check: func(t *testing.T, s State) { want(t, !s.Busy && s.Err == "disk full", "error shown") }},
		{name: "esc on form after save goes to verify", from: at(StepForm, saved, withCred), event: Back{},
			step: StepVerify, effects: []Effect{StartVerify{"acct-1"}}},

		// Generate.
		{name: "key generated", from: at(StepGenerate, noCred, busy, seq(3)), event: KeyGenerated{Seq: 3, Cred: cred},
			step: StepCertificate, effects: []Effect{SaveDraft{}},
			check: func(t *testing.T, s State) {
				want(t, s.Cred != nil && s.Cred.ID == "cred-1" && !s.Busy, "credential kept")
			}},
		{name: "stale key discarded", from: at(StepGenerate, noCred, busy, seq(3)), event: KeyGenerated{Seq: 2, Cred: cred},
			step: StepGenerate, effects: []Effect{DiscardKey{"cred-1"}},
			check: func(t *testing.T, s State) { want(t, s.Cred == nil && s.Busy, "still waiting") }},
		{name: "key after cancel discarded", from: at(StepForm, noCred, seq(1)), event: KeyGenerated{Seq: 1, Cred: cred},
			step: StepForm, effects: []Effect{DiscardKey{"cred-1"}}},
		{name: "key failed", from: at(StepGenerate, noCred, busy, seq(1)), event: KeyFailed{Seq: 1, Err: "no entropy"},
			step: StepGenerate, check: func(t *testing.T, s State) { want(t, !s.Busy && s.Err == "no entropy", "error shown") }},
		{name: "stale failure ignored", from: at(StepGenerate, noCred, busy, seq(2)), event: KeyFailed{Seq: 1, Err: "x"},
			step: StepGenerate, check: func(t *testing.T, s State) { want(t, s.Busy && s.Err == "", "still waiting") }},
		{name: "retry", from: at(StepGenerate, noCred, seq(1), func(s *State) { s.Err = "x" }), event: Retry{},
			step: StepGenerate, effects: []Effect{GenerateKey{Seq: 2, Name: "contoso", KeySize: 2048, CertDays: 365}, SaveDraft{}},
			check: func(t *testing.T, s State) { want(t, s.Busy && s.Err == "", "busy again") }},
		{name: "retry ignored while busy", from: at(StepGenerate, noCred, busy), event: Retry{}, step: StepGenerate},
		{name: "esc cancels", from: at(StepGenerate, noCred, busy), event: Back{}, step: StepForm,
			effects: []Effect{CancelGenerate{}, SaveDraft{}},
			check:   func(t *testing.T, s State) { want(t, !s.Busy, "not busy") }},
		{name: "esc after failure", from: at(StepGenerate, noCred), event: Back{}, step: StepForm,
			effects: []Effect{SaveDraft{}}},

		// Certificate.
		{name: "save certificate", from: at(StepCertificate), event: SaveCertificate{"/tmp/c.cer"}, step: StepCertificate,
			effects: []Effect{WriteCertificate{Path: "/tmp/c.cer"}}},
		{name: "save with empty path", from: at(StepCertificate), event: SaveCertificate{""}, step: StepCertificate},
		{name: "written", from: at(StepCertificate), event: CertificateWritten{"/tmp/c.cer"}, step: StepCertificate,
			effects: []Effect{SaveDraft{}},
			check:   func(t *testing.T, s State) { want(t, s.CertPath == "/tmp/c.cer", "path kept") }},
		{name: "exists asks", from: at(StepCertificate), event: CertificateExists{"/tmp/c.cer"}, step: StepCertificate,
			check: func(t *testing.T, s State) { want(t, s.Asking == AskOverwrite && s.Pending == "/tmp/c.cer", "asks") }},
		{name: "overwrite yes", from: at(StepCertificate, asking(AskOverwrite, "/tmp/c.cer")), event: Answer{Yes: true},
			step: StepCertificate, effects: []Effect{WriteCertificate{Path: "/tmp/c.cer", Overwrite: true}}},
		{name: "overwrite no", from: at(StepCertificate, asking(AskOverwrite, "/tmp/c.cer")), event: Answer{Yes: false},
			step: StepCertificate,
			check: func(t *testing.T, s State) {
				want(t, s.Asking == AskNone && s.Pending == "" && s.CertPath == "", "nothing written")
			}},
		{name: "esc closes overwrite question", from: at(StepCertificate, asking(AskOverwrite, "/tmp/c.cer")), event: Back{},
			step: StepCertificate, check: func(t *testing.T, s State) { want(t, s.Asking == AskNone, "closed") }},
		{name: "write failed", from: at(StepCertificate), event: CertificateFailed{"permission denied"}, step: StepCertificate,
			check: func(t *testing.T, s State) { want(t, s.Err == "permission denied", "error") }},
		{name: "continue to upload", from: at(StepCertificate), event: Continue{}, step: StepUpload,
			effects: []Effect{SaveDraft{}}},
		{name: "continue ignored while asking", from: at(StepCertificate, asking(AskOverwrite, "x")), event: Continue{},
			step: StepCertificate},
		{name: "esc back to form keeps the key", from: at(StepCertificate), event: Back{}, step: StepForm,
			effects: []Effect{SaveDraft{}},
			check:   func(t *testing.T, s State) { want(t, s.Cred != nil, "key kept") }},

		// Upload.
		{name: "sandbox upload ticks", from: at(StepUpload), event: MarkDone{entra.StepUploadCertificate}, step: StepUpload,
			effects: []Effect{SaveDraft{}},
			check:   func(t *testing.T, s State) { want(t, s.Ticked(entra.StepUploadCertificate), "ticked") }},
		{name: "continue saves", from: at(StepUpload), event: Continue{}, step: StepSave,
			effects: []Effect{SaveAccount{Form: form, Cred: cred}, SaveDraft{}},
			check: func(t *testing.T, s State) {
				want(t, s.Busy && s.Ticked(entra.StepUploadCertificate), "saving, upload ticked")
			}},
		{name: "continue without credential goes to form", from: at(StepUpload, noCred), event: Continue{}, step: StepForm,
			effects: []Effect{SaveDraft{}}},
		{name: "continue after save verifies", from: at(StepUpload, saved), event: Continue{}, step: StepVerify,
			effects: []Effect{StartVerify{"acct-1"}}},
		{name: "esc back to certificate", from: at(StepUpload), event: Back{}, step: StepCertificate,
			effects: []Effect{SaveDraft{}}},

		// Save.
		{name: "saved", from: at(StepSave, busy), event: AccountSaved{"acct-1"}, step: StepVerify,
			effects: []Effect{DeleteDraft{}, StartVerify{"acct-1"}},
			check:   func(t *testing.T, s State) { want(t, s.AccountID == "acct-1" && !s.Busy, "saved") }},
		{name: "save failed", from: at(StepSave, busy), event: SaveFailed{"name taken"}, step: StepSave,
			check: func(t *testing.T, s State) { want(t, !s.Busy && s.Err == "name taken", "error") }},
		{name: "retry save", from: at(StepSave), event: Retry{}, step: StepSave,
			effects: []Effect{SaveAccount{Form: form, Cred: cred}}},
		{name: "esc while saving ignored", from: at(StepSave, busy), event: Back{}, step: StepSave},
		{name: "esc after failure", from: at(StepSave), event: Back{}, step: StepUpload, effects: []Effect{SaveDraft{}}},
		{name: "stray saved ignored", from: at(StepSave), event: AccountSaved{"x"}, step: StepSave},

		// Verify.
		{name: "fix a checklist step", from: at(StepVerify, saved).withTick(entra.StepGrantAdminConsent, true),
			event: FixStep{entra.StepGrantAdminConsent}, step: StepChecklist,
			check: func(t *testing.T, s State) {
				want(t, s.Focus == entra.StepGrantAdminConsent && !s.Ticked(entra.StepGrantAdminConsent), "focused, unticked")
			}},
		{name: "fix copy-ids", from: at(StepVerify, saved), event: FixStep{entra.StepCopyIDs}, step: StepForm},
		{name: "fix enter-ids", from: at(StepVerify, saved), event: FixStep{entra.StepEnterIDs}, step: StepForm},
		{name: "fix generate-key", from: at(StepVerify, saved), event: FixStep{entra.StepGenerateKey}, step: StepCertificate},
		{name: "fix upload", from: at(StepVerify, saved), event: FixStep{entra.StepUploadCertificate}, step: StepUpload},
		{name: "fix unknown", from: at(StepVerify, saved), event: FixStep{"nope"}, step: StepVerify},
		{name: "verify again", from: at(StepVerify, saved), event: Continue{}, step: StepVerify,
			effects: []Effect{StartVerify{"acct-1"}}},
		{name: "finish", from: at(StepVerify, saved), event: Finish{}, step: StepDone,
			effects: []Effect{FinishWizard{AccountID: "acct-1", Name: "contoso"}}},
		{name: "esc finishes", from: at(StepVerify, saved), event: Back{}, step: StepDone,
			effects: []Effect{FinishWizard{AccountID: "acct-1", Name: "contoso"}}},

		// Start over.
		{name: "start over discards the key", from: at(StepUpload), event: StartOver{}, step: StepChecklist,
			effects: []Effect{DiscardKey{"cred-1"}, DeleteDraft{}},
			check:   func(t *testing.T, s State) { want(t, s.Cred == nil && s.Form.Name == "", "fresh") }},
		{name: "start over while generating cancels", from: at(StepGenerate, noCred, busy), event: StartOver{},
			step: StepChecklist, effects: []Effect{CancelGenerate{}, DeleteDraft{}}},
		{name: "start over without key", from: at(StepForm, noCred), event: StartOver{}, step: StepChecklist,
			effects: []Effect{DeleteDraft{}}},
		{name: "no start over after save", from: at(StepVerify, saved), event: StartOver{}, step: StepVerify},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			before, _ := tc.from.Marshal()
			got, effects := tc.from.Apply(tc.event)
			if got.Step != tc.step {
				t.Errorf("step = %s, want %s", got.Step, tc.step)
			}
			if !reflect.DeepEqual(effects, tc.effects) {
				t.Errorf("effects = %#v\nwant %#v", effects, tc.effects)
			}
			if tc.check != nil {
				tc.check(t, got)
			}
			if after, _ := tc.from.Marshal(); string(after) != string(before) {
				t.Errorf("Apply changed the State it was given:\n%s\n%s", before, after)
			}
		})
	}
}

func want(t *testing.T, ok bool, what string) {
	t.Helper()
	if !ok {
		t.Errorf("want %s", what)
	}
}

// TestWalk drives a whole wizard through its events, as the UI would.
func TestWalk(t *testing.T) {
	t.Parallel()
	s := New()
	var effects []Effect
	step := func(e Event) {
		t.Helper()
		s, effects = s.Apply(e)
	}
	for _, st := range entra.ChecklistSteps[:5] {
		step(Toggle{st})
	}
	step(Continue{})
	step(Submit{form})
	gen, ok := effects[0].(GenerateKey)
	if !ok {
		t.Fatalf("want GenerateKey, got %#v", effects)
	}
	step(KeyGenerated{Seq: gen.Seq, Cred: cred})
	step(SaveCertificate{"contoso.cer"})
	step(CertificateWritten{"contoso.cer"})
	step(Continue{})
	step(Continue{})
	if _, ok := effects[0].(SaveAccount); !ok || s.Step != StepSave {
		t.Fatalf("want SaveAccount on save page, got %s %#v", s.Step, effects)
	}
	step(AccountSaved{"acct-1"})
	step(Finish{})
	if s.Step != StepDone || !reflect.DeepEqual(effects, []Effect{FinishWizard{"acct-1", "contoso"}}) {
		t.Fatalf("end: %s %#v", s.Step, effects)
	}
	for _, st := range entra.ChecklistSteps {
		want(t, s.Ticked(st), "every step ticked: "+string(st))
	}
}
