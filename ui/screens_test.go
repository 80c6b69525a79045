package ui

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/store"
	"github.com/xops/xops/ui/uikit"
)

func TestFirstRunShowsThePickerInOrderWithCursorOnAWS(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, Deps{Store: &fakeStore{}}, 80, 24)
	if hs.page() != flow.PagePicker {
		t.Fatalf("page = %v, want picker", hs.page())
	}
	hs.mustShow("Choose your platform", "› AWS", "xops links your organisation's cloud accounts")
	v := hs.view()
	aws, azure, ms := strings.Index(v, "AWS "), strings.Index(v, "Azure "), strings.Index(v, "Microsoft  ")
	if !(aws >= 0 && aws < azure && azure < ms) {
		t.Fatalf("platforms not in order AWS, Azure, Microsoft:\n%s", v)
	}
	hs.mustNotShow("▸ Home") // no side navigation on the first-run picker
}

func TestPickerWalk(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, Deps{Store: &fakeStore{}}, 80, 24)

	hs.keys("j", "enter")
	hs.mustShow("Azure accounts are not supported yet.", "Nothing was changed")
	if hs.page() != flow.PageUnsupported {
		t.Fatalf("page = %v", hs.page())
	}
	hs.keys("esc")
	hs.mustShow("› Azure") // back on the picker, cursor kept

	hs.keys("up", "enter") // AWS
	hs.mustShow("AWS accounts are not supported yet.")
	hs.keys("enter") // enter also leads back from "not supported"
	if hs.page() != flow.PagePicker {
		t.Fatalf("enter on unsupported: page = %v, want picker", hs.page())
	}

	hs.keys("down", "down", "down", "enter") // past the end stays on Microsoft
	hs.mustShow("Microsoft 365 is linked through an app registration", "M365", "Link a New Microsoft Account")
	hs.keys("enter")
	if hs.page() != flow.PageLinkWizard {
		t.Fatalf("page = %v, want the wizard", hs.page())
	}
	hs.mustShow("The linking wizard is not in this build yet", "Nothing was changed")
	hs.keys("esc", "esc")
	if hs.page() != flow.PagePicker {
		t.Fatalf("esc esc: page = %v, want picker", hs.page())
	}
}

func TestLinkedOpensHomeListingAccounts(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, Deps{Store: &fakeStore{accounts: sampleAccounts()}}, 140, 30)
	if hs.page() != flow.PageHome {
		t.Fatalf("page = %v, want Home", hs.page())
	}
	hs.mustShow("Linked accounts (3)", "▸ Home", "NAME", "ORGANIZATION", "TENANT", "STATUS",
		"› contoso", "contoso.onmicrosoft.com", "✓ verified",
		"fabrikam", "✗ failed at step 3", "northwind", "· not verified",
		"tenant 72f988bf-86f1-41af-91ab-2d7cd011db47")
	hs.keys("j")
	hs.mustShow("› fabrikam", "tenant 0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0")
	hs.keys("j", "j", "j") // stops at the last
	hs.mustShow("› northwind")
	hs.keys("k", "k", "k", "k")
	hs.mustShow("› contoso")
}

func TestHomeEmptyStateOffersToLink(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, Deps{Store: &fakeStore{}}, 80, 24)
	hs.keys("tab") // skip the picker
	if hs.page() != flow.PageHome {
		t.Fatalf("page = %v, want Home", hs.page())
	}
	hs.mustShow("No account is linked yet.", "xops links your organisation's Microsoft 365 tenant",
		"Link a Microsoft 365 account")
	if !strings.Contains(hs.helpBar(), "enter link an account") {
		t.Fatalf("help bar: %q", hs.helpBar())
	}
	if strings.Contains(hs.helpBar(), "up") {
		t.Fatalf("help offers movement with nothing to move through: %q", hs.helpBar())
	}
	hs.keys("enter")
	if hs.page() != flow.PageMicrosoft {
		t.Fatalf("enter on empty Home: page = %v, want Microsoft", hs.page())
	}
	hs.keys("esc")
	if hs.page() != flow.PageHome {
		t.Fatalf("esc: page = %v, want Home", hs.page())
	}
}

