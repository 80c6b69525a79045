package store_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/xops/xops/store"
)

// EachAccount hands over what Accounts returns, in the same order, and
// reports the same unreadable records.
func TestEachAccountMatchesAccounts(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	if err := s.CreateAccounts(batchOf("each", 30)); err != nil {
		t.Fatal(err)
	}
	all, _, _ := s.Accounts()
	poke(t, s.Path(), func(tx *bolt.Tx) error {
		if err := tx.Bucket([]byte("accounts")).Put([]byte(all[4].ID), []byte("{broken")); err != nil {
			return err
		}
		return tx.Bucket([]byte("accounts")).Delete([]byte(all[20].ID))
	})
	want, wantBad, err := s.Accounts()
	if err != nil {
		t.Fatal(err)
	}
	var got []store.Account
	bad, err := s.EachAccount(func(a store.Account) error {
		got = append(got, a)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) || len(got) != 28 {
		t.Errorf("EachAccount gave %d accounts %q, Accounts %d", len(got), names(got), len(want))
	}
	if !reflect.DeepEqual(bad, wantBad) || len(bad) != 2 {
		t.Errorf("bad %v, want %v", bad, wantBad)
	}
}

func TestEachAccountStopsOnTheCallersError(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	if err := s.CreateAccounts(batchOf("stop", 5)); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("stdout closed")
	calls := 0
	_, err := s.EachAccount(func(store.Account) error {
		calls++
		if calls == 2 {
			return boom
		}
		return nil
	})
	if err != boom || calls != 2 {
		t.Fatalf("err %v after %d calls, want the caller's own error after 2", err, calls)
	}
	// The store is free again: the walk's transaction ended.
	if err := s.PutSetting("after", []byte("x")); err != nil {
		t.Fatalf("write after a stopped walk: %v", err)
	}
}

// fn may read the store, but not write to it: the walk holds the read lock.
func TestEachAccountCallbackMayReadNotWrite(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	link(t, s, "contoso")
	quick, err := store.Open(s.Path(), store.Options{Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	var readErr, writeErr error
	_, err = quick.EachAccount(func(a store.Account) error {
		_, readErr = quick.AccountByName(a.Name)
		writeErr = quick.PutSetting("inside", []byte("x"))
		return nil
	})
	if err != nil || readErr != nil {
		t.Fatalf("walk %v, read inside %v", err, readErr)
	}
	var locked *store.LockedError
	if !errors.As(writeErr, &locked) {
		t.Fatalf("a write inside the walk: %v, want a *LockedError", writeErr)
	}
}

func TestEachAccountOnAnEmptyStore(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	bad, err := s.EachAccount(func(store.Account) error {
		t.Error("called on an empty store")
		return nil
	})
	if err != nil || len(bad) != 0 {
		t.Fatalf("bad %v, %v", bad, err)
	}
}
