package store

import (
	"errors"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// nameKey is an account's entry in the names index: names are unique
// ignoring case, and the index's byte order is Home's display order.
func nameKey(name string) []byte { return []byte(strings.ToLower(name)) }

// checkName refuses a name the index cannot hold meaningfully.
func checkName(name string) error {
	if strings.TrimSpace(name) == "" {
		return errors.New("account name is empty: give the account a name")
	}
	return nil
}

// AccountByName finds an account by name, ignoring case. An unknown name
// wraps ErrNotFound; a record that cannot be read is its *RecordError.
func (s *Store) AccountByName(name string) (Account, error) {
	var a Account
	err := s.view(func(tx *bolt.Tx) error {
		id := tx.Bucket(bucketNames).Get(nameKey(name))
		if id == nil {
			return fmt.Errorf("no account is named %q: %w", name, ErrNotFound)
		}
		var err error
		a, err = loadAccount(tx.Bucket(bucketAccounts), strings.ToLower(name), id)
		return err
	})
	return a, err
}

// Account finds an account by id (ErrNotFound when there is none).
func (s *Store) Account(id string) (Account, error) {
	var a Account
	err := s.view(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bucketAccounts).Get([]byte(id))
		if raw == nil {
			return fmt.Errorf("no account has id %q: %w", id, ErrNotFound)
		}
		var err error
		a, err = decodeAccount(id, raw)
		return err
	})
	return a, err
}

// HasAccounts reports whether any account is linked, looking at one index key.
func (s *Store) HasAccounts() (bool, error) {
	var has bool
	err := s.view(func(tx *bolt.Tx) error {
		k, _ := tx.Bucket(bucketNames).Cursor().First()
		has = k != nil
		return nil
	})
	return has, err
}

// loadAccount follows a names index entry to its account.
func loadAccount(accts *bolt.Bucket, indexKey string, id []byte) (Account, error) {
	return loadIndexed(accts, indexKey, id, true)
}

// loadSummary is loadAccount without the last checks (see AccountSummaries).
func loadSummary(accts *bolt.Bucket, indexKey string, id []byte) (Account, error) {
	return loadIndexed(accts, indexKey, id, false)
}

func loadIndexed(accts *bolt.Bucket, indexKey string, id []byte, checks bool) (Account, error) {
	raw := accts.Get(id)
	if raw == nil {
		return Account{}, &RecordError{Bucket: string(bucketNames), Key: indexKey,
			Err: fmt.Errorf("it points to account %s, which does not exist; run `xops store check`", id)}
	}
	return decodeListed(string(id), raw, nil, checks)
}
