// Package flow holds what xops does, independent of how it is shown: the
// wizard's state machine (a pure reducer) and the use cases that both the TUI
// and the command line call (link, verify, export, rotate, rename, delete).
//
// flow never imports a UI package. It declares the small interfaces it needs
// from persistence and from Microsoft; store and entra satisfy them.
package flow

import "github.com/xops/xops/store"

// AccountReader reads linked accounts without touching key material.
type AccountReader interface {
	// Accounts returns every account that decodes, sorted by name (case-insensitive).
	// Records that do not decode are returned in bad; the good ones stay usable.
	Accounts() (accounts []store.Account, bad []*store.RecordError, err error)
	// AccountByName finds an account by name, ignoring case (store.ErrNotFound).
	AccountByName(name string) (store.Account, error)
	// HasAccounts reports whether any account is linked (first-run rule).
	HasAccounts() (bool, error)
	// Audit returns the audit entries of one account ("" for all), oldest first.
	Audit(accountID string) ([]store.AuditEntry, error)
}

// AccountWriter changes accounts. Every method is one transaction: it either
// happens whole or not at all, and appends its audit entry in the same
// transaction.
type AccountWriter interface {
	// CreateAccount stores a new account. Every credential it names must
	// already have key material (PutKey). store.ErrDuplicateName when the name
	// is taken, ignoring case.
	CreateAccount(a store.Account, audit store.AuditEntry) error
	// UpdateAccount reads the account, applies fn and writes it back in one
	// transaction (no lost update). Name changes go through RenameAccount.
	UpdateAccount(id string, fn func(*store.Account) error, audit *store.AuditEntry) (store.Account, error)
	// RenameAccount renames, keeping the name index consistent.
	RenameAccount(id, newName string, audit store.AuditEntry) error
	// DeleteAccount removes the account, its name index entry and the key
	// material of all its credentials; the audit entry stays.
	DeleteAccount(id string, audit store.AuditEntry) error
}

// KeyStore keeps key material by credential id.
type KeyStore interface {
	PutKey(credID string, km store.KeyMaterial) error
	Key(credID string) (store.KeyMaterial, error)
	DeleteKey(credID string) error
}

// DraftStore keeps the wizard in progress, as opaque bytes owned by flow.
type DraftStore interface {
	PutDraft(kind string, data []byte) error
	// Draft returns store.ErrNotFound when there is none.
	Draft(kind string) ([]byte, error)
	DeleteDraft(kind string) error
}

// SettingStore keeps preferences as opaque bytes (store.ErrNotFound when unset).
type SettingStore interface {
	Setting(key string) ([]byte, error)
	PutSetting(key string, value []byte) error
}

// AccountStore is everything flow needs from persistence.
type AccountStore interface {
	AccountReader
	AccountWriter
	KeyStore
	DraftStore
	SettingStore
}
