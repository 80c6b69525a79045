// Package validate checks what an admin types or pastes into the account form
// or the command line, and turns it into the canonical form xops stores. Every
// refusal is a *FieldError naming the field, what is wrong and how to fix it.
//
// The functions are pure: no I/O, no clock. Uniqueness of names is checked
// where the accounts are.
package validate

// Field names: the command-line flag without "--", also the form field's key.
const (
	FieldName         = "name"
	FieldAppID        = "app-id"
	FieldTenantID     = "tenant-id"
	FieldOrganization = "org"
	FieldKeySize      = "key-size"
	FieldCertDays     = "cert-days"
)

// Field labels, as the form shows them.
const (
	LabelName         = "Friendly name"
	LabelAppID        = "App (client) ID"
	LabelTenantID     = "Directory (tenant) ID"
	LabelOrganization = "Organization ID"
	LabelKeySize      = "Key size"
	LabelCertDays     = "Certificate lifetime"
)

// FieldError is a refused value: which field, and what to do about it.
type FieldError struct {
	Field   string // "name", "app-id", "tenant-id", "org", "key-size", "cert-days": the flag name without "--"
	Label   string // "Friendly name", "App (client) ID", …: the form's label
	Message string // what is wrong and how to fix it, without the label
}

// Error returns "<Label>: <Message>".
func (e *FieldError) Error() string {
	return e.Label + ": " + e.Message
}

func fieldError(field, label, message string) *FieldError {
	return &FieldError{Field: field, Label: label, Message: message}
}
