package wizard

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/xops/xops/flow/wizard"
	"github.com/xops/xops/ui/verifyview"
)

// The upload page does not send the admin looking for a file xops never
// wrote: gone on without s, it says the certificate is not saved yet and how
// to save it; once saved, it names the file and the checklist's own words
// come back.
func TestUploadPageBeforeSavingSaysNoFile(t *testing.T) {
	t.Parallel()
	for _, size := range []struct{ w, h int }{{80, 24}, {60, 16}} {
		h, _, _ := newTestWizard(t, size.w, size.h+40) // tall: the whole page shows
		toCertificate(h, "contoso")
		h.press("enter")
		if h.m.st.Step != wizard.StepUpload {
			t.Fatalf("%dx%d: at %s", size.w, size.h, h.m.st.Step)
		}
		if shows(h, "xops saved") {
			t.Errorf("%dx%d: the upload page claims a saved file:\n%s", size.w, size.h, h.view())
		}
		for _, want := range []string{"Not saved yet: esc goes back to the certificate, where s saves it",
			"pick the certificate's .cer file once saved"} {
			if !shows(h, want) {
				t.Errorf("%dx%d: upload page lacks %q:\n%s", size.w, size.h, want, h.view())
			}
		}

		h.press("esc", "s")
		path := filepath.Join(h.m.d.WorkDir, "contoso.cer")
		h.pump(func() bool { return h.m.st.CertPath == path })
		h.press("enter")
		for _, want := range []string{"The file: " + path, "pick the .cer file xops saved"} {
			if !shows(h, want) {
				t.Errorf("%dx%d: after s, upload page lacks %q:\n%s", size.w, size.h, want, h.view())
			}
		}
		if strings.Contains(flat(h.view()), "Not saved yet") {
			t.Errorf("%dx%d: still says not saved:\n%s", size.w, size.h, h.view())
		}
	}
}

// The help bar offers pgdn only while there is more below and pgup only
// once there is something above: at the end of the upload page, "pgdn more"
// would be a key that does nothing.
func TestUploadScrollKeysOnlyWhenTheyMove(t *testing.T) {
	t.Parallel()
	h, _, _ := newTestWizard(t, 60, 16)
	toCertificate(h, "contoso")
	h.press("enter")
	h.view() // the page lays out its text as it draws, before the help bar
	if got := shortHelp(h.m); !strings.Contains(got, "pgdn more") || strings.Contains(got, "pgup") {
		t.Errorf("at the top: help %q", got)
	}
	for range 20 {
		h.press("pgdown")
		h.view()
	}
	if !shows(h, "▲ end") {
		t.Fatalf("not at the end:\n%s", h.view())
	}
	if got := shortHelp(h.m); strings.Contains(got, "pgdn") || !strings.Contains(got, "pgup back up") {
		t.Errorf("at the end: help %q", got)
	}
}

// The verification page gives the checks every row under the wizard's
// one-line header: at 60×16 (43×13 beside the navigation) a row left blank
// at the bottom is a check the admin has to scroll to.
func TestVerifyPageUsesEveryRow(t *testing.T) {
	t.Parallel()
	st := newMemStore()
	h := newHarness(t, Deps{Service: &fakeService{st: st, taken: map[string]bool{}}, Drafts: st, Keys: st, Verifier: &scriptedVerifier{}}, 43, 13)
	toCertificate(h, "contoso")
	h.press("enter", "enter")
	h.pump(func() bool {
		return h.m.st.Step == wizard.StepVerify && h.m.verify != nil && !h.m.verify.(*verifyview.Model).Running()
	})
	rows := strings.Split(h.view(), "\n")
	if len(rows) != 13 || strings.TrimSpace(rows[len(rows)-1]) == "" {
		t.Errorf("%d rows, the last %q:\n%s", len(rows), rows[len(rows)-1], h.view())
	}
	h.m.SetSize(43, 14) // and after a resize
	if rows := strings.Split(h.view(), "\n"); len(rows) != 14 || strings.TrimSpace(rows[len(rows)-1]) == "" {
		t.Errorf("after a resize: %d rows:\n%s", len(rows), h.view())
	}
}
