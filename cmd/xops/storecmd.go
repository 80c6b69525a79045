package main

import (
	"errors"
	"fmt"
	"sort"

	"github.com/spf13/cobra"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/store"
)

func (a *app) storeCmd() *cobra.Command {
	var prune bool
	check := &cobra.Command{
		Use:   "check",
		Short: "Run bbolt's consistency check on the store (exit 1 on damage); --prune deletes stale unused keys",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := a.openExistingStore()
			if errors.Is(err, store.ErrNoStore) {
				return a.noStoreErr("nothing to check")
			}
			if err != nil {
				return err
			}
			if err := st.Check(); err != nil {
				nothing := ""
				if prune {
					nothing = "; nothing was pruned"
				}
				return failedErr(fmt.Errorf("%s is damaged: %w%s; restore it from a backup made with 'xops store backup'", a.stPath, err, nothing))
			}
			fmt.Fprintf(a.stdout, "%s: ok\n", a.stPath)
			if prune {
				return a.pruneKeys(st)
			}
			// Keys no account names are not damage: a link stopped between
			// making its key and saving the account leaves one, and a
			// wizard in progress holds one. Say so; prune only when asked.
			if orphans, err := st.OrphanKeys(); err == nil && len(orphans) > 0 {
				fmt.Fprintf(a.stderr, "note: %d stored key(s) belong to no account: a link in progress (its draft resumes with it) "+
					"or one stopped before it saved the account. They stay in the store, readable by no command; "+
					"'xops store check --prune' deletes those no draft names that are more than a day old.\n", len(orphans))
			}
			return nil
		},
	}
	check.Flags().BoolVar(&prune, "prune", false,
		"also delete stored keys no account names and no draft refers to, made more than 24 hours ago, and zero their bytes in the file (refused on a damaged store)")
	backup := &cobra.Command{
		Use:   "backup PATH",
		Short: "Write a hot, consistent copy of the store to PATH (mode 0600, never overwritten)",
		Args:  exactArgs("PATH"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkNewFile("PATH", args[0], "xops-backup.db"); err != nil {
				return err
			}
			st, err := a.openExistingStore()
			if errors.Is(err, store.ErrNoStore) {
				return a.noStoreErr("nothing to back up")
			}
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

// noStoreErr is the failure of a store command run where there is no store
// (exit 1): it names the path it looked at, and nothing was created.
func (a *app) noStoreErr(nothing string) error {
	return failedErr(fmt.Errorf("no store at %s (%s; --store or XOPS_STORE point elsewhere?)", a.stPath, nothing))
}

// pruneKeys deletes the unused keys flow.KeepOrphanKey lets go and says how
// many it removed and why it kept the others (never a key's bytes).
func (a *app) pruneKeys(st *store.Store) error {
	rep, err := st.PruneOrphanKeys(flow.KeepOrphanKey(a.now()))
	if err != nil {
		return failedErr(fmt.Errorf("prune the unused keys of %s: %w", a.stPath, err))
	}
	zeroed := ""
	if len(rep.Removed) > 0 {
		zeroed = " (their bytes zeroed in the file)"
	}
	fmt.Fprintf(a.stdout, "Removed %d unused key(s)%s; kept %d.\n", len(rep.Removed), zeroed, len(rep.Kept))
	why := map[string]int{}
	for _, reason := range rep.Kept {
		why[reason]++
	}
	reasons := make([]string, 0, len(why))
	for r := range why {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		fmt.Fprintf(a.stdout, "  kept %d: %s\n", why[r], r)
	}
	return nil
}
