package ui

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/store"
)

func TestDetailsShowEveryFieldTheChecksAndTheHistory(t *testing.T) {
	t.Parallel()
	f := newActionFixture(t, "global")
	f.link("contoso")
	f.entra.setFailure(entra.CheckExchangePermission, entra.StepGrantAdminConsent)
	if _, err := f.svc.Verify(context.Background(), "contoso", 0, nil); err != nil {
		t.Fatal(err)
	}
	a := f.account("contoso")
	c, _ := a.Active()

	hs := f.harness(120, 60) // everything fits: no scrolling in this test
	hs.keys("enter")
	hs.mustBeOn(flow.PageAccount)
	hs.mustShow("Home › contoso", "contoso  ✗ failed at step 3",
		"contoso.onmicrosoft.com", a.TenantID, a.AppID, "global",
		c.Thumbprint, "In use", "RSA 2048", "expires "+c.NotAfter.Format("2006-01-02"),
		"Keys are protected by the store file's permissions only", "passphrase protection is not",
		"✓ Tenant exists", "✗ Exchange.ManageAsApp granted", "refused by the fake tenant",
		"Redo checklist step 3. Grant admin consent", "– Global Reader assigned (skipped)",
		"History (2)", "verification failed", "linked")
	v := hs.view()
	if strings.Index(v, "verification failed") > strings.Index(v, "linked · app") {
		t.Fatalf("history is not newest first:\n%s", v)
	}
	hs.mustNotShow("PRIVATE KEY")
	hs.keys("esc")
	hs.mustBeOn(flow.PageHome)
}

func TestDetailsScrollAtEightyByTwentyFour(t *testing.T) {
	t.Parallel()
	f := newActionFixture(t, "global")
	f.link("contoso")
	if _, err := f.svc.Verify(context.Background(), "contoso", 0, nil); err != nil {
		t.Fatal(err)
	}
	hs := f.harness(80, 24)
	hs.keys("enter")
	hs.mustShow("↓ more", "Tenant ID")
	hs.mustNotShow("History (")
	for range 30 {
		hs.keys("j")
	}
	hs.mustShow("History (2)", "verified", "↑ more")
	hs.mustNotShow("Tenant ID")
	assertPageFits(t, hs)
}

func TestDetailsOfAnAccountDeletedElsewhere(t *testing.T) {
	t.Parallel()
	f := newActionFixture(t, "global")
	f.link("contoso")
	hs := f.harness(80, 24)
	if _, err := f.svc.Delete("contoso"); err != nil {
		t.Fatal(err)
	}
	hs.keys("enter") // Home still lists it until the poll reloads
	hs.mustShow("No account is named “contoso” any more", "esc goes back")
	if strings.Contains(hs.helpBar(), "export") {
		t.Fatalf("help offers actions on a missing account: %q", hs.helpBar())
	}
}

func TestReverifyFromHomeRecordsTheResult(t *testing.T) {
	t.Parallel()
	f := newActionFixture(t, "global")
	f.link("contoso")
	hs := f.harness(80, 24)
	hs.mustShow("· not verified")
	hs.keys("v")
	hs.mustBeOn(flow.PageVerify)
	hs.mustShow("Verify “contoso”")
	hs.keys("enter") // continue with the result
	hs.mustBeOn(flow.PageHome)
	hs.mustShow("✓ verified")
	if a := f.account("contoso"); a.Status != store.StatusVerified {
		t.Fatalf("status %v", a.Status)
	}
}

func TestReverifyNamesTheStepToRedoAndVerifiesAgain(t *testing.T) {
	t.Parallel()
	f := newActionFixture(t, "global")
	f.link("contoso")
	f.entra.setFailure(entra.CheckGlobalReader, entra.StepAssignGlobalReader)
	hs := f.harness(80, 24)
	hs.keys("enter", "v")
	hs.mustBeOn(flow.PageVerify)
	if !strings.Contains(hs.helpBar(), "f go fix step 4") {
		t.Fatalf("help bar: %q", hs.helpBar())
	}
	hs.keys("f")
	hs.mustShow("Redo 4. Make the app a Global Reader", "Add assignments", "r done: verify again")
	f.entra.setFailure("", "")
	hs.keys("r")
	hs.mustShow("✓") // the checks again, passing now
	hs.keys("enter")
	hs.mustBeOn(flow.PageAccount) // back where it was opened
	hs.mustShow("contoso  ✓ verified")
}

