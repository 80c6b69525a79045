// Command xops links an organisation's cloud accounts to the Xops platform,
// from any terminal. Without arguments it runs the TUI; the subcommands are
// the scriptable twin (see DESIGN.md, "The command line").
package main

import "os"

func main() {
	// Before anything is read: a process that may hold a decrypted key
	// must never leave it in a core file.
	noCoreDumps()
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}
