package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/xops/xops/assets"
	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/flow/validate"
	"github.com/xops/xops/flow/wizard"
	"github.com/xops/xops/store"
)

// linkSession is one run of the link wizard as plain prompts: the same pages
// as the TUI wizard (checklist, form, key, certificate, upload, save,
// verification), and what was made so far, so that a run that stops before
// the save takes it all back (the key, the certificate file).
type linkSession struct {
	a     *app
	p     *prompter
	svc   *flow.Service
	steps map[entra.Step]assets.Step
	done  map[entra.Step]bool
	// appID is the app registered in the sandbox from here ("" outside it).
	appID string

	in       flow.LinkInput
	sc       store.Credential
	certPEM  []byte // the certificate of sc, to write and upload
	keyMade  bool
	certPath string // the certificate file this run wrote
	saved    bool

	// fromAuto is set when a stopped automatic setup handed over to this
	// session (accessible_auto.go): the steps it did are ticked, the form is
	// filled with what it learned, and its key (autoCred, made for autoName
	// with autoDays) is reused unless the form changes what it was made
	// with. The automatic run's draft and key stay until the account is
	// saved, so a session stopped before that leaves the run resumable.
	fromAuto bool
	autoCred store.Credential
	autoName string
	autoDays int
}

// accessibleLink runs the link wizard. When it stops before the account is
// saved (end of input, ctrl+c, a failure), the key and the certificate file
// it made are removed: nothing half-made stays behind.
func (a *app) accessibleLink(p *prompter, svc *flow.Service) error {
	return a.runLinkSession(p, svc, nil)
}

// runLinkSession runs the guided wizard, fresh (ae nil) or taking over from
// the automatic setup that stopped with ae.
func (a *app) runLinkSession(p *prompter, svc *flow.Service, ae *flow.AutoLinkError) error {
	steps, err := assets.Checklist()
	if err != nil {
		return failedErr(err)
	}
	s := &linkSession{a: a, p: p, svc: svc, steps: map[entra.Step]assets.Step{}, done: map[entra.Step]bool{},
		in: flow.LinkInput{KeySize: flow.DefaultKeySize, CertDays: flow.DefaultCertDays}}
	for _, st := range steps {
		s.steps[st.ID] = st
	}
	if ae != nil {
		s.takeOver(ae)
	}
	err = s.run()
	if err != nil && !s.saved && s.fromAuto {
		if derr := s.discard(); derr != nil {
			return errors.Join(err, derr)
		}
		return &autoStopped{cause: err, name: s.autoName}
	}
	if err != nil && !s.saved {
		if derr := s.discard(); derr != nil {
			err = errors.Join(err, derr)
		}
	}
	if err != nil && s.saved {
		next := fmt.Sprintf("the account %s is saved, not verified yet; to verify it run: xops accounts verify %s", oneLine(s.in.Name), shellQuote(s.in.Name))
		switch {
		case errors.Is(err, errInputEnded):
			return usageErr("input ended; %s", next)
		case errors.Is(err, errInterrupted):
			return failedErr(fmt.Errorf("interrupted; %s", next))
		}
	}
	return err
}

func (s *linkSession) run() error {
	s.p.say("")
	if s.fromAuto {
		s.p.say("The guided checklist, with what the automatic setup did ticked and the IDs it learned filled in.")
		s.p.say("End of input (ctrl+d) stops here; the automatic setup's progress stays, to resume or to come back to.")
	} else {
		s.p.say("Link a new Microsoft 365 account. End of input (ctrl+d) stops here with nothing saved.")
	}
	for _, step := range []func() error{s.checklist, s.form, s.generate, s.writeCertificate, s.upload, s.save} {
		if err := step(); err != nil {
			return err
		}
	}
	_, err := s.a.accessibleVerify(s.p, s.svc, s.in.Name, s.sandboxFix)
	return err
}

// page announces a page of the wizard, numbered as the TUI numbers them.
func (s *linkSession) page(st wizard.Step) {
	s.p.say("")
	s.p.say("== Step %d of %d: %s ==", st.Number(), len(wizard.Steps), st.Title())
}

// checklist walks the Entra steps one by one (the certificate upload comes
// after the certificate exists), then asks once about steps left undone.
func (s *linkSession) checklist() error {
	s.page(wizard.StepChecklist)
	s.p.say("Do each step in the Microsoft Entra admin center (%s), then answer.", assets.EntraHome)
	before := checklistBeforeUpload()
	for i, id := range before {
		if err := s.checkStep(i+1, id); err != nil {
			return err
		}
	}
	for {
		var undone []string
		for _, id := range before {
			if !s.done[id] {
				undone = append(undone, s.steps[id].Title)
			}
		}
		if len(undone) == 0 {
			return nil
		}
		s.p.say("Not done yet: %s.", strings.Join(undone, "; "))
		goOn, err := s.p.yesNo("Continue anyway? Verification will name what is missing.", false)
		if err != nil || goOn {
			return err
		}
		for i, id := range before {
			if !s.done[id] {
				if err := s.checkStep(i+1, id); err != nil {
					return err
				}
			}
		}
	}
}

