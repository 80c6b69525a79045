package flow

// This file holds the navigation of the pages about one linked account: its
// details, and the actions (re-verify, export, rotate, rename, delete) that
// Home and the details page both lead to. esc returns where the admin came
// from: an action opened from Home goes back to Home, one opened from the
// details goes back to the details.

// AccountChosen is enter on a row of Home: it opens the account's details.
type AccountChosen struct{ Name string }

// AccountActionChosen opens an action page (PageVerify, PageExport,
// PageRotate, PageRename, PageDelete) for the account named Name, from Home
// or from that account's details.
type AccountActionChosen struct {
	Name   string
	Action Page
}

// AccountRenamed says the rename page saved a new name: every page about
// the account (the one on screen and those esc returns to) now uses it, and
// the rename page closes.
type AccountRenamed struct{ From, To string }

// AccountDeleted says the account is gone (deleted here, or found missing):
// no page about it makes sense any more, so the admin is taken Home.
type AccountDeleted struct{ Name string }

func (AccountChosen) navEvent()       {}
func (AccountActionChosen) navEvent() {}
func (AccountRenamed) navEvent()      {}
func (AccountDeleted) navEvent()      {}

// IsAccountAction reports whether p is one of the pages an account action opens.
func IsAccountAction(p Page) bool {
	switch p {
	case PageVerify, PageExport, PageRotate, PageRename, PageDelete:
		return true
	}
	return false
}

// IsAccountPage reports whether p is about one account (details or an action).
func IsAccountPage(p Page) bool { return p == PageAccount || IsAccountAction(p) }

// applyAccount handles the account pages' events; anything else leaves the
// state as it is.
func (s State) applyAccount(e Event) (State, []Effect) {
	switch e := e.(type) {
	case AccountChosen:
		if s.At.Page != PageHome || e.Name == "" {
			return s, nil
		}
		return s.push(Location{Page: PageAccount, Account: e.Name}), nil
	case AccountActionChosen:
		if !IsAccountAction(e.Action) || e.Name == "" {
			return s, nil
		}
		fromDetails := s.At.Page == PageAccount && s.At.Account == e.Name
		if s.At.Page != PageHome && !fromDetails {
			return s, nil
		}
		return s.push(Location{Page: e.Action, Account: e.Name}), nil
	case AccountRenamed:
		if e.From == "" || e.To == "" {
			return s, nil
		}
		back := make([]Location, len(s.back))
		for i, loc := range s.back {
			if IsAccountPage(loc.Page) && loc.Account == e.From {
				loc.Account = e.To
			}
			back[i] = loc
		}
		s.back = back
		if IsAccountPage(s.At.Page) && s.At.Account == e.From {
			s.At.Account = e.To
		}
		if s.At.Page == PageRename && len(s.back) > 0 {
			n := len(s.back) - 1
			s.At, s.back = s.back[n], s.back[:n:n]
		}
		return s, []Effect{LoadAccountsEffect{}}
	case AccountDeleted:
		if IsAccountPage(s.At.Page) && s.At.Account == e.Name {
			s.At, s.back = Location{Page: PageHome}, nil
		}
		return s, []Effect{LoadAccountsEffect{}}
	}
	return s, nil
}
