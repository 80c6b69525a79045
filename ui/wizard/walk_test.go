package wizard

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/entra/certs"
	"github.com/xops/xops/flow/validate"
	"github.com/xops/xops/flow/wizard"
	"github.com/xops/xops/store"
	"github.com/xops/xops/ui/uikit"
)

// toCertificate walks from a fresh wizard to the certificate page.
func toCertificate(h *harness, name string) {
	h.t.Helper()
	toForm(h)
	walkForm(h, name)
	h.pump(func() bool { return h.m.st.Step == wizard.StepCertificate && len(h.m.pem) > 0 })
}

func TestWalkToSavedAccount(t *testing.T) {
	t.Parallel()
	h, st, svc := newTestWizard(t, 63, 21)
	cert, err := testCred()
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		h.press("space", "down")
	}
	h.press("enter") // every step ticked: no question
	focusOn(h, validate.FieldName)
	walkForm(h, "contoso")
	h.pump(func() bool { return h.m.st.Step == wizard.StepCertificate && len(h.m.pem) > 0 })

	thumb := certs.Thumbprint(cert.Certificate)
	for _, want := range []string{thumb, groupHex(thumb), "RSA 2048 bits", "(365 days)", "Save as: contoso.cer",
		"scp admin@jump1:" + filepath.Join(h.m.d.WorkDir, "contoso.cer") + " ."} {
		if !shows(h, want) {
			t.Errorf("certificate page lacks %q:\n%s", want, h.view())
		}
	}

	// Save, then refuse and accept an overwrite.
	path := filepath.Join(h.m.d.WorkDir, "contoso.cer")
	h.press("s")
	h.pump(func() bool { return h.m.st.CertPath == path })
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := certFromPEM(t, b); !got.Equal(cert.Certificate) {
		t.Error("the saved file is not the generated certificate")
	}
	if strings.Contains(string(b), "PRIVATE") {
		t.Fatal("the certificate file holds a private key")
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}
	if err := os.WriteFile(path, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	h.press("s")
	h.pump(func() bool { return h.m.st.Asking == wizard.AskOverwrite })
	if !shows(h, "contoso.cer already exists. Replace it? y/n") {
		t.Errorf("no overwrite question:\n%s", h.view())
	}
	h.press("n")
	if b, _ := os.ReadFile(path); string(b) != "mine" {
		t.Fatal("overwritten without a yes")
	}
	h.press("s")
	h.pump(func() bool { return h.m.st.Asking == wizard.AskOverwrite })
	h.press("y")
	h.pump(func() bool { b, _ := os.ReadFile(path); return strings.HasPrefix(string(b), "-----BEGIN CERTIFICATE") })

	h.press("c")
	h.pump(func() bool {
		return slices.ContainsFunc(h.statuses(), func(s string) bool { return strings.Contains(s, "Some terminals ignore it") })
	})

	h.press("enter")
	if h.m.st.Step != wizard.StepUpload {
		t.Fatalf("at %s", h.m.st.Step)
	}
	for _, want := range []string{thumb, "Upload certificate", "Certificates & secrets", appID} {
		if !shows(h, want) {
			t.Errorf("upload page lacks %q:\n%s", want, h.view())
		}
	}
	h.press("enter")
	h.pump(func() bool { return h.sawOut(uikit.HomeMsg{}) && h.sawOut(uikit.AccountsChangedMsg{}) })
	h.pump(func() bool { return slices.Contains(h.statuses(), "Linked contoso — not verified yet") })
	h.pump(func() bool { return st.draft() == "" })
	want := LinkInput{Name: "contoso", AppID: appID, TenantID: tenantID, Organization: "contoso.onmicrosoft.com", KeySize: 2048, CertDays: 365}
	if len(svc.saved) != 1 || svc.saved[0] != want {
		t.Errorf("saved %+v, want %+v", svc.saved, want)
	}
	if st.keyCount() != 1 {
		t.Errorf("%d keys in the store, want 1", st.keyCount())
	}
	// A quit right after saving must not leave a draft behind.
	_ = st.PutDraft(wizard.DraftKind, []byte(`{"v":1,"step":"upload"}`))
	if err := h.m.SaveDraftNow(); err != nil || st.draft() != "" {
		t.Errorf("SaveDraftNow after the save: %v, draft %q", err, st.draft())
	}
}

