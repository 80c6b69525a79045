package main

import (
	"testing"

	"github.com/xops/xops/internal/fulldisk"
)

// TestFileWritesAreAllOrNothing writes a certificate as xops writes every
// file for the admin (a new certificate, one replacing a file the admin
// agreed to replace; a PFX goes through the same writeCertFile path's
// store.WriteFile) in a process whose file size limit cuts the write short,
// as a full disk does: each must fail and leave the path as it was.
func TestFileWritesAreAllOrNothing(t *testing.T) {
	t.Parallel()
	fulldisk.Check(t, "TestWriteCertFileChild")
}

// TestWriteCertFileChild is TestFileWritesAreAllOrNothing's child process.
func TestWriteCertFileChild(t *testing.T) {
	fulldisk.Child(t, writeCertFile)
}
