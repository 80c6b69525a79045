package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/flow/wizard"
	"github.com/xops/xops/store"
)

// tuiLink is a guided link the TUI left: its key is in the store, and the
// draft is flow/wizard's State, marshalled as ui/wizard saves it.
type tuiLink struct {
	credID   string
	certPath string
}

// leaveTUIDraft plays the TUI's wizard up to page at on the store at path,
// in its sandbox tenant: every checklist step before the upload done there
// and ticked, the form filled with the sandbox app's IDs, the key made and
// stored, and (at the upload page) the certificate saved to a file. Then
// the wizard's draft is written and xops "drops" (the app is closed).
func leaveTUIDraft(t *testing.T, path string, at wizard.Step) tuiLink {
	t.Helper()
	a := sandboxApp(t, path)
	defer func() {
		if err := a.close(); err != nil {
			t.Error(err)
		}
	}()
	svc, err := a.service()
	if err != nil {
		t.Fatal(err)
	}
	appID, err := a.sb.RegisterApp("contoso")
	if err != nil {
		t.Fatal(err)
	}
	apply := func(st wizard.State, e wizard.Event) wizard.State { st, _ = st.Apply(e); return st }
	st := wizard.New()
	for _, id := range entra.ChecklistSteps {
		if id == entra.StepUploadCertificate {
			continue
		}
		if id != entra.StepRegisterApp && id != entra.StepCopyIDs && id != entra.StepEnterIDs {
			if err := a.sb.Perform(id, appID, nil); err != nil {
				t.Fatalf("sandbox %s: %v", id, err)
			}
		}
		st = apply(st, wizard.MarkDone{Step: id})
	}
	st = apply(st, wizard.Continue{})
	form := wizard.Form{Name: "contoso", AppID: appID, TenantID: a.sb.TenantID(), Organization: a.sb.Domain(),
		KeySize: wizard.DefaultKeySize, CertDays: wizard.DefaultCertDays}
	st = apply(st, wizard.Submit{Form: form})
	sc, cc, err := svc.NewCredential(context.Background(), form.Name, form.KeySize, form.CertDays)
	if err != nil {
		t.Fatal(err)
	}
	st = apply(st, wizard.KeyGenerated{Seq: st.Seq(), Cred: wizard.Credential{ID: sc.ID, Thumbprint: sc.Thumbprint,
		KeySize: sc.KeySize, NotBefore: sc.NotBefore, NotAfter: sc.NotAfter, Created: sc.Created,
		MadeFor: form.Name, CertDays: form.CertDays}})
	link := tuiLink{credID: sc.ID}
	if at == wizard.StepUpload {
		link.certPath = filepath.Join(t.TempDir(), "contoso.cer")
		if err := os.WriteFile(link.certPath, cc.CertificatePEM(), 0o644); err != nil {
			t.Fatal(err)
		}
		st = apply(st, wizard.CertificateWritten{Path: link.certPath})
		st = apply(st, wizard.Continue{})
	}
	if st.Step != at {
		t.Fatalf("the TUI's wizard is on %s, want %s", st.Step, at)
	}
	b, err := st.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Store.PutDraft(wizard.DraftKind, b); err != nil {
		t.Fatal(err)
	}
	return link
}

