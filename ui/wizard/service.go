package wizard

import (
	"context"

	"github.com/xops/xops/entra/certs"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/flow/validate"
	"github.com/xops/xops/flow/wizard"
	"github.com/xops/xops/store"
)

// Service is what the wizard needs of flow's use cases (*flow.Service).
type Service interface {
	// CheckLinkInput validates and normalises the form, including that the
	// name is not taken (ignoring case). Warnings do not block.
	CheckLinkInput(in LinkInput) (LinkInput, []string, []*validate.FieldError)
	// NewCredential makes the RSA key and the certificate and stores the key
	// at once under the credential's id.
	NewCredential(ctx context.Context, name string, keySize, days int) (store.Credential, *certs.Credential, error)
	// SaveAccount writes the account with its credential, in one transaction.
	SaveAccount(in LinkInput, cred store.Credential) (store.Account, error)
}

// LinkInput is the account form as the service takes it.
type LinkInput = flow.LinkInput

// flow's use cases are what the wizard is written against.
var (
	_ Service   = (*flow.Service)(nil)
	_ IDUpdater = (*flow.Service)(nil)
	_ KeyStore  = flow.AccountStore(nil)
)

// IDUpdater is optional: a Service that can correct a saved account's IDs
// lets verification send the admin back to the form to fix them.
type IDUpdater interface {
	UpdateLinkIDs(accountID string, in LinkInput) (store.Account, error)
}

func linkInput(f wizard.Form) LinkInput {
	return LinkInput{
		Name: f.Name, AppID: f.AppID, TenantID: f.TenantID, Organization: f.Organization,
		KeySize: f.KeySize, CertDays: f.CertDays,
	}
}

func wizardForm(in LinkInput) wizard.Form {
	return wizard.Form{
		Name: in.Name, AppID: in.AppID, TenantID: in.TenantID, Organization: in.Organization,
		KeySize: in.KeySize, CertDays: in.CertDays,
	}
}
