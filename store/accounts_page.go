package store

import (
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// AccountsPage returns the accounts at positions offset to offset+limit-1 in
// Home's order (by name, ignoring case), as AccountSummaries has them (no
// last checks), and total, how many accounts the store holds (unreadable
// ones included: they have a place in the list too).
// Only the page is decoded: the names index is already sorted, so the cost
// is the page's, not the store's — a first frame of Home drawn from
// AccountsPage(0, rows) takes as long with 10,000 accounts as with ten.
// Records of the page that cannot be read come back in bad, as Accounts
// reports them, and take their place in the page's count.
//
// An offset at or past the end gives an empty page and the total. A negative
// offset or limit is refused.
func (s *Store) AccountsPage(offset, limit int) (page []Account, total int, bad []*RecordError, err error) {
	if offset < 0 || limit < 0 {
		return nil, 0, nil, fmt.Errorf("accounts page: offset %d and limit %d must not be negative", offset, limit)
	}
	err = s.view(func(tx *bolt.Tx) error {
		names := tx.Bucket(bucketNames)
		// Stats walks the index's pages, not its entries' values: a few
		// hundred page headers for 10,000 names.
		total = names.Stats().KeyN
		accts := tx.Bucket(bucketAccounts)
		c := names.Cursor()
		k, id := c.First()
		for i := 0; k != nil && i < offset; i++ {
			k, id = c.Next()
		}
		for n := 0; k != nil && n < limit; k, id = c.Next() {
			n++
			a, err := loadSummary(accts, string(k), id)
			if err != nil {
				var re *RecordError
				if !errors.As(err, &re) {
					return err
				}
				bad = append(bad, re)
				continue
			}
			page = append(page, a)
		}
		return nil
	})
	if err != nil {
		return nil, 0, nil, err
	}
	if page == nil {
		page = []Account{}
	}
	return page, total, bad, nil
}

// AccountCount is how many accounts the store holds (unreadable ones
// included), without decoding any: Home's title before the list arrives.
func (s *Store) AccountCount() (int, error) {
	var n int
	err := s.view(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketNames).Stats().KeyN
		return nil
	})
	return n, err
}
