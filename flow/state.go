package flow

// This file holds the navigation reducer: where the admin is in the TUI and
// how each event moves them. It is pure — no tea, no I/O, no clock — so every
// transition is a table test. The UI turns key presses into Events and the
// returned Effects into commands.

// Page is one place in the TUI.
type Page int

// The pages. PageLoading is where xops starts, before it knows whether any
// account is linked (the first-run rule needs that answer).
const (
	PageLoading Page = iota
	PagePicker
	PageHome
	PageIntegrations
	PageMicrosoft
	PageLinkWizard
	PageUnsupported
	PageSettings
	// The pages about one linked account (Location.Account names it): its
	// details, and the actions reached from the details or from Home.
	PageAccount
	PageVerify
	PageExport
	PageRotate
	PageRename
	PageDelete
)

var pageNames = [...]string{
	PageLoading:      "loading",
	PagePicker:       "picker",
	PageHome:         "home",
	PageIntegrations: "integrations",
	PageMicrosoft:    "microsoft",
	PageLinkWizard:   "link-wizard",
	PageUnsupported:  "unsupported",
	PageSettings:     "settings",
	PageAccount:      "account",
	PageVerify:       "verify",
	PageExport:       "export",
	PageRotate:       "rotate",
	PageRename:       "rename",
	PageDelete:       "delete",
}

// String names the page (for tests and logs).
func (p Page) String() string {
	if p >= 0 && int(p) < len(pageNames) {
		return pageNames[p]
	}
	return "page(?)"
}

// Platform is a cloud the Xops platform integrates with.
type Platform string

// The platforms, as the guide lists them.
const (
	PlatformAWS       Platform = "aws"
	PlatformAzure     Platform = "azure"
	PlatformMicrosoft Platform = "microsoft"
)

// Platforms lists the platforms in the order every picker shows them.
var Platforms = []Platform{PlatformAWS, PlatformAzure, PlatformMicrosoft}

// Title is the platform's display name.
func (p Platform) Title() string {
	switch p {
	case PlatformAWS:
		return "AWS"
	case PlatformAzure:
		return "Azure"
	case PlatformMicrosoft:
		return "Microsoft"
	}
	return string(p)
}

// Supported reports whether xops can link accounts of this platform yet.
func (p Platform) Supported() bool { return p == PlatformMicrosoft }

// Section is an entry of the side navigation.
type Section int

// The side navigation, top to bottom. SectionNone is for pages shown without
// the side navigation (loading, the first-run picker).
const (
	SectionNone Section = iota
	SectionHome
	SectionIntegrations
	SectionSettings
)

// Sections lists the side navigation in display order.
var Sections = []Section{SectionHome, SectionIntegrations, SectionSettings}

// Title is the section's label in the side navigation.
func (s Section) Title() string {
	switch s {
	case SectionHome:
		return "Home"
	case SectionIntegrations:
		return "Integrations"
	case SectionSettings:
		return "Settings"
	}
	return ""
}

// Location is a page plus what it is about (the platform of the
// "not supported yet" page, the account of the account pages).
type Location struct {
	Page     Page
	Platform Platform
	// Account is the friendly name of the account an account page is about.
	Account string
}

// Section is the side-navigation entry a location belongs to.
func (l Location) Section() Section {
	switch l.Page {
	case PageHome, PageAccount, PageVerify, PageExport, PageRotate, PageRename, PageDelete:
		return SectionHome
	case PageIntegrations, PageMicrosoft, PageLinkWizard, PageUnsupported:
		return SectionIntegrations
	case PageSettings:
		return SectionSettings
	}
	return SectionNone
}

// State is where the admin is. The zero value is a TUI that has not started.
// State is a value: Apply never changes the receiver's back stack in place.
type State struct {
	// At is the page on screen.
	At Location
	// Linked reports whether any account is linked, as last loaded. It
	// decides the first page (picker or Home).
	Linked bool
	// Loaded reports whether accounts were loaded at least once.
	Loaded bool
	// back holds where esc returns to, most recent last.
	back []Location
}

// CanGoBack reports whether esc leads somewhere from here.
func (s State) CanGoBack() bool { return len(s.back) > 0 }

// BackTo returns the location esc leads to, if any.
func (s State) BackTo() (Location, bool) {
	if len(s.back) == 0 {
		return Location{}, false
	}
	return s.back[len(s.back)-1], true
}

// Trail returns the back stack followed by the current location, oldest
// first: a breadcrumb of how the admin got here.
func (s State) Trail() []Location {
	out := make([]Location, 0, len(s.back)+1)
	out = append(out, s.back...)
	return append(out, s.At)
}

// ShowsNav reports whether the side navigation is drawn on this page: the
// first-run picker and the loading page stand alone.
func (s State) ShowsNav() bool { return s.At.Section() != SectionNone }

// push moves to loc, remembering the current location for esc. It copies the
// stack so that an older State never sees the change.
func (s State) push(loc Location) State {
	back := make([]Location, len(s.back), len(s.back)+1)
	copy(back, s.back)
	s.back = append(back, s.At)
	s.At = loc
	return s
}

// jump moves to a top-level section: its only way back is the first page,
// so esc from Integrations or Settings leads Home, and esc on Home goes
// nowhere. While no account is linked the first page is the platform picker:
// an admin who looks at Settings on the first run comes back to it with esc
// (Home, empty then, is a first page of its own: esc there goes nowhere).
func (s State) jump(sec Section) State {
	root := Location{Page: PageHome}
	if s.Loaded && !s.Linked {
		root = Location{Page: PagePicker}
	}
	switch sec {
	case SectionIntegrations:
		s.At = Location{Page: PageIntegrations}
	case SectionSettings:
		s.At = Location{Page: PageSettings}
	default:
		s.At, s.back = Location{Page: PageHome}, nil
		return s
	}
	s.back = []Location{root}
	return s
}