// checklistBeforeUpload is the checklist without its last step: the
// certificate to upload does not exist yet.
func checklistBeforeUpload() []entra.Step {
	var out []entra.Step
	for _, id := range entra.ChecklistSteps {
		if id != entra.StepUploadCertificate {
			out = append(out, id)
		}
	}
	return out
}

// checkStep prints one checklist step and asks whether it is done (in the
// sandbox, it can be done from here).
func (s *linkSession) checkStep(n int, id entra.Step) error {
	st := s.steps[id]
	s.p.say("")
	if s.fromAuto && s.done[id] {
		s.p.say("%d. %s (%s): done by the automatic setup.", n, st.Title, id)
		return nil
	}
	s.p.say("%d. %s (%s)", n, st.Title, id)
	s.p.say("   %s", st.Summary)
	if st.Where != "" {
		s.p.say("   Where: %s", st.Where)
	}
	for _, l := range st.Links {
		s.p.say("   %s: %s", l.Label, l.URL)
	}
	for _, d := range st.Do {
		s.p.say("   - %s", d)
	}
	for _, w := range st.Pitfalls {
		s.p.say("   Watch out: %s", w)
	}
	if id == entra.StepCopyIDs && s.in.AppID != "" {
		s.p.say("   The form below offers: App ID %s, tenant ID %s, organization %s.", s.in.AppID, s.in.TenantID, s.in.Organization)
	}
	return s.askDone(id)
}

// askDone asks "done?"; in the sandbox "s" performs the step in the
// simulated admin center.
func (s *linkSession) askDone(id entra.Step) error {
	if s.a.sb == nil {
		yes, err := s.p.yesNo("Done?", false)
		s.done[id] = yes
		return err
	}
	for {
		c, err := s.p.choose("Done? (s: do it in the sandbox now)", []choice{{"y", "yes"}, {"n", "no"}, {"s", "do it in the sandbox"}}, "n")
		if err != nil {
			return err
		}
		switch c {
		case "y":
			s.done[id] = true
			return nil
		case "n":
			s.done[id] = false
			return nil
		}
		if err := s.sandboxDo(id); err != nil {
			s.p.say("Sandbox: %s", oneLine(err.Error()))
			continue
		}
		s.done[id] = true
		return nil
	}
}

// sandboxDo performs step in the simulated tenant, as the admin would in the
// admin center.
func (s *linkSession) sandboxDo(id entra.Step) error {
	sb := s.a.sb
	if id == entra.StepRegisterApp {
		name := s.in.Name
		if name == "" {
			name = "Xops"
		}
		appID, err := sb.RegisterApp(name)
		if err != nil {
			return err
		}
		s.appID = appID
		s.p.say("Sandbox: registered the app %q, App ID %s.", name, appID)
		return nil
	}
	if s.appID == "" {
		return errors.New("register the app first (step 1): the sandbox has no app of this link yet")
	}
	switch id {
	case entra.StepCopyIDs:
		s.in.AppID, s.in.TenantID, s.in.Organization = s.appID, sb.TenantID(), sb.Domain()
		s.p.say("Sandbox: App ID %s, tenant ID %s, organization %s (the form offers them).", s.in.AppID, s.in.TenantID, s.in.Organization)
		return nil
	case entra.StepUploadCertificate:
		if len(s.certPEM) == 0 {
			return errors.New("the certificate does not exist yet: it is made after the form")
		}
		if err := sb.Perform(id, s.appID, s.certPEM); err != nil {
			return err
		}
	default:
		if err := sb.Perform(id, s.appID, nil); err != nil {
			return err
		}
	}
	s.p.say("Sandbox: done: %s.", s.steps[id].Title)
	return nil
}

// sandboxFix is what verification offers in the sandbox: doing the step it
// names. Outside the sandbox it is nil.
func (s *linkSession) sandboxFix(id entra.Step) error {
	if s.a.sb == nil {
		return errors.New("only the sandbox can do a step from here")
	}
	return s.sandboxDo(id)
}

