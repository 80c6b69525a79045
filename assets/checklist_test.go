package assets

import (
	"strings"
	"testing"

	"github.com/xops/xops/entra"
)

func TestChecklistCoversEveryStep(t *testing.T) {
	t.Parallel()
	steps, err := Checklist()
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != len(entra.ChecklistSteps) {
		t.Fatalf("got %d steps, want %d", len(steps), len(entra.ChecklistSteps))
	}
	for i, st := range steps {
		if st.ID != entra.ChecklistSteps[i] {
			t.Errorf("step %d is %s, want %s", i, st.ID, entra.ChecklistSteps[i])
		}
		for _, l := range st.Links {
			if !strings.HasPrefix(l.URL, "https://entra.microsoft.com/") {
				t.Errorf("%s: link %q is not the Entra admin center", st.ID, l.URL)
			}
		}
	}
}

// TestChecklistNamesTheTraps: the exact names admins must look for, and the
// mistakes the checklist exists to prevent, are spelled out.
func TestChecklistNamesTheTraps(t *testing.T) {
	t.Parallel()
	steps, err := Checklist()
	if err != nil {
		t.Fatal(err)
	}
	text := map[entra.Step]string{}
	for _, st := range steps {
		text[st.ID] = strings.Join(append(append([]string{st.Title, st.Summary, st.Where}, st.Do...), st.Pitfalls...), "\n")
	}
	for step, musts := range map[entra.Step][]string{
		entra.StepRegisterApp:           {"New registration", "Accounts in this organizational directory only", "Register"},
		entra.StepAddExchangePermission: {"APIs my organization uses", "Office 365 Exchange Online", "Application permissions", "Exchange.ManageAsApp", "NOT under Microsoft Graph"},
		entra.StepGrantAdminConsent:     {"Grant admin consent", "Global Administrator"},
		entra.StepAssignGlobalReader:    {"Roles and administrators", "Global Reader", "Add assignments"},
		entra.StepCopyIDs:               {"Application (client) ID", "Directory (tenant) ID", ".onmicrosoft.com", "Domain names"},
		entra.StepUploadCertificate:     {"Certificates & secrets", "Upload certificate", "thumbprint"},
	} {
		for _, m := range musts {
			if !strings.Contains(text[step], m) {
				t.Errorf("%s does not mention %q", step, m)
			}
		}
	}
}

func TestParseStepErrors(t *testing.T) {
	t.Parallel()
	for name, in := range map[string]string{
		"no colon":    "id register-app\n\n1. x",
		"bad link":    "id: a\ntitle: t\nwhere: w\nlink: http://evil.example\n\n1. x",
		"bad body":    "id: a\ntitle: t\nwhere: w\nlink: L | https://entra.microsoft.com/\n\nfree text",
		"missing do":  "id: a\ntitle: t\nwhere: w\nlink: L | https://entra.microsoft.com/\n\n! only a pitfall",
		"unknown key": "id: a\ncolour: red\n\n1. x",
	} {
		if _, err := parseStep(in); err == nil {
			t.Errorf("%s: parsed without error", name)
		}
	}
}

func TestAppCertificatesURL(t *testing.T) {
	t.Parallel()
	got := AppCertificatesURL("11111111-1111-1111-1111-111111111111")
	if !strings.HasPrefix(got, EntraHome) || !strings.Contains(got, "/Credentials/appId/11111111-1111-1111-1111-111111111111/") {
		t.Errorf("got %s", got)
	}
}

// UploadDo names the file as the caller says, and the checklist keeps the
// words it replaces (a rewording here would otherwise leave "the .cer file
// xops saved" on pages where nothing was saved).
func TestUploadDoNamesTheFile(t *testing.T) {
	t.Parallel()
	saved, err := UploadDo("")
	if err != nil {
		t.Fatal(err)
	}
	if len(saved) == 0 || !strings.Contains(strings.Join(saved, "\n"), savedCertFile) {
		t.Fatalf("the upload step no longer says %q: %q", savedCertFile, saved)
	}
	if strings.Contains(saved[0], "after the form") {
		t.Errorf("the first line is the wizard's 'after the form': %q", saved[0])
	}
	other, err := UploadDo("the .cer file you exported")
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(other, "\n")
	if strings.Contains(joined, savedCertFile) || !strings.Contains(joined, "pick the .cer file you exported") {
		t.Errorf("UploadDo(other words) = %q", other)
	}
	if again, _ := UploadDo(""); strings.Join(again, "\n") != strings.Join(saved, "\n") {
		t.Errorf("UploadDo changed the checklist it shares: %q", again)
	}
}
