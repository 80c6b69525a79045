// Package entra knows Microsoft Entra ID and Exchange Online: clouds and their
// endpoints, making and exporting certificates, acquiring tokens, and the
// verification checks with their diagnosis.
package entra

// Step is a checklist step id. The ids are part of the command-line contract.
type Step string

// The Entra checklist, in order, with the two steps xops adds.
const (
	StepRegisterApp           Step = "register-app"
	StepAddExchangePermission Step = "add-exchange-permission"
	StepGrantAdminConsent     Step = "grant-admin-consent"
	StepAssignGlobalReader    Step = "assign-global-reader"
	StepCopyIDs               Step = "copy-ids"
	StepEnterIDs              Step = "enter-ids"
	StepGenerateKey           Step = "generate-key"
	StepUploadCertificate     Step = "upload-certificate"
)

// ChecklistSteps are the steps the admin performs in the Entra admin center,
// in the order the checklist shows them.
var ChecklistSteps = []Step{
	StepRegisterApp, StepAddExchangePermission, StepGrantAdminConsent,
	StepAssignGlobalReader, StepCopyIDs, StepUploadCertificate,
}

// Number is the step's place on the checklist, from 1; 0 for a step the
// checklist does not list (the form, the key).
func (s Step) Number() int {
	for i, c := range ChecklistSteps {
		if c == s {
			return i + 1
		}
	}
	return 0
}

// CheckID identifies a verification check. The ids are part of the contract.
type CheckID string

// The verification checks.
const (
	CheckCertificateLocal   CheckID = "certificate-local"
	CheckTenant             CheckID = "tenant"
	CheckOrganization       CheckID = "organization"
	CheckApp                CheckID = "app"
	CheckCertificate        CheckID = "certificate"
	CheckExchangePermission CheckID = "exchange-permission"
	CheckGlobalReader       CheckID = "global-reader"
	CheckExchange           CheckID = "exchange"
)

// CheckOrder is the order every report lists its checks in.
var CheckOrder = []CheckID{
	CheckCertificateLocal, CheckTenant, CheckOrganization, CheckApp,
	CheckCertificate, CheckExchangePermission, CheckGlobalReader, CheckExchange,
}

// Microsoft facts (see DESIGN.md).
const (
	ExchangeResourceAppID   = "00000002-0000-0ff1-ce00-000000000000"
	ExchangeManageAsAppRole = "Exchange.ManageAsApp"
	ExchangeManageAsAppID   = "dc50a0fb-09a3-484d-be87-e023b12c6440"
	GlobalReaderTemplateID  = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
)
