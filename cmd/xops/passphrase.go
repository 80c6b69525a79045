package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/store"
	"github.com/xops/xops/ui"
)

// The environment variables that carry passphrases for scripts.
const (
	envPassphrase    = "XOPS_PASSPHRASE"     // the store's current passphrase
	envNewPassphrase = "XOPS_NEW_PASSPHRASE" // the one 'store passphrase set|change' installs
)

// scryptWorkFactor is passed to flow.Service.ScryptWorkFactor: 0 (age's
// default, about a second and 256 MiB per passphrase check) except in this
// package's tests, which lower it once, before any run, to stay quick.
var scryptWorkFactor int

// errNeedPassphrase: a key must be opened, and nothing can supply the passphrase.
var errNeedPassphrase = errors.New("this store's keys are protected by a passphrase: set XOPS_PASSPHRASE or run in a terminal")

// wrongEnvPassphrase is XOPS_PASSPHRASE refused: it says so once, with the
// fix, and matches flow.ErrWrongPassphrase.
type wrongEnvPassphrase struct{}

func (wrongEnvPassphrase) Error() string {
	return envPassphrase + " does not open this store's keys: set it to the store's passphrase (nothing was changed)"
}

func (wrongEnvPassphrase) Unwrap() error { return flow.ErrWrongPassphrase }

// passphraseProvider is flow.Service.Passphrase for the command line:
// XOPS_PASSPHRASE, else a prompt on the terminal (no echo), else a refusal.
// flow asks again after a wrong answer: the terminal gets another try, the
// environment variable cannot change, so the second ask says it is wrong.
func (a *app) passphraseProvider() func(context.Context) (string, error) {
	asked := 0
	return func(ctx context.Context) (string, error) {
		if v := a.env(envPassphrase); v != "" {
			if asked > 0 {
				return "", wrongEnvPassphrase{}
			}
			asked++
			return v, nil
		}
		if !a.interactive() {
			return "", errNeedPassphrase
		}
		if asked > 0 {
			fmt.Fprintln(a.stderr, "That passphrase does not open this store's keys; try again.")
		}
		asked++
		return a.readSecret(ctx, "Store passphrase: ")
	}
}

// tuiPassphrase is flow.Service.Passphrase inside the TUI: XOPS_PASSPHRASE
// first (once: it cannot change), then the TUI's masked prompt.
func (a *app) tuiPassphrase(asker *ui.PassphraseAsker) func(context.Context) (string, error) {
	triedEnv := false
	return func(ctx context.Context) (string, error) {
		if v := a.env(envPassphrase); v != "" && !triedEnv {
			triedEnv = true
			return v, nil
		}
		return asker.Ask(ctx)
	}
}

// currentPassphrase is the passphrase that 'store passphrase change|remove'
// checks, from the same sources as when a key is opened.
func (a *app) currentPassphrase(ctx context.Context) (string, error) {
	if v := a.env(envPassphrase); v != "" {
		return v, nil
	}
	if !a.interactive() {
		return "", usageErr("give the current passphrase: set %s or run in a terminal (nothing was changed)", envPassphrase)
	}
	return a.readSecret(ctx, "Current passphrase: ")
}

// canGetNewPassphrase refuses, before anything is opened, a run that has
// no way to get the new passphrase.
func (a *app) canGetNewPassphrase() error {
	if a.env(envNewPassphrase) == "" && !a.interactive() {
		return usageErr("give the new passphrase: set %s or run in a terminal (nothing was changed)", envNewPassphrase)
	}
	return nil
}

// newPassphraseField names a refused new passphrase after where it came
// from: flow calls it "new-passphrase", a flag xops does not have.
func (a *app) newPassphraseField(err error) error {
	to := "New passphrase"
	if a.env(envNewPassphrase) != "" {
		to = envNewPassphrase
	}
	return renameFields(err, "new-passphrase", to)
}

// acceptableNewPassphrase is newPassphrase, refused (exit 2, naming where
// it came from) when flow would not take it.
func (a *app) acceptableNewPassphrase(ctx context.Context) (string, error) {
	p, err := a.newPassphrase(ctx)
	if err != nil {
		return "", passphraseErr(err)
	}
	if err := flow.CheckNewPassphrase(p); err != nil {
		return "", passphraseErr(a.newPassphraseField(err))
	}
	return p, nil
}

// noStoreYet reports whether the store file does not exist yet.
func (a *app) noStoreYet() (bool, error) {
	p, err := a.storePath()
	if err != nil {
		return false, failedErr(err)
	}
	_, err = os.Stat(p)
	return errors.Is(err, fs.ErrNotExist), nil
}

// newPassphrase is XOPS_NEW_PASSPHRASE, else typed twice on a terminal.
func (a *app) newPassphrase(ctx context.Context) (string, error) {
	if v := a.env(envNewPassphrase); v != "" {
		return v, nil
	}
	if !a.interactive() {
		return "", usageErr("give the new passphrase: set %s or run in a terminal (nothing was changed)", envNewPassphrase)
	}
	first, err := a.readSecret(ctx, fmt.Sprintf("New passphrase (at least %d characters): ", flow.MinPassphraseLen))
	if err != nil {
		return "", err
	}
	again, err := a.readSecret(ctx, "The same again: ")
	if err != nil {
		return "", err
	}
	if first != again {
		return "", usageErr("the two passphrases differ; nothing was changed, run the command again")
	}
	return first, nil
}

