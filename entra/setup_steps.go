package entra

import (
	"bytes"
	"context"
	"crypto/sha1" //nolint:gosec // the thumbprint Entra shows is SHA-1; it identifies, it does not protect
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/xops/xops/entra/certs"
)

// graphApp is the part of a Graph application object the setup reads.
type graphApp struct {
	ID                     string                `json:"id"`
	AppID                  string                `json:"appId"`
	RequiredResourceAccess []graphResourceAccess `json:"requiredResourceAccess"`
	KeyCredentials         []graphKeyCredential  `json:"keyCredentials"`
}

// graphResourceAccess is one requiredResourceAccess entry.
type graphResourceAccess struct {
	ResourceAppID  string             `json:"resourceAppId"`
	ResourceAccess []graphAccessEntry `json:"resourceAccess"`
}

// graphAccessEntry is one permission of a requiredResourceAccess entry.
type graphAccessEntry struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// graphKeyCredential is one keyCredential, read back and kept as it was.
type graphKeyCredential struct {
	KeyID               string `json:"keyId,omitempty"`
	Type                string `json:"type"`
	Usage               string `json:"usage"`
	Key                 string `json:"key,omitempty"`
	DisplayName         string `json:"displayName,omitempty"`
	CustomKeyIdentifier string `json:"customKeyIdentifier,omitempty"`
}

// holds reports whether the key credential is cert: by its bytes when Graph
// returned them, else by the thumbprint Graph keeps (hex or base64).
func (k graphKeyCredential) holds(cert *x509.Certificate) bool {
	if der, err := base64.StdEncoding.DecodeString(k.Key); err == nil && len(der) > 0 {
		return bytes.Equal(der, cert.Raw)
	}
	sum := sha1.Sum(cert.Raw) //nolint:gosec // thumbprint
	id := strings.TrimSpace(k.CustomKeyIdentifier)
	return strings.EqualFold(id, certs.Thumbprint(cert)) || id == base64.StdEncoding.EncodeToString(sum[:])
}

// hasCert reports whether the app holds the certificate.
func (a graphApp) hasCert(cert *x509.Certificate) bool {
	for _, k := range a.KeyCredentials {
		if k.holds(cert) {
			return true
		}
	}
	return false
}

// listsRole reports whether requiredResourceAccess lists Exchange's role.
func (a graphApp) listsRole(roleID string) bool {
	for _, r := range a.RequiredResourceAccess {
		if !strings.EqualFold(r.ResourceAppID, ExchangeResourceAppID) {
			continue
		}
		for _, e := range r.ResourceAccess {
			if strings.EqualFold(e.ID, roleID) && e.Type == "Role" {
				return true
			}
		}
	}
	return false
}

// withRole returns requiredResourceAccess with Exchange's role added, every
// other entry kept: PATCH replaces the whole array.
func (a graphApp) withRole(roleID string) []graphResourceAccess {
	out := make([]graphResourceAccess, 0, len(a.RequiredResourceAccess)+1)
	added := false
	for _, r := range a.RequiredResourceAccess {
		if !added && strings.EqualFold(r.ResourceAppID, ExchangeResourceAppID) {
			r.ResourceAccess = append(append([]graphAccessEntry(nil), r.ResourceAccess...), graphAccessEntry{ID: roleID, Type: "Role"})
			added = true
		}
		out = append(out, r)
	}
	if !added {
		out = append(out, graphResourceAccess{ResourceAppID: ExchangeResourceAppID, ResourceAccess: []graphAccessEntry{{ID: roleID, Type: "Role"}}})
	}
	return out
}

// withCert returns keyCredentials with ours added, every other one kept as
// Graph returned it. ok is false when Graph did not return a key's bytes:
// sending the array without them would delete that certificate.
func (a graphApp) withCert(cert *x509.Certificate, name string) ([]graphKeyCredential, bool) {
	out := make([]graphKeyCredential, 0, len(a.KeyCredentials)+1)
	for _, k := range a.KeyCredentials {
		if k.Key == "" {
			return nil, false
		}
		out = append(out, graphKeyCredential{KeyID: k.KeyID, Type: k.Type, Usage: k.Usage, Key: k.Key, DisplayName: k.DisplayName})
	}
	return append(out, newKeyCredential(cert, name)), true
}

// newKeyCredential is our certificate as a keyCredential.
func newKeyCredential(cert *x509.Certificate, name string) graphKeyCredential {
	return graphKeyCredential{Type: "AsymmetricX509Cert", Usage: "Verify",
		Key: base64.StdEncoding.EncodeToString(cert.Raw), DisplayName: "xops " + name + " " + certs.Thumbprint(cert)}
}

// appSelect is what the setup reads of its app; keyCredentials is selected
// on a single object, so Graph returns the certificates' bytes to keep.
const appSelect = "?$select=id,appId,requiredResourceAccess,keyCredentials"

// readApp reads the app by its uniqueName; found is false on 404.
func (s *Setup) readApp(ctx context.Context, g *graphClient, path string) (graphApp, bool, error) {
	var app graphApp
	_, err := g.call(ctx, http.MethodGet, path+appSelect, nil, nil, &app)
	var ge *GraphError
	if errors.As(err, &ge) && ge.NotFound() {
		return graphApp{}, false, nil
	}
	return app, err == nil, err
}

