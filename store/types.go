// Package store keeps xops's linked accounts, their key material, the wizard's
// drafts, settings and an append-only audit log in one bbolt file.
//
// The store knows nothing of Microsoft or of screens: it persists versioned
// JSON records and keeps its indexes consistent. Key material is stored as
// opaque bytes (plain PKCS#8 or age-encrypted by the caller); the store never
// interprets it.
package store

import (
	"errors"
	"fmt"
	"time"
)

// SchemaVersion is the layout version this binary writes and understands.
// A file stamped with a newer version is refused without any write.
const SchemaVersion = 1

// RecordVersion is the version stamped in every JSON value ("v").
const RecordVersion = 1

// Status is an account's verification state.
type Status string

// The verification states, as `accounts list --json` prints them.
const (
	StatusUnverified Status = "unverified"
	StatusVerified   Status = "verified"
	StatusFailed     Status = "failed"
)

// Account is a linked Microsoft 365 account. It holds everything Home needs
// to draw a row without touching key material.
type Account struct {
	V            int       `json:"v"`
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	AppID        string    `json:"app_id"`
	TenantID     string    `json:"tenant_id"`
	Organization string    `json:"organization"`
	Cloud        string    `json:"cloud"`
	Created      time.Time `json:"created"`
	Status       Status    `json:"status"`
	FailedStep   string    `json:"failed_step,omitempty"`
	LastVerified time.Time `json:"last_verified,omitzero"`
	// LastChecks is the last verification, check by check.
	LastChecks []CheckRecord `json:"last_checks,omitempty"`
	// Credentials holds the active credential first; a second one, marked
	// Pending, exists only while a rotation is under way.
	Credentials []Credential `json:"credentials"`
}

// Active returns the credential in use (the first non-pending one).
func (a Account) Active() (Credential, bool) {
	for _, c := range a.Credentials {
		if !c.Pending {
			return c, true
		}
	}
	return Credential{}, false
}

// PendingCredential returns the credential of a rotation under way, if any.
func (a Account) PendingCredential() (Credential, bool) {
	for _, c := range a.Credentials {
		if c.Pending {
			return c, true
		}
	}
	return Credential{}, false
}

// CheckRecord is one verification check as it was last seen.
type CheckRecord struct {
	ID      string `json:"id"`
	OK      bool   `json:"ok"`
	Skipped bool   `json:"skipped,omitempty"`
	Step    string `json:"step,omitempty"`
	Message string `json:"message,omitempty"`
	Hint    string `json:"hint,omitempty"`
}

// Credential describes a certificate and its key pair. The key itself lives
// in the keys bucket under Credential.ID.
type Credential struct {
	ID         string    `json:"id"`
	Thumbprint string    `json:"thumbprint"` // SHA-1, uppercase hex, as the Entra portal shows it
	KeySize    int       `json:"key_size"`
	NotBefore  time.Time `json:"not_before"`
	NotAfter   time.Time `json:"not_after"`
	Created    time.Time `json:"created"`
	Pending    bool      `json:"pending,omitempty"`
}

// KeyMaterial is a credential's certificate and private key. Exactly one of
// KeyPKCS8 (plain) and KeyAge (age-encrypted PKCS#8) is set.
type KeyMaterial struct {
	V        int    `json:"v"`
	CertDER  []byte `json:"cert_der"`
	KeyPKCS8 []byte `json:"key_pkcs8,omitempty"`
	KeyAge   []byte `json:"key_age,omitempty"`
}

// Format keeps key material out of logs, panics and error messages: every
// fmt verb prints only which parts are present, never the bytes.
func (k KeyMaterial) Format(f fmt.State, _ rune) {
	kind := "none"
	switch {
	case len(k.KeyAge) > 0:
		kind = "age-encrypted"
	case len(k.KeyPKCS8) > 0:
		kind = "plain"
	}
	fmt.Fprintf(f, "KeyMaterial{v%d, cert %d bytes, key %s, redacted}", k.V, len(k.CertDER), kind)
}

// AuditEntry is one line of the append-only audit log. It never holds secrets.
type AuditEntry struct {
	V         int       `json:"v"`
	Seq       uint64    `json:"seq"`
	At        time.Time `json:"at"`
	Action    string    `json:"action"` // linked, verified, rotated, renamed, deleted, ...
	AccountID string    `json:"account_id,omitempty"`
	Name      string    `json:"name,omitempty"`
	Detail    string    `json:"detail,omitempty"`
}

// Errors the store returns; match them with errors.Is / errors.As.
var (
	ErrNotFound      = errors.New("not found")
	ErrDuplicateName = errors.New("an account with that name already exists")
	ErrSchemaTooNew  = errors.New("store was written by a newer xops")
	// ErrCorrupt marks a store file that is truncated, damaged or not an
	// xops store at all. The message names the file and what to do.
	ErrCorrupt = errors.New("store file is damaged")
	// ErrClosed is returned by every method after Close.
	ErrClosed = errors.New("store is closed")
)

// LockedError says another process holds the store file.
type LockedError struct{ Path string }

func (e *LockedError) Error() string {
	return fmt.Sprintf("%s is in use by another xops (or another program); close it or wait, then try again", e.Path)
}

// RecordError names a record that could not be decoded. The other records stay readable.
type RecordError struct {
	Bucket string
	Key    string
	Err    error
}

func (e *RecordError) Error() string {
	return fmt.Sprintf("record %s/%s cannot be read: %v", e.Bucket, e.Key, e.Err)
}

func (e *RecordError) Unwrap() error { return e.Err }
