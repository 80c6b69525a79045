package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/xops/xops/ui"
)

// runTUI is xops without a command: the interactive TUI. It needs a terminal
// on both ends; from a script it says what to use instead (exit 2).
func (a *app) runTUI(cmd *cobra.Command, _ []string) error {
	if !a.terminal(a.stdin) || !a.terminal(a.stdout) {
		return usageErr("the interactive TUI needs a terminal on stdin and stdout; from scripts use the commands: " +
			"xops link microsoft, xops accounts list|show|verify|export|rename|delete, xops store check|backup (see 'xops --help')")
	}
	st, err := a.openStore()
	if err != nil {
		return err
	}
	if a.g.sandbox {
		if _, err := a.startSandbox(); err != nil {
			return err
		}
	}
	deps := ui.Deps{
		Store:     st,
		StorePath: a.stPath,
		Cloud:     a.g.cloud,
		Version:   versionString(),
		Sandbox:   a.g.sandbox,
		NoColor:   a.env("NO_COLOR") != "",
		Changes:   st.Generation,
	}
	if err := ui.Run(cmd.Context(), deps); err != nil {
		return failedErr(fmt.Errorf("the TUI stopped: %w", err))
	}
	return nil
}
