package main

import (
	"errors"
	"strings"

	"github.com/xops/xops/assets"
	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow/wizard"
)

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
	if s.draft && s.done[id] {
		s.p.say("%d. %s (%s): ticked in the earlier session.", n, st.Title, id)
		return nil
	}
	s.p.say("%d. %s (%s)", n, st.Title, id)
	s.p.say("   %s", st.Summary)
	if st.Where != "" {
		s.p.say("   Where: %s", st.Where)
	}
	for _, d := range st.Do {
		s.p.say("   - %s", d)
	}
	for _, w := range st.Pitfalls {
		s.p.say("   Watch out: %s", w)
	}
	// The addresses come last: read aloud in full they are long, and the
	// steps are what the admin listens for first.
	for _, l := range st.Links {
		s.p.say("   %s: %s", l.Label, l.URL)
	}
	if id == entra.StepCopyIDs && s.in.AppID != "" {
		s.p.say("   The form below offers: App ID %s, tenant ID %s, organization %s.", s.in.AppID, s.in.TenantID, s.in.Organization)
	}
	if err := s.askDone(id); err != nil {
		return err
	}
	s.keepOrSay()
	return nil
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
