package store

import (
	"bytes"
	"fmt"
	"sort"

	bolt "go.etcd.io/bbolt"
)

// OrphanKey is a stored key no account names (see OrphanKeys), as
// PruneOrphanKeys shows it to its judge.
type OrphanKey struct {
	ID  string
	Key KeyMaterial
}

// PruneReport is what PruneOrphanKeys did.
type PruneReport struct {
	// Removed lists the credential ids whose keys were deleted, sorted.
	Removed []string
	// Kept maps each orphan left in place to why it stays.
	Kept map[string]string
	// Scrubbed counts the free pages that held data and were zeroed.
	Scrubbed int
}

// PruneOrphanKeys deletes the orphan keys judge lets go, in one write
// transaction that first runs Check's checks: on a damaged store it writes
// nothing and returns an error wrapping ErrCorrupt (an unreadable account
// might name any key). judge sees each orphan with every draft (kind →
// bytes: the store does not know what a draft holds) and returns "" to
// delete it, or why it stays. Deciding inside the transaction means an
// account or draft another xops saved a moment earlier is seen, and none
// can be saved until the deletes are done. Then the free pages are zeroed,
// even when nothing was removed, so pruning also finishes a scrub an
// interrupted delete did not get to.
func (s *Store) PruneOrphanKeys(judge func(o OrphanKey, drafts map[string][]byte) (keep string)) (PruneReport, error) {
	rep := PruneReport{Removed: []string{}, Kept: map[string]string{}}
	err := s.update(func(tx *bolt.Tx) error {
		rep = PruneReport{Removed: []string{}, Kept: map[string]string{}}
		if err := s.damaged(checkTx(tx)); err != nil {
			return fmt.Errorf("no key was pruned: %w", err)
		}
		used, err := usedCredentials(tx)
		if err != nil {
			return fmt.Errorf("no key was pruned: %w", err) // checkTx has said so already
		}
		drafts := make(map[string][]byte)
		c := tx.Bucket(bucketDrafts).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			drafts[string(k)] = bytes.Clone(v) // v dies with the transaction
		}
		keys := tx.Bucket(bucketKeys)
		var drop []string
		c = keys.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			id := string(k)
			if used[id] {
				continue
			}
			km, err := decodeRecord[KeyMaterial](bucketKeys, id, v)
			if err != nil {
				rep.Kept[id] = "its record cannot be read, so what it is cannot be judged"
				continue
			}
			var why string
			err = callCaller(func() error {
				why = judge(OrphanKey{ID: id, Key: km}, drafts)
				return nil
			})
			if err != nil {
				return err
			}
			if why != "" {
				rep.Kept[id] = why
				continue
			}
			drop = append(drop, id)
		}
		// Deletes wait until the walk is over: changing a bucket under its cursor is unsafe.
		for _, id := range drop {
			if err := keys.Delete([]byte(id)); err != nil {
				return fmt.Errorf("deleting the key of credential %s: %w", id, err)
			}
		}
		if len(drop) > 0 {
			if err := markScrub(tx); err != nil {
				return err
			}
		}
		sort.Strings(drop)
		rep.Removed = append(rep.Removed, drop...)
		return nil
	})
	if err != nil {
		return PruneReport{}, err
	}
	n, err := s.ScrubFreePages()
	rep.Scrubbed = n
	if err != nil {
		return rep, fmt.Errorf("%d orphan key(s) were removed, but their bytes may remain in freed pages of %s until they are reused: %w; run the prune again",
			len(rep.Removed), s.path, err)
	}
	return rep, nil
}
