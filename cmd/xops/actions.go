package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/flow/validate"
	"github.com/xops/xops/store"
)

func (a *app) renameCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "rename NAME NEWNAME",
		Short: "Give an account a new friendly name (unique ignoring case)",
		Args:  exactArgs("NAME", "NEWNAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, old, err := a.readAccount(args[0])
			if err != nil {
				return err
			}
			acc, err := svc.Rename(old.Name, args[1])
			if errors.Is(err, store.ErrDuplicateName) {
				err = &flow.InputError{Fields: []*validate.FieldError{{Field: validate.FieldName, Label: validate.LabelName,
					Message: fmt.Sprintf("an account named %q already exists (names are unique ignoring case); choose another name", strings.TrimSpace(args[1]))}}}
			}
			// The new name is a positional argument here, not --name.
			err = renameFields(err, validate.FieldName, "NEWNAME")
			if err != nil {
				return classify(err)
			}
			fmt.Fprintf(a.stderr, "Renamed %s to %s.\n", oneLine(old.Name), oneLine(acc.Name))
			return nil
		},
	}
}

func (a *app) deleteCmd() *cobra.Command {
	var yes bool
	c := &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete an account and its key (the audit log keeps the event)",
		Args:  exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, acc, err := a.readAccount(args[0])
			if err != nil {
				return err
			}
			if !yes {
				if !a.interactive() {
					return usageErr("refusing to delete %q without confirmation: there is no terminal to ask on; add --yes", oneLine(acc.Name))
				}
				fmt.Fprintf(a.stderr, "Delete %s and its private key? This cannot be undone.\nType the account's name to confirm: ", oneLine(acc.Name))
				answer, err := a.readLine(cmd.Context())
				if errors.Is(err, errInterrupted) {
					return failedErr(errors.New("interrupted: nothing was deleted"))
				}
				if err != nil || !strings.EqualFold(strings.TrimSpace(answer), acc.Name) {
					return usageErr("not deleted: the name typed does not match %q", oneLine(acc.Name))
				}
			}
			gone, err := svc.Delete(acc.Name)
			if err != nil {
				return classify(err)
			}
			fmt.Fprintf(a.stderr, "Deleted %s and its key.\n", oneLine(gone.Name))
			if c, ok := gone.Active(); ok {
				fmt.Fprintf(a.stderr, "Remember to remove certificate %s from the app in Entra (Certificates & secrets).\n", c.Thumbprint)
			}
			return nil
		},
	}
	c.Flags().BoolVarP(&yes, "yes", "y", false, "delete without asking")
	return c
}