// form asks for the account's fields, one prompt each, with the form's own
// validators, then checks the whole again (a name may have been taken
// meanwhile) and asks again for what is refused.
func (s *linkSession) form() error {
	s.page(wizard.StepForm)
	ask := map[string]bool{validate.FieldName: true, validate.FieldAppID: true, validate.FieldTenantID: true,
		validate.FieldOrganization: true, validate.FieldKeySize: true, validate.FieldCertDays: true}
	for {
		if err := s.askFields(ask); err != nil {
			return err
		}
		clean, warnings, ferrs := s.svc.CheckLinkInput(s.in)
		if len(ferrs) == 0 {
			s.in = clean
			for _, w := range warnings {
				s.p.say("Note: %s", oneLine(w))
			}
			return nil
		}
		ask = map[string]bool{}
		for _, fe := range ferrs {
			s.p.say("  %s", fieldProblem(fe))
			ask[fe.Field] = true
		}
	}
}

func (s *linkSession) askFields(ask map[string]bool) error {
	type fieldAsk struct {
		field, label, def string
		check             func(string) (string, error)
		set               func(string)
	}
	fields := []fieldAsk{
		{validate.FieldName, validate.LabelName, s.in.Name, s.checkName, func(v string) { s.in.Name = v }},
		{validate.FieldAppID, validate.LabelAppID, s.in.AppID, validate.AppID, func(v string) { s.in.AppID = v }},
		{validate.FieldTenantID, validate.LabelTenantID, s.in.TenantID, s.checkTenantID, func(v string) { s.in.TenantID = v }},
		{validate.FieldOrganization, validate.LabelOrganization + " (the *.onmicrosoft.com domain)", s.in.Organization, s.checkOrganization,
			func(v string) { s.in.Organization = v }},
		{validate.FieldKeySize, validate.LabelKeySize + " in bits (2048, 3072 or 4096)", strconv.Itoa(s.in.KeySize),
			intField(validate.LabelKeySize, validate.KeySize), func(v string) { s.in.KeySize, _ = strconv.Atoi(v) }},
		{validate.FieldCertDays, validate.LabelCertDays + " in days", strconv.Itoa(s.in.CertDays),
			intField(validate.LabelCertDays, validate.CertDays), func(v string) { s.in.CertDays, _ = strconv.Atoi(v) }},
	}
	for _, f := range fields {
		if !ask[f.field] {
			continue
		}
		v, err := s.p.field(f.label, f.def, f.check)
		if err != nil {
			return err
		}
		f.set(v)
	}
	return nil
}

// checkName is the name's validator plus uniqueness against the store.
func (s *linkSession) checkName(v string) (string, error) {
	name, err := validate.Name(v)
	if err != nil {
		return "", err
	}
	_, _, ferrs := s.svc.CheckLinkInput(flow.LinkInput{Name: name})
	for _, fe := range ferrs {
		if fe.Field == validate.FieldName {
			return "", fe
		}
	}
	return name, nil
}

// checkTenantID refuses the App ID pasted again as the tenant ID.
func (s *linkSession) checkTenantID(v string) (string, error) {
	id, err := validate.TenantID(v)
	if err != nil {
		return "", err
	}
	if err := validate.IDsDiffer(s.in.AppID, id); err != nil {
		return "", err
	}
	return id, nil
}

func (s *linkSession) checkOrganization(v string) (string, error) {
	org, _, err := validate.Organization(v)
	return org, err // the warning, if any, is said once the form is complete
}

// intField reads a whole number and hands it to the field's validator.
func intField(label string, check func(int) error) func(string) (string, error) {
	return func(v string) (string, error) {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return "", fmt.Errorf("%s: %q is not a whole number; type digits only", label, oneLine(v))
		}
		if err := check(n); err != nil {
			return "", err
		}
		return strconv.Itoa(n), nil
	}
}

// generate makes the key pair and certificate. The key is stored at once
// under the credential's id (never printed); discard removes it if the run
// stops before the save.
func (s *linkSession) generate() error {
	s.page(wizard.StepGenerate)
	if s.autoCred.ID != "" {
		if s.in.Name == s.autoName && s.in.KeySize == s.autoCred.KeySize && s.in.CertDays == s.autoDays {
			s.sc = s.autoCred
			s.p.say("Reusing the key the automatic setup made. Thumbprint (SHA-1): %s; valid %s to %s.",
				s.sc.Thumbprint, rfc3339(s.sc.NotBefore), rfc3339(s.sc.NotAfter))
			return nil
		}
		s.p.say("The name, key size or lifetime differs from the key the automatic setup made: making a new one (that key is removed once the account is saved).")
	}
	s.p.say("Making a %d-bit RSA key and a certificate valid %d days (a few seconds)…", s.in.KeySize, s.in.CertDays)
	sc, cred, err := s.svc.NewCredential(s.p.ctx, s.in.Name, s.in.KeySize, s.in.CertDays)
	if err != nil {
		if s.p.ctx.Err() != nil {
			return errInterrupted
		}
		return failedErr(err)
	}
	s.sc, s.certPEM, s.keyMade = sc, cred.CertificatePEM(), true
	s.p.say("Done. Thumbprint (SHA-1): %s; valid %s to %s.", sc.Thumbprint, rfc3339(sc.NotBefore), rfc3339(sc.NotAfter))
	return nil
}

