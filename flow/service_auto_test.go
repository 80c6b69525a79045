package flow_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/entra/sandbox"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/store"
)

// autoWorld is a sandbox tenant and a real store, wired as `xops --sandbox`
// wires them, with quick retries.
type autoWorld struct {
	sb    *sandbox.Sandbox
	st    *store.Store
	keys  *keyRecorder
	svc   *flow.Service
	setup *entra.Setup
}

func newAutoWorld(t *testing.T) *autoWorld {
	t.Helper()
	sb, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	sb.SetAdmin(sandbox.Admin{})
	st, err := store.Open(filepath.Join(t.TempDir(), "xops.db"), store.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	keys := &keyRecorder{AccountStore: st}
	ver := &entra.Verifier{Endpoints: sb.Endpoints(), HTTP: sb.HTTPClient(), MinRetryDelay: 10 * time.Millisecond, MaxRetryDelay: 50 * time.Millisecond}
	return &autoWorld{
		sb: sb, st: st, keys: keys,
		svc:   &flow.Service{Store: keys, Verifier: ver, Cloud: "global"},
		setup: &entra.Setup{Endpoints: sb.Endpoints(), HTTP: sb.HTTPClient(), ReplicationWait: 10 * time.Second, RetryDelay: 20 * time.Millisecond},
	}
}

func (w *autoWorld) input(name string) flow.AutoLinkInput {
	return flow.AutoLinkInput{Name: name, Entra: w.setup, Wait: 10 * time.Second}
}

// eventLog collects the live events.
type eventLog struct {
	mu     sync.Mutex
	events []entra.SetupEvent
}

func (l *eventLog) add(e entra.SetupEvent) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, e)
}

func (l *eventLog) done() []entra.SetupStepID {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []entra.SetupStepID
	for _, e := range l.events {
		if e.OK {
			out = append(out, e.Step)
		}
	}
	return out
}

// oneOfEach is what a complete setup leaves in the tenant.
var oneOfEach = sandbox.GraphCounts{Applications: 1, ServicePrincipals: 1, Consents: 1, RoleAssignments: 1}

// The happy path: one sign-in, every step shown, a verified account in a real
// store, the audit log naming who signed in and what was made, no draft left.
func TestAutoLinkHappyPath(t *testing.T) {
	t.Parallel()
	w := newAutoWorld(t)
	var prompts []entra.DeviceCodePrompt
	var log eventLog
	res, err := w.svc.AutoLink(t.Context(), w.input("Contoso"), flow.AutoHooks{
		OnPrompt: func(p entra.DeviceCodePrompt) { prompts = append(prompts, p) },
		OnEvent:  log.add,
	})
	if err != nil {
		t.Fatalf("AutoLink: %v", err)
	}
	if len(prompts) != 1 || prompts[0].UserCode == "" {
		t.Errorf("prompts %+v", prompts)
	}
	if !slices.Equal(log.done(), entra.SetupSteps) {
		t.Errorf("steps done %v, want %v", log.done(), entra.SetupSteps)
	}
	a, err := w.st.AccountByName("contoso")
	if err != nil || a.Status != store.StatusVerified || a.TenantID != w.sb.TenantID() || a.Organization != w.sb.Domain() || a.AppID != res.Progress.Setup.AppID {
		t.Fatalf("stored account %+v, %v", a, err)
	}
	if !res.Report.OK || res.Account.Status != store.StatusVerified || res.SignedInAs != "admin@"+w.sb.Domain() {
		t.Errorf("result %+v", res)
	}
	if c, _ := a.Active(); c.Thumbprint != res.Progress.Credential.Thumbprint || len(w.keys.ids) != 1 {
		t.Errorf("credential %+v, keys stored %v", c, w.keys.ids)
	}
	if got := w.sb.GraphCounts(); got != oneOfEach {
		t.Errorf("graph counts %+v", got)
	}
	entries, err := w.st.Audit(a.ID)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	var auto string
	for _, e := range entries {
		actions = append(actions, e.Action)
		if e.Action == flow.AuditAutoSetup {
			auto = e.Detail
		}
	}
	p := res.Progress.Setup
	for _, want := range []string{"admin@" + w.sb.Domain(), p.AppID, p.AppObjectID, p.ServicePrincipalID, p.ConsentID, p.RoleAssignmentID} {
		if want == "" || !strings.Contains(auto, want) {
			t.Errorf("audit %q lacks %q (actions %v)", auto, want, actions)
		}
	}
	if !slices.Equal(actions, []string{flow.AuditLinked, flow.AuditAutoSetup, flow.AuditVerified}) {
		t.Errorf("audit actions %v", actions)
	}
	if _, err := w.st.Draft(flow.AutoDraftKind); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("draft left behind: %v", err)
	}
	raw, _ := json.Marshal(res.Progress)
	if strings.Contains(string(raw), "PRIVATE") || strings.Contains(string(raw), "eyJ") {
		t.Errorf("progress holds a secret: %s", raw)
	}
}

