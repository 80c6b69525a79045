package entra

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// findConsent returns the id of the app's Exchange.ManageAsApp assignment,
// "" if there is none: among the assignments of Exchange's roles (every
// page of them), the one to our service principal.
func (s *Setup) findConsent(ctx context.Context, g *graphClient, p *SetupProgress) (string, error) {
	found := ""
	err := g.list(ctx, "servicePrincipals/"+p.ExchangeSPID+"/appRoleAssignedTo", func(raw json.RawMessage) error {
		var a struct {
			ID          string `json:"id"`
			PrincipalID string `json:"principalId"`
			AppRoleID   string `json:"appRoleId"`
		}
		if err := json.Unmarshal(raw, &a); err != nil {
			return fmt.Errorf("an app role assignment Graph listed is not the JSON expected: %w", err)
		}
		if found == "" && strings.EqualFold(a.PrincipalID, p.ServicePrincipalID) && strings.EqualFold(a.AppRoleID, p.ManageAsAppRoleID) {
			found = a.ID
		}
		return nil
	})
	return found, err
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
		if err != nil {
			return SetupEvent{}, s.stepError(ctx, SetupConsent, sess, "grant admin consent to Exchange.ManageAsApp", err)
		}
		if id == "" {
			return SetupEvent{}, missingID(SetupConsent)
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
// at directory scope, "" if there is none. It filters by principal only and
// picks the role itself: every Graph (and test rig) takes that filter.
func (s *Setup) findRoleAssignment(ctx context.Context, g *graphClient, p *SetupProgress) (string, error) {
	found := ""
	path := filterPath("roleManagement/directory/roleAssignments", "principalId eq "+odataQuote(p.ServicePrincipalID))
	err := g.list(ctx, path, func(raw json.RawMessage) error {
		var a struct {
			ID               string `json:"id"`
			RoleDefinitionID string `json:"roleDefinitionId"`
			DirectoryScopeID string `json:"directoryScopeId"`
		}
		if err := json.Unmarshal(raw, &a); err != nil {
			return fmt.Errorf("a role assignment Graph listed is not the JSON expected: %w", err)
		}
		if found == "" && strings.EqualFold(a.RoleDefinitionID, GlobalReaderTemplateID) && (a.DirectoryScopeID == "/" || a.DirectoryScopeID == "") {
			found = a.ID
		}
		return nil
	})
	return found, err
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
		if err != nil {
			return SetupEvent{}, s.stepError(ctx, SetupGlobalReader, sess, "assign the Global Reader role", err)
		}
		if id == "" {
			return SetupEvent{}, missingID(SetupGlobalReader)
		}
	}
	p.RoleAssignmentID = id
	msg := "assigned Global Reader to the app"
	if existed {
		msg = "the app already held Global Reader"
	}
	return SetupEvent{ObjectID: id, Existed: existed, Message: msg}, nil
}
