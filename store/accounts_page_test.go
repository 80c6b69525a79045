package store_test

import (
	"fmt"
	"reflect"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/xops/xops/store"
)

func TestAccountsPageIsASliceOfAccounts(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	// Inserted out of order and in mixed case: pages follow the index's order.
	batch := batchOf("acct", 12)
	batch[5].Account.Name = "ACCT-5"
	for i, j := range []int{3, 9, 0, 11} {
		batch[i], batch[j] = batch[j], batch[i]
	}
	for i := range batch { // pages leave them out, as AccountSummaries does
		batch[i].Account.LastChecks = []store.CheckRecord{{ID: "tenant", OK: true, Message: "found"}}
	}
	if err := s.CreateAccounts(batch); err != nil {
		t.Fatal(err)
	}
	all, _, err := s.AccountSummaries()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ offset, limit int }{
		{0, 5}, {5, 5}, {10, 5}, {0, 12}, {0, 100}, {11, 1}, {12, 3}, {40, 3}, {3, 0},
	} {
		page, total, bad, err := s.AccountsPage(tc.offset, tc.limit)
		if err != nil || len(bad) != 0 {
			t.Fatalf("AccountsPage(%d, %d): %v, bad %v", tc.offset, tc.limit, err, bad)
		}
		lo, hi := min(tc.offset, len(all)), min(tc.offset+tc.limit, len(all))
		if total != 12 || page == nil || !reflect.DeepEqual(page, all[lo:hi]) {
			t.Errorf("AccountsPage(%d, %d) = %q of %d, want %q of 12", tc.offset, tc.limit, names(page), total, names(all[lo:hi]))
		}
	}
	if n, err := s.AccountCount(); err != nil || n != 12 {
		t.Errorf("AccountCount = %d, %v", n, err)
	}
}

func TestAccountsPageEmptyStoreAndBadArguments(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	page, total, bad, err := s.AccountsPage(0, 20)
	if err != nil || total != 0 || len(bad) != 0 || page == nil || len(page) != 0 {
		t.Fatalf("empty store: %v of %d, bad %v, %v", page, total, bad, err)
	}
	if n, err := s.AccountCount(); err != nil || n != 0 {
		t.Errorf("AccountCount = %d, %v", n, err)
	}
	for _, args := range [][2]int{{-1, 5}, {0, -1}} {
		if _, _, _, err := s.AccountsPage(args[0], args[1]); err == nil {
			t.Errorf("AccountsPage(%d, %d) accepted", args[0], args[1])
		}
	}
}

// An unreadable record keeps its place: it is counted, reported in bad,
// and the page around it stays readable.
func TestAccountsPageReportsBadRecords(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	var ids []string
	for i := range 5 {
		ids = append(ids, link(t, s, fmt.Sprintf("n%d", i)).ID)
	}
	poke(t, s.Path(), func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("accounts")).Put([]byte(ids[2]), []byte("{not json"))
	})
	page, total, bad, err := s.AccountsPage(1, 3)
	if err != nil {
		t.Fatal(err)
	}
	if total != 5 || !reflect.DeepEqual(names(page), []string{"n1", "n3"}) {
		t.Errorf("page %q of %d, want n1 n3 of 5", names(page), total)
	}
	if len(bad) != 1 || bad[0].Bucket != "accounts" || bad[0].Key != ids[2] {
		t.Errorf("bad %v, want the record of n2", bad)
	}
	if n, _ := s.AccountCount(); n != 5 {
		t.Errorf("AccountCount = %d, want 5 (unreadable ones count)", n)
	}
}
