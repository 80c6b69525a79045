package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/store"
)

// The lines under Home's table spell the selected account out: a failed
// account's step name gives way before the date of its last check is cut
// ("✗ failed at step 4: Make the app a Global Reader · c…" at 80×24).
func TestHomeSelectedFailedKeepsTheCheckDate(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	acct := store.Account{ID: "a1", Name: "Contoso", Organization: "contoso.onmicrosoft.com",
		TenantID: "72f988bf-86f1-41af-91ab-2d7cd011db47", Cloud: "global", Created: at,
		Status: store.StatusFailed, FailedStep: string(entra.StepAssignGlobalReader), LastVerified: at,
		Credentials: []store.Credential{{ID: "c1", Thumbprint: "3F2A9C01D4B7E8A65C0B1F29E7D3A4C5B6E7F801",
			KeySize: 2048, NotBefore: at, NotAfter: at.AddDate(1, 0, 0), Created: at}}}
	d := Deps{Store: &fakeStore{accounts: []store.Account{acct}}, StorePath: "/tmp/xops.db",
		Cloud: "global", Version: "v0.1.0", NoColor: true, Now: func() time.Time { return testNow }}
	hs := newHarness(t, d, 80, 24)
	hs.mustShow("failed at step 4", "checked 2026-11-01")
	if strings.Contains(hs.view(), "· c…") {
		t.Fatalf("the check's date is cut:\n%s", hs.view())
	}
	// Wide enough, the step's name stays.
	wide := newHarness(t, d, 120, 30)
	wide.mustShow("failed at step 4: Make the app a Global Reader · checked 2026-11-01")
}

// At 60×16 the filter's placeholder says what it matches whole ("name, org
// or tenant"), not "name, org or t".
func TestFilterPlaceholderWholeAt60(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, Deps{Store: &fakeStore{accounts: sampleAccounts()}}, 60, 16)
	hs.keys("/")
	hs.mustShow("/ name, org or tenant", "3 of 3")
}

// At 60×16 (43 columns) "· checked 2026-11-01" does not fit beside a
// failed account's status either: it says "on 2026-11-01" rather than
// "checked 202…".
func TestHomeSelectedDateWholeAt60(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	acct := store.Account{ID: "a1", Name: "Fabrikam", Organization: "contoso.onmicrosoft.com",
		TenantID: "72f988bf-86f1-41af-91ab-2d7cd011db47", Cloud: "global", Created: at,
		Status: store.StatusFailed, FailedStep: string(entra.StepUploadCertificate), LastVerified: at,
		Credentials: []store.Credential{{ID: "c1", Thumbprint: "3F2A9C01D4B7E8A65C0B1F29E7D3A4C5B6E7F801",
			KeySize: 2048, NotBefore: at, NotAfter: at.AddDate(1, 0, 0), Created: at}}}
	hs := newHarness(t, Deps{Store: &fakeStore{accounts: []store.Account{acct}}, Now: func() time.Time { return testNow }}, 60, 16)
	hs.mustShow("Fabrikam  ✗ failed at step 6 on 2026-11-01")
	if strings.Contains(hs.view(), "202…") {
		t.Fatalf("the date is cut:\n%s", hs.view())
	}
	hs = newHarness(t, Deps{Store: &fakeStore{accounts: []store.Account{acct}}, Now: func() time.Time { return testNow }}, 80, 24)
	hs.mustShow("✗ failed at step 6 · checked 2026-11-01")
}

// At 60×16 an account mid-rotation says so whole: "· rotating", not
// "· rotation under…".
func TestHomeSelectedRotationWholeAt60(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	cred := func(id string) store.Credential {
		return store.Credential{ID: id, Thumbprint: "3F2A9C01D4B7E8A65C0B1F29E7D3A4C5B6E7F80" + id[1:],
			KeySize: 2048, NotBefore: at, NotAfter: at.AddDate(1, 0, 0), Created: at}
	}
	pending := cred("c2")
	pending.Pending = true
	acct := store.Account{ID: "a1", Name: "Fabrikam", Organization: "contoso.onmicrosoft.com",
		TenantID: "72f988bf-86f1-41af-91ab-2d7cd011db47", Cloud: "global", Created: at,
		Status: store.StatusVerified, LastVerified: at, Credentials: []store.Credential{cred("c1"), pending}}
	hs := newHarness(t, Deps{Store: &fakeStore{accounts: []store.Account{acct}}, Now: func() time.Time { return testNow }}, 60, 16)
	hs.mustShow("· rotating")
	hs.mustNotShow("under…")
	hs = newHarness(t, Deps{Store: &fakeStore{accounts: []store.Account{acct}}, Now: func() time.Time { return testNow }}, 80, 24)
	hs.mustShow("· rotation under way")
}
