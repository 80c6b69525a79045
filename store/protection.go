package store

import (
	"encoding/json"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// SettingKeyProtection is the setting that says how keys are protected at
// rest. Its value belongs to flow (a versioned JSON object whose "mode" is
// "none" or names an encryption); the store reads only "mode", to refuse a
// plain key in a store whose keys are encrypted.
const SettingKeyProtection = "security.keys"

// ErrKeyNotSealed says a plain (PKCS#8) key was refused because the store's
// keys are protected by a passphrase: another xops set one after the caller
// read the protection. Nothing was written; read the protection again,
// encrypt the key and retry.
var ErrKeyNotSealed = errors.New("the store's keys are protected by a passphrase but this key is not encrypted (a passphrase was set meanwhile?); nothing was written")

// keysProtected reports whether the store's keys must be encrypted. An
// unreadable setting counts as protected: a plain key is never written
// where a passphrase may have been meant.
func keysProtected(tx *bolt.Tx) bool {
	raw := tx.Bucket(bucketSettings).Get([]byte(SettingKeyProtection))
	if raw == nil {
		return false
	}
	var p struct {
		Mode string `json:"mode"`
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		return true
	}
	return p.Mode != "" && p.Mode != "none"
}

// refusePlainKey is the check every write of key material makes inside its
// transaction, so the protection it tests is the one the write lands in.
func refusePlainKey(tx *bolt.Tx, credID string, km KeyMaterial) error {
	if len(km.KeyPKCS8) > 0 && keysProtected(tx) {
		return fmt.Errorf("storing the key of credential %s: %w", credID, ErrKeyNotSealed)
	}
	return nil
}
