package wizard

import (
	"strings"
	"testing"

	"github.com/xops/xops/flow/wizard"
	"github.com/xops/xops/ui/uikit"
)

func newTestWizard(t *testing.T, w, h int) (*harness, *memStore, *fakeService) {
	t.Helper()
	st := newMemStore()
	svc := &fakeService{st: st, taken: map[string]bool{}}
	return newHarness(t, Deps{Service: svc, Drafts: st, Keys: st}, w, h), st, svc
}

func TestChecklistTicksAndAsksOnce(t *testing.T) {
	t.Parallel()
	h, st, _ := newTestWizard(t, 63, 21)
	if v := h.view(); !strings.Contains(v, "› [ ] 1. Register an app for Xops") {
		t.Fatalf("cursor not on step 1:\n%s", v)
	}
	h.press("space")
	if v := h.view(); !strings.Contains(v, "› [✓] 1. Register an app") {
		t.Fatalf("step 1 not ticked:\n%s", v)
	}
	h.pump(func() bool { return strings.Contains(st.draft(), `"ticked":["register-app"]`) })

	h.press("down", "down", "space", "enter")
	if v := h.view(); !strings.Contains(v, "Steps 2, 4, 5 not ticked. Continue anyway? y/n") {
		t.Fatalf("no question:\n%s", v)
	}
	h.press("n")
	if v := h.view(); !strings.Contains(v, "› [ ] 2. Add the Exchange permission") || strings.Contains(v, "Continue anyway") {
		t.Fatalf("n should close the question and point at step 2:\n%s", v)
	}
	h.press("enter", "y")
	if h.m.st.Step != wizard.StepForm {
		t.Fatalf("y should continue to the form, at %s", h.m.st.Step)
	}
	h.press("esc")
	h.drain()
	h.press("enter")
	if h.m.st.Step != wizard.StepForm {
		t.Fatalf("the question is asked once; at %s\n%s", h.m.st.Step, h.view())
	}
}

func TestChecklistDetailScrollsAndLinks(t *testing.T) {
	t.Parallel()
	big, _, _ := newTestWizard(t, 63, 21)
	if raw := big.m.View(); !strings.Contains(raw, "\x1b]8;id=xops-") || !strings.Contains(raw,
		"https://entra.microsoft.com/#view/Microsoft_AAD_RegisteredApps/ApplicationsListBlade\a") {
		t.Errorf("admin-center links are not OSC 8 hyperlinks:\n%q", raw)
	}
	h, _, _ := newTestWizard(t, 43, 13) // the root's page area at 60×16
	h.press("down")
	first := h.view()
	if !strings.Contains(first, "more lines: pgdn") {
		t.Fatalf("no scroll hint at 43×13:\n%s", first)
	}
	seen := first
	for i := 0; i < 20 && !strings.Contains(h.view(), "▲ end"); i++ {
		h.press("pgdown")
		seen += h.view()
	}
	for _, want := range []string{"https://entra.microsoft.com/", "Office 365 Exchange Online", "Exchange.ManageAsApp",
		"APIs my organization uses", "NOT under Microsoft Graph", "Application permissions"} {
		if !strings.Contains(flat(seen), flat(want)) {
			t.Errorf("scrolling the detail never shows %q", want)
		}
	}
	h.press("pgup")
	if h.view() == first {
		t.Log("pgup went back")
	}
}

func TestChecklistEscLeaves(t *testing.T) {
	t.Parallel()
	h, _, _ := newTestWizard(t, 63, 21)
	h.press("esc")
	h.pump(func() bool { return h.sawOut(uikit.BackMsg{}) })
}

func TestEveryScreenFits(t *testing.T) {
	t.Parallel()
	for _, size := range [][2]int{{63, 21}, {43, 13}, {80, 24}} {
		h, _, _ := newTestWizard(t, size[0], size[1])
		check := func(where string) {
			t.Helper()
			v := h.view()
			lines := strings.Split(v, "\n")
			if len(lines) > size[1] {
				t.Errorf("%s at %dx%d: %d lines:\n%s", where, size[0], size[1], len(lines), v)
			}
			for _, l := range lines {
				if w := len([]rune(l)); w > size[0] {
					t.Errorf("%s at %dx%d: line of %d cells: %q", where, size[0], size[1], w, l)
				}
			}
		}
		check("checklist")
		h.press("enter", "y")
		h.drain()
		check("form")
		walkForm(h, "contoso")
		h.pump(func() bool { return h.m.st.Step == wizard.StepCertificate })
		check("certificate")
		h.press("enter")
		check("upload")
	}
}

// TestChecklistAt60x16ReadsWhole: 44 columns (60×16 beside the side
// navigation) take the short wordings, not cut ones, and the help keeps
// moving, ticking and enter in one 60-column bar.
func TestChecklistAt60x16ReadsWhole(t *testing.T) {
	t.Parallel()
	st := newMemStore()
	h := newHarness(t, Deps{Service: &fakeService{st: st}, Drafts: st, Keys: st, Sandbox: &fakeSandbox{}}, 44, 13)
	v := h.view()
	for _, want := range []string{"Sandbox: d does the step for you.", "6. Upload the certificate (later)"} {
		if !strings.Contains(v, want) {
			t.Errorf("lacks %q:\n%s", want, v)
		}
	}
	for _, l := range strings.Split(v, "\n")[:9] {
		if strings.Contains(l, "…") {
			t.Errorf("a cut line: %q", l)
		}
	}
	// The root adds "? more keys • q quit" and drops keys from the end.
	const first = "↑↓ move • space tick • enter continue"
	if bar := shortHelp(h.m); !strings.HasPrefix(bar, first) || len([]rune(first+" • ? more keys • q quit")) > 60 {
		t.Errorf("help %q", bar)
	}
}

// At 60×16 (43 columns) the question keeps its "y/n": with every step
// unticked it read "Steps 1, 2, 3, 4, 5 not ticked. Continue anywa…".
func TestUntickedQuestionWholeWhenNarrow(t *testing.T) {
	t.Parallel()
	h, _, _ := newTestWizard(t, 43, 13)
	h.press("enter")
	if !shows(h, "1, 2, 3, 4, 5 not ticked: continue? y/n") {
		t.Errorf("the question at 43 columns:\n%s", h.view())
	}
	h, _, _ = newTestWizard(t, 80, 24)
	h.press("enter")
	if !shows(h, "Steps 1, 2, 3, 4, 5 not ticked. Continue anyway? y/n") {
		t.Errorf("the question at 80 columns:\n%s", h.view())
	}
}
