package store

import (
	"fmt"
	"os"

	bolt "go.etcd.io/bbolt"
)

// scrubFreePages overwrites with zeros every page of the file that bbolt
// holds as free. bbolt copies on write: a rewritten record leaves its old
// form in the pages it freed until they are reused, so keys just encrypted
// would still be readable, in plain, in the file. Run in a write
// transaction of its own, right after the one that freed them: the file lock
// is exclusive then (no other process reads), and the freed pages are
// referenced only by the previous, superseded meta page.
func scrubFreePages(tx *bolt.Tx) (int, error) {
	pageSize := tx.DB().Info().PageSize
	pages := int(tx.Size()) / pageSize
	f, err := os.OpenFile(tx.DB().Path(), os.O_WRONLY, 0)
	if err != nil {
		return 0, fmt.Errorf("scrubbing freed pages: %w", err)
	}
	defer f.Close()
	zero := make([]byte, pageSize)
	n := 0
	for id := 2; id < pages; id++ { // pages 0 and 1 are the meta pages
		info, err := tx.Page(id)
		if err != nil {
			return n, fmt.Errorf("scrubbing freed pages: %w", err)
		}
		if info == nil || info.Type != "free" {
			continue
		}
		if _, err := f.WriteAt(zero, int64(id)*int64(pageSize)); err != nil {
			return n, fmt.Errorf("scrubbing freed page %d: %w", id, err)
		}
		n++
	}
	if err := f.Sync(); err != nil {
		return n, fmt.Errorf("scrubbing freed pages: %w", err)
	}
	return n, nil
}

// ScrubFreePages zeroes the file's free pages (see scrubFreePages) and
// returns how many there were.
func (s *Store) ScrubFreePages() (int, error) {
	var n int
	err := s.update(func(tx *bolt.Tx) error {
		var err error
		n, err = scrubFreePages(tx)
		return err
	})
	return n, err
}
