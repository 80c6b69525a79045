package entra

import (
	"context"
	"errors"
	"net/http"
	"strings"
)

// findConsent returns the id of the app's Exchange.ManageAsApp assignment,
// "" if there is none.
func (s *Setup) findConsent(ctx context.Context, g *graphClient, p *SetupProgress) (string, error) {
	var out idList
	if _, err := g.call(ctx, http.MethodGet, "servicePrincipals/"+p.ServicePrincipalID+"/appRoleAssignments", nil, nil, &out); err != nil {
		return "", err
	}
	for _, a := range out.Value {
		if strings.EqualFold(a.ResourceID, p.ExchangeSPID) && strings.EqualFold(a.AppRoleID, p.ManageAsAppRoleID) {
			return a.ID, nil
		}
	}
	return "", nil
}

// ensureConsent grants admin consent to Exchange.ManageAsApp: an app role
// assignment from the app's service principal to Exchange's.
func (s *Setup) ensureConsent(ctx context.Context, sess *AdminSession, _ SetupInput, p *SetupProgress) (SetupEvent, error) {
	g := s.graph(sess)
	id, err := s.findConsent(ctx, g, p)
	if err != nil {
		return SetupEvent{}, s.stepError(ctx, SetupConsent, sess, "read the app's granted permissions", err)
	}
	existed := id != ""
	if !existed {
		var created struct {
			ID string `json:"id"`
		}
		body := map[string]string{"principalId": p.ServicePrincipalID, "resourceId": p.ExchangeSPID, "appRoleId": p.ManageAsAppRoleID}
		err := s.retry(ctx, func() error {
			_, err := g.call(ctx, http.MethodPost, "servicePrincipals/"+p.ExchangeSPID+"/appRoleAssignedTo", nil, body, &created)
			return err
		})
		var ge *GraphError
		switch {
		case errors.As(err, &ge) && strings.Contains(strings.ToLower(ge.Message), "already exists"):
			id, err = s.findConsent(ctx, g, p)
		case err == nil:
			id = created.ID
		}
		if err != nil || id == "" {
			if err == nil {
				err = errors.New("no id in Microsoft Graph's answer")
			}
			return SetupEvent{}, s.stepError(ctx, SetupConsent, sess, "grant admin consent to Exchange.ManageAsApp", err)
		}
	}
	p.ConsentID = id
	msg := "granted admin consent to Exchange.ManageAsApp"
	if existed {
		msg = "admin consent to Exchange.ManageAsApp was already granted"
	}
	return SetupEvent{ObjectID: id, Existed: existed, Message: msg}, nil
}

// findRoleAssignment returns the id of the app's Global Reader assignment
// at directory scope, "" if there is none.
func (s *Setup) findRoleAssignment(ctx context.Context, g *graphClient, p *SetupProgress) (string, error) {
	var out struct {
		Value []struct {
			ID               string `json:"id"`
			DirectoryScopeID string `json:"directoryScopeId"`
		} `json:"value"`
	}
	path := filterPath("roleManagement/directory/roleAssignments",
		"principalId eq "+odataQuote(p.ServicePrincipalID)+" and roleDefinitionId eq "+odataQuote(GlobalReaderTemplateID))
	if _, err := g.call(ctx, http.MethodGet, path, nil, nil, &out); err != nil {
		return "", err
	}
	for _, a := range out.Value {
		if a.DirectoryScopeID == "/" {
			return a.ID, nil
		}
	}
	return "", nil
}

// ensureGlobalReader assigns the Global Reader role to the app's service
// principal, tenant-wide.
func (s *Setup) ensureGlobalReader(ctx context.Context, sess *AdminSession, _ SetupInput, p *SetupProgress) (SetupEvent, error) {
	g := s.graph(sess)
	id, err := s.findRoleAssignment(ctx, g, p)
	if err != nil {
		return SetupEvent{}, s.stepError(ctx, SetupGlobalReader, sess, "read the app's directory roles", err)
	}
	existed := id != ""
	if !existed {
		var created struct {
			ID string `json:"id"`
		}
		body := map[string]string{
			"@odata.type":      "#microsoft.graph.unifiedRoleAssignment",
			"principalId":      p.ServicePrincipalID,
			"roleDefinitionId": GlobalReaderTemplateID,
			"directoryScopeId": "/",
		}
		err := s.retry(ctx, func() error {
			_, err := g.call(ctx, http.MethodPost, "roleManagement/directory/roleAssignments", nil, body, &created)
			return err
		})
		var ge *GraphError
		switch {
		case errors.As(err, &ge) && (ge.Status == http.StatusConflict || strings.Contains(strings.ToLower(ge.Message), "conflicting object")):
			id, err = s.findRoleAssignment(ctx, g, p)
		case err == nil:
			id = created.ID
		}
		if err != nil || id == "" {
			if err == nil {
				err = errors.New("no id in Microsoft Graph's answer")
			}
			return SetupEvent{}, s.stepError(ctx, SetupGlobalReader, sess, "assign the Global Reader role", err)
		}
	}
	p.RoleAssignmentID = id
	msg := "assigned Global Reader to the app"
	if existed {
		msg = "the app already held Global Reader"
	}
	return SetupEvent{ObjectID: id, Existed: existed, Message: msg}, nil
}