func TestHomeLinkKeyWithAccounts(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, Deps{Store: &fakeStore{accounts: sampleAccounts()}}, 80, 24)
	hs.keys("enter") // enter on a row opens its details
	if hs.page() != flow.PageAccount {
		t.Fatalf("enter on a row: page = %v, want the account's details", hs.page())
	}
	hs.keys("esc", "n")
	if hs.page() != flow.PageMicrosoft {
		t.Fatalf("n: page = %v, want Microsoft", hs.page())
	}
}

// TestHomeRendersOnlyVisibleRows: 10,000 accounts draw as many rows as fit.
func TestHomeRendersOnlyVisibleRows(t *testing.T) {
	t.Parallel()
	fs := &fakeStore{accounts: manyAccounts(10000)}
	hs := newHarness(t, Deps{Store: fs}, 80, 24)
	hs.mustShow("Linked accounts (10000)", "› acct-00000")
	rows := strings.Count(hs.view(), "acct-")
	if rows != hs.m.home.table.rows+1 { // visible rows plus the selected-account lines
		t.Fatalf("%d account names drawn, want %d", rows, hs.m.home.table.rows+1)
	}
	out := hs.m.home.table.view(hs.m.styles, &hs.m.home.list, 63, time.Now())
	if n := strings.Count(out, "\n"); n != hs.m.home.table.rows {
		t.Fatalf("table drew %d rows, want %d", n, hs.m.home.table.rows)
	}
	hs.keys("G")
	hs.mustShow("› acct-09999")
	hs.mustNotShow("acct-00000")
	hs.keys("g")
	hs.mustShow("› acct-00000")
	hs.keys("pgdown")
	hs.mustShow(fmt.Sprintf("› acct-%05d", hs.m.home.table.rows))
}

func TestHomeLoadErrorAndRetry(t *testing.T) {
	t.Parallel()
	fs := &fakeStore{err: errors.New("store file is damaged")}
	hs := newHarness(t, Deps{Store: fs, StorePath: "/tmp/x.db"}, 80, 24)
	if hs.page() != flow.PageHome {
		t.Fatalf("unreadable store: page = %v, want Home (not the first-run picker)", hs.page())
	}
	hs.mustShow("store file is damaged", "Press r to try again", "/tmp/x.db", "✗ Could not read the accounts")
	if !strings.Contains(hs.helpBar(), "r try again") {
		t.Fatalf("help bar: %q", hs.helpBar())
	}
	fs.mu.Lock()
	fs.err = nil
	fs.accounts = sampleAccounts()
	fs.mu.Unlock()
	hs.keys("r")
	hs.mustShow("Linked accounts (3)")
}

func TestHomeWarnsAboutUnreadableRecords(t *testing.T) {
	t.Parallel()
	bad := []*store.RecordError{{Bucket: "accounts", Key: "a9", Err: errors.New("bad json")}}
	// Only an unreadable record: still a linked store, so Home, not the picker.
	hs := newHarness(t, Deps{Store: &fakeStore{bad: bad}}, 100, 24)
	if hs.page() != flow.PageHome {
		t.Fatalf("page = %v, want Home", hs.page())
	}
	hs2 := newHarness(t, Deps{Store: &fakeStore{accounts: sampleAccounts(), bad: bad}}, 120, 24)
	hs2.mustShow("⚠ 1 stored account cannot be read", "accounts/a9", "contoso")
}

func TestNoStoreSaysSo(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, Deps{}, 80, 24)
	hs.mustShow("no store is open")
}

