package ui

import (
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/xops/xops/store"
)

// TestGolden pins whole frames, read as the admin reads them (escape
// sequences stripped; the views are built without colour). Refresh with
// go test ./ui -run TestGolden -update, then read the diff.
func TestGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		accounts []store.Account
		w, h     int
		keys     []string
	}{
		{"picker", nil, 80, 24, nil},
		{"home_empty", nil, 80, 24, []string{"tab"}},
		{"home_accounts", sampleAccounts(), 80, 24, []string{"down"}},
		{"home_accounts_60x16", sampleAccounts(), 60, 16, []string{"down"}},
		{"home_sorted_by_expiry", sampleAccounts(), 80, 24, []string{"s"}},
		{"home_filtering", sampleAccounts(), 80, 24, []string{"/", "f", "a", "b"}},
		{"home_filter_kept", sampleAccounts(), 80, 24, []string{"/", "n", "o", "r", "enter"}},
		{"home_filter_no_match", sampleAccounts(), 60, 16, []string{"/", "z", "z"}},
		{"integrations", sampleAccounts(), 80, 24, []string{"tab", "right", "right"}},
		{"microsoft", sampleAccounts(), 80, 24, []string{"n"}},
		{"unsupported", nil, 80, 24, []string{"enter"}},
		{"settings", sampleAccounts(), 80, 24, []string{"shift+tab"}},
		{"wizard_placeholder", sampleAccounts(), 80, 24, []string{"n", "enter"}},
		{"full_help", sampleAccounts(), 80, 24, []string{"?"}},
		{"too_small", sampleAccounts(), 59, 15, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := Deps{Store: &fakeStore{accounts: tt.accounts}, StorePath: "/home/admin/.local/share/xops/xops.db",
				Cloud: "global", Version: "v0.1.0", NoColor: true, Now: func() time.Time { return testNow }}
			hs := newHarness(t, d, tt.w, tt.h)
			hs.keys(tt.keys...)
			golden.RequireEqual(t, hs.view())
		})
	}
}