// A run stopped after each step (the context cancelled from the progress
// hook) then run again completes without a second key, app, service
// principal or assignment.
func TestAutoLinkResumesAfterEachStep(t *testing.T) {
	t.Parallel()
	for _, stop := range entra.SetupSteps[:len(entra.SetupSteps)-1] {
		t.Run(string(stop), func(t *testing.T) {
			t.Parallel()
			w := newAutoWorld(t)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			_, err := w.svc.AutoLink(ctx, w.input("contoso"), flow.AutoHooks{OnEvent: func(e entra.SetupEvent) {
				if e.OK && e.Step == stop {
					cancel()
				}
			}})
			var ae *flow.AutoLinkError
			if !errors.As(err, &ae) || !errors.Is(err, context.Canceled) {
				t.Fatalf("stopped run: %v, want a cancelled *AutoLinkError", err)
			}
			if _, err := w.st.Draft(flow.AutoDraftKind); err != nil {
				t.Fatalf("no draft after the stopped run: %v", err)
			}
			var log eventLog
			res, err := w.svc.AutoLink(t.Context(), w.input("contoso"), flow.AutoHooks{OnEvent: log.add})
			if err != nil || !res.Report.OK {
				t.Fatalf("resumed run: %v (%+v)", err, res.Report)
			}
			if got := w.sb.GraphCounts(); got != oneOfEach {
				t.Errorf("graph counts %+v, want one of each", got)
			}
			if len(w.sb.Apps()) != 1 || len(w.keys.ids) != 1 {
				t.Errorf("apps %d, keys %v", len(w.sb.Apps()), w.keys.ids)
			}
			if st, _ := w.sb.App(res.Account.AppID); len(st.Thumbprints) != 1 {
				t.Errorf("certificates on the app: %v", st.Thumbprints)
			}
			if all, _, _ := w.st.Accounts(); len(all) != 1 {
				t.Errorf("accounts %+v", all)
			}
		})
	}
}

// A caller that keeps the progress in its own draft hands it back as Resume.
func TestAutoLinkResumesFromCallersDraft(t *testing.T) {
	t.Parallel()
	w := newAutoWorld(t)
	var draft flow.AutoProgress
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	_, err := w.svc.AutoLink(ctx, w.input("contoso"), flow.AutoHooks{SaveProgress: func(p flow.AutoProgress) error {
		draft = p
		if p.Setup.ServicePrincipalID != "" {
			cancel()
		}
		return nil
	}})
	if !errors.Is(err, context.Canceled) || draft.Setup.AppID == "" {
		t.Fatalf("stopped run: %v, draft %+v", err, draft)
	}
	if _, err := w.st.Draft(flow.AutoDraftKind); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the store's draft was used although the caller keeps its own: %v", err)
	}
	in := w.input("contoso")
	in.Resume = &draft
	res, err := w.svc.AutoLink(t.Context(), in, flow.AutoHooks{SaveProgress: func(p flow.AutoProgress) error { draft = p; return nil }})
	if err != nil || !res.Report.OK || res.Account.AppID != draft.Setup.AppID {
		t.Fatalf("resumed: %v %+v", err, res)
	}
	if got := w.sb.GraphCounts(); got != oneOfEach || len(w.keys.ids) != 1 {
		t.Errorf("graph counts %+v, keys %v", got, w.keys.ids)
	}
}

// A run that stops right after saving the account, before its progress
// says so, is resumed: the account holding this run's key is adopted, not
// refused as a duplicate name.
func TestAutoLinkAdoptsItsOwnAccount(t *testing.T) {
	t.Parallel()
	w := newAutoWorld(t)
	var draft flow.AutoProgress
	_, err := w.svc.AutoLink(t.Context(), w.input("contoso"), flow.AutoHooks{SaveProgress: func(p flow.AutoProgress) error {
		if p.AccountID != "" {
			return errors.New("killed")
		}
		draft = p
		return nil
	}})
	if err == nil || draft.AccountID != "" || draft.Setup.RoleAssignmentID == "" {
		t.Fatalf("stopped run: %v, draft %+v", err, draft)
	}
	in := w.input("contoso")
	in.Resume = &draft
	res, err := w.svc.AutoLink(t.Context(), in, flow.AutoHooks{SaveProgress: func(flow.AutoProgress) error { return nil }})
	if err != nil || !res.Report.OK {
		t.Fatalf("resumed: %v", err)
	}
	if all, _, _ := w.st.Accounts(); len(all) != 1 || all[0].ID != res.Account.ID {
		t.Errorf("accounts %+v", all)
	}
	if got := w.sb.GraphCounts(); got != oneOfEach || len(w.keys.ids) != 1 {
		t.Errorf("graph counts %+v, keys %v", got, w.keys.ids)
	}
}