// writeCertificate saves the certificate (PEM), ./NAME.cer unless the admin
// types another path; an existing file is replaced only when they say so.
func (s *linkSession) writeCertificate() error {
	s.page(wizard.StepCertificate)
	def := "./" + flow.CertificateFileName(s.in.Name)
	for {
		path, err := s.p.field("Save the certificate to", def, checkCertFolder)
		if err != nil {
			return err
		}
		replace := false
		if fi, err := os.Lstat(path); err == nil {
			if fi.IsDir() {
				s.p.say("  %s is a folder; type a file name.", oneLine(path))
				continue
			}
			yes, err := s.p.yesNo(oneLine(path)+" already exists. Replace it?", false)
			if err != nil {
				return err
			}
			if !yes {
				continue
			}
			replace = true
		} else if !errors.Is(err, fs.ErrNotExist) {
			s.p.say("  cannot use %s: %s", oneLine(path), oneLine(err.Error()))
			continue
		}
		if err := writeCertFile(path, s.certPEM, replace); err != nil {
			s.p.say("  cannot write %s: %s; type another path.", oneLine(path), oneLine(err.Error()))
			continue
		}
		s.certPath = path
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
		}
		s.p.say("Saved the certificate to %s.", oneLine(path))
		if ext := strings.ToLower(filepath.Ext(path)); ext != ".cer" && ext != ".pem" && ext != ".crt" {
			s.p.say("Note: Entra takes .cer, .pem or .crt files only; rename the file before uploading it.")
		}
		return nil
	}
}

// checkCertFolder accepts a path whose folder exists.
func checkCertFolder(v string) (string, error) {
	if strings.TrimSpace(v) == "" {
		return "", errors.New("type a file path, for example ./contoso.cer")
	}
	dir := filepath.Dir(v)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return "", fmt.Errorf("the folder %s does not exist; create it or type another path", oneLine(dir))
	}
	return v, nil
}

// writeCertFile writes the public certificate (mode 0644): a new file, or
// over an existing one the admin agreed to replace.
func writeCertFile(path string, data []byte, replace bool) error {
	if !replace {
		return writeNewFile(path, data, 0o644)
	}
	return os.WriteFile(path, data, 0o644)
}

// upload is the checklist's last step, with the thumbprint to compare.
func (s *linkSession) upload() error {
	s.page(wizard.StepUpload)
	abs, err := filepath.Abs(s.certPath)
	if err != nil {
		abs = s.certPath
	}
	st := s.steps[entra.StepUploadCertificate]
	s.p.say("%s: upload %s", st.Title, oneLine(abs))
	if st.Where != "" {
		s.p.say("   Where: %s", st.Where)
	}
	for _, d := range st.Do {
		s.p.say("   - %s", d)
	}
	for _, w := range st.Pitfalls {
		s.p.say("   Watch out: %s", w)
	}
	s.p.say("   Entra must then list the thumbprint %s.", s.sc.Thumbprint)
	if s.fromAuto && s.done[entra.StepUploadCertificate] && s.sc.ID == s.autoCred.ID {
		s.p.say("Done by the automatic setup: the app has this certificate already.")
		return nil
	}
	s.done[entra.StepUploadCertificate] = false // a new certificate is not on the app yet
	if err := s.askDone(entra.StepUploadCertificate); err != nil {
		return err
	}
	if !s.done[entra.StepUploadCertificate] {
		s.p.say("Verification fails at %s until the certificate is uploaded.", entra.StepUploadCertificate)
	}
	return nil
}

// save writes the account with its key, in one transaction.
func (s *linkSession) save() error {
	s.page(wizard.StepSave)
	acc, err := s.svc.SaveAccount(s.in, s.sc)
	if err != nil {
		return classify(err)
	}
	s.saved = true
	s.in.Name = acc.Name
	s.p.say("Saved the account %s (not verified yet).", oneLine(acc.Name))
	if s.fromAuto {
		s.dropAutoRun()
	}
	return nil
}

// discard takes back what a run that stopped before the save made.
func (s *linkSession) discard() error {
	var errs []error
	if s.keyMade {
		if err := s.svc.Store.DeleteKey(s.sc.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
			errs = append(errs, fmt.Errorf("remove the unused key: %w", err))
		}
	}
	if s.certPath != "" {
		if err := os.Remove(s.certPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("remove the unused certificate %s: %w", s.certPath, err))
		}
	}
	return errors.Join(errs...)
}
