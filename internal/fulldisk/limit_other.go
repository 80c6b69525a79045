//go:build !linux

package fulldisk

import "errors"

const supported = false

func limitFileSize(uint64) error { return errors.New("no per-process file size limit here") }