// Every failure stops at its step, names the way out, lists what exists,
// and leaves no account behind.
func TestAutoLinkFailures(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		arrange func(*autoWorld)
		step    entra.SetupStepID
		guided  bool
		says    string
		exists  int // inventory items that exist
	}{
		{"conditional access", func(w *autoWorld) { w.sb.SetAdmin(sandbox.Admin{Outcome: sandbox.AdminBlockedByConditionalAccess}) }, entra.SetupSignIn, true, "Conditional Access", 0},
		{"security defaults", func(w *autoWorld) { w.sb.SetAdmin(sandbox.Admin{Outcome: sandbox.AdminBlockedBySecurityDefaults}) }, entra.SetupSignIn, true, "security defaults", 0},
		{"client not consented", func(w *autoWorld) { w.sb.SetAdmin(sandbox.Admin{Outcome: sandbox.AdminClientNotConsented}) }, entra.SetupSignIn, true, "AADSTS65001", 0},
		{"code expired", func(w *autoWorld) {
			w.sb.SetAdmin(sandbox.Admin{Outcome: sandbox.AdminNeverSignsIn})
			w.sb.SetDeviceCodeLifetime(time.Second)
		}, entra.SetupSignIn, false, "expired", 0},
		{"no admin role", func(w *autoWorld) { w.sb.SetAdmin(sandbox.Admin{Roles: []string{}}) }, entra.SetupApp, true, "Application Administrator", 0},
		{"application administrator only", func(w *autoWorld) {
			w.sb.SetAdmin(sandbox.Admin{Roles: []string{entra.RoleApplicationAdministrator}})
		}, entra.SetupConsent, true, "Privileged Role Administrator", 4},
		{"no exchange online", func(w *autoWorld) { w.sb.SetExchangeOnline(false) }, entra.SetupApp, false, "no Exchange Online", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newAutoWorld(t)
			tc.arrange(w)
			_, err := w.svc.AutoLink(t.Context(), w.input("contoso"), flow.AutoHooks{})
			var ae *flow.AutoLinkError
			if !errors.As(err, &ae) {
				t.Fatalf("got %v, want *AutoLinkError", err)
			}
			if ae.Step != tc.step || ae.Guided() != tc.guided || !strings.Contains(err.Error(), tc.says) {
				t.Errorf("step %s guided %v: %v; want %s %v %q", ae.Step, ae.Guided(), err, tc.step, tc.guided, tc.says)
			}
			exists := 0
			for _, it := range ae.Inventory.Items {
				if it.Exists {
					exists++
				}
			}
			if len(ae.Inventory.Items) != 6 || exists != tc.exists {
				t.Errorf("inventory %+v: %d exist, want %d", ae.Inventory.Items, exists, tc.exists)
			}
			if all, _, _ := w.st.Accounts(); len(all) != 0 {
				t.Errorf("an account was saved: %+v", all)
			}
		})
	}
}

// The admin cancels while the code is shown (esc): the link stops at the
// sign-in, says so, and nothing is created or saved.
func TestAutoLinkCancelledDuringSignIn(t *testing.T) {
	t.Parallel()
	w := newAutoWorld(t)
	w.sb.SetAdmin(sandbox.Admin{ApproveAfter: -1})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	_, err := w.svc.AutoLink(ctx, w.input("contoso"), flow.AutoHooks{OnPrompt: func(entra.DeviceCodePrompt) {
		time.AfterFunc(50*time.Millisecond, cancel)
	}})
	var ae *flow.AutoLinkError
	var se *entra.SignInError
	if !errors.As(err, &ae) || ae.Step != entra.SetupSignIn || !errors.As(err, &se) || se.Problem != entra.SignInCancelled {
		t.Fatalf("got %v, want a cancelled sign-in", err)
	}
	if all, _, _ := w.st.Accounts(); len(all) != 0 || len(w.keys.ids) != 0 || w.sb.GraphCounts() != (sandbox.GraphCounts{}) {
		t.Errorf("something was made: accounts %v, keys %v, graph %+v", all, w.keys.ids, w.sb.GraphCounts())
	}
}

