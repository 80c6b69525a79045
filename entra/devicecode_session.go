package entra

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// AdminSession is a signed-in admin's delegated access to Microsoft Graph.
// The token is unexported and never printed: it stays in this process's
// memory and dies with the session.
type AdminSession struct {
	token string
	// TenantID is the tenant the admin signed in to (the token's tid).
	TenantID string
	// UserPrincipalName is who signed in (upn, else preferred_username), for
	// the audit log.
	UserPrincipalName string
	// UserObjectID is the admin's object id (oid).
	UserObjectID string
	// Roles are the directory role template ids the token lists (wids). Entra
	// may leave them out; an empty list proves nothing.
	Roles []string
	// Scopes are the delegated permissions granted (scp).
	Scopes []string
	// ExpiresOn is when the token stops working.
	ExpiresOn time.Time
}

// SessionFromToken wraps a delegated Graph access token got elsewhere (a
// test rig, another sign-in tool), reading who it is for from its claims.
// The claims are decoded, not verified: Graph verifies the token.
func SessionFromToken(token string) (*AdminSession, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errors.New("the access token is not a JWT")
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil, fmt.Errorf("decoding the access token payload: %w", err)
	}
	var c struct {
		Tid        string   `json:"tid"`
		Oid        string   `json:"oid"`
		Upn        string   `json:"upn"`
		UniqueName string   `json:"unique_name"`
		Preferred  string   `json:"preferred_username"`
		Scp        string   `json:"scp"`
		Wids       []string `json:"wids"`
		Exp        float64  `json:"exp"`
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("decoding the access token claims: %w", err)
	}
	s := &AdminSession{token: token, TenantID: strings.ToLower(c.Tid), UserObjectID: c.Oid, Roles: c.Wids, Scopes: strings.Fields(c.Scp)}
	for _, u := range []string{c.Upn, c.Preferred, c.UniqueName} {
		if u != "" {
			s.UserPrincipalName = serverText(u)
			break
		}
	}
	if c.Exp > 0 {
		s.ExpiresOn = time.Unix(int64(c.Exp), 0)
	}
	return s, nil
}

// String names the session without its token.
func (s *AdminSession) String() string {
	if s == nil {
		return "AdminSession(nil)"
	}
	return fmt.Sprintf("AdminSession{%s in tenant %s, token redacted}", s.UserPrincipalName, s.TenantID)
}

// Format keeps the token out of every fmt verb (%v, %+v, %#v).
func (s *AdminSession) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, s.String()) }

// HasRole reports whether the token lists the directory role template id.
func (s *AdminSession) HasRole(templateID string) bool { return containsFold(s.Roles, templateID) }
