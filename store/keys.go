package store

import (
	"bytes"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// checkKeyMaterial refuses key material that could not be used later.
func checkKeyMaterial(credID string, km KeyMaterial) error {
	switch {
	case credID == "":
		return errors.New("key material needs a credential id")
	case len(km.CertDER) == 0:
		return fmt.Errorf("key material of credential %s has no certificate", credID)
	case (len(km.KeyPKCS8) > 0) == (len(km.KeyAge) > 0):
		return fmt.Errorf("key material of credential %s must hold exactly one key, plain (PKCS#8) or age-encrypted", credID)
	}
	return nil
}

// PutKey stores (or replaces) a credential's certificate and private key.
// The bytes are kept as given; the store never interprets them. A plain key
// is refused with ErrKeyNotSealed when the store's keys are protected (see
// SettingKeyProtection), checked in the same transaction as the write. When
// a different key is replaced, the pages its old form was in are zeroed.
func (s *Store) PutKey(credID string, km KeyMaterial) error { return s.PutKeyIf(credID, km, nil) }

// PutKeyIf is PutKey for a key sealed (or left plain) as the settings in
// expect said: when one of them no longer has that exact value (nil: unset)
// in the write transaction, nothing is written and ErrChanged is returned.
// A key sealed under a passphrase another xops has changed or removed
// meanwhile would otherwise be stored where no passphrase opens it.
func (s *Store) PutKeyIf(credID string, km KeyMaterial, expect map[string][]byte) error {
	if err := checkKeyMaterial(credID, km); err != nil {
		return err
	}
	km.V = RecordVersion
	raw, err := encodeRecord(km)
	if err != nil {
		return err
	}
	replaced := false
	err = s.update(func(tx *bolt.Tx) error {
		if err := expectSettings(tx, expect); err != nil {
			return fmt.Errorf("storing the key of credential %s: %w", credID, err)
		}
		if err := refusePlainKey(tx, credID, km); err != nil {
			return err
		}
		keys := tx.Bucket(bucketKeys)
		if old := keys.Get([]byte(credID)); old != nil && !bytes.Equal(old, raw) {
			replaced = true
			if err := markScrub(tx); err != nil {
				return err
			}
		}
		if err := keys.Put([]byte(credID), raw); err != nil {
			return fmt.Errorf("writing the key of credential %s: %w", credID, err)
		}
		return nil
	})
	if err != nil || !replaced {
		return err
	}
	return s.scrubAfterRemoval("the replaced key of credential " + credID)
}

// expectSettings fails with ErrChanged unless every setting in expect has
// that exact value (nil: unset).
func expectSettings(tx *bolt.Tx, expect map[string][]byte) error {
	b := tx.Bucket(bucketSettings)
	for k, want := range expect {
		if got := b.Get([]byte(k)); (got == nil) != (want == nil) || !bytes.Equal(got, want) {
			return fmt.Errorf("setting %q: %w", k, ErrChanged)
		}
	}
	return nil
}

// Key returns a credential's key material (ErrNotFound when there is none).
func (s *Store) Key(credID string) (KeyMaterial, error) {
	var km KeyMaterial
	err := s.view(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bucketKeys).Get([]byte(credID))
		if raw == nil {
			return fmt.Errorf("no key material for credential %q: %w", credID, ErrNotFound)
		}
		var err error
		// Decoding copies the bytes out of the memory map, which dies with tx.
		km, err = decodeRecord[KeyMaterial](bucketKeys, credID, raw)
		return err
	})
	return km, err
}

// DeleteKey removes a credential's key material; deleting a key that is not
// there is not an error. A key an account still names is refused, so an
// account never points at a key that is gone (DeleteAccount and
// UpdateAccount remove keys with their credentials). The pages the key was
// in are zeroed right after, in a second write transaction.
func (s *Store) DeleteKey(credID string) error {
	removed := false
	err := s.update(func(tx *bolt.Tx) error {
		if owner, ok := keyOwner(tx, credID); ok {
			return fmt.Errorf("the key of credential %s is still used by account %q; drop the credential from the account instead", credID, owner)
		}
		keys := tx.Bucket(bucketKeys)
		removed = keys.Get([]byte(credID)) != nil
		if err := keys.Delete([]byte(credID)); err != nil {
			return fmt.Errorf("deleting the key of credential %s: %w", credID, err)
		}
		if removed {
			return markScrub(tx)
		}
		return nil
	})
	if err != nil || !removed {
		return err
	}
	return s.scrubAfterRemoval("the key of credential " + credID)
}

// keyOwner finds the account that names credID. It scans the accounts, which
// is fine for a rare delete and keeps Accounts() free of key lookups.
func keyOwner(tx *bolt.Tx, credID string) (string, bool) {
	needle := []byte(`"` + credID + `"`)
	c := tx.Bucket(bucketAccounts).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if !bytes.Contains(v, needle) {
			continue // cheap pre-filter before decoding
		}
		a, err := decodeRecord[Account](bucketAccounts, string(k), v)
		if err != nil {
			continue
		}
		for _, cr := range a.Credentials {
			if cr.ID == credID {
				return a.Name, true
			}
		}
	}
	return "", false
}

