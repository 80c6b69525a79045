package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

// appendAudit adds an entry to the append-only log inside the transaction of
// the change it describes. Empty fields are filled: Action with the
// operation's default, AccountID and Name from the account, Seq from the
// bucket's sequence, At from the store's clock.
func (s *Store) appendAudit(tx *bolt.Tx, e AuditEntry, action string, a Account) error {
	if e.Action == "" {
		e.Action = action
	}
	if e.AccountID == "" {
		e.AccountID = a.ID
	}
	if e.Name == "" {
		e.Name = a.Name
	}
	b := tx.Bucket(bucketAudit)
	seq, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("numbering the audit entry: %w", err)
	}
	if e.Seq == 0 {
		e.Seq = seq
	}
	if e.At.IsZero() {
		e.At = s.now()
	}
	e.V = RecordVersion
	raw, err := encodeRecord(e)
	if err != nil {
		return err
	}
	if err := b.Put(seqKey(seq), raw); err != nil {
		return fmt.Errorf("writing the audit entry: %w", err)
	}
	return nil
}

// seqKey is a big-endian sequence number, so byte order is time order.
func seqKey(seq uint64) []byte {
	var k [8]byte
	binary.BigEndian.PutUint64(k[:], seq)
	return k[:]
}

// auditKeyName prints an audit key for error messages.
func auditKeyName(k []byte) string {
	if len(k) == 8 {
		return strconv.FormatUint(binary.BigEndian.Uint64(k), 10)
	}
	return fmt.Sprintf("%x", k)
}

// Audit returns the audit entries of one account ("" for all), oldest first.
// Entries that cannot be read are skipped and reported together in err (each
// a *RecordError); the entries returned alongside are still good. There is,
// on purpose, no way to delete audit entries.
func (s *Store) Audit(accountID string) ([]AuditEntry, error) {
	var (
		entries []AuditEntry
		bad     []error
	)
	err := s.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketAudit).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			e, err := decodeRecord[AuditEntry](bucketAudit, auditKeyName(k), v)
			if err != nil {
				bad = append(bad, err)
				continue
			}
			if accountID == "" || e.AccountID == accountID {
				entries = append(entries, e)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if entries == nil {
		entries = []AuditEntry{}
	}
	return entries, errors.Join(bad...)
}
