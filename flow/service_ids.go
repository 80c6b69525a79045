package flow

import (
	"fmt"

	"github.com/xops/xops/flow/validate"
	"github.com/xops/xops/store"
)

// AuditIDsCorrected is the audit action of UpdateLinkIDs.
const AuditIDsCorrected = "ids corrected"

// UpdateLinkIDs corrects a saved account's App ID, Tenant ID and
// Organization ID — what verification sends the admin back to the form for.
// The name, key and certificate stay; the account goes back to "not
// verified" since its last verification was of other IDs. Bad input is
// *InputError and nothing is written.
func (s *Service) UpdateLinkIDs(accountID string, in LinkInput) (store.Account, error) {
	var fields []*validate.FieldError
	add := func(err error) {
		if err != nil {
			fields = append(fields, asFieldError(err))
		}
	}
	appID, appErr := validate.AppID(in.AppID)
	add(appErr)
	tenantID, tenantErr := validate.TenantID(in.TenantID)
	add(tenantErr)
	if appErr == nil && tenantErr == nil {
		add(validate.IDsDiffer(appID, tenantID))
	}
	org, _, orgErr := validate.Organization(in.Organization)
	add(orgErr)
	if len(fields) > 0 {
		return store.Account{}, &InputError{Fields: fields}
	}
	audit := store.AuditEntry{V: store.RecordVersion, At: s.now().UTC(), Action: AuditIDsCorrected, AccountID: accountID,
		Detail: fmt.Sprintf("app %s, tenant %s, organization %s", appID, tenantID, org)}
	a, err := s.Store.UpdateAccount(accountID, func(acc *store.Account) error {
		audit.Name = acc.Name
		acc.AppID, acc.TenantID, acc.Organization = appID, tenantID, org
		acc.Status, acc.FailedStep, acc.LastChecks = store.StatusUnverified, "", nil
		return nil
	}, &audit)
	if err != nil {
		return store.Account{}, fmt.Errorf("correct the IDs of account %s: %w", accountID, err)
	}
	return a, nil
}
