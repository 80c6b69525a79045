package entra

import (
	"context"
	"crypto/x509"
	"fmt"

	"github.com/xops/xops/entra/certs"
)

// InventoryItem is one thing the setup makes in the tenant, and whether it
// is there.
type InventoryItem struct {
	Step SetupStepID
	// What names the object ("app registration xops-contoso-1a2b3c4d").
	What   string
	Exists bool
	// ObjectID is its id when it exists and has one.
	ObjectID string
	// Todo are the guided checklist steps that make it by hand.
	Todo []Step
}

// Inventory lists what exists in the tenant for one setup and what does
// not, so nothing half-created is left unexplained.
type Inventory struct {
	Items []InventoryItem
	// FromTenant is true when Graph was asked; false when the list comes
	// from the saved progress only (the sign-in itself failed).
	FromTenant bool
}

// Missing returns the guided checklist steps still to do, in checklist order.
func (inv Inventory) Missing() []Step {
	todo := map[Step]bool{}
	for _, it := range inv.Items {
		if !it.Exists {
			for _, s := range it.Todo {
				todo[s] = true
			}
		}
	}
	var out []Step
	for _, s := range ChecklistSteps {
		if todo[s] {
			out = append(out, s)
		}
	}
	return out
}

// inventoryItems lays out the six items from what is known.
func inventoryItems(uniqueName string, app graphApp, found bool, cert *x509.Certificate, p SetupProgress, spID, consentID, roleID string) []InventoryItem {
	appWhat := "app registration " + uniqueName
	if found && app.AppID != "" {
		appWhat += fmt.Sprintf(" (app ID %s)", app.AppID)
	}
	hasCert := found && cert != nil && app.hasCert(cert)
	thumb := p.Thumbprint
	if cert != nil {
		thumb = certs.Thumbprint(cert)
	} else if found && p.Thumbprint != "" {
		hasCert = true // the progress says our certificate went on the app
	}
	return []InventoryItem{
		{Step: SetupApp, What: appWhat, Exists: found, ObjectID: app.ID, Todo: []Step{StepRegisterApp, StepCopyIDs}},
		{Step: SetupApp, What: "Exchange.ManageAsApp among the app's API permissions", Exists: found && app.listsRole(firstNonEmpty(p.ManageAsAppRoleID, ExchangeManageAsAppID)), Todo: []Step{StepAddExchangePermission}},
		{Step: SetupApp, What: "the certificate " + firstNonEmpty(thumb, "made for this account") + " on the app", Exists: hasCert, Todo: []Step{StepUploadCertificate}},
		{Step: SetupServicePrincipal, What: "the app's service principal (Enterprise application)", Exists: spID != "", ObjectID: spID, Todo: []Step{StepRegisterApp}},
		{Step: SetupConsent, What: "admin consent to Exchange.ManageAsApp", Exists: consentID != "", ObjectID: consentID, Todo: []Step{StepGrantAdminConsent}},
		{Step: SetupGlobalReader, What: "the Global Reader role for the app", Exists: roleID != "", ObjectID: roleID, Todo: []Step{StepAssignGlobalReader}},
	}
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// InventoryFromProgress is the inventory as the saved progress last saw it,
// for when Graph cannot be asked (the sign-in was blocked).
func InventoryFromProgress(p SetupProgress) Inventory {
	app := graphApp{ID: p.AppObjectID, AppID: p.AppID}
	if p.AppID != "" && p.ManageAsAppRoleID != "" {
		app.RequiredResourceAccess = graphApp{}.withRole(p.ManageAsAppRoleID)
	}
	items := inventoryItems(firstNonEmpty(p.UniqueName, "(not yet named)"), app, p.AppID != "", nil, p, p.ServicePrincipalID, p.ConsentID, p.RoleAssignmentID)
	return Inventory{Items: items}
}

// Inventory asks Graph what exists for the app named uniqueName: the app,
// its Exchange permission and the certificate cert (may be nil), its service
// principal, the consent and the Global Reader assignment. p (may be
// empty) saves lookups it already made.
func (s *Setup) Inventory(ctx context.Context, sess *AdminSession, uniqueName string, cert *x509.Certificate, p SetupProgress) (Inventory, error) {
	g := s.graph(sess)
	app, found, err := s.readApp(ctx, g, "applications(uniqueName="+odataQuote(uniqueName)+")")
	if err != nil {
		return InventoryFromProgress(p), s.stepError(ctx, SetupApp, sess, "read the app registration", err)
	}
	if err := s.exchangeRole(ctx, sess, &p); err != nil {
		return InventoryFromProgress(p), err
	}
	var spID, consentID, roleID string
	if found {
		if spID, err = s.findServicePrincipal(ctx, g, app.AppID); err != nil {
			return InventoryFromProgress(p), s.stepError(ctx, SetupServicePrincipal, sess, "look up the app's service principal", err)
		}
	}
	if spID != "" {
		p.ServicePrincipalID = spID
		if consentID, err = s.findConsent(ctx, g, &p); err != nil {
			return InventoryFromProgress(p), s.stepError(ctx, SetupConsent, sess, "read the app's granted permissions", err)
		}
		if roleID, err = s.findRoleAssignment(ctx, g, &p); err != nil {
			return InventoryFromProgress(p), s.stepError(ctx, SetupGlobalReader, sess, "read the app's directory roles", err)
		}
	}
	return Inventory{Items: inventoryItems(uniqueName, app, found, cert, p, spID, consentID, roleID), FromTenant: true}, nil
}
