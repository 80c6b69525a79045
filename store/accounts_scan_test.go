package store_test

import (
	"fmt"
	"reflect"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/xops/xops/store"
)

// A list long enough to be decoded on several CPUs keeps the index's order,
// and reports each unreadable record — bad JSON, a newer version, an index
// entry without its account — in that order too, while the rest stay listed.
func TestAccountsAtScaleKeepOrderAndReportDamage(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	const n = 1500
	batch := batchOf("acct", n)
	for i := range batch {
		batch[i].Account.Name = fmt.Sprintf("acct-%04d", n-1-i) // stored in reverse
	}
	if err := s.CreateAccounts(batch); err != nil {
		t.Fatal(err)
	}
	before, bad, err := s.Accounts()
	if err != nil || len(bad) != 0 || len(before) != n {
		t.Fatalf("Accounts: %d, bad %v, %v", len(before), bad, err)
	}
	for i, a := range before {
		if want := fmt.Sprintf("acct-%04d", i); a.Name != want {
			t.Fatalf("account %d is %q, want %q", i, a.Name, want)
		}
	}
	damaged := map[int]string{10: "garbage", 700: "newer", 1400: "missing"}
	poke(t, s.Path(), func(tx *bolt.Tx) error {
		accts := tx.Bucket([]byte("accounts"))
		for i, how := range damaged {
			id := []byte(before[i].ID)
			var err error
			switch how {
			case "garbage":
				err = accts.Put(id, []byte("{\x00"))
			case "newer":
				err = accts.Put(id, []byte(`{"v":9,"name":"from the future"}`))
			case "missing":
				err = accts.Delete(id)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	after, bad, err := s.Accounts()
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != n-3 || len(bad) != 3 {
		t.Fatalf("%d accounts and %d bad, want %d and 3", len(after), len(bad), n-3)
	}
	want := []struct{ bucket, key string }{
		{"accounts", before[10].ID}, {"accounts", before[700].ID}, {"names", "acct-1400"},
	}
	for i, w := range want {
		if bad[i].Bucket != w.bucket || bad[i].Key != w.key {
			t.Errorf("bad[%d] = %s/%s, want %s/%s", i, bad[i].Bucket, bad[i].Key, w.bucket, w.key)
		}
	}
	var kept []store.Account
	for i, a := range before {
		if _, gone := damaged[i]; !gone {
			kept = append(kept, a)
		}
	}
	if !reflect.DeepEqual(after, kept) {
		t.Error("the readable accounts changed")
	}
}

// An index damaged so that two names lead to one account lists that account
// under both, as a walk of the index does.
func TestAccountsWithTwoNamesOnOneAccount(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	a := link(t, s, "contoso")
	link(t, s, "fabrikam")
	poke(t, s.Path(), func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("names")).Put([]byte("alias"), []byte(a.ID))
	})
	got, bad, err := s.Accounts()
	if err != nil || len(bad) != 0 {
		t.Fatalf("Accounts: %v, bad %v", err, bad)
	}
	if want := []string{"contoso", "contoso", "fabrikam"}; !reflect.DeepEqual(names(got), want) {
		t.Fatalf("names %q, want %q", names(got), want)
	}
}

// AccountSummaries is Accounts without the last checks, in the same order,
// and a record whose checks are damaged is reported by both, not listed.
func TestAccountSummariesAreAccountsWithoutChecks(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	batch := batchOf("acct", 600) // enough to decode on several CPUs
	for i := range batch {
		batch[i].Account.LastChecks = []store.CheckRecord{
			{ID: "tenant", OK: true, Message: "found"},
			{ID: "app", Step: "register-app", Message: fmt.Sprintf("app %d", i), Hint: "register it"},
		}
	}
	if err := s.CreateAccounts(batch); err != nil {
		t.Fatal(err)
	}
	full, bad, err := s.Accounts()
	if err != nil || len(bad) != 0 {
		t.Fatal(bad, err)
	}
	sums, bad, err := s.AccountSummaries()
	if err != nil || len(bad) != 0 {
		t.Fatal(bad, err)
	}
	if len(full) != len(sums) || len(full[3].LastChecks) != 2 {
		t.Fatalf("%d accounts and %d summaries; %d checks on one account", len(full), len(sums), len(full[3].LastChecks))
	}
	for i := range full {
		want := full[i]
		want.LastChecks = nil
		if !reflect.DeepEqual(sums[i], want) {
			t.Fatalf("summary %d:\n%+v\nwant\n%+v", i, sums[i], want)
		}
	}

	// Damage inside the checks of one record, and a record only the slow
	// path reads (a field named twice): the first is bad for both, the
	// second listed by both, without its checks in the summary.
	poke(t, s.Path(), func(tx *bolt.Tx) error {
		accts := tx.Bucket([]byte("accounts"))
		if err := accts.Put([]byte(full[5].ID), []byte(`{"v":1,"id":"`+full[5].ID+`","name":"`+full[5].Name+`","last_checks":[{"id":}]}`)); err != nil {
			return err
		}
		return accts.Put([]byte(full[6].ID), []byte(`{"v":1,"id":"`+full[6].ID+`","name":"`+full[6].Name+`","name":"`+full[6].Name+`","last_checks":[{"id":"app","ok":true}]}`))
	})
	for _, read := range []func() ([]store.Account, []*store.RecordError, error){s.Accounts, s.AccountSummaries} {
		got, bad, err := read()
		if err != nil {
			t.Fatal(err)
		}
		if len(bad) != 1 || bad[0].Key != full[5].ID || len(got) != len(full)-1 {
			t.Fatalf("%d listed, bad %v", len(got), bad)
		}
		if got[5].Name != full[6].Name {
			t.Fatalf("listed %q where %q was expected", got[5].Name, full[6].Name)
		}
	}
	if sums, _, _ := s.AccountSummaries(); sums[5].LastChecks != nil {
		t.Fatalf("the slow path kept the checks in a summary: %+v", sums[5].LastChecks)
	}
}