func TestIntegrationsCards(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, Deps{Store: &fakeStore{accounts: sampleAccounts()}}, 80, 24)
	hs.keys("tab")
	if hs.page() != flow.PageIntegrations {
		t.Fatalf("page = %v", hs.page())
	}
	hs.mustShow("▸ Integrations", "› AWS", "Azure", "Microsoft", "(M365)", "not supported")
	hs.keys("right")
	hs.mustShow("› Azure")
	hs.keys("l", "l") // stops at Microsoft
	hs.mustShow("› Microsoft")
	hs.keys("enter", "enter")
	if hs.page() != flow.PageLinkWizard {
		t.Fatalf("page = %v, want the wizard", hs.page())
	}
	hs.mustShow("Integrations › Microsoft › Link a New Microsoft Account")
	hs.keys("esc", "esc", "h", "enter")
	hs.mustShow("Azure accounts are not supported yet.")
	hs.keys("esc", "esc")
	if hs.page() != flow.PageHome {
		t.Fatalf("page = %v, want Home", hs.page())
	}
}

func TestIntegrationsListWhenNarrow(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, Deps{Store: &fakeStore{accounts: sampleAccounts()}}, 60, 16)
	hs.keys("tab", "down")
	hs.mustShow("› Azure      not supported yet", "  Microsoft  Microsoft 365 (M365)")
	if bar := hs.helpBar(); !strings.Contains(bar, "↓/j down") {
		t.Fatalf("the list's help names the wrong keys: %q", bar)
	}
}

func TestSettingsPage(t *testing.T) {
	t.Parallel()
	d := Deps{Store: &fakeStore{}, StorePath: "/home/admin/.local/share/xops/xops.db", Cloud: "usgov", Version: "v1.2.3"}
	hs := newHarness(t, d, 80, 24)
	hs.keys("shift+tab")
	if hs.page() != flow.PageSettings {
		t.Fatalf("page = %v", hs.page())
	}
	hs.mustShow("/home/admin/.local/share/xops/xops.db", "usgov", "v1.2.3",
		"protected by the store file's permissions only", "readable by your user alone",
		"--store PATH")
	hs.mustNotShow("sandbox")
	hs.keys("esc")
	// Nothing is linked: the first run's page is the platform picker.
	if hs.page() != flow.PagePicker {
		t.Fatalf("esc from Settings on the first run: page = %v, want the picker", hs.page())
	}
}

func TestSandboxBadgeOnEveryPage(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, Deps{Store: &fakeStore{}, Sandbox: true}, 60, 16)
	for _, k := range []string{"", "enter", "esc", "tab", "tab", "tab"} {
		if k != "" {
			hs.keys(k)
		}
		first := strings.SplitN(hs.view(), "\n", 2)[0]
		if !strings.Contains(first, "SANDBOX") {
			t.Fatalf("on %v the header lacks SANDBOX: %q", hs.page(), first)
		}
	}
	hs.mustShow("sandbox (simulated tenant)") // Settings says so too
}

// TestStoredTextCannotDriveTheTerminal: a name or error carrying escape
// sequences (OSC 52 clipboard, a title change) is drawn without them.
func TestStoredTextCannotDriveTheTerminal(t *testing.T) {
	t.Parallel()
	evil := store.Account{ID: "e", Name: "evil\x1b]52;c;aGk=\x07name", Organization: "x\x1b]0;pwned\x07.onmicrosoft.com",
		TenantID: "72f988bf-86f1-41af-91ab-2d7cd011db47", Status: store.StatusFailed, FailedStep: "copy-ids\x1b[2J"}
	hs := newHarness(t, Deps{Store: &fakeStore{accounts: []store.Account{evil}}}, 120, 24)
	hs.send(uikit.StatusMsg{Text: "server said \x1b]8;;http://x\x07click", Err: true})
	raw := hs.m.View().Content
	for _, bad := range []string{"]52;", "]0;", "[2J", "]8;"} {
		if strings.Contains(raw, bad) {
			t.Fatalf("frame carries %q", bad)
		}
	}
	hs.mustShow("evilname", "failed at copy-ids", "server said click")

	broken := newHarness(t, Deps{Store: &fakeStore{err: errors.New("bad \x1b]52;c;aGk=\x07file")}}, 80, 24)
	if strings.Contains(broken.m.View().Content, "]52;") {
		t.Fatal("error text carries an escape")
	}
}
