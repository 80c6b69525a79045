package store

import (
	"bytes"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// NewAccount is one account of a CreateAccounts batch, with the key material
// of its credentials.
type NewAccount struct {
	Account Account
	// Keys is the key material of the account's credentials, by credential id.
	Keys map[string]KeyMaterial
	// Audit is the account's "linked" entry (see CreateAccount).
	Audit AuditEntry
}

// CreateAccounts stores many accounts and their key material in one write
// transaction: all of them or, when any is refused, none. Each account is
// checked and filled exactly as CreateAccount does it (names unique ignoring
// case, within the batch too; every credential backed by key material, here
// or already in the store), and each key as PutKey checks it. One fsync for
// the whole batch is what makes importing an MSP's thousands of tenants — or
// filling a benchmark's store — take seconds instead of minutes.
func (s *Store) CreateAccounts(batch []NewAccount) error {
	for i, na := range batch {
		if err := checkName(na.Account.Name); err != nil {
			return fmt.Errorf("account %d of the batch: %w; nothing was written", i+1, err)
		}
		for credID, km := range na.Keys {
			if err := checkKeyMaterial(credID, km); err != nil {
				return fmt.Errorf("account %q: %w; nothing was written", na.Account.Name, err)
			}
		}
	}
	replaced := false
	err := s.update(func(tx *bolt.Tx) error {
		replaced = false
		keys := tx.Bucket(bucketKeys)
		for _, na := range batch {
			for credID, km := range na.Keys {
				if err := refusePlainKey(tx, credID, km); err != nil {
					return fmt.Errorf("account %q: %w (nothing of the batch was written)", na.Account.Name, err)
				}
				km.V = RecordVersion
				raw, err := encodeRecord(km)
				if err != nil {
					return err
				}
				if old := keys.Get([]byte(credID)); old != nil && !bytes.Equal(old, raw) {
					replaced = true
					if err := markScrub(tx); err != nil {
						return err
					}
				}
				if err := keys.Put([]byte(credID), raw); err != nil {
					return fmt.Errorf("writing the key of credential %s: %w", credID, err)
				}
			}
			if err := s.createAccountTx(tx, na.Account, na.Audit); err != nil {
				return fmt.Errorf("%w (nothing of the batch was written)", err)
			}
		}
		return nil
	})
	if err != nil || !replaced {
		return err
	}
	return s.scrubAfterRemoval("a replaced key")
}
