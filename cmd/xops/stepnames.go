package main

import (
	"fmt"

	"github.com/xops/xops/assets"
	"github.com/xops/xops/entra"
)

// stepTitle is a checklist step's title as the checklist says it
// (assets.StepTitle, the one source every screen uses); the step's ID for
// a step the checklist does not list.
func stepTitle(id entra.Step) string {
	if t, ok := assets.StepTitle(id); ok {
		return t
	}
	return string(id)
}

// stepRef names a step in the human output: its ID, which --json and the
// docs use, then its number and title on the checklist
// ("assign-global-reader (4. Make the app a Global Reader)"); only the ID
// for a step the checklist does not list (enter-ids, generate-key).
func stepRef(id entra.Step) string {
	if n := id.Number(); n > 0 {
		return fmt.Sprintf("%s (%d. %s)", id, n, stepTitle(id))
	}
	return string(id)
}
