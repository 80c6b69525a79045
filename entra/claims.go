package entra

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// TokenClaims are the access-token claims verification reads. They are
// decoded, not verified: the token came straight from Entra over TLS and is
// only looked at to say what Entra granted, never trusted for access.
type TokenClaims struct {
	Audience string
	TenantID string
	AppID    string
	Roles    []string
	Wids     []string
	Expires  time.Time
}

// DecodeClaims reads the payload of a JWT access token without verifying it.
func DecodeClaims(token string) (TokenClaims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return TokenClaims{}, errors.New("decoding the access token: it is not a JWT")
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return TokenClaims{}, fmt.Errorf("decoding the access token payload: %w", err)
	}
	var c struct {
		Aud   any      `json:"aud"`
		Tid   string   `json:"tid"`
		AppID string   `json:"appid"`
		Azp   string   `json:"azp"`
		Roles []string `json:"roles"`
		Wids  []string `json:"wids"`
		Exp   float64  `json:"exp"`
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return TokenClaims{}, fmt.Errorf("decoding the access token claims: %w", err)
	}
	out := TokenClaims{TenantID: c.Tid, AppID: c.AppID, Roles: c.Roles, Wids: c.Wids}
	if out.AppID == "" {
		out.AppID = c.Azp
	}
	switch a := c.Aud.(type) {
	case string:
		out.Audience = a
	case []any:
		if len(a) > 0 {
			out.Audience, _ = a[0].(string)
		}
	}
	if c.Exp > 0 {
		out.Expires = time.Unix(int64(c.Exp), 0)
	}
	return out, nil
}

// HasRole reports whether the token carries the app role.
func (c TokenClaims) HasRole(role string) bool { return containsFold(c.Roles, role) }

// HasDirectoryRole reports whether wids holds the directory role template id.
func (c TokenClaims) HasDirectoryRole(templateID string) bool {
	return containsFold(c.Wids, templateID)
}

func containsFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}
