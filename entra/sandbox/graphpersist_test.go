package sandbox_test

import (
	"sync"
	"testing"

	"github.com/xops/xops/entra/sandbox"
)

// An app made through Microsoft Graph ("Set it up for me") is saved as soon
// as the request that made it is answered, like one made in the admin center.
func TestGraphWriteIsSavedAtOnce(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var saved []byte
	sb, err := sandbox.New(sandbox.Options{Update: func(apply func([]byte) ([]byte, error)) error {
		mu.Lock()
		defer mu.Unlock()
		state, err := apply(saved)
		if err == nil {
			saved = append([]byte(nil), state...)
		}
		return err
	}})
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	w := &world{sb: sb, http: sb.HTTPClient()}
	admin := w.delegatedToken(t, sandbox.Admin{})
	st, created := w.graphCall(t, "PATCH", "applications(uniqueName='xops-p')", admin, map[string]any{
		"displayName": "xops (p)", "signInAudience": "AzureADMyOrg",
	}, map[string]string{"Prefer": "create-if-missing"})
	if st != 201 {
		t.Fatalf("create: %d %v", st, created)
	}
	appID := created["appId"].(string)

	mu.Lock()
	state := saved
	mu.Unlock()
	other, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := other.LoadState(state); err != nil {
		t.Fatal(err)
	}
	if app, err := other.App(appID); err != nil || app.Name != "xops (p)" {
		t.Fatalf("the app Graph made is not in the saved tenant: %+v, %v", app, err)
	}
}
