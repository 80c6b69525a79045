package main

import (
	"strings"
	"testing"
)

// A checklist step is heard instructions first, the portal's long address
// last, just before "Done?".
func TestAccessibleStepSaysAddressesLast(t *testing.T) {
	t.Parallel()
	e, _ := newStore(t)
	in := answers("3", "2") // Microsoft, the guided path; input ends at step 1's question
	r := xops(t, e, in, "--accessible")
	step := r.stdout[strings.Index(r.stdout, "\n1. Register"):]
	link := strings.Index(step, "https://")
	do := strings.Index(step, "   - ")
	done := strings.Index(step, "Done?")
	if link < 0 || do < 0 || done < 0 {
		t.Fatalf("step 1 lacks an address, an instruction or its question:\n%s", step)
	}
	if !(do < link && link < done) {
		t.Errorf("want the instructions, then the address, then Done?:\n%s", step[:min(len(step), done+10)])
	}
}
