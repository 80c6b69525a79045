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
	if !r.OK || r.Cloud != "global" {
		t.Fatalf("ok %v cloud %q, want a passing report from the global cloud", r.OK, r.Cloud)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), `"cloud"`) {
		t.Errorf("verify --json gained the cloud: %s", b)
	}
}
