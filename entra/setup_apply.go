package entra

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// SetupInput is what the Graph steps make the app from.
type SetupInput struct {
	// UniqueName is the app's alternate key (AppUniqueName of the account).
	UniqueName string
	// DisplayName is the app's name in the admin center (AppDisplayName).
	DisplayName string
	// Certificate is the public certificate to put on the app (the caller
	// made and stored the key: it never reaches this package's writes).
	Certificate *x509.Certificate
}

// Organization reads the signed-in tenant's ID (from the token) and its
// Organization ID: the initial *.onmicrosoft.com domain, from GET /organization.
func (s *Setup) Organization(ctx context.Context, sess *AdminSession) (tenantID, domain string, err error) {
	var out struct {
		Value []struct {
			ID              string `json:"id"`
			VerifiedDomains []struct {
				Name      string `json:"name"`
				IsInitial bool   `json:"isInitial"`
			} `json:"verifiedDomains"`
		} `json:"value"`
	}
	if _, err := s.graph(sess).call(ctx, http.MethodGet, "organization?$select=id,verifiedDomains", nil, nil, &out); err != nil {
		return "", "", s.stepError(ctx, SetupOrganization, sess, "read the organization", err)
	}
	if len(out.Value) == 0 {
		return "", "", &SetupError{Step: SetupOrganization, Problem: SetupRefused, Message: "Microsoft Graph listed no organization for the signed-in tenant",
			Hint: "sign in with a work account of the tenant to link"}
	}
	org := out.Value[0]
	tenantID = strings.ToLower(strings.TrimSpace(sess.TenantID))
	if tenantID == "" {
		tenantID = strings.ToLower(org.ID)
	}
	for _, d := range org.VerifiedDomains {
		if d.IsInitial {
			return tenantID, strings.ToLower(serverText(d.Name)), nil
		}
	}
	return "", "", &SetupError{Step: SetupOrganization, Problem: SetupRefused, Message: "the organization lists no initial *.onmicrosoft.com domain",
		Hint: "copy the Organization ID from Entra ID → Domain names and use the guided path"}
}

// Apply does the Graph steps — the app, its service principal, admin
// consent, Global Reader — each only if the tenant does not have it yet.
// p is updated as each step lands and handed to save (may be nil) before the
// next one starts; a save error stops the setup. onEvent (may be nil) sees
// each step start and end. Failures are *SetupError.
func (s *Setup) Apply(ctx context.Context, sess *AdminSession, in SetupInput, p *SetupProgress, onEvent func(SetupEvent), save func(SetupProgress) error) error {
	if in.Certificate == nil || strings.TrimSpace(in.UniqueName) == "" {
		return errors.New("setup: the app's unique name and certificate are required")
	}
	if p.TenantID != "" && sess.TenantID != "" && !strings.EqualFold(p.TenantID, sess.TenantID) {
		return &SetupError{Step: SetupApp, Problem: SetupWrongTenant,
			Message: fmt.Sprintf("%s signed in to tenant %s, but this setup was started in tenant %s", who(sess), sess.TenantID, p.TenantID),
			Hint:    "sign in with an admin of tenant " + p.TenantID + ", or link under another name"}
	}
	emit := func(e SetupEvent) {
		if onEvent != nil {
			onEvent(e)
		}
	}
	steps := []struct {
		id  SetupStepID
		run func(context.Context, *AdminSession, SetupInput, *SetupProgress) (SetupEvent, error)
	}{
		{SetupApp, s.ensureApp},
		{SetupServicePrincipal, s.ensureServicePrincipal},
		{SetupConsent, s.ensureConsent},
		{SetupGlobalReader, s.ensureGlobalReader},
	}
	for _, st := range steps {
		if err := ctx.Err(); err != nil {
			return &SetupError{Step: st.id, Problem: SetupCancelled, Message: "cancelled before this step",
				Hint: "run it again: xops resumes where it stopped, without duplicates", Err: err}
		}
		emit(SetupEvent{Step: st.id, Running: true, Message: st.id.Title()})
		ev, err := st.run(ctx, sess, in, p)
		if err != nil {
			var se *SetupError
			if !errors.As(err, &se) {
				se = &SetupError{Step: st.id, Problem: SetupRefused, Message: err.Error(), Err: err}
			}
			emit(SetupEvent{Step: st.id, Message: se.Message})
			return se
		}
		if save != nil {
			if err := save(*p); err != nil {
				return fmt.Errorf("save the setup's progress after %s: %w", st.id, err)
			}
		}
		ev.Step, ev.OK = st.id, true
		emit(ev)
	}
	return nil
}

