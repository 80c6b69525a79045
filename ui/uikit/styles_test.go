package uikit

import (
	"strings"
	"testing"
)

func TestNewStylesNoColorKeepsEmphasisOnly(t *testing.T) {
	t.Parallel()
	for _, dark := range []bool{true, false} {
		s := NewStyles(dark, true)
		if s.Primary != nil || s.Subtle != nil || s.Success != nil || s.Warning != nil || s.Error != nil {
			t.Fatalf("dark=%v: NO_COLOR styles carry colours", dark)
		}
		if !s.Selected.GetReverse() || !s.Badge.GetReverse() {
			t.Fatalf("dark=%v: without colour the cursor and the badge must be reversed", dark)
		}
		out := s.Bad.Render("x")
		if strings.Contains(out, "38;") {
			t.Fatalf("NO_COLOR render carries a colour: %q", out)
		}
	}
	light, dark := NewStyles(false, false), NewStyles(true, false)
	if light.Primary == nil || dark.Primary == nil {
		t.Fatal("colour styles without colours")
	}
	lr, lg, lb, _ := light.Primary.RGBA()
	dr, dg, db, _ := dark.Primary.RGBA()
	if lr == dr && lg == dg && lb == db {
		t.Fatal("light and dark backgrounds get the same primary colour")
	}
}
