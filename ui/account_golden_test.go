package ui

import (
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/store"
)

// detailedAccounts are sampleAccounts with a last verification and a
// rotation under way on fabrikam, and an audit history.
func detailedAccounts() ([]store.Account, []store.AuditEntry) {
	accounts := sampleAccounts()
	fab := &accounts[1]
	fab.AppID = "8f3c2a51-6d0e-4b7a-9c1f-2e4d5a6b7c81"
	fab.LastVerified = testNow.Add(-3 * time.Hour)
	fab.LastChecks = []store.CheckRecord{
		{ID: "certificate-local", OK: true}, {ID: "tenant", OK: true}, {ID: "organization", OK: true},
		{ID: "app", OK: true}, {ID: "certificate", OK: true},
		{ID: "exchange-permission", Step: "grant-admin-consent", Message: "the token holds no roles claim",
			Hint: "grant admin consent for the app's permissions"},
		{ID: "global-reader", Skipped: true}, {ID: "exchange", Skipped: true},
	}
	fab.Credentials = append(fab.Credentials, store.Credential{ID: "c2n", Thumbprint: "9A1B2C3D4E5F60718293A4B5C6D7E8F901234567",
		KeySize: 2048, NotBefore: testNow, NotAfter: testNow.AddDate(1, 0, 0), Created: testNow, Pending: true})
	audit := []store.AuditEntry{
		{Seq: 1, At: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC), Action: "linked", AccountID: "a2", Name: "fabrikam",
			Detail: "thumbprint 3F2A9C01D4B7E8A65C0B1F29E7D3A4C5B6E7F801"},
		{Seq: 2, At: testNow.Add(-3 * time.Hour), Action: "verification failed", AccountID: "a2", Name: "fabrikam",
			Detail: "check exchange-permission failed (step grant-admin-consent)"},
		{Seq: 3, At: testNow.Add(-time.Hour), Action: "rotation started", AccountID: "a2", Name: "fabrikam",
			Detail: "new thumbprint 9A1B2C3D4E5F60718293A4B5C6D7E8F901234567"},
	}
	return accounts, audit
}

// TestAccountGolden pins the details and the dialogs at 80×24 (and the
// details at 60×16), read without colour.
func TestAccountGolden(t *testing.T) {
	t.Parallel()
	accounts, audit := detailedAccounts()
	tests := []struct {
		name string
		w, h int
		keys []string
	}{
		{"details", 80, 24, []string{"down", "enter"}},
		{"details_scrolled", 80, 24, []string{"down", "enter", "pgdown"}},
		{"details_60x16", 60, 16, []string{"down", "enter"}},
		{"home_with_actions", 80, 24, []string{"down"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// A service makes the action keys show; these views never call it.
			d := Deps{Store: &fakeStore{accounts: accounts, audit: audit}, Service: &flow.Service{},
				NoColor: true, Now: func() time.Time { return testNow }}
			hs := newHarness(t, d, tt.w, tt.h)
			hs.keys(tt.keys...)
			golden.RequireEqual(t, hs.view())
		})
	}
}

// TestAccountDialogGolden pins the dialogs, through the real service.
func TestAccountDialogGolden(t *testing.T) {
	t.Parallel()
	f := newActionFixture(t, "global")
	f.link("contoso")
	tests := []struct {
		name string
		w, h int
		keys []string
	}{
		{"export", 80, 24, []string{"e"}},
		{"export_pfx_form", 80, 24, []string{"e", "down", "down", "enter"}}, // the password has the cursor at once
		{"export_60x16", 60, 16, []string{"e"}},
		{"rename", 80, 24, []string{"m"}},
		{"delete", 80, 24, []string{"d", "c", "o"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs := f.harness(tt.w, tt.h)
			hs.keys(tt.keys...)
			golden.RequireEqual(t, hs.view())
		})
	}
}
