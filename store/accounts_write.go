package store

import (
	"bytes"
	"errors"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// CreateAccount stores a new account and its audit entry in one transaction.
// It assigns ID (random 128-bit hex) when empty, stamps V, fills Created
// (store clock) and Status (unverified) when unset. It refuses, writing
// nothing: an empty name, a name already taken ignoring case (wraps
// ErrDuplicateName), an ID in use, and a credential whose key material is not
// in the store yet (PutKey first). The audit entry's Action defaults to
// "linked"; its AccountID and Name are filled from the account.
func (s *Store) CreateAccount(a Account, audit AuditEntry) error {
	if err := checkName(a.Name); err != nil {
		return err
	}
	return s.update(func(tx *bolt.Tx) error { return s.createAccountTx(tx, a, audit) })
}

func (s *Store) createAccountTx(tx *bolt.Tx, a Account, audit AuditEntry) error {
	accts, names := tx.Bucket(bucketAccounts), tx.Bucket(bucketNames)
	if a.ID == "" {
		a.ID = newID()
	} else if accts.Get([]byte(a.ID)) != nil {
		return fmt.Errorf("account id %s is already in use; leave ID empty to get a fresh one", a.ID)
	}
	if names.Get(nameKey(a.Name)) != nil {
		return fmt.Errorf("account name %q (names ignore case): %w; choose another name", a.Name, ErrDuplicateName)
	}
	if err := checkCredentials(tx, a); err != nil {
		return err
	}
	a.V = RecordVersion
	if a.Created.IsZero() {
		a.Created = s.now()
	}
	if a.Status == "" {
		a.Status = StatusUnverified
	}
	if err := putAccount(tx, a); err != nil {
		return err
	}
	if err := names.Put(nameKey(a.Name), []byte(a.ID)); err != nil {
		return fmt.Errorf("indexing account %q: %w", a.Name, err)
	}
	return s.appendAudit(tx, audit, "linked", a)
}

// UpdateAccount reads the account, applies fn and writes the result back in
// one write transaction, so concurrent updates — from goroutines or from
// other processes — are never lost. fn may not change ID or Name (use
// RenameAccount). Credentials fn adds must already have key material; the key
// material of credentials fn drops is deleted in the same transaction. When
// fn returns an error nothing is written and the error is returned wrapped.
// audit may be nil; its Action defaults to "updated". When keys were
// deleted, the pages they were in are zeroed right after (a second write
// transaction): a finished or cancelled rotation leaves no old key readable.
func (s *Store) UpdateAccount(id string, fn func(*Account) error, audit *AuditEntry) (Account, error) {
	var out Account
	var dropped []Credential
	err := s.update(func(tx *bolt.Tx) error {
		before, err := accountByID(tx, id)
		if err != nil {
			return err
		}
		after := before
		// fn gets its own slices, so before still says which keys were in use.
		after.Credentials = slices.Clone(before.Credentials)
		after.LastChecks = slices.Clone(before.LastChecks)
		if err := callCaller(func() error { return fn(&after) }); err != nil {
			return fmt.Errorf("updating account %q: %w", before.Name, err)
		}
		switch {
		case after.ID != before.ID:
			return fmt.Errorf("updating account %q: its id cannot change (from %s to %s)", before.Name, before.ID, after.ID)
		case after.Name != before.Name:
			return fmt.Errorf("updating account %q: the name cannot change here (to %q); rename the account instead", before.Name, after.Name)
		}
		if err := checkCredentials(tx, after); err != nil {
			return err
		}
		after.V = RecordVersion
		if err := putAccount(tx, after); err != nil {
			return err
		}
		dropped = droppedCredentials(before, after)
		if err := deleteKeys(tx, dropped); err != nil {
			return err
		}
		if audit != nil {
			if err := s.appendAudit(tx, *audit, "updated", after); err != nil {
				return err
			}
		}
		out = after
		return nil
	})
	if err != nil {
		return Account{}, err
	}
	if len(dropped) > 0 {
		if err := s.scrubAfterRemoval(fmt.Sprintf("the key of credential %s (account %q)", dropped[0].ID, out.Name)); err != nil {
			return out, err
		}
	}
	return out, nil
}

// RenameAccount renames an account and moves its names index entry in the
// same transaction. A new name that differs only in case is allowed; another
// account's name wraps ErrDuplicateName. The audit entry's Action defaults to
// "renamed" and its Detail to the old name.
func (s *Store) RenameAccount(id, newName string, audit AuditEntry) error {
	if err := checkName(newName); err != nil {
		return err
	}
	return s.update(func(tx *bolt.Tx) error {
		a, err := accountByID(tx, id)
		if err != nil {
			return err
		}
		names := tx.Bucket(bucketNames)
		oldKey, newKey := nameKey(a.Name), nameKey(newName)
		if !bytes.Equal(oldKey, newKey) {
			if owner := names.Get(newKey); owner != nil {
				return fmt.Errorf("renaming %q to %q (names ignore case): %w; choose another name", a.Name, newName, ErrDuplicateName)
			}
			if owner := names.Get(oldKey); bytes.Equal(owner, []byte(a.ID)) {
				if err := names.Delete(oldKey); err != nil {
					return fmt.Errorf("renaming %q: %w", a.Name, err)
				}
			}
		}
		if err := names.Put(newKey, []byte(a.ID)); err != nil {
			return fmt.Errorf("renaming %q: %w", a.Name, err)
		}
		if audit.Detail == "" {
			audit.Detail = fmt.Sprintf("was %q", a.Name)
		}
		a.Name = newName
		a.V = RecordVersion
		if err := putAccount(tx, a); err != nil {
			return err
		}
		return s.appendAudit(tx, audit, "renamed", a)
	})
}

// DeleteAccount removes the account, its names index entry and the key
// material of all its credentials; its audit history stays. A record that no
// longer decodes can still be deleted by id (the id is its RecordError.Key):
// its index entry goes too, but its keys cannot be known and stay until
// `xops store check` reports them. The audit entry's Action defaults to
// "deleted". The pages the keys were in are zeroed right after, in a second
// write transaction.
func (s *Store) DeleteAccount(id string, audit AuditEntry) error {
	removedKeys, err := s.deleteAccount(id, audit)
	if err != nil || !removedKeys {
		return err
	}
	return s.scrubAfterRemoval("the key material of account " + id)
}

// deleteAccount is DeleteAccount's write transaction; removedKeys says
// whether it deleted key material (whose pages then need zeroing).
func (s *Store) deleteAccount(id string, audit AuditEntry) (removedKeys bool, err error) {
	err = s.update(func(tx *bolt.Tx) error {
		accts, names := tx.Bucket(bucketAccounts), tx.Bucket(bucketNames)
		a, err := accountByID(tx, id)
		var re *RecordError
		switch {
		case err == nil:
			if owner := names.Get(nameKey(a.Name)); bytes.Equal(owner, []byte(id)) {
				if err := names.Delete(nameKey(a.Name)); err != nil {
					return fmt.Errorf("deleting account %q: %w", a.Name, err)
				}
			}
			if err := deleteKeys(tx, a.Credentials); err != nil {
				return err
			}
			removedKeys = len(a.Credentials) > 0
		case errors.As(err, &re):
			a = Account{ID: id}
			if err := unindex(names, id); err != nil {
				return err
			}
		default:
			return err
		}
		if err := accts.Delete([]byte(id)); err != nil {
			return fmt.Errorf("deleting account %s: %w", id, err)
		}
		return s.appendAudit(tx, audit, "deleted", a)
	})
	return removedKeys && err == nil, err
}

// accountByID reads one account inside a transaction.
func accountByID(tx *bolt.Tx, id string) (Account, error) {
	raw := tx.Bucket(bucketAccounts).Get([]byte(id))
	if raw == nil {
		return Account{}, fmt.Errorf("no account has id %q: %w", id, ErrNotFound)
	}
	return decodeAccount(id, raw)
}

func putAccount(tx *bolt.Tx, a Account) error {
	raw, err := encodeRecord(a)
	if err != nil {
		return err
	}
	if err := tx.Bucket(bucketAccounts).Put([]byte(a.ID), raw); err != nil {
		return fmt.Errorf("writing account %q: %w", a.Name, err)
	}
	return nil
}

// checkCredentials insists that every credential is named once and has its
// key material in the store, so no account points at a key that is not there.
func checkCredentials(tx *bolt.Tx, a Account) error {
	keys := tx.Bucket(bucketKeys)
	seen := make(map[string]bool, len(a.Credentials))
	for i, c := range a.Credentials {
		switch {
		case c.ID == "":
			return fmt.Errorf("account %q: credential %d has no id; nothing was written", a.Name, i+1)
		case seen[c.ID]:
			return fmt.Errorf("account %q: credential %s is listed twice; nothing was written", a.Name, c.ID)
		case keys.Get([]byte(c.ID)) == nil:
			return fmt.Errorf("account %q: credential %s has no key material in the store; store the key (PutKey) first; nothing was written", a.Name, c.ID)
		}
		seen[c.ID] = true
	}
	return nil
}

// droppedCredentials lists the credentials before has and after does not.
func droppedCredentials(before, after Account) []Credential {
	var dropped []Credential
	for _, c := range before.Credentials {
		if !slices.ContainsFunc(after.Credentials, func(d Credential) bool { return d.ID == c.ID }) {
			dropped = append(dropped, c)
		}
	}
	return dropped
}

func deleteKeys(tx *bolt.Tx, creds []Credential) error {
	keys := tx.Bucket(bucketKeys)
	for _, c := range creds {
		if err := keys.Delete([]byte(c.ID)); err != nil {
			return fmt.Errorf("deleting the key of credential %s: %w", c.ID, err)
		}
	}
	if len(creds) > 0 {
		return markScrub(tx)
	}
	return nil
}

// unindex removes every names entry that points at id (used when the
// account's own record is unreadable and its name unknown).
func unindex(names *bolt.Bucket, id string) error {
	var stale [][]byte
	c := names.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if bytes.Equal(v, []byte(id)) {
			stale = append(stale, bytes.Clone(k))
		}
	}
	for _, k := range stale {
		if err := names.Delete(k); err != nil {
			return fmt.Errorf("removing index entry %q: %w", k, err)
		}
	}
	return nil
}
