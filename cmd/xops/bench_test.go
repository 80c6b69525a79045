package main

import (
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/xops/xops/store"
)

// fillStore links n accounts through the store's API (no key generation:
// the key material is random bytes of a realistic size; list never opens it).
func fillStore(b *testing.B, n int) string {
	b.Helper()
	p := filepath.Join(b.TempDir(), "xops.db")
	st, err := store.Open(p, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	now := time.Now().UTC()
	for i := range n {
		credID := fmt.Sprintf("cred-%06d", i)
		km := store.KeyMaterial{V: store.RecordVersion, CertDER: make([]byte, 800), KeyPKCS8: make([]byte, 1218)}
		rand.Read(km.CertDER)
		rand.Read(km.KeyPKCS8)
		if err := st.PutKey(credID, km); err != nil {
			b.Fatal(err)
		}
		a := store.Account{Name: fmt.Sprintf("Account %06d", i), AppID: testAppID, TenantID: testTenantID, Organization: testOrg,
			Cloud: "global", Status: store.StatusVerified, LastVerified: now,
			Credentials: []store.Credential{{ID: credID, Thumbprint: "0123456789ABCDEF0123456789ABCDEF01234567", KeySize: 2048,
				NotBefore: now, NotAfter: now.AddDate(1, 0, 0), Created: now}}}
		for _, id := range []string{"certificate-local", "tenant", "organization", "app", "certificate", "exchange-permission", "global-reader", "exchange"} {
			a.LastChecks = append(a.LastChecks, store.CheckRecord{ID: id, OK: true, Message: "ok"})
		}
		if err := st.CreateAccount(a, store.AuditEntry{}); err != nil {
			b.Fatal(err)
		}
	}
	return p
}

// BenchmarkListJSON is `xops accounts list --json` in process, from opening
// the store to the last byte. XOPS_BENCH_ACCOUNTS sets the count (default
// 1000; issue 5's figure is 10000).
func BenchmarkListJSON(b *testing.B) {
	n := 1000
	if v, err := strconv.Atoi(os.Getenv("XOPS_BENCH_ACCOUNTS")); err == nil && v > 0 {
		n = v
	}
	p := fillStore(b, n)
	e := env{"XOPS_STORE": p}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if code := run([]string{"accounts", "list", "--json"}, nil, io.Discard, io.Discard, e.get); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
}