// KeyRewrite passes every stored key through Fn and writes the results back
// in one transaction, together with Settings, after checking Expect, with an
// audit entry: setting, changing or removing the passphrase re-encrypts all
// keys or none. If Fn fails for any key, nothing is written and the error is
// returned wrapped.
type KeyRewrite struct {
	// Fn turns each stored key into its new form.
	Fn func(credID string, km KeyMaterial) (KeyMaterial, error)
	// Expect holds settings that must still have these exact values (nil:
	// unset) when the transaction starts; otherwise nothing is written and
	// ErrChanged is returned. It guards against another process having
	// changed them since the caller read them.
	Expect map[string][]byte
	// Settings are written with the keys.
	Settings map[string][]byte
	// Audit is appended (one without an account: "passphrase set", …).
	Audit AuditEntry
}

// ErrChanged says a setting changed under the caller (another xops): nothing was written.
var ErrChanged = errors.New("the store changed meanwhile (another xops?); nothing was written, try again")

// RewriteKeysIf runs r in one transaction: expectations, every key, the
// settings and the audit entry, or nothing. Then it zeroes the pages the
// old forms of the keys were in (ScrubFreePages), so a key just encrypted
// is not left readable in the file; a failure there is returned but the
// rewrite stands.
func (s *Store) RewriteKeysIf(r KeyRewrite) error {
	if err := s.rewriteKeysIf(r); err != nil {
		return err
	}
	return s.scrubAfterRemoval("the old form of the rewritten keys")
}

func (s *Store) rewriteKeysIf(r KeyRewrite) error {
	return s.update(func(tx *bolt.Tx) error {
		if err := expectSettings(tx, r.Expect); err != nil {
			return err
		}
		if err := rewriteKeysTx(tx, r.Fn, r.Settings); err != nil {
			return err
		}
		return s.appendAudit(tx, r.Audit, "keys rewritten", Account{})
	})
}

func rewriteKeysTx(tx *bolt.Tx, fn func(credID string, km KeyMaterial) (KeyMaterial, error), settings map[string][]byte) error {
	keys := tx.Bucket(bucketKeys)
	type rewritten struct {
		id  []byte
		raw []byte
		km  KeyMaterial
	}
	var out []rewritten
	c := keys.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		id := string(k)
		km, err := decodeRecord[KeyMaterial](bucketKeys, id, v)
		if err != nil {
			return err
		}
		var next KeyMaterial
		err = callCaller(func() error {
			var err error
			next, err = fn(id, km)
			return err
		})
		if err != nil {
			return fmt.Errorf("rewriting the key of credential %s: %w", id, err)
		}
		if err := checkKeyMaterial(id, next); err != nil {
			return err
		}
		next.V = RecordVersion
		raw, err := encodeRecord(next)
		if err != nil {
			return err
		}
		// Puts wait until the walk is over: changing a bucket under its cursor is unsafe.
		out = append(out, rewritten{[]byte(id), raw, next})
	}
	for _, r := range out {
		if err := keys.Put(r.id, r.raw); err != nil {
			return fmt.Errorf("writing the key of credential %s: %w", r.id, err)
		}
	}
	if len(out) > 0 {
		// The old forms (plain keys, when a passphrase is set) are in freed pages now.
		if err := markScrub(tx); err != nil {
			return err
		}
	}
	if err := putSettings(tx, settings); err != nil {
		return err
	}
	// The protection the settings now say must hold for every key written.
	for _, r := range out {
		if err := refusePlainKey(tx, string(r.id), r.km); err != nil {
			return err
		}
	}
	return nil
}

// OrphanKeys lists the credential ids whose key material no account names:
// what a crash between PutKey and CreateAccount leaves, or a wizard still in
// progress holds. The store cannot tell these apart, so it never prunes them
// itself; flow can delete those no draft refers to.
func (s *Store) OrphanKeys() ([]string, error) {
	orphans := []string{}
	err := s.view(func(tx *bolt.Tx) error {
		used, err := usedCredentials(tx)
		if err != nil {
			return fmt.Errorf("listing orphan keys: %w", err)
		}
		c := tx.Bucket(bucketKeys).Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			if !used[string(k)] {
				orphans = append(orphans, string(k))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return orphans, nil
}

// usedCredentials is the set of credential ids the accounts name. An
// account that does not decode is an error: it might name any key, so no
// key may be called unused.
func usedCredentials(tx *bolt.Tx) (map[string]bool, error) {
	used := make(map[string]bool)
	c := tx.Bucket(bucketAccounts).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		a, err := decodeRecord[Account](bucketAccounts, string(k), v)
		if err != nil {
			return nil, err
		}
		for _, cr := range a.Credentials {
			used[cr.ID] = true
		}
	}
	return used, nil
}
