package store

import (
	"encoding/binary"
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

// The buckets of schema 1.
var (
	bucketMeta     = []byte("meta")     // schema, generation
	bucketAccounts = []byte("accounts") // account id → Account JSON
	bucketNames    = []byte("names")    // strings.ToLower(name) → account id
	bucketKeys     = []byte("keys")     // credential id → KeyMaterial JSON
	bucketSettings = []byte("settings") // key → opaque bytes
	bucketDrafts   = []byte("drafts")   // kind → opaque bytes
	bucketAudit    = []byte("audit")    // big-endian sequence → AuditEntry JSON

	allBuckets = [][]byte{bucketMeta, bucketAccounts, bucketNames, bucketKeys, bucketSettings, bucketDrafts, bucketAudit}
)

// Keys in the meta bucket.
var (
	// metaSchema holds the schema version in decimal, readable with `bbolt get`.
	metaSchema = []byte("schema")
	// metaGeneration holds a big-endian uint64 bumped by every write.
	metaGeneration = []byte("generation")
	// metaScrubPending is set by the transaction that removes or replaces
	// key material and deleted by the scrub that zeroes the pages it freed
	// (ScrubFreePages). Set at Open, it means an xops was stopped between
	// the two: Open finishes the scrub.
	metaScrubPending = []byte("scrub-pending")
)

// initLayout makes the buckets of a new store and stamps its schema version.
func initLayout(tx *bolt.Tx) error {
	for _, name := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("creating bucket %s: %w", name, err)
		}
	}
	meta := tx.Bucket(bucketMeta)
	if err := meta.Put(metaSchema, []byte(strconv.Itoa(SchemaVersion))); err != nil {
		return fmt.Errorf("stamping the schema version: %w", err)
	}
	return meta.Put(metaGeneration, make([]byte, 8))
}

// checkLayout refuses a file this binary must not read or write: a newer
// schema, or something that is not an xops store at all.
func (s *Store) checkLayout(tx *bolt.Tx) error {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return s.corrupt(fmt.Errorf("no %q bucket: this is not an xops store", bucketMeta))
	}
	raw := meta.Get(metaSchema)
	if raw == nil {
		return s.corrupt(fmt.Errorf("no schema version: this is not an xops store"))
	}
	v, err := strconv.Atoi(string(raw))
	if err != nil || v < 1 {
		return s.corrupt(fmt.Errorf("unreadable schema version %q", raw))
	}
	if v > SchemaVersion {
		return fmt.Errorf("%s has schema version %d but this xops understands only up to %d; upgrade xops (nothing was changed): %w",
			s.path, v, SchemaVersion, ErrSchemaTooNew)
	}
	for _, name := range allBuckets {
		if tx.Bucket(name) == nil {
			return s.corrupt(fmt.Errorf("bucket %q is missing", name))
		}
	}
	return nil
}

// generation reads the write counter.
func generation(tx *bolt.Tx) uint64 {
	raw := tx.Bucket(bucketMeta).Get(metaGeneration)
	if len(raw) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(raw)
}

// bumpGeneration records that this write transaction changed the store.
func bumpGeneration(tx *bolt.Tx) error {
	var buf [8]byte
	binary.BigEndian.PutUint64(buf[:], generation(tx)+1)
	return tx.Bucket(bucketMeta).Put(metaGeneration, buf[:])
}
