package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/xops/xops/ui"
	uiwizard "github.com/xops/xops/ui/wizard"
)

// runTUI is xops without a command: the interactive TUI. It needs a terminal
// on both ends; from a script it says what to use instead (exit 2).
func (a *app) runTUI(cmd *cobra.Command, _ []string) error {
	if handled, err := a.accessibleTUI(cmd); handled { // --accessible, XOPS_ACCESSIBLE, TERM=dumb: plain prompts
		return err
	}
	if !a.terminal(a.stdin) || !a.terminal(a.stdout) {
		return usageErr("the interactive TUI needs a terminal on stdin and stdout; from scripts use the commands: " +
			"xops link microsoft, xops accounts list|show|verify|export|rename|delete, xops store check|backup (see 'xops --help')")
	}
	ui.WarmUp() // beside the rest of the start-up, on the other core
	st, err := a.openStore()
	if err != nil {
		return err
	}
	// What the first frame needs is read while the rest starts up: the
	// terminal's colour profile (terminfo, perhaps tmux) and Home's first
	// screenful of accounts.
	profile := ui.DetectColorProfile(a.env("NO_COLOR") != "")
	first := ui.StartFirstScreen(ui.Deps{Store: st, Changes: st.Generation, ResumeDraft: anyLinkDraft(st)})
	svc, err := a.service() // in sandbox mode this starts the simulated tenant
	if err != nil {
		first.Wait() // no read outlives the command
		return err
	}
	asker := &ui.PassphraseAsker{Unlocked: svc.KeysUnlocked}
	svc.Passphrase = a.tuiPassphrase(asker) // the TUI owns the terminal: ask through it
	wd := uiwizard.Deps{Service: svc, Drafts: st, Keys: st, Verifier: svc, Now: a.now, User: a.env("USER")}
	if a.sb != nil {
		wd.Sandbox = a.sb // only when set: a nil *Sandbox in the interface would not be nil
	}
	deps := ui.Deps{
		Store:       st,
		StorePath:   a.stPath,
		Cloud:       a.g.cloud,
		Version:     versionString(),
		Sandbox:     a.g.sandbox,
		NoColor:     a.env("NO_COLOR") != "",
		Changes:     st.Generation,
		Now:         a.now,
		Service:     svc, // the account actions (verify, export, rotate, rename, delete)
		Passphrase:  asker,
		Wizard:      a.linkScreen(svc, st, wd), // "Set it up for me" or the guided wizard (issue 8)
		ResumeDraft: anyLinkDraft(st),
		Profile:     profile,
		First:       first,
		Warnings:    a.warnings, // printed to stderr, which the full screen hides
	}
	if a.sb != nil {
		deps.SandboxUpload = a.sb.UploadCertificate // a rotation's upload, done in the simulated tenant
		deps.SandboxTenant = a.sb                   // d on "Redo step N" after a verification from Home
	}
	deps.First = first
	if err := ui.Run(cmd.Context(), deps); err != nil {
		if cmd.Context().Err() != nil {
			// SIGHUP (the SSH session dropped) or SIGTERM: the wizard keeps
			// its draft in the store, so a restart resumes it.
			return failedErr(errors.New("stopped by a signal; a link in progress is kept as a draft and resumes on the next start"))
		}
		return failedErr(fmt.Errorf("the TUI stopped: %w", err))
	}
	return nil
}
