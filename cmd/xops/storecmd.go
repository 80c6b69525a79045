package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func (a *app) storeCmd() *cobra.Command {
	check := &cobra.Command{
		Use:   "check",
		Short: "Run bbolt's consistency check on the store (exit 1 on damage)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := a.openStore()
			if err != nil {
				return err
			}
			if err := st.Check(); err != nil {
				return failedErr(fmt.Errorf("%s is damaged: %w; restore it from a backup made with 'xops store backup'", a.stPath, err))
			}
			fmt.Fprintf(a.stdout, "%s: ok\n", a.stPath)
			// Keys no account names are not damage: a link stopped between
			// making its key and saving the account leaves one, and a
			// wizard in progress holds one. Say so; never prune here.
			if orphans, err := st.OrphanKeys(); err == nil && len(orphans) > 0 {
				fmt.Fprintf(a.stderr, "note: %d stored key(s) belong to no account: a link in progress (its draft resumes with it) "+
					"or one stopped before it saved the account. They stay in the store, readable by no command.\n", len(orphans))
			}
			return nil
		},
	}
	backup := &cobra.Command{
		Use:   "backup PATH",
		Short: "Write a hot, consistent copy of the store to PATH (mode 0600, never overwritten)",
		Args:  exactArgs("PATH"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkNewFile("PATH", args[0]); err != nil {
				return err
			}
			st, err := a.openStore()
			if err != nil {
				return err
			}
			if err := st.Backup(args[0]); err != nil {
				return failedErr(fmt.Errorf("back up %s to %s: %w", a.stPath, args[0], err))
			}
			fmt.Fprintf(a.stderr, "Backed up %s to %s.\n", a.stPath, args[0])
			return nil
		},
	}
	return group("store", "Look after the store file", check, backup, a.passphraseCmd())
}