func TestRenameChecksTheNameAndRenamesEverywhere(t *testing.T) {
	t.Parallel()
	f := newActionFixture(t, "global")
	f.link("contoso")
	f.link("fabrikam")
	hs := f.harness(80, 24)
	hs.keys("enter", "m")
	hs.mustBeOn(flow.PageRename)
	if !hs.m.page().Capturing() {
		t.Fatal("the rename field does not capture keys")
	}
	hs.clearField()
	hs.mustShow("is empty: give the account a name") // validate's message, as typed
	hs.typeText("FABRIKAM")
	hs.keys("enter")
	hs.mustShow("Another account already has that name (names ignore case)")
	hs.mustBeOn(flow.PageRename)
	hs.clearField()
	hs.typeText("Contoso EU")
	hs.keys("enter")
	hs.mustBeOn(flow.PageAccount)
	hs.mustShow("Home › Contoso EU", "Renamed “contoso” to “Contoso EU”.")
	if _, err := f.svc.Account("Contoso EU"); err != nil {
		t.Fatal(err)
	}
	hs.keys("esc")
	hs.mustShow("Contoso EU", "fabrikam")
}

func TestRenameEscKeepsTheName(t *testing.T) {
	t.Parallel()
	f := newActionFixture(t, "global")
	f.link("contoso")
	hs := f.harness(80, 24)
	hs.keys("m")
	hs.typeText("q?") // text, not quit and help
	if hs.quit {
		t.Fatal("q quit while typing a name")
	}
	hs.keys("esc")
	hs.mustBeOn(flow.PageHome)
	f.account("contoso")
}

func TestDeleteNeedsTheNameAndKeepsTheAuditLine(t *testing.T) {
	t.Parallel()
	f := newActionFixture(t, "global")
	a := f.link("contoso")
	f.link("fabrikam")
	c, _ := a.Active()
	hs := f.harness(80, 24)
	hs.keys("enter", "d")
	hs.mustBeOn(flow.PageDelete)
	hs.mustShow("Delete “contoso”", "cannot be undone", "Type “contoso” to confirm")
	hs.typeText("contos")
	hs.keys("enter")
	hs.mustShow("The name does not match")
	f.account("contoso")
	hs.typeText("o")
	hs.keys("enter")
	hs.mustBeOn(flow.PageHome)
	hs.mustShow("Deleted “contoso”", c.Thumbprint[:10], "Linked accounts (1)")
	if _, err := f.svc.Account("contoso"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("account still there: %v", err)
	}
	if _, err := f.st.Key(c.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("key material still there: %v", err)
	}
	log, err := f.st.Audit(a.ID)
	if err != nil || len(log) == 0 || log[len(log)-1].Action != flow.AuditDeleted {
		t.Fatalf("audit: %+v %v", log, err)
	}
}

func TestActionsWithoutAServiceAreOff(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, Deps{Store: &fakeStore{accounts: sampleAccounts()}}, 80, 24)
	for _, k := range []string{"v", "e", "o", "m", "d"} {
		hs.keys(k)
		hs.mustBeOn(flow.PageHome)
	}
	hs.keys("enter")
	hs.mustBeOn(flow.PageAccount)
	if bar := hs.helpBar(); strings.Contains(bar, "verify") || strings.Contains(bar, "export") {
		t.Fatalf("help offers actions that cannot run: %q", bar)
	}
	// Reached anyway (a location from elsewhere), the page says so.
	p := newActionUnavailable(flow.Location{Page: flow.PageExport, Account: "contoso"})
	p.SetSize(63, 20)
	if !strings.Contains(p.View(), "not available in this build") {
		t.Fatal(p.View())
	}
}

// TestAccountPagesFitEverySize walks every account page at the sizes xops
// must read at, through a real service.
func TestAccountPagesFitEverySize(t *testing.T) {
	t.Parallel()
	f := newActionFixture(t, "usgov")
	f.link("contoso")
	walks := [][]string{{"enter"}, {"v"}, {"e"}, {"e", "down", "down", "enter"}, {"o"}, {"o", "enter"},
		{"m"}, {"d"}, {"enter", "?"}}
	for _, size := range [][2]int{{60, 16}, {80, 24}, {61, 17}} {
		for _, walk := range walks {
			hs := f.harness(size[0], size[1])
			hs.keys(walk...)
			assertFrame(t, hs, size[0], size[1])
			assertPageFits(t, hs)
			if hs.page() == flow.PageRotate && strings.Contains(strings.Join(walk, ""), "oenter") {
				// leave the rotation so the next walk starts clean
				hs.keys("x")
			}
		}
	}
}
