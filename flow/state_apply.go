package flow

// Event is something the admin did, or an answer the UI got back from an
// Effect. Events are plain data.
type Event interface{ navEvent() }

// AppStarted is the first event: xops must learn whether any account is
// linked before it can choose between the picker and Home.
type AppStarted struct{}

// AccountsLoaded answers LoadAccountsEffect. Linked counts every stored
// account, unreadable records included: a damaged record is still a linked
// account, and the picker must not reappear because of it.
type AccountsLoaded struct {
	Linked bool
	// Draft reports a link wizard in progress (a draft in the store). On the
	// first load it opens the wizard, which offers to resume it.
	Draft bool
	// Err is set when the store could not be read at all.
	Err error
}

// PlatformChosen is enter on a platform in the picker or on Integrations.
type PlatformChosen struct{ Platform Platform }

// LinkRequested asks for the Microsoft page from Home ("link an account").
type LinkRequested struct{}

// M365Chosen is enter on the M365 card of the Microsoft page: it opens
// "Link a New Microsoft Account" (the wizard).
type M365Chosen struct{}

// SectionChosen jumps to an entry of the side navigation.
type SectionChosen struct{ Section Section }

// SectionCycled moves through the side navigation: +1 is tab, -1 shift+tab.
type SectionCycled struct{ Delta int }

// BackPressed is esc.
type BackPressed struct{}

// ReloadRequested asks to read the accounts again (r on Home, or another
// xops changed the store, or the wizard saved an account).
type ReloadRequested struct{}

// QuitRequested is q or ctrl+c.
type QuitRequested struct{}

func (AppStarted) navEvent()      {}
func (AccountsLoaded) navEvent()  {}
func (PlatformChosen) navEvent()  {}
func (LinkRequested) navEvent()   {}
func (M365Chosen) navEvent()      {}
func (SectionChosen) navEvent()   {}
func (SectionCycled) navEvent()   {}
func (BackPressed) navEvent()     {}
func (ReloadRequested) navEvent() {}
func (QuitRequested) navEvent()   {}

// Effect is work the UI must do for the reducer (I/O, quitting). Effects are
// data; the UI turns them into commands and feeds results back as Events.
type Effect interface{ navEffect() }

// LoadAccountsEffect reads the accounts; the UI answers with AccountsLoaded.
type LoadAccountsEffect struct{}

// QuitEffect ends the program.
type QuitEffect struct{}

func (LoadAccountsEffect) navEffect() {}
func (QuitEffect) navEffect()         {}

// Apply returns the state after e and the effects the UI must run. Events
// that make no sense where the admin is (esc on Home, a platform chosen while
// loading) leave the state unchanged and ask for nothing.
func (s State) Apply(e Event) (State, []Effect) {
	switch e := e.(type) {
	case AppStarted:
		s.At, s.back = Location{Page: PageLoading}, nil
		return s, []Effect{LoadAccountsEffect{}}
	case AccountsLoaded:
		return s.loaded(e), nil
	case ReloadRequested:
		return s, []Effect{LoadAccountsEffect{}}
	case QuitRequested:
		return s, []Effect{QuitEffect{}}
	case BackPressed:
		if len(s.back) == 0 {
			return s, nil
		}
		n := len(s.back) - 1
		s.At, s.back = s.back[n], s.back[:n:n]
		return s, nil
	}
	if s.At.Page == PageLoading {
		// Nothing to navigate from until the first-run question is answered.
		return s, nil
	}
	switch e := e.(type) {
	case PlatformChosen:
		if s.At.Page != PagePicker && s.At.Page != PageIntegrations {
			return s, nil
		}
		if e.Platform == PlatformMicrosoft {
			return s.push(Location{Page: PageMicrosoft}), nil
		}
		if e.Platform != PlatformAWS && e.Platform != PlatformAzure {
			return s, nil
		}
		return s.push(Location{Page: PageUnsupported, Platform: e.Platform}), nil
	case LinkRequested:
		if s.At.Page != PageHome {
			return s, nil
		}
		return s.push(Location{Page: PageMicrosoft}), nil
	case M365Chosen:
		if s.At.Page != PageMicrosoft {
			return s, nil
		}
		return s.push(Location{Page: PageLinkWizard}), nil
	case SectionChosen:
		if e.Section == SectionNone || int(e.Section) > len(Sections) {
			return s, nil
		}
		return s.jump(e.Section), nil
	case SectionCycled:
		return s.cycle(e.Delta), nil
	}
	return s.applyAccount(e)
}

// loaded applies the first-run rule from the platform's guide: the platform
// picker appears only while no account is linked; from then on xops opens on
// Home. A store that cannot be read opens on Home too, where the error shows
// with a way to retry — guessing "first run" could hide accounts.
func (s State) loaded(e AccountsLoaded) State {
	if e.Err != nil {
		if s.At.Page == PageLoading {
			s.At, s.back = Location{Page: PageHome}, nil
		}
		return s
	}
	s.Linked, s.Loaded = e.Linked, true
	switch {
	case s.At.Page == PageLoading && e.Draft:
		// Restarting with a wizard in progress resumes it; esc leads back
		// the way the admin came in: Microsoft, then Home or the picker.
		first := Location{Page: PagePicker}
		if e.Linked {
			first = Location{Page: PageHome}
		}
		s.At, s.back = Location{Page: PageLinkWizard}, []Location{first, {Page: PageMicrosoft}}
	case s.At.Page == PageLoading && e.Linked:
		s.At, s.back = Location{Page: PageHome}, nil
	case s.At.Page == PageLoading:
		s.At, s.back = Location{Page: PagePicker}, nil
	case s.At.Page == PagePicker && e.Linked:
		// Another xops linked an account while the picker was up.
		s.At, s.back = Location{Page: PageHome}, nil
	case e.Linked && len(s.back) > 0 && s.back[0].Page == PagePicker:
		// The first account was just linked from the picker's path: esc
		// must lead Home now, never back to the first-run picker.
		back := make([]Location, len(s.back))
		copy(back, s.back)
		back[0] = Location{Page: PageHome}
		s.back = back
	}
	return s
}

// cycle moves to the next or previous side-navigation entry, wrapping. From
// the first-run picker, tab leaves it for the side navigation (Home first).
func (s State) cycle(delta int) State {
	cur := s.At.Section()
	if cur == SectionNone {
		if delta >= 0 {
			return s.jump(SectionHome)
		}
		return s.jump(SectionSettings)
	}
	n := len(Sections)
	i := (int(cur) - 1 + delta%n + n) % n
	return s.jump(Sections[i])
}
