package verifyview

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/xops/xops/entra"
)

// TestEveryCheckReadsWholeWhenNarrow: beside the side navigation a 60×16
// terminal leaves this screen 44 columns. Every check, in every state (its
// note included), is named whole on one line there — its title or its short
// name, never cut with "…" — and at 80×24 by its full title.
func TestEveryCheckReadsWholeWhenNarrow(t *testing.T) {
	t.Parallel()
	states := map[string]struct {
		r     entra.CheckResult
		have  bool
		phase phase
	}{
		"passed":  {entra.CheckResult{OK: true}, true, phaseDone},
		"failed":  {entra.CheckResult{Message: "no"}, true, phaseDone},
		"skipped": {entra.CheckResult{Skipped: true}, true, phaseDone},
		"not run": {entra.CheckResult{}, false, phaseCancelled},
		"running": {entra.CheckResult{}, false, phaseRunning},
	}
	for _, width := range []int{44, 60, 76} {
		m := New(Deps{Account: "contoso", Verifier: newFake()})
		m.SetSize(width, 13)
		for name, st := range states {
			for _, id := range entra.CheckOrder {
				m.phase = st.phase
				rows := m.checkRow(id, st.r, st.have)
				if len(rows) != 1 {
					t.Errorf("%d columns, %s %s: %d rows %q", width, name, id, len(rows), rows)
				}
				row := ansi.Strip(strings.Join(rows, "\n"))
				if strings.Contains(row, "…") || ansi.StringWidth(row) > width {
					t.Errorf("%d columns, %s %s: cut or too wide: %q", width, name, id, row)
				}
				full, short := CheckTitle(id), shortCheckTitle(id)
				switch {
				case width >= 76 && !strings.Contains(row, full):
					t.Errorf("%d columns, %s: %q lacks the full title %q", width, name, row, full)
				case !strings.Contains(row, full) && (short == "" || !strings.Contains(row, short)):
					t.Errorf("%d columns, %s: %q names neither %q nor %q", width, name, row, full, short)
				}
			}
		}
	}
}

// TestUnknownLongCheckWrapsUnderItsTitle: a check a newer entra reports,
// with a title too long even for its short name, wraps under itself.
func TestUnknownLongCheckWrapsUnderItsTitle(t *testing.T) {
	t.Parallel()
	m := New(Deps{Account: "contoso", Verifier: newFake()})
	m.SetSize(44, 13)
	m.phase = phaseDone
	id := entra.CheckID("the-conditional-access-policies-allow-the-app")
	rows := m.checkRow(id, entra.CheckResult{OK: true}, true)
	got := ansi.Strip(strings.Join(rows, "\n"))
	if len(rows) < 2 || strings.Contains(got, "…") || !strings.HasPrefix(ansi.Strip(rows[1]), "    ") ||
		strings.ReplaceAll(strings.Join(strings.Fields(got), ""), "✓", "") != string(id) {
		t.Errorf("rows %q", rows)
	}
}

// TestFailureAtWizardSizeShowsTheStepToFix: inside the wizard at 60×16 the
// screen has 44×11. The footer takes its short wordings, so the failed
// check's "Step to fix" line still shows above it.
func TestFailureAtWizardSizeShowsTheStepToFix(t *testing.T) {
	t.Parallel()
	h := newHarness(t, newFake(finished("contoso", consentMissing())), Deps{}, 44, 11)
	h.settle()
	h.wantView("✗ Exchange.ManageAsApp granted", "Step to fix: 3. Grant admin consent",
		"✗ Fix step 3, then retry.", "Retrying in 15s: Entra can be slow.")
}

// TestIDsAreNotSplitAtHyphens: a check's message names App and tenant IDs
// that the admin compares with the portal's; wrapped at their hyphens
// ("f08aab8f-" / "8168-…") they cannot be read or copied whole. Lines break
// at spaces; only a word wider than the line is cut.
func TestIDsAreNotSplitAtHyphens(t *testing.T) {
	t.Parallel()
	const app, tenant = "f08aab8f-8168-46ce-ad94-4b0923457c81", "8f3c2a51-6d0e-4b7a-9c1f-2e4d5a6b7c80"
	msg := "Entra has no app with Application (client) ID " + app + " in tenant " + tenant +
		"; if it exists, copy its ID — not the Object ID (step copy-ids)"
	for _, width := range []int{44, 63, 80} {
		m := New(Deps{Account: "contoso", Verifier: newFake()})
		m.SetSize(width, 20)
		rows := m.render(m.styles.Muted, "      ", msg)
		joined := ansi.Strip(strings.Join(rows, "\n"))
		for _, id := range []string{app, tenant, "copy-ids"} {
			if !strings.Contains(joined, id) {
				t.Errorf("%d columns: %s split:\n%s", width, id, joined)
			}
		}
		for _, r := range rows {
			if w := ansi.StringWidth(r); w > width {
				t.Errorf("%d columns: row %d wide: %q", width, w, r)
			}
		}
	}
}

// TestShortScreenGivesSpacersToTheChecks: when the checks do not fit (they
// scroll), the blank rows that set the header and the footer apart go to
// the checks instead; with room for everything they stay.
func TestShortScreenGivesSpacersToTheChecks(t *testing.T) {
	t.Parallel()
	h := newHarness(t, newFake(finished("contoso", consentMissing())), Deps{}, 44, 13)
	h.settle()
	lines := strings.Split(h.view(), "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) == "" {
			t.Errorf("row %d blank while the checks scroll:\n%s", i, strings.Join(lines, "\n"))
		}
	}
	h = newHarness(t, newFake(finished("contoso", consentMissing())), Deps{}, 80, 40)
	h.settle()
	if lines := strings.Split(h.view(), "\n"); strings.TrimSpace(lines[2]) != "" {
		t.Errorf("with room, the header's blank row is gone:\n%s", strings.Join(lines, "\n"))
	}
}
