package verifyview

import (
	"fmt"

	"github.com/xops/xops/assets"

	"github.com/xops/xops/entra"
)

// CheckTitle is the human title of a verification check, as the screen lists
// it. An id xops does not know (a newer entra) is shown as it is.
func CheckTitle(id entra.CheckID) string {
	switch id {
	case entra.CheckCertificateLocal:
		return "Certificate and key on this machine"
	case entra.CheckTenant:
		return "Tenant exists"
	case entra.CheckOrganization:
		return "Organization domain belongs to the tenant"
	case entra.CheckApp:
		return "App registration"
	case entra.CheckCertificate:
		return "Entra accepts our certificate"
	case entra.CheckExchangePermission:
		return "Exchange.ManageAsApp granted"
	case entra.CheckGlobalReader:
		return "Global Reader assigned"
	case entra.CheckExchange:
		return "Exchange Online answers"
	}
	return string(id)
}

// shortCheckTitle names a check in fewer cells, for a screen too narrow for
// CheckTitle on one line (60×16 beside the side navigation): still the
// check's own name, never cut. "" when the title is short already.
func shortCheckTitle(id entra.CheckID) string {
	switch id {
	case entra.CheckCertificateLocal:
		return "Local certificate and key"
	case entra.CheckOrganization:
		return "Domain belongs to the tenant"
	}
	return ""
}

// StepName is the human name of a step: a checklist step's title exactly as
// the checklist shows it (assets.StepTitle, the one source), and for the
// steps xops does itself (the form, the key) their own short name.
func StepName(s entra.Step) string {
	if t, ok := assets.StepTitle(s); ok {
		return t
	}
	switch s {
	case entra.StepEnterIDs:
		return "Enter the IDs in the account form"
	case entra.StepGenerateKey:
		return "Generate the key and certificate"
	}
	return string(s)
}

// StepLabel names a step with its number on the checklist ("3. Grant admin
// consent"), so the admin finds it there. Steps xops performs itself (the
// form, the key) carry no number.
func StepLabel(s entra.Step) string {
	if n := s.Number(); n > 0 {
		return fmt.Sprintf("%d. %s", n, StepName(s))
	}
	return StepName(s)
}

// shortStep is the step as the help bar names it: "step 3", "the form".
func shortStep(s entra.Step) string {
	if n := s.Number(); n > 0 {
		return fmt.Sprintf("step %d", n)
	}
	switch s {
	case entra.StepEnterIDs:
		return "the form"
	case entra.StepGenerateKey:
		return "the key"
	}
	return string(s)
}

// StepRef names a step inside a sentence, as the verification screen does:
// "step 3 (Grant admin consent)", "the IDs in the account form".
func StepRef(s entra.Step) string { return stepRef(s) }

// stepRef names a step inside a sentence: "step 3 (Grant admin consent)",
// "the IDs in the account form".
func stepRef(s entra.Step) string {
	if n := s.Number(); n > 0 {
		return fmt.Sprintf("step %d (%s)", n, StepName(s))
	}
	switch s {
	case entra.StepEnterIDs:
		return "the IDs in the account form"
	case entra.StepGenerateKey:
		return "the key and certificate"
	}
	return string(s)
}
