package flow

import (
	"errors"
	"fmt"
	"strings"

	"github.com/xops/xops/flow/validate"
	"github.com/xops/xops/store"
)

// Defaults of the account form and of `xops link microsoft`.
const (
	DefaultKeySize  = 2048
	DefaultCertDays = 365
)

// LinkInput is what the admin gives to link a Microsoft 365 account: the
// account form, or the flags of `xops link microsoft`.
type LinkInput struct {
	Name         string
	AppID        string
	TenantID     string
	Organization string
	KeySize      int // RSA bits (DefaultKeySize unless the admin chose)
	CertDays     int // certificate lifetime in days (DefaultCertDays unless the admin chose)
}

// InputError is input that was refused, field by field. Nothing was written.
type InputError struct {
	Fields []*validate.FieldError
}

func (e *InputError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Error()
	}
	return strings.Join(parts, "; ")
}

// CheckLinkInput validates and normalises the input: GUIDs as pasted (braces,
// spaces, upper case) come back in canonical form, the organization in lower
// case. It checks the name's uniqueness (ignoring case) against the store.
// Warnings are things worth saying that do not block (a custom domain).
func (s *Service) CheckLinkInput(in LinkInput) (LinkInput, []string, []*validate.FieldError) {
	out, warnings, errs := normalize(in)
	if out.Name == "" || hasField(errs, "name") {
		return out, warnings, errs
	}
	if _, err := s.Store.AccountByName(out.Name); err == nil {
		errs = append([]*validate.FieldError{duplicateName(out.Name)}, errs...)
	} else if !errors.Is(err, store.ErrNotFound) {
		errs = append([]*validate.FieldError{{Field: validate.FieldName, Label: validate.LabelName,
			Message: fmt.Sprintf("cannot check that the name is free: %v", err)}}, errs...)
	}
	return out, warnings, errs
}

// NormalizeLinkInput validates and normalises everything but the name's
// uniqueness, without touching the store: callers use it to refuse bad input
// before a store file is even created.
func NormalizeLinkInput(in LinkInput) (LinkInput, []string, []*validate.FieldError) {
	return normalize(in)
}

// normalize validates and normalises everything but the name's uniqueness.
func normalize(in LinkInput) (LinkInput, []string, []*validate.FieldError) {
	var (
		out      LinkInput
		warnings []string
		errs     []*validate.FieldError
	)
	add := func(err error) {
		if err == nil {
			return
		}
		errs = append(errs, asFieldError(err))
	}

	name, err := validate.Name(in.Name)
	add(err)
	out.Name = name

	appID, appErr := validate.AppID(in.AppID)
	add(appErr)
	out.AppID = appID
	tenantID, tenantErr := validate.TenantID(in.TenantID)
	add(tenantErr)
	out.TenantID = tenantID
	if appErr == nil && tenantErr == nil {
		add(validate.IDsDiffer(appID, tenantID))
	}

	org, warning, err := validate.Organization(in.Organization)
	add(err)
	out.Organization = org
	if warning != "" {
		warnings = append(warnings, warning)
	}

	out.KeySize = in.KeySize
	add(validate.KeySize(out.KeySize))
	out.CertDays = in.CertDays
	add(validate.CertDays(out.CertDays))
	return out, warnings, errs
}

func hasField(errs []*validate.FieldError, field string) bool {
	for _, e := range errs {
		if e.Field == field {
			return true
		}
	}
	return false
}

// checkName validates a friendly name without the uniqueness check.
func checkName(name string) (string, *validate.FieldError) {
	clean, err := validate.Name(name)
	if err != nil {
		return "", asFieldError(err)
	}
	return clean, nil
}

func duplicateName(name string) *validate.FieldError {
	return &validate.FieldError{Field: validate.FieldName, Label: validate.LabelName,
		Message: fmt.Sprintf("an account named %q already exists (names are unique ignoring case); choose another name", name)}
}

// asFieldError keeps a validator's *validate.FieldError and wraps anything
// else, so callers always get the field to name.
func asFieldError(err error) *validate.FieldError {
	var fe *validate.FieldError
	if errors.As(err, &fe) {
		return fe
	}
	return &validate.FieldError{Field: "input", Label: "Input", Message: err.Error()}
}