// ensureApp upserts the app registration: Exchange.ManageAsApp required,
// our certificate among its keys, in one PATCH with create-if-missing.
func (s *Setup) ensureApp(ctx context.Context, sess *AdminSession, in SetupInput, p *SetupProgress) (SetupEvent, error) {
	if err := s.exchangeRole(ctx, sess, p); err != nil {
		return SetupEvent{}, err
	}
	g := s.graph(sess)
	path := "applications(uniqueName=" + odataQuote(in.UniqueName) + ")"
	app, found, err := s.readApp(ctx, g, path)
	if err != nil {
		return SetupEvent{}, s.stepError(ctx, SetupApp, sess, "read the app registration", err)
	}
	patch := map[string]any{}
	switch {
	case !found:
		patch["displayName"] = in.DisplayName
		patch["signInAudience"] = "AzureADMyOrg"
		patch["requiredResourceAccess"] = graphApp{}.withRole(p.ManageAsAppRoleID)
		patch["keyCredentials"] = []graphKeyCredential{newKeyCredential(in.Certificate, in.UniqueName)}
	default:
		if !app.listsRole(p.ManageAsAppRoleID) {
			patch["requiredResourceAccess"] = app.withRole(p.ManageAsAppRoleID)
		}
		if !app.hasCert(in.Certificate) {
			keys, ok := app.withCert(in.Certificate, in.UniqueName)
			if !ok {
				return SetupEvent{}, &SetupError{Step: SetupApp, Problem: SetupRefused,
					Message: "the app already holds certificates Graph did not return, so adding ours would delete them",
					Hint:    "upload the certificate by hand (upload-certificate), or " + guidedHint}
			}
			patch["keyCredentials"] = keys
		}
	}
	if len(patch) > 0 {
		var created graphApp
		var status int
		err := s.retry(ctx, func() error {
			var err error
			status, err = g.call(ctx, http.MethodPatch, path, map[string]string{"Prefer": "create-if-missing"}, patch, &created)
			return err
		})
		if err != nil {
			return SetupEvent{}, s.stepError(ctx, SetupApp, sess, "register the app", err)
		}
		app = created
		if status != http.StatusCreated || app.AppID == "" {
			if app, _, err = s.readApp(ctx, g, path); err != nil || app.AppID == "" {
				if err == nil {
					err = errors.New("the app is not there after the PATCH")
				}
				return SetupEvent{}, s.stepError(ctx, SetupApp, sess, "read the app registration back", err)
			}
		}
	}
	p.UniqueName, p.AppObjectID, p.AppID = in.UniqueName, strings.ToLower(app.ID), strings.ToLower(app.AppID)
	p.Thumbprint = certs.Thumbprint(in.Certificate)
	ev := SetupEvent{ObjectID: p.AppObjectID, Existed: len(patch) == 0}
	switch {
	case !found:
		ev.Message = fmt.Sprintf("registered app %s (app ID %s) with Exchange.ManageAsApp and certificate %s", in.UniqueName, p.AppID, p.Thumbprint)
	case len(patch) == 0:
		ev.Message = fmt.Sprintf("app %s (app ID %s) was already set up", in.UniqueName, p.AppID)
	default:
		ev.Message = fmt.Sprintf("app %s (app ID %s) existed; added what it lacked", in.UniqueName, p.AppID)
	}
	return ev, nil
}

// idList is a Graph collection of objects read for their ids.
type idList struct {
	Value []struct {
		ID         string `json:"id"`
		ResourceID string `json:"resourceId"`
		AppRoleID  string `json:"appRoleId"`
	} `json:"value"`
}

// findServicePrincipal returns the app's service principal id, "" if none.
func (s *Setup) findServicePrincipal(ctx context.Context, g *graphClient, appID string) (string, error) {
	var out idList
	path := filterPath("servicePrincipals", "appId eq "+odataQuote(appID)) + "&$select=id,appId"
	if _, err := g.call(ctx, http.MethodGet, path, nil, nil, &out); err != nil {
		return "", err
	}
	if len(out.Value) == 0 {
		return "", nil
	}
	return strings.ToLower(out.Value[0].ID), nil
}

// ensureServicePrincipal creates the app's service principal if missing.
func (s *Setup) ensureServicePrincipal(ctx context.Context, sess *AdminSession, _ SetupInput, p *SetupProgress) (SetupEvent, error) {
	g := s.graph(sess)
	id, err := s.findServicePrincipal(ctx, g, p.AppID)
	if err != nil {
		return SetupEvent{}, s.stepError(ctx, SetupServicePrincipal, sess, "look up the app's service principal", err)
	}
	existed := id != ""
	if !existed {
		var created struct {
			ID string `json:"id"`
		}
		err := s.retry(ctx, func() error {
			_, err := g.call(ctx, http.MethodPost, "servicePrincipals", nil, map[string]string{"appId": p.AppID}, &created)
			return err
		})
		var ge *GraphError
		switch {
		case errors.As(err, &ge) && ge.Status == http.StatusConflict:
			id, err = s.findServicePrincipal(ctx, g, p.AppID)
		case err == nil:
			id = strings.ToLower(created.ID)
		}
		if err != nil {
			return SetupEvent{}, s.stepError(ctx, SetupServicePrincipal, sess, "create the app's service principal", err)
		}
		if id == "" {
			return SetupEvent{}, missingID(SetupServicePrincipal)
		}
	}
	p.ServicePrincipalID = id
	msg := "created the service principal " + id
	if existed {
		msg = "the service principal " + id + " was already there"
	}
	return SetupEvent{ObjectID: id, Existed: existed, Message: msg}, nil
}
