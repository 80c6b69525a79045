package store

import (
	"encoding/json"
	"testing"
	"time"
)

// benchRecord is a verified account as Home lists it: one credential and
// eight checks.
func benchRecord(b *testing.B) []byte {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	a := Account{V: 1, ID: "0123456789abcdef0123456789abcdef", Name: "Contoso Ltd", AppID: "11111111-2222-3333-4444-555555555555",
		TenantID: "66666666-7777-8888-9999-000000000000", Organization: "contoso.onmicrosoft.com", Cloud: "global",
		Created: now, Status: StatusVerified, LastVerified: now,
		Credentials: []Credential{{ID: "fedcba9876543210fedcba9876543210", Thumbprint: "0123456789ABCDEF0123456789ABCDEF01234567",
			KeySize: 2048, NotBefore: now, NotAfter: now.AddDate(1, 0, 0), Created: now}}}
	for _, id := range []string{"certificate-local", "tenant", "organization", "app", "certificate", "exchange-permission", "global-reader", "exchange"} {
		a.LastChecks = append(a.LastChecks, CheckRecord{ID: id, OK: true, Message: "the " + id + " check passed"})
	}
	raw, err := encodeRecord(a)
	if err != nil {
		b.Fatal(err)
	}
	return raw
}

// BenchmarkDecodeAccount compares the account decoder Home's list uses with
// encoding/json on the same record.
func BenchmarkDecodeAccount(b *testing.B) {
	raw := benchRecord(b)
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(raw)))
		for b.Loop() {
			if _, ok := fastAccount(raw, nil, true); !ok {
				b.Fatal("fast path gave up")
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(raw)))
		for b.Loop() {
			var a Account
			if err := json.Unmarshal(raw, &a); err != nil {
				b.Fatal(err)
			}
		}
	})
}
