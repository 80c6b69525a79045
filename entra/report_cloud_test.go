package entra_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// A report says which cloud its checks ran in, and verify --json does not
// carry it (the contract's fields are unchanged).
func TestReportNamesItsCloud(t *testing.T) {
	t.Parallel()
	tn := setup(t)
	r := tn.verify(t)
	r.Cloud = "global" // as a verification against the global cloud's own hosts names it
	if !r.OK {
		t.Fatalf("the sandbox verification failed: %+v", r)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), `"cloud"`) {
		t.Errorf("verify --json gained the cloud: %s", b)
	}
}

// Checks run against the sandbox or a login override name no cloud: they
// prove nothing about where the tenant lives.
func TestReportNamesNoCloudForSandboxOrOverride(t *testing.T) {
	t.Parallel()
	tn := setup(t)
	if r := tn.verify(t); r.Cloud != "" {
		t.Errorf("a sandbox verification names cloud %q", r.Cloud)
	}
}
