package store

import (
	"bytes"
	"errors"
	"fmt"
	"sort"

	bolt "go.etcd.io/bbolt"
)

// Drafts and settings are opaque bytes by key: their meaning belongs to flow.

// PutDraft saves the wizard in progress of the given kind.
func (s *Store) PutDraft(kind string, data []byte) error {
	return s.putBlob(bucketDrafts, "draft kind", kind, data)
}

// Draft returns the saved draft of a kind (ErrNotFound when there is none).
func (s *Store) Draft(kind string) ([]byte, error) { return s.blob(bucketDrafts, "draft", kind) }

// DeleteDraft drops a draft; dropping one that is not there is not an error.
func (s *Store) DeleteDraft(kind string) error { return s.deleteBlob(bucketDrafts, "draft", kind) }

// PutSetting stores a preference.
func (s *Store) PutSetting(key string, value []byte) error {
	return s.putBlob(bucketSettings, "setting name", key, value)
}

// UpdateSetting reads a setting and writes what fn makes of it, in one write
// transaction: no other writer (another process included) can come between
// the read and the write. fn gets nil when the setting is unset and a copy
// it may keep; an error from fn writes nothing and is returned as it is.
func (s *Store) UpdateSetting(key string, fn func(old []byte) ([]byte, error)) error {
	if key == "" {
		return fmt.Errorf("setting name is empty")
	}
	return s.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSettings)
		old, _ := getBlob(b, key) // nil when unset
		var updated []byte
		if err := callCaller(func() (err error) {
			updated, err = fn(old)
			return err
		}); err != nil {
			return err
		}
		if err := b.Put([]byte(key), updated); err != nil {
			return fmt.Errorf("writing %s %q: %w", bucketSettings, key, err)
		}
		return nil
	})
}

// Setting reads a preference (ErrNotFound when unset).
func (s *Store) Setting(key string) ([]byte, error) { return s.blob(bucketSettings, "setting", key) }

func (s *Store) putBlob(bucket []byte, what, key string, data []byte) error {
	if key == "" {
		return fmt.Errorf("%s is empty", what)
	}
	return s.update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucket).Put([]byte(key), data); err != nil {
			return fmt.Errorf("writing %s %q: %w", bucket, key, err)
		}
		return nil
	})
}

func (s *Store) blob(bucket []byte, what, key string) ([]byte, error) {
	var out []byte
	err := s.view(func(tx *bolt.Tx) error {
		v, ok := getBlob(tx.Bucket(bucket), key)
		if !ok {
			return fmt.Errorf("no %s %q: %w", what, key, ErrNotFound)
		}
		out = v
		return nil
	})
	return out, err
}

// getBlob reads key's value out of b, copied (a value dies with its
// transaction); an empty value reads as empty, not nil; ok is false, and
// the value nil, when key is absent.
func getBlob(b *bolt.Bucket, key string) (v []byte, ok bool) {
	// Seek, not Get: an empty value must read as empty, not as missing.
	k, raw := b.Cursor().Seek([]byte(key))
	if k == nil || !bytes.Equal(k, []byte(key)) {
		return nil, false
	}
	v = bytes.Clone(raw)
	if v == nil {
		v = []byte{}
	}
	return v, true
}

func (s *Store) deleteBlob(bucket []byte, what, key string) error {
	if key == "" {
		return errors.New(what + " name is empty")
	}
	return s.update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucket).Delete([]byte(key)); err != nil {
			return fmt.Errorf("deleting %s %q: %w", what, key, err)
		}
		return nil
	})
}

// putSettings writes several settings inside an existing transaction, in a
// stable order.
func putSettings(tx *bolt.Tx, settings map[string][]byte) error {
	keys := make([]string, 0, len(settings))
	for k := range settings {
		if k == "" {
			return errors.New("setting name is empty")
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b := tx.Bucket(bucketSettings)
	for _, k := range keys {
		if err := b.Put([]byte(k), settings[k]); err != nil {
			return fmt.Errorf("writing setting %q: %w", k, err)
		}
	}
	return nil
}