// retry runs f until it succeeds, fails for another reason than Entra's
// replication lag or throttling, or the replication wait is over.
func (s *Setup) retry(ctx context.Context, f func() error) error {
	wait := s.ReplicationWait
	if wait <= 0 {
		wait = 2 * time.Minute
	}
	delay := s.RetryDelay
	if delay <= 0 {
		delay = 2 * time.Second
	}
	deadline := time.Now().Add(wait)
	for {
		err := f()
		var ge *GraphError
		if err == nil || !errors.As(err, &ge) || !transient(ge) {
			return err
		}
		pause := delay
		if ge.RetryAfter > 0 {
			pause = ge.RetryAfter
		}
		if time.Now().Add(pause).After(deadline) {
			return err
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		delay = min(delay*2, 10*time.Second)
	}
}

// transient reports a refusal that waiting mends: an object made a moment
// ago that has not replicated yet, throttling, a service hiccup.
func transient(ge *GraphError) bool {
	switch ge.Status {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	case http.StatusBadRequest, http.StatusNotFound:
		m := strings.ToLower(ge.Message)
		return strings.Contains(m, "does not reference a valid application object") || strings.Contains(m, "does not exist")
	}
	return false
}

// filterPath is a Graph collection path with a $filter.
func filterPath(collection, filter string) string {
	return collection + "?$filter=" + url.QueryEscape(filter)
}

// exchangeRole finds Exchange Online's service principal and the id of its
// Exchange.ManageAsApp role, by value: ids differ per tenant.
func (s *Setup) exchangeRole(ctx context.Context, sess *AdminSession, p *SetupProgress) error {
	if p.ExchangeSPID != "" && p.ManageAsAppRoleID != "" {
		return nil
	}
	var out struct {
		Value []struct {
			ID       string `json:"id"`
			AppRoles []struct {
				ID                 string   `json:"id"`
				Value              string   `json:"value"`
				AllowedMemberTypes []string `json:"allowedMemberTypes"`
			} `json:"appRoles"`
		} `json:"value"`
	}
	path := filterPath("servicePrincipals", "appId eq "+odataQuote(ExchangeResourceAppID)) + "&$select=id,appId,appRoles"
	if _, err := s.graph(sess).call(ctx, http.MethodGet, path, nil, nil, &out); err != nil {
		return s.stepError(ctx, SetupApp, sess, "look up Exchange Online's service principal", err)
	}
	if len(out.Value) == 0 {
		return &SetupError{Step: SetupApp, Problem: SetupNoExchange,
			Message: "the tenant has no Exchange Online: Office 365 Exchange Online has no service principal there",
			Hint:    "xops links Exchange Online; the tenant needs an Exchange Online subscription first"}
	}
	sp := out.Value[0]
	for _, r := range sp.AppRoles {
		if r.Value == ExchangeManageAsAppRole && containsFold(r.AllowedMemberTypes, "Application") {
			p.ExchangeSPID, p.ManageAsAppRoleID = strings.ToLower(sp.ID), strings.ToLower(r.ID)
			return nil
		}
	}
	return &SetupError{Step: SetupApp, Problem: SetupNoExchange,
		Message: "Exchange Online's service principal offers no " + ExchangeManageAsAppRole + " application role",
		Hint:    "the tenant's Exchange Online does not support app-only access; " + guidedHint}
}
