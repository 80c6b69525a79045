package wizard

import (
	"errors"
	"strconv"
	"strings"

	"github.com/xops/xops/flow/validate"
	"github.com/xops/xops/flow/wizard"
)

// The form's field checks, as the admin types. They are flow/validate's
// rules; uniqueness of the name needs the store and comes from the service.

func checkName(s string) error {
	_, err := validate.Name(s)
	return err
}

func checkAppID(s string) error {
	_, err := validate.AppID(s)
	return err
}

func checkTenantID(s, appID string) error {
	if _, err := validate.TenantID(s); err != nil {
		return err
	}
	return validate.IDsDiffer(appID, s)
}

func checkOrganization(s string) error {
	_, _, err := validate.Organization(s)
	return err
}

func checkDays(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return &validate.FieldError{Field: validate.FieldCertDays, Label: validate.LabelCertDays,
			Message: "must be a whole number of days, like 365"}
	}
	return validate.CertDays(n)
}

// checkIDs checks and normalises the three IDs alone (fixing a saved account).
func checkIDs(f wizard.Form) (wizard.Form, string, []*validate.FieldError) {
	var errs []*validate.FieldError
	add := func(err error) {
		var fe *validate.FieldError
		if errors.As(err, &fe) {
			errs = append(errs, fe)
		}
	}
	app, err := validate.AppID(f.AppID)
	add(err)
	tenant, err := validate.TenantID(f.TenantID)
	add(err)
	if len(errs) == 0 {
		add(validate.IDsDiffer(app, tenant))
	}
	org, warning, err := validate.Organization(f.Organization)
	add(err)
	f.AppID, f.TenantID, f.Organization = app, tenant, org
	return f, warning, errs
}
