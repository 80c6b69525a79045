package store

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// versioned is a record that carries its version in "v".
type versioned interface {
	Account | KeyMaterial | AuditEntry
}

// decodeRecord reads one versioned JSON value. Anything it cannot trust — bad
// JSON, a missing version, a version newer than this binary — comes back as a
// *RecordError naming bucket and key, so callers can skip just that record.
func decodeRecord[T versioned](bucket []byte, key string, raw []byte) (T, error) {
	var rec T
	fail := func(err error) (T, error) {
		var zero T
		return zero, &RecordError{Bucket: string(bucket), Key: key, Err: err}
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		// A newer xops may have changed a field's type: say that rather
		// than a JSON type error, when the version can still be read.
		var peek struct {
			V int `json:"v"`
		}
		if json.Unmarshal(raw, &peek) == nil && peek.V > RecordVersion {
			return fail(newerRecord(peek.V))
		}
		return fail(fmt.Errorf("not a valid record: %w", err))
	}
	switch v := recordVersion(&rec); {
	case v > RecordVersion:
		return fail(newerRecord(v))
	case v < 1:
		return fail(fmt.Errorf("it has no record version (\"v\")"))
	}
	return rec, nil
}

func newerRecord(v int) error {
	return fmt.Errorf("written by a newer xops (record version %d, this xops knows up to %d); upgrade xops", v, RecordVersion)
}

// recordVersion reads the "v" field of any versioned record.
func recordVersion(rec any) int {
	switch r := rec.(type) {
	case *Account:
		return r.V
	case *KeyMaterial:
		return r.V
	case *AuditEntry:
		return r.V
	}
	return 0
}

// encodeRecord writes a record as JSON. The caller has set its version.
func encodeRecord(rec any) ([]byte, error) {
	raw, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("encoding %T: %w", rec, err)
	}
	return raw, nil
}

// newID returns a random 128-bit identifier in hex.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}
