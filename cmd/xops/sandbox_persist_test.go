package main

import (
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// sandboxApp is an `xops --sandbox` run on the store at path, with its
// simulated tenant started (as the TUI starts it).
func sandboxApp(t *testing.T, path string) *app {
	t.Helper()
	a := newApp(strings.NewReader(""), io.Discard, io.Discard, func(string) string { return "" })
	a.g.store, a.g.sandbox = path, true
	if _, err := a.startSandbox(); err != nil {
		t.Fatal(err)
	}
	return a
}

// The guided wizard's d registers an app in the sandbox and its draft keeps
// the app's ID. A second `xops --sandbox` started before the first one exits
// (another terminal, or the first killed) resumes that draft: its tenant
// must have the app. Then the first one, which changed nothing since, exits
// and must not overwrite the tenant with what it had.
func TestSandboxTenantIsSavedAtEveryChange(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "xops-sandbox.db")
	first := sandboxApp(t, path)
	t.Cleanup(func() { _ = first.close() })
	appID, err := first.sb.RegisterApp("Demo")
	if err != nil {
		t.Fatal(err)
	}
	if err := first.sb.AddExchangePermission(appID); err != nil {
		t.Fatal(err)
	}

	second := sandboxApp(t, path) // the first is still running
	st, err := second.sb.App(appID)
	if err != nil {
		t.Fatalf("a second run does not find the app the first registered: %v", err)
	}
	if !st.ExchangePermission {
		t.Fatal("a second run does not see the permission the first added")
	}
	if err := second.sb.GrantAdminConsent(appID); err != nil {
		t.Fatal(err)
	}
	if err := second.close(); err != nil {
		t.Fatal(err)
	}
	if err := first.close(); err != nil { // idle since the second started
		t.Fatal(err)
	}

	third := sandboxApp(t, path)
	defer func() { _ = third.close() }()
	if st, err := third.sb.App(appID); err != nil || !st.AdminConsent {
		t.Fatalf("after both exited the tenant lost the consent the second run granted: %+v, %v", st, err)
	}
}

// Two `xops --sandbox` running side by side each change the tenant: each
// save merges into what the other saved (one store transaction), so neither
// loses the other's change — apps, steps on one app, certificate uploads.
func TestTwoSandboxRunsKeepEachOthersChanges(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "xops-sandbox.db")
	first := sandboxApp(t, path)
	t.Cleanup(func() { _ = first.close() })
	shared, err := first.sb.RegisterApp("Shared")
	if err != nil {
		t.Fatal(err)
	}
	second := sandboxApp(t, path) // both running from here on
	t.Cleanup(func() { _ = second.close() })

	one, err := first.sb.RegisterApp("One")
	if err != nil {
		t.Fatal(err)
	}
	two, err := second.sb.RegisterApp("Two") // second never loaded "One"
	if err != nil {
		t.Fatal(err)
	}
	if err := first.sb.AddExchangePermission(shared); err != nil {
		t.Fatal(err)
	}
	if err := second.sb.AssignGlobalReader(shared); err != nil { // same app, other step
		t.Fatal(err)
	}
	if err := first.close(); err != nil {
		t.Fatal(err)
	}
	if err := second.close(); err != nil {
		t.Fatal(err)
	}

	third := sandboxApp(t, path)
	defer func() { _ = third.close() }()
	for _, id := range []string{shared, one, two} {
		if _, err := third.sb.App(id); err != nil {
			t.Errorf("app %s lost: %v", id, err)
		}
	}
	st, err := third.sb.App(shared)
	if err != nil {
		t.Fatal(err)
	}
	if !st.ExchangePermission || !st.GlobalReader {
		t.Errorf("the shared app kept %+v, want the permission (first run) and Global Reader (second run)", st)
	}
}
