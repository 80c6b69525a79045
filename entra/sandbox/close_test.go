package sandbox

import (
	"errors"
	"net"
	"syscall"
	"testing"
)

// A sandbox closed right after it started refuses connections at once. The
// server only learns of its listener when the serving goroutine runs; before
// the fix, a connection made in between was accepted by the kernel and reset
// later ("dropped the connection" instead of "refused"), which made
// verification's server-down test fail under load.
func TestCloseRightAfterStartRefuses(t *testing.T) {
	for i := 0; i < 50; i++ {
		s, err := New(Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Start(); err != nil {
			t.Fatal(err)
		}
		addr := s.ln.Addr().String()
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			t.Fatalf("run %d: %s still takes connections after Close", i, addr)
		}
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Fatalf("run %d: dial after Close: %v, want connection refused", i, err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
	}
}
