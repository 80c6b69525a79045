package main

import (
	"fmt"
	"time"

	"github.com/xops/xops/store"
)

// accountJSON is one account as `accounts list --json` and `accounts show
// --json` print it. The first fields are the contract's; never key material.
type accountJSON struct {
	Name         string  `json:"name"`
	AppID        string  `json:"app_id"`
	TenantID     string  `json:"tenant_id"`
	Organization string  `json:"organization"`
	Cloud        string  `json:"cloud"`
	Thumbprint   string  `json:"thumbprint"`
	KeySize      int     `json:"key_size"`
	NotBefore    *string `json:"not_before"`
	NotAfter     *string `json:"not_after"`
	Created      string  `json:"created"`
	Status       string  `json:"status"`
	FailedStep   *string `json:"failed_step"`
	LastVerified *string `json:"last_verified"`

	ID                 string       `json:"id"`
	PendingCertificate *pendingJSON `json:"pending_certificate,omitempty"`
	// show only: the last verification check by check, and the audit history.
	LastChecks []checkJSON   `json:"last_checks,omitempty"`
	History    []historyJSON `json:"history,omitempty"`
	// show only: "passphrase" or "file-permissions" (flow.Protection).
	KeyProtection string `json:"key_protection,omitempty"`
}

// checkJSON is one check of the last verification, shaped as in `verify --json`.
type checkJSON struct {
	ID      string `json:"id"`
	OK      bool   `json:"ok"`
	Skipped bool   `json:"skipped,omitempty"`
	Step    string `json:"step,omitempty"`
	Message string `json:"message,omitempty"`
	Hint    string `json:"hint,omitempty"`
}

// pendingJSON is the new certificate of a rotation under way.
type pendingJSON struct {
	Thumbprint string `json:"thumbprint"`
	KeySize    int    `json:"key_size"`
	NotBefore  string `json:"not_before"`
	NotAfter   string `json:"not_after"`
}

// historyJSON is one audit entry of the account (no secrets are ever audited).
type historyJSON struct {
	At     string `json:"at"`
	Action string `json:"action"`
	Detail string `json:"detail,omitempty"`
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func optTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := rfc3339(t)
	return &s
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// toJSON builds the view of one account that list and show share.
func toJSON(a store.Account) accountJSON {
	v := accountJSON{
		Name:         a.Name,
		AppID:        a.AppID,
		TenantID:     a.TenantID,
		Organization: a.Organization,
		Cloud:        a.Cloud,
		Created:      rfc3339(a.Created),
		Status:       string(statusOf(a)),
		FailedStep:   optString(a.FailedStep),
		LastVerified: optTime(a.LastVerified),
		ID:           a.ID,
	}
	if c, ok := a.Active(); ok {
		v.Thumbprint = c.Thumbprint
		v.KeySize = c.KeySize
		v.NotBefore = optTime(c.NotBefore)
		v.NotAfter = optTime(c.NotAfter)
	}
	if p, ok := a.PendingCredential(); ok {
		v.PendingCertificate = &pendingJSON{Thumbprint: p.Thumbprint, KeySize: p.KeySize,
			NotBefore: rfc3339(p.NotBefore), NotAfter: rfc3339(p.NotAfter)}
	}
	return v
}

// detailJSON is toJSON plus what only `accounts show --json` prints.
func detailJSON(a store.Account, history []store.AuditEntry) accountJSON {
	v := toJSON(a)
	for _, c := range a.LastChecks {
		v.LastChecks = append(v.LastChecks, checkJSON(c))
	}
	for _, h := range history {
		v.History = append(v.History, historyJSON{At: rfc3339(h.At), Action: h.Action, Detail: h.Detail})
	}
	return v
}

// statusOf treats a record without a status (an older writer) as unverified.
func statusOf(a store.Account) store.Status {
	if a.Status == "" {
		return store.StatusUnverified
	}
	return a.Status
}

// statusText is the status as a person reads it.
func statusText(a store.Account) string {
	switch statusOf(a) {
	case store.StatusVerified:
		return "verified"
	case store.StatusFailed:
		if a.FailedStep != "" {
			return "failed at " + a.FailedStep
		}
		return "failed"
	default:
		return "not verified"
	}
}

// expiryText is a certificate's end of validity, flagged when close or past.
func expiryText(notAfter, now time.Time) string {
	if notAfter.IsZero() {
		return "-"
	}
	d := notAfter.Format("2006-01-02")
	left := notAfter.Sub(now)
	switch {
	case left <= 0:
		return d + " (expired)"
	case left < 30*24*time.Hour:
		return fmt.Sprintf("%s (in %d days)", d, int(left.Hours()/24)+1)
	}
	return d
}
