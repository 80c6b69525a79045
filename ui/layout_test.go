package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/xops/xops/store"
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
	var tbl accountTable
	tbl.measure(sampleAccounts())
	long := accountTable{}
	long.measure([]store.Account{{Name: strings.Repeat("n", 64), Organization: strings.Repeat("o", 60) + ".com",
		Status: store.StatusFailed, FailedStep: "add-exchange-permission"}})
	for _, need := range []columns{tbl.need, long.need} {
		for w := 43; w <= 250; w++ {
			c := columnWidths(w, need)
			used := cursorMark + c.name + colGap + c.status + colGap + c.expiry
			for _, opt := range []int{c.org, c.tenant, c.verified} {
				if opt > 0 {
					used += opt + colGap
				}
			}
			if used > w {
				t.Fatalf("width %d: columns use %d (%+v)", w, used, c)
			}
			if c.tenant != 0 && c.tenant != 9 && c.tenant != 36 {
				t.Fatalf("width %d: tenant column %d: neither 8 characters nor the whole GUID", w, c.tenant)
			}
			if c.status != shortStatus && c.status != need.status {
				t.Fatalf("width %d: status column %d, want %d or %d", w, c.status, shortStatus, need.status)
			}
			if c.name > 24 {
				t.Fatalf("width %d: name column %d: a long name pushes the rest out", w, c.name)
			}
		}
	}
	if c := columnWidths(43, tbl.need); c.tenant != 0 || c.name < len("northwind") || c.expiry != expiryWidth {
		t.Errorf("60-column terminal: %+v (want no tenant column, whole names, the expiry)", c)
	}
	if c := columnWidths(63, tbl.need); c.org < len("contoso.onmicrosoft.com") || c.expiry != expiryWidth {
		t.Errorf("80-column terminal: %+v (want room for contoso.onmicrosoft.com and the expiry)", c)
	}
	if c := columnWidths(100, tbl.need); c.tenant == 0 || c.verified == 0 {
		t.Errorf("100-column page: %+v (want the tenant and the last verification)", c)
	}
	if c := columnWidths(200, tbl.need); c.tenant != 36 || c.status != ansi.StringWidth("✗ failed at step 3") {
		t.Errorf("wide terminal: %+v", c)
	}
}

func TestStatusWidthMatchesTheText(t *testing.T) {
	t.Parallel()
	for _, a := range []store.Account{
		{Status: store.StatusVerified}, {Status: store.StatusUnverified}, {Status: ""},
		{Status: store.StatusFailed}, {Status: store.StatusFailed, FailedStep: "add-exchange-permission"},
	} {
		mark, text := statusText(a)
		if got, want := statusWidth(a), ansi.StringWidth(mark+" "+text); got != want {
			t.Errorf("%+v: statusWidth %d, the text is %d wide", a, got, want)
		}
	}
	if cellWidth("contoso") != 7 || cellWidth("Ünïcødé") != 7 || cellWidth("日本") != 4 {
		t.Error("cellWidth miscounts")
	}
}

func TestComputeLayout(t *testing.T) {
	t.Parallel()
	l := computeLayout(80, 24, true, 1, 1)
	if l.tooSmall || l.contentWidth != 63 || l.headerHeight != 2 || l.bodyHeight != 20 {
		t.Fatalf("80x24: %+v", l)
	}
	l = computeLayout(60, 16, true, 1, 1)
	if l.tooSmall || l.contentWidth != 43 || l.headerHeight != 1 || l.bodyHeight != 13 {
		t.Fatalf("60x16: %+v", l)
	}
	if l = computeLayout(80, 24, false, 1, 1); l.contentWidth != 80 {
		t.Fatalf("without nav: %+v", l)
	}
	if l = computeLayout(60, 16, true, 30, 1); l.bodyHeight < 6 {
		t.Fatalf("full help squeezed the page to %d rows", l.bodyHeight)
	}
	if !computeLayout(59, 16, true, 1, 1).tooSmall || !computeLayout(60, 15, true, 1, 1).tooSmall {
		t.Fatal("below 60x16 must be too small")
	}
}
