//go:build !unix

package main

// noCoreDumps has nothing to do where there are no core files: a Go program
// on Windows writes none of its own (Windows Error Reporting dumps only
// where an admin has configured LocalDumps).
func noCoreDumps() {}
