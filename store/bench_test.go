package store_test

import (
	"crypto/rand"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/xops/xops/store"
)

// realisticKey is about the size of a 2048-bit PKCS#8 key and its certificate.
func realisticKey() store.KeyMaterial {
	km := store.KeyMaterial{CertDER: make([]byte, 800), KeyPKCS8: make([]byte, 1218)}
	_, _ = rand.Read(km.CertDER)
	_, _ = rand.Read(km.KeyPKCS8)
	return km
}

// fill makes a store with n verified accounts, each with a credential, its
// key and a full last verification, in one transaction.
func fill(b *testing.B, n int) *store.Store {
	b.Helper()
	s, err := store.Open(filepath.Join(b.TempDir(), "xops.db"), store.Options{Now: fixedClock})
	if err != nil {
		b.Fatal(err)
	}
	keys := make(map[string]store.KeyMaterial, n)
	accounts := make([]store.Account, 0, n)
	for i := range n {
		credID := fmt.Sprintf("cred-%05d", i)
		keys[credID] = realisticKey()
		a := testAccount(fmt.Sprintf("Account %05d", i), credID)
		a.Status, a.LastVerified = store.StatusVerified, testNow
		for _, id := range []string{"certificate-local", "tenant", "organization", "app", "certificate", "exchange-permission", "global-reader", "exchange"} {
			a.LastChecks = append(a.LastChecks, store.CheckRecord{ID: id, OK: true, Message: "ok"})
		}
		accounts = append(accounts, a)
	}
	if err := store.FillAccounts(s, keys, accounts); err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkAccounts10k is Home's list with 10,000 linked accounts: open,
// one read transaction over the names index, decode, close.
func BenchmarkAccounts10k(b *testing.B) {
	s := fill(b, 10_000)
	b.ReportAllocs()
	for b.Loop() {
		got, bad, err := s.Accounts()
		if err != nil || len(bad) != 0 || len(got) != 10_000 {
			b.Fatalf("%d accounts, %d bad, %v", len(got), len(bad), err)
		}
	}
}

// BenchmarkAccountSummaries10k is what `accounts list` and Home's whole list
// read: BenchmarkAccounts10k without keeping the last checks.
func BenchmarkAccountSummaries10k(b *testing.B) {
	s := fill(b, 10_000)
	b.ReportAllocs()
	for b.Loop() {
		got, bad, err := s.AccountSummaries()
		if err != nil || len(bad) != 0 || len(got) != 10_000 {
			b.Fatalf("%d accounts, %d bad, %v", len(got), len(bad), err)
		}
	}
}

// BenchmarkOpenClose is the price of holding the file only for the length of
// an operation: Open itself, the smallest read (what the TUI polls) and the
// smallest write (one fsync'd transaction).
func BenchmarkOpenClose(b *testing.B) {
	s := fill(b, 100)
	b.Run("Open", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := store.Open(s.Path(), store.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("read/Generation", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Generation(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("write/PutSetting", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := s.PutSetting("theme", []byte("dark")); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkUpdateAccount is a verification result being saved in a store of
// 1,000 accounts: read-modify-write of one account plus its audit entry.
func BenchmarkUpdateAccount(b *testing.B) {
	s := fill(b, 1_000)
	a, err := s.AccountByName("Account 00500")
	if err != nil {
		b.Fatal(err)
	}
	verified := func(a *store.Account) error {
		a.Status, a.LastVerified = store.StatusVerified, time.Now()
		return nil
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.UpdateAccount(a.ID, verified, &store.AuditEntry{Action: "verified"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAccountsPage10k is Home's first frame from the store: the first
// screenful of 10,000 accounts and their count. Compare with
// BenchmarkAccounts10k: this one must not grow with the store.
func BenchmarkAccountsPage10k(b *testing.B) {
	s := fill(b, 10_000)
	b.ReportAllocs()
	for b.Loop() {
		page, total, bad, err := s.AccountsPage(0, 20)
		if err != nil || len(bad) != 0 || len(page) != 20 || total != 10_000 {
			b.Fatalf("%d accounts of %d, %d bad, %v", len(page), total, len(bad), err)
		}
	}
}

// BenchmarkEachAccount10k is `accounts list --json`'s walk when it writes
// each account as it comes: the whole list, in memory that does not grow.
func BenchmarkEachAccount10k(b *testing.B) {
	s := fill(b, 10_000)
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		bad, err := s.EachAccount(func(store.Account) error { n++; return nil })
		if err != nil || len(bad) != 0 || n != 10_000 {
			b.Fatalf("%d accounts, %d bad, %v", n, len(bad), err)
		}
	}
}