// passphraseCmd is 'xops store passphrase set|change|remove'.
func (a *app) passphraseCmd() *cobra.Command {
	set := &cobra.Command{
		Use:   "set",
		Short: "Encrypt every key with a new passphrase (" + envNewPassphrase + ", else typed twice)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// Refused before the store is opened: on a fresh machine that
			// would create it.
			if err := a.canGetNewPassphrase(); err != nil {
				return err
			}
			// On a fresh machine the passphrase is read and judged first:
			// a refused one must not leave a new, empty store behind.
			var newPass string
			fresh, err := a.noStoreYet()
			if err != nil {
				return err
			}
			if fresh {
				if newPass, err = a.acceptableNewPassphrase(cmd.Context()); err != nil {
					return err
				}
			}
			svc, err := a.readService()
			if err != nil {
				return err
			}
			if p, err := svc.KeyProtection(); err != nil {
				return classify(err)
			} else if p == flow.ProtectionPassphrase {
				// Bad usage (exit 2), as change or remove on a store without one.
				return passphraseErr(fmt.Errorf("%w; use 'xops store passphrase change' or 'xops store passphrase remove'", flow.ErrAlreadyProtected))
			}
			if !fresh {
				if newPass, err = a.acceptableNewPassphrase(cmd.Context()); err != nil {
					return err
				}
			}
			if err := svc.SetPassphrase(newPass); err != nil {
				return passphraseErr(a.newPassphraseField(err))
			}
			fmt.Fprintln(a.stderr, "Passphrase set: every key in the store is now encrypted with it. Scripts need "+envPassphrase+" to verify, export a PFX or rotate.")
			return nil
		},
	}
	change := &cobra.Command{
		Use:   "change",
		Short: "Re-encrypt every key under a new passphrase (current: " + envPassphrase + ", new: " + envNewPassphrase + ")",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, err := a.protectedService()
			if err != nil {
				return err
			}
			oldPass, err := a.currentPassphrase(cmd.Context())
			if err != nil {
				return passphraseErr(err)
			}
			if err := svc.UnlockKeys(oldPass); err != nil {
				return passphraseErr(err) // before asking for the new one twice
			}
			newPass, err := a.newPassphrase(cmd.Context())
			if err != nil {
				return passphraseErr(err)
			}
			if err := svc.ChangePassphrase(oldPass, newPass); err != nil {
				return passphraseErr(a.newPassphraseField(err))
			}
			fmt.Fprintln(a.stderr, "Passphrase changed: every key was re-encrypted; the old passphrase opens nothing now.")
			return nil
		},
	}
	remove := &cobra.Command{
		Use:   "remove",
		Short: "Decrypt every key: they are then protected by file permissions only",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, err := a.protectedService()
			if err != nil {
				return err
			}
			oldPass, err := a.currentPassphrase(cmd.Context())
			if err != nil {
				return passphraseErr(err)
			}
			if err := svc.RemovePassphrase(oldPass); err != nil {
				return passphraseErr(err)
			}
			fmt.Fprintf(a.stderr, "Passphrase removed: the keys are protected by file permissions only (%s).\n", a.stPath)
			return nil
		},
	}
	return group("passphrase", "Protect the keys in the store with a passphrase, change or remove it", set, change, remove)
}

// protectedService is the service of a store that has a passphrase; one
// without is a usage error (there is nothing to change or remove).
func (a *app) protectedService() (*flow.Service, error) {
	// A passphrase can be changed or removed only on a store that exists:
	// none is made here (a mistyped --store must not leave a stray store).
	if _, err := a.openExistingStore(); errors.Is(err, store.ErrNoStore) {
		return nil, a.noStoreErr("no passphrase to change or remove")
	} else if err != nil {
		return nil, err
	}
	svc, err := a.readService()
	if err != nil {
		return nil, err
	}
	p, err := svc.KeyProtection()
	if err != nil {
		return nil, classify(err)
	}
	if p != flow.ProtectionPassphrase {
		return nil, usageErr("%v; use 'xops store passphrase set'", flow.ErrNotProtected)
	}
	return svc, nil
}

// passphraseErr maps the errors of passphrase work to exit codes: a wrong
// or missing passphrase and refused input are the caller's to fix (2).
func passphraseErr(err error) error {
	if isPassphraseProblem(err) || errors.Is(err, flow.ErrAlreadyProtected) || errors.Is(err, flow.ErrNotProtected) {
		return &exitError{code: exitUsage, err: err}
	}
	if errors.Is(err, errInterrupted) {
		return failedErr(fmt.Errorf("interrupted; nothing was changed"))
	}
	return classify(err)
}

// isPassphraseProblem: the key could not be opened for want of the right
// passphrase (exit 2: the caller gives it and runs the command again).
func isPassphraseProblem(err error) bool {
	return errors.Is(err, flow.ErrWrongPassphrase) || errors.Is(err, flow.ErrKeyLocked) || errors.Is(err, errNeedPassphrase)
}
