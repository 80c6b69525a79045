package wizard

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/xops/xops/flow/wizard"
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
