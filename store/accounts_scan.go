package store

import (
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// Accounts returns every account that decodes, sorted by name ignoring case
// (the names index's order). It never reads the keys bucket. Records that
// cannot be read come back in bad, in the same order (an index entry whose
// account is gone is reported under "names").
//
// It is the whole list, so its cost grows with the store: Home's first
// frame should come from AccountsPage, and this list follow. What keeps it
// quick at 10,000 accounts: the accounts bucket is read in one pass in key
// order rather than searched once per name, records are decoded by
// decodeAccount's fast path, on every CPU, and texts that repeat from
// account to account (check messages, statuses) are kept once.
func (s *Store) Accounts() (accounts []Account, bad []*RecordError, err error) {
	return s.accounts(true)
}

// AccountSummaries is Accounts with LastChecks left nil: what a list prints
// (`xops accounts list`), read in about half the time and memory, the last
// checks being most of a record. They are still read whole: a record whose
// checks are damaged is reported in bad, as Accounts reports it.
func (s *Store) AccountSummaries() (accounts []Account, bad []*RecordError, err error) {
	return s.accounts(false)
}

func (s *Store) accounts(checks bool) (accounts []Account, bad []*RecordError, err error) {
	err = s.view(func(tx *bolt.Tx) error {
		keys, ids, raws := indexedRecords(tx)
		decoded, errs := decodeAccounts(ids, raws, checks)
		// The readable accounts move down over the unreadable ones, in
		// place: a second array of 10,000 accounts would cost megabytes.
		accounts = decoded[:0]
		for i := range keys {
			switch {
			case raws[i] == nil:
				bad = append(bad, &RecordError{Bucket: string(bucketNames), Key: keys[i],
					Err: fmt.Errorf("it points to account %s, which does not exist; run `xops store check`", ids[i])})
			case errs[i] != nil:
				var re *RecordError
				if !errors.As(errs[i], &re) {
					return errs[i]
				}
				bad = append(bad, re)
			default:
				accounts = append(accounts, decoded[i])
			}
		}
		clear(decoded[len(accounts):]) // no hidden references to what was dropped
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return accounts, bad, nil
}

// indexedRecords lists the names index in order — each entry's key, the
// account id it points to and that account's raw record (nil when there is
// none). The raw records are views of the memory map: they die with tx.
func indexedRecords(tx *bolt.Tx) (keys, ids []string, raws [][]byte) {
	names := tx.Bucket(bucketNames)
	n := names.Stats().KeyN
	keys, ids = make([]string, 0, n), make([]string, 0, n)
	pos := make(map[string]int, n)
	shared := false // two names on one id: only a damaged index does that
	c := names.Cursor()
	for k, id := c.First(); k != nil; k, id = c.Next() {
		if _, dup := pos[string(id)]; dup {
			shared = true
		}
		pos[string(id)] = len(ids)
		keys, ids = append(keys, string(k)), append(ids, string(id))
	}
	raws = make([][]byte, len(ids))
	accts := tx.Bucket(bucketAccounts)
	if shared {
		for i, id := range ids {
			raws[i] = accts.Get([]byte(id))
		}
		return keys, ids, raws
	}
	// One pass over the accounts in key order reads each page once; a Get
	// per name would search the tree from the root every time.
	ac := accts.Cursor()
	for k, v := ac.First(); k != nil; k, v = ac.Next() {
		if i, ok := pos[string(k)]; ok && v != nil {
			raws[i] = v
		}
	}
	return keys, ids, raws
}

// parallelFrom is the list size from which decoding is shared between CPUs:
// below it, starting goroutines costs more than it saves.
const parallelFrom = 512

// decodeAccounts decodes raws[i] (skipping nil ones) into accounts[i] or
// errs[i], on up to GOMAXPROCS goroutines. It runs inside the transaction
// that owns raws and returns only when every worker is done. A worker that
// faults on a damaged memory map (see run) hands its panic back to the
// caller's goroutine, where run turns it into an error naming the file.
func decodeAccounts(ids []string, raws [][]byte, checks bool) ([]Account, []error) {
	n := len(raws)
	accounts, errs := make([]Account, n), make([]error, n)
	decode := func(lo, hi int) {
		shared := interner{} // one per goroutine: no lock
		for i := lo; i < hi; i++ {
			if raws[i] != nil {
				accounts[i], errs[i] = decodeListed(ids[i], raws[i], shared, checks)
			}
		}
	}
	workers := min(runtime.GOMAXPROCS(0), n/parallelFrom+1)
	if workers <= 1 {
		decode(0, n)
		return accounts, errs
	}
	var wg sync.WaitGroup
	panics := make([]any, workers)
	size := (n + workers - 1) / workers
	for w := range workers {
		lo, hi := w*size, min((w+1)*size, n)
		wg.Go(func() {
			defer func() { panics[w] = recover() }()
			debug.SetPanicOnFault(true) // this goroutine's own setting; it ends here
			decode(lo, hi)
		})
	}
	wg.Wait()
	for _, p := range panics {
		if p != nil {
			panic(p)
		}
	}
	return accounts, errs
}
