//go:build !linux

package store

import (
	"errors"
	"os"
)

var errNoUnnamed = errors.New("files without a name are a Linux feature")

// openUnnamed is Linux's O_TMPFILE; elsewhere the caller makes a named
// temporary file instead.
func openUnnamed(string) (*os.File, error) { return nil, errNoUnnamed }

func fdPath(*os.File) string { return "" }

func linkUnnamed(_ *os.File, path string) error { return linkError(path, errNoUnnamed) }
