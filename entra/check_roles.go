package entra

import (
	"context"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
)

// judgeExchangePermission reads Exchange.ManageAsApp from the fresh token;
// when it is missing, Graph tells whether the permission was never added or
// only never consented.
func (v *Verifier) judgeExchangePermission(ctx context.Context, client confidential.Client, t Target, c TokenClaims) CheckResult {
	const id = CheckExchangePermission
	if c.HasRole(ExchangeManageAsAppRole) {
		return passed(id, "the token holds the Exchange.ManageAsApp application permission")
	}
	add := "API permissions → Add a permission → APIs my organization uses → Office 365 Exchange Online → Application permissions → Exchange.ManageAsApp → Add permissions"
	consent := "API permissions → Grant admin consent → Yes; the Status column must read Granted; Entra can take a minute or two: retry then" + waitAdvice("2m")
	switch v.exchangePermissionState(ctx, client, t.AppID) {
	case permissionListedOK:
		return failed(id, StepGrantAdminConsent,
			"the app lists Exchange.ManageAsApp, but admin consent was not granted, so its token carries no such role", consent)
	case permissionMissing:
		return failed(id, StepAddExchangePermission,
			"the app does not request Exchange.ManageAsApp (Office 365 Exchange Online), so its token carries no such role", add+"; then "+consent)
	}
	return failed(id, StepAddExchangePermission,
		"the token carries no Exchange.ManageAsApp role: the permission was not added, or admin consent was not granted",
		add+"; then "+consent)
}

// judgeGlobalReader reads the Global Reader directory role from wids.
func judgeGlobalReader(c TokenClaims) CheckResult {
	const id = CheckGlobalReader
	if c.HasDirectoryRole(GlobalReaderTemplateID) {
		return passed(id, "the token holds the Global Reader directory role")
	}
	return failed(id, StepAssignGlobalReader,
		"the token carries no Global Reader directory role: the role is not assigned to the app",
		"Entra ID → Roles and administrators → Global Reader → Add assignments → select the app by name → Add; it can take a few minutes to apply: retry then"+waitAdvice("5m"))
}
