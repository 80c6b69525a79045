package store

import bolt "go.etcd.io/bbolt"

// FillAccounts stores key material and accounts in one transaction, through
// the same code CreateAccount uses, so benchmarks can build a large store
// quickly.
func FillAccounts(s *Store, keys map[string]KeyMaterial, accounts []Account) error {
	return s.update(func(tx *bolt.Tx) error {
		for id, km := range keys {
			km.V = RecordVersion
			raw, err := encodeRecord(km)
			if err != nil {
				return err
			}
			if err := tx.Bucket(bucketKeys).Put([]byte(id), raw); err != nil {
				return err
			}
		}
		for _, a := range accounts {
			if err := s.createAccountTx(tx, a, AuditEntry{}); err != nil {
				return err
			}
		}
		return nil
	})
}

// OpenExisting returns a handle on path without Open's checks, like a
// handle opened before the file was damaged.
func OpenExisting(path string, opts Options) *Store {
	return &Store{path: path, timeout: opts.Timeout, now: opts.Now}
}

// DeleteAccountUnscrubbed is DeleteAccount without the scrub that follows
// it, for benchmarks to show the scrub's share.
func DeleteAccountUnscrubbed(s *Store, id string) error {
	_, err := s.deleteAccount(id, AuditEntry{})
	return err
}
