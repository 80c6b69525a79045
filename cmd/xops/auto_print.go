package main

import (
	"fmt"

	"github.com/xops/xops/entra"
)

// The lines both ways of running the automatic setup print — `link microsoft
// --auto` (on stderr) and the accessible mode (on stdout) — so a screen
// reader and a script hear the same words.

// setupEventLine is one step of the automatic setup that ended, "✓ title" or
// "✗ title", with what it found or made; "" while the step runs.
func setupEventLine(e entra.SetupEvent) string {
	if e.Running {
		return ""
	}
	mark := "✓"
	if !e.OK {
		mark = "✗"
	}
	line := mark + " " + e.Step.Title()
	if e.Existed {
		line += " (already there)"
	}
	if e.Message != "" {
		line += ": " + oneLine(e.Message)
	}
	return line
}

// inventoryLines say what exists for a stopped automatic setup and what does
// not, one object a line ("✓ exists" / "✗ missing"), under a heading that
// says whether the tenant was asked or only this run's progress is known.
func inventoryLines(inv entra.Inventory) []string {
	if len(inv.Items) == 0 {
		return nil
	}
	src := "according to this run's progress"
	if inv.FromTenant {
		src = "in the tenant"
	}
	lines := []string{fmt.Sprintf("What exists %s:", src)}
	for _, it := range inv.Items {
		mark := "✗ missing"
		if it.Exists {
			mark = "✓ exists "
		}
		lines = append(lines, fmt.Sprintf("  %s  %s", mark, oneLine(it.What)))
	}
	return lines
}
