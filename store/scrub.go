package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"

	bolt "go.etcd.io/bbolt"
)

// scrubFreePages overwrites with zeros every page of the file that bbolt
// holds as free. bbolt copies on write: a rewritten or deleted record leaves
// its old form in the pages it freed until they are reused, so a key just
// encrypted or deleted would still be readable in the file. Run in a write
// transaction of its own, right after the one that freed them: the file lock
// is exclusive then (no other process reads), and the freed pages are
// referenced only by the previous, superseded meta page. Pages that are
// zero already are left alone, so a store with nothing to scrub costs reads
// only, and no sync.
func scrubFreePages(tx *bolt.Tx) (int, error) {
	pageSize := tx.DB().Info().PageSize
	f, err := os.OpenFile(tx.DB().Path(), os.O_RDWR, 0)
	if err != nil {
		return 0, fmt.Errorf("scrubbing freed pages: %w", err)
	}
	defer f.Close()
	ids, ok := freelistIDs(f, tx, pageSize)
	if !ok {
		// Every page header, through the memory map: right, but slow on a
		// large file (each page is faulted in).
		ids = nil
		for id := 2; id < int(tx.Size())/pageSize; id++ { // pages 0 and 1 are the meta pages
			ids = append(ids, id)
		}
	}
	zero := make([]byte, pageSize)
	buf := make([]byte, pageSize)
	n := 0
	for _, id := range ids {
		if id < 2 {
			continue
		}
		// bbolt has the last word on what is free: a page it does not
		// hold as free is never touched, whatever the list said.
		info, err := tx.Page(id)
		if err != nil {
			return n, fmt.Errorf("scrubbing freed pages: %w", err)
		}
		if info == nil || info.Type != "free" {
			continue
		}
		off := int64(id) * int64(pageSize)
		if _, err := f.ReadAt(buf, off); err != nil {
			return n, fmt.Errorf("scrubbing freed page %d: %w", id, err)
		}
		if bytes.Equal(buf, zero) {
			continue
		}
		if _, err := f.WriteAt(zero, off); err != nil {
			return n, fmt.Errorf("scrubbing freed page %d: %w", id, err)
		}
		n++
	}
	if n == 0 {
		return 0, nil
	}
	if err := f.Sync(); err != nil {
		return n, fmt.Errorf("scrubbing freed pages: %w", err)
	}
	return n, nil
}

// The parts of bbolt's file format freelistIDs reads (go.etcd.io/bbolt
// internal/common: page header, meta, freelist page; native byte order).
const (
	pageHeaderSize   = 16      // id u64, flags u16, count u16, overflow u32
	pageFlagsAt      = 8       // u16
	pageCountAt      = 10      // u16
	pageOverflowAt   = 12      // u32
	freelistPageFlag = 0x10    // the flags of a freelist page
	metaFreelistAt   = 16 + 32 // after the header: magic, version, pageSize, flags (u32 each), root bucket (2×u64)
	metaTxidAt       = metaFreelistAt + 16
	noFreelist       = ^uint64(0) // bbolt's PgidNoFreelist: the freelist is not on disk
)

// freelistIDs reads the free page ids from the freelist page of the meta
// this write transaction started from, so that finding them costs one small
// read instead of faulting in every page of the file. ok is false when the
// file does not say (no freelist on disk, no matching meta, a short read):
// the caller then looks at every page.
func freelistIDs(f *os.File, tx *bolt.Tx, pageSize int) (ids []int, ok bool) {
	want := uint64(tx.ID() - 1) // a write transaction's id is its meta's plus one
	freelist := noFreelist
	meta := make([]byte, metaTxidAt+8)
	for m := range 2 {
		if _, err := f.ReadAt(meta, int64(m*pageSize)); err != nil {
			return nil, false
		}
		if binary.NativeEndian.Uint64(meta[metaTxidAt:]) == want {
			freelist = binary.NativeEndian.Uint64(meta[metaFreelistAt:])
		}
	}
	if freelist == noFreelist || freelist < 2 || freelist >= uint64(tx.Size())/uint64(pageSize) {
		return nil, false
	}
	hdr := make([]byte, pageHeaderSize)
	if _, err := f.ReadAt(hdr, int64(freelist)*int64(pageSize)); err != nil {
		return nil, false
	}
	if binary.NativeEndian.Uint16(hdr[pageFlagsAt:]) != freelistPageFlag {
		return nil, false
	}
	page := make([]byte, (int(binary.NativeEndian.Uint32(hdr[pageOverflowAt:]))+1)*pageSize)
	if _, err := f.ReadAt(page, int64(freelist)*int64(pageSize)); err != nil {
		return nil, false
	}
	count, at := int(binary.NativeEndian.Uint16(hdr[pageCountAt:])), pageHeaderSize
	if count == 0xFFFF { // the real count is the first element
		count, at = int(binary.NativeEndian.Uint64(page[at:])), at+8
	}
	if count < 0 || at+8*count > len(page) {
		return nil, false
	}
	ids = make([]int, count)
	for i := range ids {
		ids[i] = int(binary.NativeEndian.Uint64(page[at+8*i:]))
	}
	return ids, true
}

// ScrubFreePages zeroes the file's free pages (see scrubFreePages) and
// returns how many held data. It changes no record, so the generation
// stays; it clears the mark a removal of key material left (markScrub).
func (s *Store) ScrubFreePages() (int, error) {
	var n int
	err := s.run(txScrub, func(tx *bolt.Tx) error {
		var err error
		if n, err = scrubFreePages(tx); err != nil {
			return err
		}
		// The pages this delete frees hold the mark and counters, no key.
		if meta := tx.Bucket(bucketMeta); meta.Get(metaScrubPending) != nil {
			return meta.Delete(metaScrubPending)
		}
		return nil
	})
	return n, err
}

// markScrub notes, in the transaction that removes or replaces key
// material, that the pages it frees are still to be zeroed. A process
// killed before its scrub (scrubAfterRemoval) then leaves the mark, and the
// next Open of the store finishes the job: a key deleted, or encrypted by a
// new passphrase, never stays readable in the file for want of a scrub.
func markScrub(tx *bolt.Tx) error {
	if err := tx.Bucket(bucketMeta).Put(metaScrubPending, []byte{1}); err != nil {
		return fmt.Errorf("noting the pages to zero: %w", err)
	}
	return nil
}

// finishScrub runs, at Open, the scrub an earlier process was stopped
// before. A failure (the file is read-only to us, another process holds
// it) is a warning: the store is usable, and the next Open tries again.
func (s *Store) finishScrub() {
	if _, err := s.ScrubFreePages(); err != nil {
		s.warnings = append(s.warnings, fmt.Sprintf(
			"an earlier xops was stopped before it zeroed the pages of removed keys in %s, and that could not be finished now (%v); run: xops store check --prune", s.path, err))
	}
}

// scrubAfterRemoval zeroes the freed pages right after a write transaction
// that removed key material (what names it), so every caller of a delete
// gets it. The removal stands when this fails; the error says so and how to
// finish the job.
func (s *Store) scrubAfterRemoval(what string) error {
	if _, err := s.ScrubFreePages(); err != nil {
		return fmt.Errorf("%s was removed, but its bytes may remain in freed pages of %s until they are reused: %w; run `xops store check --prune` to zero them",
			what, s.path, err)
	}
	return nil
}
