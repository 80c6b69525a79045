//go:build unix && !linux

package main

import "golang.org/x/sys/unix"

// noCoreDumps keeps the private keys xops decrypts out of core files: a
// core size limit of 0 means a crash writes no memory image to disk.
func noCoreDumps() {
	_ = unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{Cur: 0, Max: 0})
}
