// Package assets holds the text xops ships with: the Entra checklist's steps
// in our own words, with where to click, the exact names to look for, what
// trips people up, and links into the Microsoft Entra admin center.
//
// The texts live in checklist/*.txt, embedded at build time, so writers can
// change them without touching code. Each file is a few "key: value" header
// lines (id, title, summary, where, and one or more "link: Label | URL"), a
// blank line, then the body: numbered lines are what to do, lines starting
// with "! " are what trips people up.
package assets

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/xops/xops/entra"
)

//go:embed checklist/*.txt
var checklistFiles embed.FS

// EntraHome is the Microsoft Entra admin center's home page.
const EntraHome = "https://entra.microsoft.com/"

// Link is a page of the Entra admin center.
type Link struct {
	Label string
	URL   string
}

// Step is one checklist step as the admin reads it.
type Step struct {
	ID      entra.Step
	Title   string
	Summary string
	// Where is the path to click through in the admin center.
	Where string
	Links []Link
	// Do is what to do, in order.
	Do []string
	// Pitfalls is what trips people up.
	Pitfalls []string
}

// Checklist returns the checklist's steps in the order of entra.ChecklistSteps.
// The texts are embedded and checked by the package's tests, so an error here
// means a broken build; it is returned rather than hidden.
func Checklist() ([]Step, error) {
	names, err := fs.Glob(checklistFiles, "checklist/*.txt")
	if err != nil {
		return nil, fmt.Errorf("list checklist texts: %w", err)
	}
	sort.Strings(names)
	byID := map[entra.Step]Step{}
	for _, name := range names {
		b, err := checklistFiles.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		st, err := parseStep(string(b))
		if err != nil {
			return nil, fmt.Errorf("checklist text %s: %w", name, err)
		}
		byID[st.ID] = st
	}
	out := make([]Step, 0, len(entra.ChecklistSteps))
	for _, id := range entra.ChecklistSteps {
		st, ok := byID[id]
		if !ok {
			return nil, fmt.Errorf("checklist text for step %q is missing", id)
		}
		out = append(out, st)
	}
	return out, nil
}

// parseStep reads one checklist text.
func parseStep(text string) (Step, error) {
	var st Step
	head, body, _ := strings.Cut(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n")
	for _, line := range strings.Split(head, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			return Step{}, fmt.Errorf("header line %q has no \"key:\"", line)
		}
		v = strings.TrimSpace(v)
		switch strings.TrimSpace(k) {
		case "id":
			st.ID = entra.Step(v)
		case "title":
			st.Title = v
		case "summary":
			st.Summary = v
		case "where":
			st.Where = v
		case "link":
			label, url, ok := strings.Cut(v, "|")
			label, url = strings.TrimSpace(label), strings.TrimSpace(url)
			if !ok || label == "" || !strings.HasPrefix(url, EntraHome) {
				return Step{}, fmt.Errorf("link %q: want \"Label | %s…\"", v, EntraHome)
			}
			st.Links = append(st.Links, Link{Label: label, URL: url})
		default:
			return Step{}, fmt.Errorf("unknown header %q", k)
		}
	}
	for _, line := range strings.Split(body, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
		case strings.HasPrefix(line, "! "):
			st.Pitfalls = append(st.Pitfalls, strings.TrimPrefix(line, "! "))
		default:
			_, rest, ok := strings.Cut(line, ". ")
			if !ok || !isNumber(line[:strings.Index(line, ".")]) {
				return Step{}, fmt.Errorf("body line %q: want \"N. what to do\" or \"! pitfall\"", line)
			}
			st.Do = append(st.Do, rest)
		}
	}
	if st.ID == "" || st.Title == "" || st.Where == "" || len(st.Links) == 0 || len(st.Do) == 0 {
		return Step{}, fmt.Errorf("id, title, where, a link and what to do are all required")
	}
	return st, nil
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// AppCertificatesURL is the deep link to an app's "Certificates & secrets"
// page, once the Application (client) ID is known.
func AppCertificatesURL(appID string) string {
	return EntraHome + "#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/Credentials/appId/" + appID + "/isMSAApp~/false"
}

// savedCertFile is how the upload step's text names the file to pick. It
// holds only once xops has written the file; UploadDo puts other words in
// its place where it has not.
const savedCertFile = "the .cer file xops saved"

// UploadDo is the upload step's "what to do" once the certificate exists:
// the checklist's lines without the first, which says the step comes after
// the form. file names the file to pick; "" keeps the checklist's "the .cer
// file xops saved", which is true only once xops has written it, so a page
// where nothing was saved yet, or where the admin exported the certificate
// himself, says so instead of sending him looking for a file that is not
// there.
func UploadDo(file string) ([]string, error) {
	steps, err := checklistOnce()
	if err != nil {
		return nil, err
	}
	for _, st := range steps {
		if st.ID != entra.StepUploadCertificate {
			continue
		}
		do := slices.Clone(st.Do[1:])
		if file != "" {
			for i, d := range do {
				do[i] = strings.Replace(d, savedCertFile, file, 1)
			}
		}
		return do, nil
	}
	return nil, fmt.Errorf("checklist text for step %q is missing", entra.StepUploadCertificate)
}

// checklistOnce parses the embedded texts once; they never change at run time.
var checklistOnce = sync.OnceValues(Checklist)

// StepTitle is a checklist step's title as the checklist shows it ("Make
// the app a Global Reader"): the one name every screen and the CLI's human
// output use for the step. ok is false for a step the checklist does not
// list (the form, the key) or when the embedded texts are broken (which the
// package's tests rule out).
func StepTitle(id entra.Step) (title string, ok bool) {
	steps, err := checklistOnce()
	if err != nil {
		return "", false
	}
	for _, st := range steps {
		if st.ID == id {
			return st.Title, true
		}
	}
	return "", false
}
