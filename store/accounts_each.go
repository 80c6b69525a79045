package store

import (
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// EachAccount calls fn with every account that decodes, in Accounts' order
// (by name, ignoring case), one at a time, without ever holding the whole
// list: `accounts list --json` can write each account as it comes, in
// memory that does not grow with the store. Records that cannot be read are
// skipped and returned in bad, as Accounts reports them. An error from fn
// stops the walk and is returned as it is.
//
// fn runs inside the read transaction, which holds the file's shared lock:
// it may read the store, but a write from fn fails with a *LockedError, and
// so does another process's write that waits longer than its timeout for
// the walk to end. So fn must not block — append to a buffer, and write it
// to a pipe that a slow reader may hold up only once EachAccount returns.
func (s *Store) EachAccount(fn func(Account) error) (bad []*RecordError, err error) {
	var stop error
	err = s.view(func(tx *bolt.Tx) error {
		keys, ids, raws := indexedRecords(tx)
		shared := interner{}
		for i := range keys {
			if raws[i] == nil {
				bad = append(bad, &RecordError{Bucket: string(bucketNames), Key: keys[i],
					Err: fmt.Errorf("it points to account %s, which does not exist; run `xops store check`", ids[i])})
				continue
			}
			a, err := decodeAccountShared(ids[i], raws[i], shared)
			if err != nil {
				var re *RecordError
				if !errors.As(err, &re) {
					return err
				}
				bad = append(bad, re)
				continue
			}
			if err := callCaller(func() error { return fn(a) }); err != nil {
				stop = err
				return errStopWalk
			}
		}
		return nil
	})
	if stop != nil {
		return bad, stop
	}
	if err != nil {
		return nil, err
	}
	return bad, nil
}

// errStopWalk ends EachAccount's transaction when fn fails; fn's own error
// is what the caller gets.
var errStopWalk = errors.New("stopped by the caller")