// With the consent refused for lack of a role, the guided path gets the IDs
// already made and the key; a Global Administrator's re-run finishes the job
// with the same app.
func TestAutoLinkGuidedThenRerun(t *testing.T) {
	t.Parallel()
	w := newAutoWorld(t)
	w.sb.SetAdmin(sandbox.Admin{Roles: []string{entra.RoleCloudApplicationAdministrator}})
	_, err := w.svc.AutoLink(t.Context(), w.input("contoso"), flow.AutoHooks{})
	var ae *flow.AutoLinkError
	if !errors.As(err, &ae) || ae.Step != entra.SetupConsent {
		t.Fatalf("got %v", err)
	}
	in, credID := ae.GuidedInput()
	if in.AppID == "" || in.TenantID != w.sb.TenantID() || in.Organization != w.sb.Domain() || credID == "" {
		t.Errorf("guided input %+v, credential %q", in, credID)
	}
	if got := ae.Inventory.Missing(); !slices.Equal(got, []entra.Step{entra.StepGrantAdminConsent, entra.StepAssignGlobalReader}) {
		t.Errorf("missing %v", got)
	}
	w.sb.SetAdmin(sandbox.Admin{})
	res, err := w.svc.AutoLink(t.Context(), w.input("contoso"), flow.AutoHooks{})
	if err != nil || !res.Report.OK || res.Account.AppID != in.AppID {
		t.Fatalf("re-run: %v %+v", err, res)
	}
	if got := w.sb.GraphCounts(); got != oneOfEach || len(w.keys.ids) != 1 {
		t.Errorf("graph counts %+v, keys %v", got, w.keys.ids)
	}
}

// Bad or taken names are refused before anyone is asked to sign in.
func TestAutoLinkRefusesBadInput(t *testing.T) {
	t.Parallel()
	w := newAutoWorld(t)
	if _, err := w.svc.Link(t.Context(), validInput("Contoso"), nil); err != nil {
		t.Fatal(err)
	}
	for _, in := range []flow.AutoLinkInput{
		{Name: "contoso", Entra: w.setup},
		{Name: "  ", Entra: w.setup},
		{Name: "ok", KeySize: 1024, Entra: w.setup},
		{Name: "ok", ClientID: "graph-cli", Entra: w.setup},
	} {
		prompted := false
		_, err := w.svc.AutoLink(t.Context(), in, flow.AutoHooks{OnPrompt: func(entra.DeviceCodePrompt) { prompted = true }})
		var ie *flow.InputError
		if !errors.As(err, &ie) || prompted || len(ie.Fields) == 0 {
			t.Errorf("%+v: got %v (prompted %v), want an *InputError before any sign-in", in, err, prompted)
			continue
		}
		if in.ClientID != "" && ie.Fields[0].Field != flow.FieldClientID {
			t.Errorf("client id refused under field %q", ie.Fields[0].Field)
		}
	}
	if got := w.sb.GraphCounts(); got != (sandbox.GraphCounts{}) {
		t.Errorf("graph counts %+v", got)
	}
}

// "Set it up for me" against the sandbox, as `xops --sandbox link microsoft
// --auto --name contoso` wires it: the simulated admin approves the code.
func ExampleService_AutoLink() {
	sb, _ := sandbox.New(sandbox.Options{})
	_ = sb.Start()
	defer sb.Close()
	sb.SetAdmin(sandbox.Admin{}) // approves at once (the default waits 2s)
	dir, _ := os.MkdirTemp("", "xops-example")
	defer os.RemoveAll(dir)
	st, _ := store.Open(filepath.Join(dir, "xops.db"), store.Options{Timeout: time.Second})
	defer st.Close()

	svc := &flow.Service{Store: st, Cloud: "global",
		Verifier: &entra.Verifier{Endpoints: sb.Endpoints(), HTTP: sb.HTTPClient(), MinRetryDelay: 10 * time.Millisecond}}
	res, err := svc.AutoLink(context.Background(),
		flow.AutoLinkInput{Name: "contoso", Entra: &entra.Setup{Endpoints: sb.Endpoints(), HTTP: sb.HTTPClient()}, Wait: 30 * time.Second},
		flow.AutoHooks{
			OnPrompt: func(p entra.DeviceCodePrompt) { fmt.Println("code shown:", p.UserCode != "") },
			OnEvent: func(e entra.SetupEvent) {
				if !e.Running {
					fmt.Printf("%-18s ok=%v\n", e.Step, e.OK)
				}
			},
		})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("status:", res.Account.Status)
	// Output:
	// code shown: true
	// sign-in            ok=true
	// organization       ok=true
	// key                ok=true
	// app                ok=true
	// service-principal  ok=true
	// admin-consent      ok=true
	// global-reader      ok=true
	// verify             ok=true
	// status: verified
}
