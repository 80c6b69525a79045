package wizard

import (
	"encoding/pem"
	"strings"
	"testing"
)

func TestRewrapPEMStaysValid(t *testing.T) {
	t.Parallel()
	c, err := testCred()
	if err != nil {
		t.Fatal(err)
	}
	orig := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Certificate.Raw}))
	for _, w := range []int{80, 63, 43, 20, 5} {
		got := rewrapPEM(strings.TrimRight(orig, "\n"), w)
		for _, l := range strings.Split(got, "\n") {
			if w >= 28 && len(l) > w { // the BEGIN/END lines are 27/25 wide
				t.Errorf("width %d: line of %d: %q", w, len(l), l)
			}
		}
		blk, _ := pem.Decode([]byte(got))
		if blk == nil || string(blk.Bytes) != string(c.Certificate.Raw) {
			t.Errorf("width %d: the re-wrapped PEM is not the certificate", w)
		}
	}
}