func TestChangingNameAfterKeyRegenerates(t *testing.T) {
	t.Parallel()
	h, st, _ := newTestWizard(t, 63, 21)
	toCertificate(h, "contoso")
	old := h.m.st.Cred.ID
	h.press("esc")
	focusOn(h, validate.FieldName)
	for range len("contoso") {
		h.press("backspace")
	}
	h.typeText("fabrikam")
	h.press("enter")
	for _, f := range []string{validate.FieldAppID, validate.FieldTenantID, validate.FieldOrganization, validate.FieldKeySize, validate.FieldCertDays} {
		focusOn(h, f)
		h.press("enter")
	}
	h.pump(func() bool {
		return h.m.st.Step == wizard.StepCertificate && h.m.st.Cred != nil && h.m.st.Cred.ID != old
	})
	h.pump(func() bool { return st.keyCount() == 1 })
	if _, err := st.Key(old); err == nil {
		t.Error("the old key was kept")
	}
	if !shows(h, "Save as: fabrikam.cer") {
		t.Errorf("path not renamed:\n%s", h.view())
	}
}

func TestKeepingTheNameKeepsTheKey(t *testing.T) {
	t.Parallel()
	h, st, _ := newTestWizard(t, 63, 21)
	toCertificate(h, "contoso")
	old := h.m.st.Cred.ID
	h.press("esc")
	for _, f := range []string{validate.FieldName, validate.FieldAppID, validate.FieldTenantID, validate.FieldOrganization, validate.FieldKeySize, validate.FieldCertDays} {
		focusOn(h, f)
		h.press("enter")
	}
	h.pump(func() bool { return h.m.st.Step == wizard.StepCertificate })
	if h.m.st.Cred.ID != old || st.keyCount() != 1 {
		t.Errorf("key changed: %s → %s, %d keys", old, h.m.st.Cred.ID, st.keyCount())
	}
}

// blockingService makes keys that never finish until cancelled.
type blockingService struct {
	*fakeService
	started chan struct{}
}

func (b *blockingService) NewCredential(ctx context.Context, name string, size, days int) (store.Credential, *certs.Credential, error) {
	close(b.started)
	<-ctx.Done()
	return store.Credential{}, nil, ctx.Err()
}

func TestEscCancelsKeyGeneration(t *testing.T) {
	t.Parallel()
	st := newMemStore()
	svc := &blockingService{fakeService: &fakeService{st: st, taken: map[string]bool{}}, started: make(chan struct{})}
	h := newHarness(t, Deps{Service: svc, Drafts: st, Keys: st}, 63, 21)
	toForm(h)
	walkForm(h, "contoso")
	h.pump(func() bool {
		select {
		case <-svc.started:
			return h.m.st.Step == wizard.StepGenerate
		default:
			return false
		}
	})
	if !shows(h, "Making a 2048-bit RSA key") || !shows(h, "esc cancels") {
		t.Errorf("generate page:\n%s", h.view())
	}
	h.press("esc")
	if h.m.st.Step != wizard.StepForm || h.m.st.Busy {
		t.Fatalf("esc: at %s busy=%v", h.m.st.Step, h.m.st.Busy)
	}
	h.drain()
	if h.m.st.Step != wizard.StepForm || h.m.st.Err != "" {
		t.Errorf("the cancelled generation's result changed the wizard: %s %q", h.m.st.Step, h.m.st.Err)
	}
}

// fakeSandbox records what the checklist performs in the simulated tenant.
type fakeSandbox struct {
	mu    sync.Mutex
	calls []string
	certs [][]byte
}

func (f *fakeSandbox) record(s string)  { f.mu.Lock(); f.calls = append(f.calls, s); f.mu.Unlock() }
func (f *fakeSandbox) TenantID() string { return tenantID }
func (f *fakeSandbox) Domain() string   { return "sandbox.onmicrosoft.com" }
func (f *fakeSandbox) RegisterApp(name string) (string, error) {
	f.record("register " + name)
	return appID, nil
}
func (f *fakeSandbox) AddExchangePermission(id string) error {
	f.record("permission " + id)
	return nil
}
func (f *fakeSandbox) GrantAdminConsent(id string) error  { f.record("consent " + id); return nil }
func (f *fakeSandbox) AssignGlobalReader(id string) error { f.record("reader " + id); return nil }
func (f *fakeSandbox) UploadCertificate(id string, cert []byte) error {
	f.record("upload " + id)
	f.mu.Lock()
	f.certs = append(f.certs, cert)
	f.mu.Unlock()
	return nil
}

