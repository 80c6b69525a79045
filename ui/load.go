package ui

import (
	"errors"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/store"
)

// pollEvery is how often the root asks Deps.Changes whether another xops
// changed the store.
const pollEvery = 2 * time.Second

// accountsMsg carries the result of loading the accounts.
type accountsMsg struct {
	accounts []store.Account
	bad      []*store.RecordError
	err      error
	// gen is the store's generation read just before the accounts, so that a
	// change made during the load is still seen by the next poll.
	gen    uint64
	hasGen bool
	// draft: a link wizard is in progress (asked on the first load only).
	draft    bool
	draftErr error
}

// pollMsg is the poll timer.
type pollMsg struct{}

// changesMsg is the store's generation as the poll read it.
type changesMsg struct {
	gen uint64
	err error
}

// errNoStore is what Home says when xops was started without a store.
var errNoStore = errors.New("no store is open")

// loadAccountsCmd reads the accounts in a command, never in Update. It only
// captures its arguments, never the model.
func loadAccountsCmd(r flow.AccountReader, changes func() (uint64, error), draft func() (bool, error)) tea.Cmd {
	return func() tea.Msg {
		var msg accountsMsg
		if changes != nil {
			if gen, err := changes(); err == nil {
				msg.gen, msg.hasGen = gen, true
			}
		}
		if draft != nil {
			msg.draft, msg.draftErr = draft()
			if msg.draftErr != nil {
				msg.draftErr = fmt.Errorf("read the draft: %w", msg.draftErr)
			}
		}
		if r == nil {
			msg.err = errNoStore
			return msg
		}
		accounts, bad, err := r.Accounts()
		if err != nil {
			msg.err = fmt.Errorf("read the accounts: %w", err)
			return msg
		}
		msg.accounts, msg.bad = accounts, bad
		return msg
	}
}

// readChangesCmd asks the store for its generation.
func readChangesCmd(changes func() (uint64, error)) tea.Cmd {
	return func() tea.Msg {
		gen, err := changes()
		return changesMsg{gen: gen, err: err}
	}
}
