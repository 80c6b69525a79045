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
	// partial: accounts is only the first screenful of total; the rest
	// is being read (the first load of a large store).
	partial bool
	total   int
}

// pagedReader reads one page of Home's list without decoding the rest of
// the store (store.Store does).
type pagedReader interface {
	AccountsPage(offset, limit int) (page []store.Account, total int, bad []*store.RecordError, err error)
}

// summaryReader reads the accounts without their last checks (store.Store
// does): what Home lists, in about half the time and memory.
type summaryReader interface {
	AccountSummaries() ([]store.Account, []*store.RecordError, error)
}

// firstPage is how many accounts the first load reads before the rest:
// more than any screen shows, a few milliseconds whatever the store's size.
const firstPage = 100

// restAfter is how long after the first screenful of a large store the rest
// is read: a few frames, so the first frame is drawn before every core is
// busy decoding; less than anyone can notice.
const restAfter = 50 * time.Millisecond

// loadRestMsg starts reading the rest of a large store.
type loadRestMsg struct{}

// FirstScreen is Home's first load, started by StartFirstScreen before the
// program.
type FirstScreen struct{ done chan accountsMsg }

// StartFirstScreen starts, in the background, the first load Init would
// start (the generation, a draft in progress, the first screenful of
// accounts), so that it runs beside the rest of the start-up: the program's
// own, and the renderer's wait for its first tick. Hand it over in
// Deps.First. Errors travel inside, as they would in the load's message.
func StartFirstScreen(d Deps) *FirstScreen {
	f := &FirstScreen{done: make(chan accountsMsg, 1)}
	load := loadAccountsCmd(d.Store, d.Changes, d.ResumeDraft, true)
	go func() {
		msg, _ := load().(accountsMsg)
		f.done <- msg
	}()
	return f
}

// Wait returns when the load is done (at once if it is already). Call it
// before leaving when the program never ran, so that no read outlives its
// command.
func (f *FirstScreen) Wait() { f.wait() }

// wait is the load's message, once; later calls get it too.
func (f *FirstScreen) wait() accountsMsg {
	msg := <-f.done
	f.done <- msg
	return msg
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
// captures its arguments, never the model. With firstScreen, a store that
// can read a page returns the first screenful at once (partial) when it
// holds more: Home draws it while the root reads the rest.
func loadAccountsCmd(r flow.AccountReader, changes func() (uint64, error), draft func() (bool, error), firstScreen bool) tea.Cmd {
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
		if pr, ok := r.(pagedReader); ok && firstScreen {
			page, total, bad, err := pr.AccountsPage(0, firstPage)
			if err == nil && total > len(page)+len(bad) {
				msg.accounts, msg.bad, msg.partial, msg.total = page, bad, true, total
				msg.hasGen = false // the full read that follows stamps the generation
				return msg
			}
			if err == nil {
				msg.accounts, msg.bad = page, bad // the page is the whole store
				return msg
			}
		}
		read := r.Accounts
		if sr, ok := r.(summaryReader); ok {
			read = sr.AccountSummaries // Home shows no checks; an account's page reads its own
		}
		accounts, bad, err := read()
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
