package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/flow/validate"
	"github.com/xops/xops/flow/wizard"
)

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
		{validate.FieldOrganization, validate.LabelOrganization + " (the domain ending in .onmicrosoft.com)", s.in.Organization, s.checkOrganization,
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
