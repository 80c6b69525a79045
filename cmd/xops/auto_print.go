package main

import (
	"fmt"

	"github.com/xops/xops/entra"
)

// The lines both ways of running the automatic setup print — `link microsoft
// --auto` (on stderr, marked with symbols) and the accessible mode (on
// stdout, marked with words) — from one piece of code, so both say the same.

// outcomeWords are how a stopped or finished automatic setup marks its
// outcomes: with symbols for the eye (the command line), or with words for
// a screen reader (accessible mode), which skips or names the symbols.
type outcomeWords struct {
	done, failed    string // before a step's title
	exists, missing string // before an inventory item
	itemSep         string // between the mark and the item
}

var (
	symbolWords = outcomeWords{done: "✓ ", failed: "✗ ", exists: "✓ exists ", missing: "✗ missing", itemSep: "  "}
	spokenWords = outcomeWords{done: "Done, ", failed: "Failed, ", exists: "exists", missing: "missing", itemSep: ": "}
)

// setupEventLine is one step of the automatic setup that ended, "✓ title" or
// "✗ title" (or "Done, title"…) with what it did or why it failed; "" while
// it runs.
func (w outcomeWords) setupEventLine(e entra.SetupEvent) string {
	if e.Running {
		return ""
	}
	line := w.done + e.Step.Title()
	if !e.OK {
		line = w.failed + e.Step.Title()
	}
	if e.Existed {
		line += " (already there)"
	}
	if e.Message != "" {
		line += ": " + oneLine(e.Message)
	}
	return line
}

// inventoryLines say what exists for a stopped automatic setup and what does
// not, one object a line, under a heading that says whether the tenant was
// asked or only this run's progress is known.
func (w outcomeWords) inventoryLines(inv entra.Inventory) []string {
	if len(inv.Items) == 0 {
		return nil
	}
	src := "according to this run's progress"
	if inv.FromTenant {
		src = "in the tenant"
	}
	lines := []string{fmt.Sprintf("What exists %s:", src)}
	for _, it := range inv.Items {
		mark := w.missing
		if it.Exists {
			mark = w.exists
		}
		lines = append(lines, "  "+mark+w.itemSep+oneLine(it.What))
	}
	return lines
}
