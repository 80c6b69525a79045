package sandbox

import (
	"encoding/json"
	"strings"
	"testing"
)

// An object one side removed while the other changed it is taken whole from
// ours, the newer change: never merged field by field into a fragment (an
// app with only the edited certificate field, no app_id).
func TestMergeRemovalAgainstEdit(t *testing.T) {
	base := `{"apps":{"X":{"app_id":"X","name":"Demo","certificates":[{"sha256":"c1","der":"AA=="}]}}}`
	edited := `{"apps":{"X":{"app_id":"X","name":"Demo","certificates":[{"sha256":"c1","der":"AA==","key_id":"k"}]}}}`
	removed := `{"apps":{}}`
	for _, c := range []struct {
		name, ours, theirs string
		wantApp            bool
	}{
		{"we removed it, they edited it", removed, edited, false},
		{"they removed it, we edited it", edited, removed, true},
	} {
		got, err := merge3(json.RawMessage(base), json.RawMessage(c.ours), json.RawMessage(c.theirs), "")
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var st struct {
			Apps map[string]map[string]json.RawMessage `json:"apps"`
		}
		if err := json.Unmarshal(got, &st); err != nil {
			t.Fatalf("%s: %v: %s", c.name, err, got)
		}
		app, ok := st.Apps["X"]
		if ok != c.wantApp {
			t.Fatalf("%s: app present %v, want %v: %s", c.name, ok, c.wantApp, got)
		}
		if ok && (string(app["app_id"]) != `"X"` || !strings.Contains(string(app["certificates"]), `"der"`)) {
			t.Errorf("%s: the app came back in pieces: %s", c.name, got)
		}
	}
}
