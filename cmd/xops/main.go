// Command xops links an organisation's cloud accounts to the Xops platform,
// from any terminal. Without arguments it runs the TUI; the subcommands are
// the scriptable twin (see DESIGN.md, "The command line").
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}
