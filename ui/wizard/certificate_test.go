package wizard

import (
	"encoding/pem"
	"strings"
	"testing"
)

func TestRewrapPEMStaysValid(t *testing.T) {
	t.Parallel()
	c, err := testCred()
	if err != nil {
		t.Fatal(err)
	}
	orig := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Certificate.Raw}))
	for _, w := range []int{80, 63, 43, 20, 5} {
		got := rewrapPEM(strings.TrimRight(orig, "\n"), w)
		for _, l := range strings.Split(got, "\n") {
			if w >= 28 && len(l) > w { // the BEGIN/END lines are 27/25 wide
				t.Errorf("width %d: line of %d: %q", w, len(l), l)
			}
		}
		blk, _ := pem.Decode([]byte(got))
		if blk == nil || string(blk.Bytes) != string(c.Certificate.Raw) {
			t.Errorf("width %d: the re-wrapped PEM is not the certificate", w)
		}
	}
}

func TestCertificatePathEditedAndExtensionChecked(t *testing.T) {
	t.Parallel()
	h, _, _ := newTestWizard(t, 63, 21)
	toCertificate(h, "contoso")
	h.press("e")
	if !h.m.Capturing() {
		t.Fatal("editing the path does not capture keys")
	}
	for range len(".cer") {
		h.press("backspace")
	}
	h.typeText(".txt")
	h.press("enter")
	h.pump(func() bool { return strings.HasSuffix(h.m.st.CertPath, "contoso.txt") })
	h.pump(func() bool {
		for _, s := range h.statuses() {
			if strings.Contains(s, "Entra only takes .cer, .pem or .crt files") {
				return true
			}
		}
		return false
	})
	if h.m.Capturing() {
		t.Error("still capturing after enter")
	}
}

// TestCertificatePageAt60x16ShowsThePath: at 44 columns the file name is
// whole, the "not saved yet" state under it rather than cutting it.
func TestCertificatePageAt60x16ShowsThePath(t *testing.T) {
	t.Parallel()
	h, _, _ := newTestWizard(t, 44, 13)
	toCertificate(h, "Contoso Holdings")
	v := h.view()
	if !strings.Contains(v, "Save as: Contoso-Holdings.cer") || !strings.Contains(v, "not saved yet: s saves") {
		t.Errorf("certificate page at 44×13:\n%s", v)
	}
	for _, l := range strings.Split(v, "\n") {
		if strings.Contains(l, "…") && !strings.Contains(l, "more lines") {
			t.Errorf("a cut line: %q", l)
		}
	}
}

// Beside the path the state is set apart by " · ": without colour
// "Save as: Contoso.cer not saved yet: s saves" read as one run-on phrase.
func TestCertificatePageSeparatesPathAndState(t *testing.T) {
	t.Parallel()
	h, _, _ := newTestWizard(t, 80, 24)
	toCertificate(h, "Contoso")
	if v := h.view(); !strings.Contains(v, "Save as: Contoso.cer · not saved yet: s saves") {
		t.Errorf("certificate page at 80×24:\n%s", v)
	}
}

// The scp line is a command to copy: where "Fetch it: " and the command do
// not fit on one line, the command starts a line of its own and keeps its
// closing " ." (a lone "." on the next line was easy to leave out).
func TestFetchCommandKeptWhole(t *testing.T) {
	t.Parallel()
	st := newMemStore()
	h := newHarness(t, Deps{Service: &fakeService{st: st, taken: map[string]bool{}}, Drafts: st, Keys: st, WorkDir: "/home/admin"}, 43, 13)
	toCertificate(h, "contoso")
	const cmd = "scp admin@jump1:/home/admin/contoso.cer ."
	found := false
	for _, l := range strings.Split(h.view(), "\n") {
		l = strings.TrimSpace(l)
		if l == "." {
			t.Errorf("a lone '.':\n%s", h.view())
		}
		found = found || l == cmd
	}
	if !found {
		t.Errorf("no line %q:\n%s", cmd, h.view())
	}
	st = newMemStore()
	h = newHarness(t, Deps{Service: &fakeService{st: st, taken: map[string]bool{}}, Drafts: st, Keys: st, WorkDir: "/home/admin"}, 80, 24)
	toCertificate(h, "contoso")
	if !shows(h, "Fetch it: "+cmd) {
		t.Errorf("at 80 columns the command is not beside 'Fetch it:':\n%s", h.view())
	}
}