// linkDraft reads the guided wizard's draft as the TUI reads it (found false
// when there is none).
func linkDraft(t *testing.T, path string) (wizard.State, bool) {
	t.Helper()
	st, err := store.Open(path, store.Options{Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	raw, err := st.Draft(wizard.DraftKind)
	if errors.Is(err, store.ErrNotFound) {
		return wizard.State{}, false
	}
	if err != nil {
		t.Fatal(err)
	}
	draft, err := wizard.Unmarshal(raw)
	if err != nil {
		t.Fatalf("the draft does not read back as the TUI reads it: %v\n%s", err, raw)
	}
	return draft, true
}

// accountCredential is the id of the active credential of the account name.
func accountCredential(t *testing.T, path, name string) string {
	t.Helper()
	st, err := store.Open(path, store.Options{Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	acc, err := st.AccountByName(name)
	if err != nil {
		t.Fatal(err)
	}
	c, ok := acc.Active()
	if !ok {
		t.Fatalf("%s has no active credential", name)
	}
	return c.ID
}

// TestAccessibleResumesTUIDraft: a guided link the TUI left at the
// certificate or the upload page is offered in the TUI's words and resumed
// there with plain prompts, to a linked and verified account in the
// sandbox that uses the draft's key: one key made in all, no draft left.
func TestAccessibleResumesTUIDraft(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		at    wizard.Step
		label string
	}{
		{wizard.StepCertificate, "Resume “contoso” (step 4, Save the certificate)"},
		{wizard.StepUpload, "Resume “contoso” (step 5, Upload in Entra)"},
	} {
		t.Run(string(tc.at), func(t *testing.T) {
			t.Parallel()
			e, path := newStore(t)
			link := leaveTUIDraft(t, path, tc.at)
			e["TERM"] = "dumb"
			e["XOPS_SANDBOX"] = "1"
			in := []string{"1"} // resume
			if tc.at == wizard.StepCertificate {
				link.certPath = filepath.Join(t.TempDir(), "contoso.cer")
				in = append(in, link.certPath)
			}
			in = append(in, "s", "", "4") // upload in the sandbox, verify now, quit
			r := xops(t, e, answers(in...))
			if r.code != 0 {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
			if n := strings.Count(r.stdout, "left unfinished") + strings.Count(r.stdout, "in progress"); n != 1 {
				t.Errorf("the link left unfinished is said %d times, want once (each is read aloud):\n%s", n, r.stdout)
			}
			wantLines(t, r.stdout,
				"Link a New Microsoft Account\nA guided link of contoso was left unfinished.\nWhat next?\n",
				"1. "+tc.label,
				"2. Start over (forget it, and delete its unused key)",
				"Resuming at step "+map[wizard.Step]string{wizard.StepCertificate: "4", wizard.StepUpload: "5"}[tc.at],
				"Checklist: every step before the upload is ticked.",
				"Sandbox: done: Upload the certificate",
				"contoso: verified, every check passed.",
				"Home: 1 linked account.")
			if strings.Contains(r.stdout, "Making a ") || strings.Contains(r.stdout, "Step 1 of 7") {
				t.Errorf("the resumed link made a key or went through the checklist again:\n%s", r.stdout)
			}
			if got := accountCredential(t, path, "contoso"); got != link.credID {
				t.Errorf("the account uses credential %s, want the draft's %s", got, link.credID)
			}
			if names, orphans := storeState(t, path); len(names) != 1 || len(orphans) != 0 {
				t.Errorf("store holds %v, keys no account uses %v; want [contoso] and none (one key made)", names, orphans)
			}
			if _, found := linkDraft(t, path); found {
				t.Error("the draft is still there after the account was saved")
			}
			if b, err := os.ReadFile(link.certPath); err != nil || !strings.Contains(string(b), "BEGIN CERTIFICATE") {
				t.Errorf("certificate file %s: %v", link.certPath, err)
			}
		})
	}
}

// TestAccessibleStartOverDropsDraftAndKey: "Start over" deletes the draft
// and its unused key, then opens a fresh guided checklist; input ending
// there leaves nothing at all.
func TestAccessibleStartOverDropsDraftAndKey(t *testing.T) {
	t.Parallel()
	e, path := newStore(t)
	leaveTUIDraft(t, path, wizard.StepCertificate)
	if _, orphans := storeState(t, path); len(orphans) != 1 {
		t.Fatalf("the TUI's draft should hold one key no account uses yet, found %v", orphans)
	}
	e["TERM"] = "dumb"
	e["XOPS_SANDBOX"] = "1"
	r := xops(t, e, answers("2")) // start over, then input ends on the fresh checklist
	if r.code != 2 || !strings.Contains(r.stderr, "input ended; nothing saved") || strings.Contains(r.stderr, "kept") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	wantLines(t, r.stdout, "Started over: the draft is deleted", "Step 1 of 7: Entra checklist")
	if _, found := linkDraft(t, path); found {
		t.Error("the draft survived starting over")
	}
	if names, orphans := storeState(t, path); len(names) != 0 || len(orphans) != 0 {
		t.Errorf("store holds %v, keys no account uses %v; want nothing", names, orphans)
	}
}

// TestAccessibleStoppedResumeKeepsDraftForTUI: a TUI draft on the form is
// resumed, the form finished and the key made, then input ends: the draft
// is kept on the certificate page, as the TUI writes it (wizard.Unmarshal
// reads it, its key is the only one made), and a second run resumes it
// there to a saved account with that key and no draft.
func TestAccessibleStoppedResumeKeepsDraftForTUI(t *testing.T) {
	t.Parallel()
	e, path := newStore(t)
	e["TERM"] = "dumb"
	{ // the TUI's wizard, dropped on the form with only the name typed
		st, err := store.Open(path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		w := wizard.New()
		for _, id := range []entra.Step{entra.StepRegisterApp, entra.StepAddExchangePermission, entra.StepGrantAdminConsent} {
			w, _ = w.Apply(wizard.MarkDone{Step: id})
		}
		w, _ = w.Apply(wizard.Continue{})
		w, _ = w.Apply(wizard.Answer{Yes: true}) // continue with steps unticked
		w, _ = w.Apply(wizard.FormEdited{Form: wizard.Form{Name: "acme", KeySize: 2048, CertDays: 365}})
		b, err := w.Marshal()
		if err == nil {
			err = st.PutDraft(wizard.DraftKind, b)
		}
		if cerr := st.Close(); err != nil || cerr != nil {
			t.Fatal(err, cerr)
		}
	}
	r := xops(t, e, answers("1", "", testAppID, testTenantID, "acme.onmicrosoft.com", "", ""))
	if r.code != 2 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	label := "Resume “acme” (step 4, Save the certificate)"
	wantLines(t, r.stdout, "1. Resume “acme” (step 2, Account details)", "Checklist: not ticked: ", "Making a 2048-bit RSA key")
	if want := "input ended; nothing saved; the guided link is kept: run xops again and choose: " + label; !strings.Contains(r.stderr, want) {
		t.Errorf("stderr %q lacks %q", r.stderr, want)
	}
	draft, found := linkDraft(t, path)
	if !found {
		t.Fatal("no draft kept")
	}
	_, orphans := storeState(t, path)
	if draft.Step != wizard.StepCertificate || draft.Cred == nil || len(orphans) != 1 || draft.Cred.ID != orphans[0] {
		t.Fatalf("draft on %s with credential %+v; keys no account uses %v", draft.Step, draft.Cred, orphans)
	}
	if f := draft.Form; f.Name != "acme" || f.AppID != testAppID || f.TenantID != testTenantID || f.Organization != "acme.onmicrosoft.com" {
		t.Errorf("draft form %+v", f)
	}
	if !draft.Ticked(entra.StepGrantAdminConsent) || draft.Ticked(entra.StepAssignGlobalReader) {
		t.Error("the draft lost its ticks or gained some")
	}
	if got := resumeLabel(draft); got != label {
		t.Errorf("the TUI would offer %q, want %q", got, label)
	}

	cert := filepath.Join(t.TempDir(), "acme.cer")
	r = xops(t, e, answers("1", cert, "y", "n", "4")) // resume, save the certificate, uploaded, verify later, quit
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	wantLines(t, r.stdout, "1. "+label, "Saved the account acme")
	if got := accountCredential(t, path, "acme"); got != draft.Cred.ID {
		t.Errorf("the account uses credential %s, want the draft's %s", got, draft.Cred.ID)
	}
	if names, orphans := storeState(t, path); len(names) != 1 || len(orphans) != 0 {
		t.Errorf("store holds %v, keys no account uses %v", names, orphans)
	}
	if _, found := linkDraft(t, path); found {
		t.Error("the draft is still there after the account was saved")
	}
}

// TestSessionDraftReadsBackOnEveryPage: the draft a resumed session writes
// reads back with wizard.Unmarshal (as the TUI reads it) on the page the
// session is at, with its ticks, form, key and certificate file; a busy
// page reads back as the one before it, and without a key it is the form.
func TestSessionDraftReadsBackOnEveryPage(t *testing.T) {
	t.Parallel()
	cred := &wizard.Credential{ID: "cred-1", Thumbprint: "AB", KeySize: 3072, NotBefore: time.Unix(0, 0).UTC(),
		NotAfter: time.Unix(86400, 0).UTC(), Created: time.Unix(0, 0).UTC(), MadeFor: "old name", CertDays: 30}
	cert := filepath.Join(t.TempDir(), "x.cer")
	for _, tc := range []struct {
		at, want wizard.Step
		cred     *wizard.Credential
	}{
		{wizard.StepChecklist, wizard.StepChecklist, nil},
		{wizard.StepChecklist, wizard.StepChecklist, cred},
		{wizard.StepForm, wizard.StepForm, nil},
		{wizard.StepForm, wizard.StepForm, cred},
		{wizard.StepGenerate, wizard.StepForm, cred},
		{wizard.StepCertificate, wizard.StepCertificate, cred},
		{wizard.StepCertificate, wizard.StepForm, nil},
		{wizard.StepUpload, wizard.StepUpload, cred},
		{wizard.StepSave, wizard.StepUpload, cred},
	} {
		s := &linkSession{draft: true, at: tc.at, cred: tc.cred, certPath: cert,
			done: map[entra.Step]bool{entra.StepRegisterApp: true, entra.StepUploadCertificate: true},
			in:   flow.LinkInput{Name: "new name", KeySize: 2048, CertDays: 365}}
		st, err := s.wizardState()
		if err != nil {
			t.Fatalf("%s (key %v): %v", tc.at, tc.cred != nil, err)
		}
		b, err := st.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		got, err := wizard.Unmarshal(b)
		if err != nil {
			t.Fatal(err)
		}
		if got.Step != tc.want || !got.Ticked(entra.StepRegisterApp) || got.Ticked(entra.StepGrantAdminConsent) ||
			got.Form.Name != "new name" || got.Form.KeySize != 2048 {
			t.Errorf("%s (key %v): read back on %s, form %+v, register ticked %v", tc.at, tc.cred != nil, got.Step, got.Form, got.Ticked(entra.StepRegisterApp))
		}
		if (got.Cred != nil) != (tc.cred != nil) || got.Cred != nil && *got.Cred != *cred {
			t.Errorf("%s: credential %+v, want %+v", tc.at, got.Cred, tc.cred)
		}
		if tc.cred != nil && (got.CertPath != cert || got.Ticked(entra.StepUploadCertificate) != true) {
			t.Errorf("%s: certificate %q, upload ticked %v", tc.at, got.CertPath, got.Ticked(entra.StepUploadCertificate))
		}
	}
}

// TestAccessibleBrokenDraftOffersStartOver: a draft this xops cannot read is
// said, and only starting over (or Back) is offered; starting over deletes it.
func TestAccessibleBrokenDraftOffersStartOver(t *testing.T) {
	t.Parallel()
	e, path := newStore(t)
	st, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = st.PutDraft(wizard.DraftKind, []byte(`{"v":99,"step":"checklist"}`))
	if cerr := st.Close(); err != nil || cerr != nil {
		t.Fatal(err, cerr)
	}
	e["TERM"] = "dumb"
	r := xops(t, e, answers("1", "", "4")) // start over; input ends on the fresh checklist
	if r.code != 2 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	wantLines(t, r.stdout, "A guided link was left unfinished, but it cannot be used:\n",
		"made by a newer xops", "1. Start over", "2. Back", "Step 1 of 7: Entra checklist")
	if strings.Contains(r.stdout, "Resume") {
		t.Errorf("an unreadable draft was offered to resume:\n%s", r.stdout)
	}
	if _, found := linkDraft(t, path); found {
		t.Error("the unreadable draft survived starting over")
	}
}
