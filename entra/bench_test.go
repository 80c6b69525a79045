package entra_test

import (
	"context"
	"testing"

	"github.com/xops/xops/entra"
)

// BenchmarkVerifySandbox is one full verification (every check, fresh MSAL
// client and token, Exchange call) against the sandbox over TLS on loopback.
func BenchmarkVerifySandbox(b *testing.B) {
	tn := setup(b)
	v := tn.verifier()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if r := v.Verify(ctx, tn.target, tn.cred, nil); !r.OK {
			b.Fatalf("verification failed: %+v", r)
		}
	}
}

// BenchmarkDecodeClaims is the claim decoding of the permission checks.
func BenchmarkDecodeClaims(b *testing.B) {
	tok := "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJodHRwczovL291dGxvb2sub2ZmaWNlMzY1LmNvbSIsInRpZCI6IjhmM2MyYTUxLTZkMGUtNGI3YS05YzFmLTJlNGQ1YTZiN2M4MCIsImFwcGlkIjoiYWJjIiwicm9sZXMiOlsiRXhjaGFuZ2UuTWFuYWdlQXNBcHAiXSwid2lkcyI6WyJmMmVmOTkyYy0zYWZiLTQ2YjktYjdjZi1hMTI2ZWU3NGM0NTEiXSwiZXhwIjoxOTAwMDAwMDAwfQ.c2ln"
	b.ReportAllocs()
	for b.Loop() {
		c, err := entra.DecodeClaims(tok)
		if err != nil || !c.HasRole(entra.ExchangeManageAsAppRole) {
			b.Fatalf("decode: %v %+v", err, c)
		}
	}
}

// BenchmarkVerifySandboxCold is a verification as one CLI run makes it: a new
// HTTP client, so new TCP and TLS connections.
func BenchmarkVerifySandboxCold(b *testing.B) {
	tn := setup(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if r := tn.verifier().Verify(ctx, tn.target, tn.cred, nil); !r.OK {
			b.Fatalf("verification failed: %+v", r)
		}
	}
}