func (f *fakeSandbox) done() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func TestSandboxPerformsSteps(t *testing.T) {
	t.Parallel()
	st := newMemStore()
	sb := &fakeSandbox{}
	h := newHarness(t, Deps{Service: &fakeService{st: st, taken: map[string]bool{}}, Drafts: st, Keys: st, Sandbox: sb}, 63, 21)
	h.press("down", "d") // before registering: refused, with the reason
	h.pump(func() bool { return len(h.statuses()) > 0 })
	if s := h.statuses()[0]; !strings.Contains(s, "Register the app first") {
		t.Errorf("status %q", s)
	}
	h.press("up", "d")
	h.pump(func() bool { return h.m.st.Ticked(entra.StepRegisterApp) })
	h.press("down", "d")
	h.pump(func() bool { return h.m.st.Ticked(entra.StepAddExchangePermission) })
	// Consent left out on purpose: verification is to catch it.
	h.press("down", "down", "d")
	h.pump(func() bool { return h.m.st.Ticked(entra.StepAssignGlobalReader) })
	want := []string{"register Xops", "permission " + appID, "reader " + appID}
	if got := sb.done(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("sandbox calls %q, want %q", got, want)
	}

	h.press("enter", "y")
	focusOn(h, validate.FieldName)
	f := h.m.form.values()
	if f.AppID != appID || f.TenantID != tenantID || f.Organization != "sandbox.onmicrosoft.com" {
		t.Errorf("form not prefilled from the sandbox: %+v", f)
	}
	h.typeText("contoso")
	for range 6 {
		h.press("enter")
		h.drain()
	}
	h.pump(func() bool { return h.m.st.Step == wizard.StepCertificate && len(h.m.pem) > 0 })
	h.press("enter")
	// u is said on the page (the help bar may drop it at 60 columns), and
	// the help bar's first keys fit 80 columns with "? more keys • q quit".
	if !shows(h, "Sandbox: u uploads it to the simulated app; then enter saves") {
		t.Errorf("the upload page does not say u:\n%s", h.view())
	}
	if got := shortHelp(h.m); !strings.HasPrefix(got, "enter uploaded: save • u upload (sandbox)") ||
		len([]rune("enter uploaded: save • u upload (sandbox) • ? more keys • q quit")) > 80 {
		t.Errorf("upload help %q", got)
	}
	h.press("u")
	h.pump(func() bool { return h.m.st.Ticked(entra.StepUploadCertificate) })
	if len(sb.certs) != 1 || string(sb.certs[0]) != string(h.m.pem) {
		t.Error("the sandbox did not get our certificate")
	}
}

// flakyService fails the first key generation.
type flakyService struct {
	*fakeService
	once sync.Once
}

func (f *flakyService) NewCredential(ctx context.Context, name string, size, days int) (store.Credential, *certs.Credential, error) {
	failed := false
	f.once.Do(func() { failed = true })
	if failed {
		return store.Credential{}, nil, errors.New("entropy ran dry")
	}
	return f.fakeService.NewCredential(ctx, name, size, days)
}

func TestKeyFailureOffersRetry(t *testing.T) {
	t.Parallel()
	st := newMemStore()
	h := newHarness(t, Deps{Service: &flakyService{fakeService: &fakeService{st: st, taken: map[string]bool{}}}, Drafts: st, Keys: st}, 63, 21)
	toForm(h)
	walkForm(h, "contoso")
	h.pump(func() bool { return h.m.st.Step == wizard.StepGenerate && h.m.st.Err != "" })
	if !shows(h, "The key was not made.") || !shows(h, "entropy ran dry") || !shows(h, "r tries again") {
		t.Errorf("failure page:\n%s", h.view())
	}
	if keys := h.m.KeyMap().ShortHelp(); !keys[0].Enabled() || keys[0].Help().Key != "r" {
		t.Errorf("retry key not offered: %+v", keys)
	}
	h.press("r")
	h.pump(func() bool { return h.m.st.Step == wizard.StepCertificate })
}

// A sandbox status speaks of the checklist: the form clears it rather than
// showing "Sandbox: done — Copy the three IDs" under its fields, and it
// fits the 60 columns of the smallest terminal.
func TestSandboxStatusDoesNotLingerOnTheNextPage(t *testing.T) {
	t.Parallel()
	st := newMemStore()
	h := newHarness(t, Deps{Service: &fakeService{st: st, taken: map[string]bool{}}, Drafts: st, Keys: st, Sandbox: &fakeSandbox{}}, 44, 13)
	last := func() string {
		s := h.statuses()
		if len(s) == 0 {
			return ""
		}
		return s[len(s)-1]
	}
	// Each step's status is waited for, not a quiet spell: on a busy
	// machine a status may come after any fixed pause.
	h.press("d")
	h.pump(func() bool {
		return h.m.st.Ticked(entra.StepRegisterApp) && strings.HasPrefix(last(), "Sandbox: done — Register")
	})
	h.press("down", "down", "down", "down", "d")
	h.pump(func() bool {
		return h.m.st.Ticked(entra.StepCopyIDs) && strings.HasPrefix(last(), "Sandbox: done — Copy the three IDs")
	})
	if got := last(); len([]rune(got)) > 60 {
		t.Fatalf("status %q (%d cells)", got, len([]rune(got)))
	}
	h.press("enter", "y")
	h.pump(func() bool { return h.m.st.Step == wizard.StepForm })
	h.pump(func() bool { return last() == "" }) // times out (fails) if the status stays
}
