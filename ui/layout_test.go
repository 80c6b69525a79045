package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestWrapBreaksOnlyAtSpaces(t *testing.T) {
	t.Parallel()
	got := wrap("start xops with --store PATH or --cloud NAME", 20)
	for _, ln := range strings.Split(got, "\n") {
		if ansi.StringWidth(ln) > 20 {
			t.Errorf("line %q wider than 20", ln)
		}
		if strings.HasSuffix(ln, "-") || strings.HasPrefix(ln, "store") || strings.HasPrefix(ln, "cloud") {
			t.Errorf("a flag was split at its hyphen: %q", got)
		}
	}
	if got := wrap("72f988bf-86f1-41af-91ab-2d7cd011db47", 10); strings.Count(got, "\n") != 3 {
		t.Errorf("a word wider than the line must be cut hard into 4 lines: %q", got)
	}
	if got := hangingWrap("1. walk you through the registration", 16, "   "); got != "1. walk you\n   through the\n   registration" {
		t.Errorf("hanging indent: %q", got)
	}
	if got := wrap("one\n\ntwo", 10); got != "one\n\ntwo" {
		t.Errorf("paragraph breaks lost: %q", got)
	}
}

func TestFitMakesExactFrames(t *testing.T) {
	t.Parallel()
	got := fit("a very long line indeed\nshort", 10, 3)
	lines := strings.Split(got, "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines", len(lines))
	}
	for _, ln := range lines {
		if ansi.StringWidth(ln) != 10 {
			t.Fatalf("line %q is not 10 wide", ln)
		}
	}
	if !strings.HasSuffix(lines[0], "…") {
		t.Errorf("a cut line must say so: %q", lines[0])
	}
}

func TestColumnWidthsFitEveryWidth(t *testing.T) {
	t.Parallel()
	for w := 43; w <= 250; w++ {
		c := columnWidths(w)
		used := cursorMark + c.name + c.org + c.status + 2*colGap
		if c.tenant > 0 {
			used += c.tenant + colGap
		}
		if used > w {
			t.Fatalf("width %d: columns use %d (%+v)", w, used, c)
		}
		if c.tenant != 0 && c.tenant != 9 && c.tenant != 36 {
			t.Fatalf("width %d: tenant column %d: neither 8 characters nor the whole GUID", w, c.tenant)
		}
		if c.status != 14 && c.status != 40 {
			t.Fatalf("width %d: status column %d", w, c.status)
		}
	}
	if c := columnWidths(43); c.tenant != 0 {
		t.Errorf("60-column terminal keeps the tenant column: %+v", c)
	}
	if c := columnWidths(63); c.tenant != 9 || c.org < 23 {
		t.Errorf("80-column terminal: %+v (want the tenant's start and room for contoso.onmicrosoft.com)", c)
	}
	if c := columnWidths(200); c.tenant != 36 || c.status != 40 {
		t.Errorf("wide terminal: %+v", c)
	}
}

func TestComputeLayout(t *testing.T) {
	t.Parallel()
	l := computeLayout(80, 24, true, 1)
	if l.tooSmall || l.contentWidth != 63 || l.headerHeight != 2 || l.bodyHeight != 20 {
		t.Fatalf("80x24: %+v", l)
	}
	l = computeLayout(60, 16, true, 1)
	if l.tooSmall || l.contentWidth != 43 || l.headerHeight != 1 || l.bodyHeight != 13 {
		t.Fatalf("60x16: %+v", l)
	}
	if l = computeLayout(80, 24, false, 1); l.contentWidth != 80 {
		t.Fatalf("without nav: %+v", l)
	}
	if l = computeLayout(60, 16, true, 30); l.bodyHeight < 6 {
		t.Fatalf("full help squeezed the page to %d rows", l.bodyHeight)
	}
	if !computeLayout(59, 16, true, 1).tooSmall || !computeLayout(60, 15, true, 1).tooSmall {
		t.Fatal("below 60x16 must be too small")
	}
}
