package entra

import "testing"

func TestIsGUID(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		s    string
		want bool
	}{
		{"72f988bf-86f1-41af-91ab-2d7cd011db47", true},
		{"72F988BF-86F1-41AF-91AB-2D7CD011DB47", true},
		{"{72f988bf-86f1-41af-91ab-2d7cd011db47}", false},
		{"72f988bf86f141af91ab2d7cd011db47", false},
		{"72f988bf-86f1-41af-91ab-2d7cd011db4g", false},
		{"72f988bf-86f1-41af-91ab_2d7cd011db47", false},
		{"72f988bf-86f1-41af-91ab-2d7cd011db4", false},
		{"contoso.onmicrosoft.com", false},
		{"", false},
	} {
		if got := IsGUID(tc.s); got != tc.want {
			t.Errorf("IsGUID(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
}
