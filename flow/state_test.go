package flow

import (
	"errors"
	"reflect"
	"testing"
)

// run applies events in order from the zero State and returns the final state
// and the effects of the last event.
func run(events ...Event) (State, []Effect) {
	var s State
	var eff []Effect
	for _, e := range events {
		s, eff = s.Apply(e)
	}
	return s, eff
}

var (
	loc           = func(p Page) Location { return Location{Page: p} }
	firstRun      = []Event{AppStarted{}, AccountsLoaded{Linked: false}}
	linkedRun     = []Event{AppStarted{}, AccountsLoaded{Linked: true}}
	then          = func(start []Event, more ...Event) []Event { return append(append([]Event{}, start...), more...) }
	loadEffect    = []Effect{LoadAccountsEffect{}}
	quitEffect    = []Effect{QuitEffect{}}
	unsupported   = func(p Platform) Location { return Location{Page: PageUnsupported, Platform: p} }
	errUnreadable = errors.New("permission denied")
)

func TestApplyTransitions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		events  []Event
		at      Location
		trail   []Location // full breadcrumb, current last; nil = just At
		effects []Effect
	}{
		{"start asks for accounts", []Event{AppStarted{}}, loc(PageLoading), nil, loadEffect},
		{"first run opens the picker", firstRun, loc(PagePicker), nil, nil},
		{"linked opens Home", linkedRun, loc(PageHome), nil, nil},
		{"unreadable store opens Home to show the error",
			[]Event{AppStarted{}, AccountsLoaded{Err: errUnreadable}}, loc(PageHome), nil, nil},
		{"navigation ignored while loading",
			[]Event{AppStarted{}, PlatformChosen{PlatformMicrosoft}, SectionCycled{1}, SectionChosen{SectionSettings}, LinkRequested{}},
			loc(PageLoading), nil, nil},

		{"picker: AWS is not supported", then(firstRun, PlatformChosen{PlatformAWS}),
			unsupported(PlatformAWS), []Location{loc(PagePicker), unsupported(PlatformAWS)}, nil},
		{"picker: Azure is not supported", then(firstRun, PlatformChosen{PlatformAzure}),
			unsupported(PlatformAzure), []Location{loc(PagePicker), unsupported(PlatformAzure)}, nil},
		{"picker: Microsoft page", then(firstRun, PlatformChosen{PlatformMicrosoft}),
			loc(PageMicrosoft), []Location{loc(PagePicker), loc(PageMicrosoft)}, nil},
		{"picker: unknown platform ignored", then(firstRun, PlatformChosen{"gcp"}), loc(PagePicker), nil, nil},
		{"picker: M365 → wizard", then(firstRun, PlatformChosen{PlatformMicrosoft}, M365Chosen{}),
			loc(PageLinkWizard), []Location{loc(PagePicker), loc(PageMicrosoft), loc(PageLinkWizard)}, nil},
		{"picker: tab leaves for Home", then(firstRun, SectionCycled{1}), loc(PageHome), nil, nil},
		{"picker: shift+tab leaves for Settings", then(firstRun, SectionCycled{-1}),
			loc(PageSettings), []Location{loc(PagePicker), loc(PageSettings)}, nil},
		{"first run: esc from Settings is back on the picker", then(firstRun, SectionCycled{-1}, BackPressed{}), loc(PagePicker), nil, nil},
		{"first run: Settings then Integrations, esc → picker", then(firstRun, SectionCycled{-1}, SectionChosen{SectionIntegrations}, BackPressed{}), loc(PagePicker), nil, nil},
		{"first account linked meanwhile: esc from Settings leads Home", then(firstRun, SectionCycled{-1}, AccountsLoaded{Linked: true}, BackPressed{}), loc(PageHome), nil, nil},

		{"Home: link → Microsoft", then(linkedRun, LinkRequested{}),
			loc(PageMicrosoft), []Location{loc(PageHome), loc(PageMicrosoft)}, nil},
		{"Home: platform chosen is not Home's event", then(linkedRun, PlatformChosen{PlatformAWS}), loc(PageHome), nil, nil},
		{"Home: M365 is not Home's event", then(linkedRun, M365Chosen{}), loc(PageHome), nil, nil},
		{"Home: tab → Integrations", then(linkedRun, SectionCycled{1}),
			loc(PageIntegrations), []Location{loc(PageHome), loc(PageIntegrations)}, nil},
		{"Home: shift+tab wraps to Settings", then(linkedRun, SectionCycled{-1}),
			loc(PageSettings), []Location{loc(PageHome), loc(PageSettings)}, nil},
		{"Settings: tab wraps to Home", then(linkedRun, SectionChosen{SectionSettings}, SectionCycled{1}), loc(PageHome), nil, nil},
		{"Integrations: shift+tab → Home", then(linkedRun, SectionChosen{SectionIntegrations}, SectionCycled{-1}), loc(PageHome), nil, nil},
		{"Microsoft: tab → Settings (its section is Integrations)",
			then(linkedRun, LinkRequested{}, SectionCycled{1}), loc(PageSettings), []Location{loc(PageHome), loc(PageSettings)}, nil},
		{"side nav: Settings", then(linkedRun, SectionChosen{SectionSettings}),
			loc(PageSettings), []Location{loc(PageHome), loc(PageSettings)}, nil},
		{"side nav: bad section ignored", then(linkedRun, SectionChosen{Section(9)}), loc(PageHome), nil, nil},
		{"side nav: none ignored", then(linkedRun, SectionChosen{SectionNone}), loc(PageHome), nil, nil},
		{"side nav: Home clears the trail",
			then(linkedRun, SectionChosen{SectionIntegrations}, PlatformChosen{PlatformMicrosoft}, M365Chosen{}, SectionChosen{SectionHome}),
			loc(PageHome), nil, nil},

		{"Integrations: AWS", then(linkedRun, SectionChosen{SectionIntegrations}, PlatformChosen{PlatformAWS}),
			unsupported(PlatformAWS), []Location{loc(PageHome), loc(PageIntegrations), unsupported(PlatformAWS)}, nil},
		{"Integrations: Azure", then(linkedRun, SectionChosen{SectionIntegrations}, PlatformChosen{PlatformAzure}),
			unsupported(PlatformAzure), []Location{loc(PageHome), loc(PageIntegrations), unsupported(PlatformAzure)}, nil},
		{"Integrations: Microsoft → M365 → wizard",
			then(linkedRun, SectionChosen{SectionIntegrations}, PlatformChosen{PlatformMicrosoft}, M365Chosen{}),
			loc(PageLinkWizard), []Location{loc(PageHome), loc(PageIntegrations), loc(PageMicrosoft), loc(PageLinkWizard)}, nil},
		{"Integrations: link is Home's event", then(linkedRun, SectionChosen{SectionIntegrations}, LinkRequested{}),
			loc(PageIntegrations), []Location{loc(PageHome), loc(PageIntegrations)}, nil},
		{"Unsupported: choosing a platform again is ignored",
			then(linkedRun, SectionChosen{SectionIntegrations}, PlatformChosen{PlatformAWS}, PlatformChosen{PlatformMicrosoft}),
			unsupported(PlatformAWS), []Location{loc(PageHome), loc(PageIntegrations), unsupported(PlatformAWS)}, nil},
		{"wizard: M365 again is ignored", then(linkedRun, LinkRequested{}, M365Chosen{}, M365Chosen{}),
			loc(PageLinkWizard), []Location{loc(PageHome), loc(PageMicrosoft), loc(PageLinkWizard)}, nil},

		{"reload asks for accounts and stays", then(linkedRun, SectionChosen{SectionSettings}, ReloadRequested{}),
			loc(PageSettings), []Location{loc(PageHome), loc(PageSettings)}, loadEffect},
		{"quit", then(linkedRun, QuitRequested{}), loc(PageHome), nil, quitEffect},
		{"quit while loading", []Event{AppStarted{}, QuitRequested{}}, loc(PageLoading), nil, quitEffect},
		{"account linked elsewhere while the picker is up → Home",
			then(firstRun, AccountsLoaded{Linked: true}), loc(PageHome), nil, nil},
		{"first account linked from the picker's path: the trail forgets the picker",
			then(firstRun, PlatformChosen{PlatformMicrosoft}, M365Chosen{}, AccountsLoaded{Linked: true}),
			loc(PageLinkWizard), []Location{loc(PageHome), loc(PageMicrosoft), loc(PageLinkWizard)}, nil},
		{"a draft on first run opens the wizard", []Event{AppStarted{}, AccountsLoaded{Draft: true}},
			loc(PageLinkWizard), []Location{loc(PagePicker), loc(PageMicrosoft), loc(PageLinkWizard)}, nil},
		{"a draft with accounts opens the wizard over Home", []Event{AppStarted{}, AccountsLoaded{Linked: true, Draft: true}},
			loc(PageLinkWizard), []Location{loc(PageHome), loc(PageMicrosoft), loc(PageLinkWizard)}, nil},
		{"a draft seen on a later load does not move the admin",
			then(linkedRun, SectionChosen{SectionSettings}, AccountsLoaded{Linked: true, Draft: true}),
			loc(PageSettings), []Location{loc(PageHome), loc(PageSettings)}, nil},
		{"a reload error keeps the page", then(linkedRun, SectionChosen{SectionSettings}, AccountsLoaded{Err: errUnreadable}),
			loc(PageSettings), []Location{loc(PageHome), loc(PageSettings)}, nil},
		{"restart resets to loading", then(linkedRun, SectionChosen{SectionSettings}, AppStarted{}), loc(PageLoading), nil, loadEffect},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, eff := run(tt.events...)
			if s.At != tt.at {
				t.Errorf("At = %+v, want %+v", s.At, tt.at)
			}
			trail := tt.trail
			if trail == nil {
				trail = []Location{tt.at}
			}
			if got := s.Trail(); !reflect.DeepEqual(got, trail) {
				t.Errorf("Trail = %+v, want %+v", got, trail)
			}
			if !reflect.DeepEqual(eff, tt.effects) {
				t.Errorf("effects = %#v, want %#v", eff, tt.effects)
			}
		})
	}
}

// TestBackFromEveryPage presses esc on every page, reached every way there is,
// and checks where it leads.
func TestBackFromEveryPage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		events []Event
		want   Location
		canGo  bool
	}{
		{"loading", []Event{AppStarted{}}, loc(PageLoading), false},
		{"first-run picker", firstRun, loc(PagePicker), false},
		{"Home", linkedRun, loc(PageHome), false},
		{"Home on first run (tab from picker)", then(firstRun, SectionCycled{1}), loc(PageHome), false},
		{"Settings on first run (shift+tab from picker)", then(firstRun, SectionCycled{-1}), loc(PagePicker), true},
		{"Integrations", then(linkedRun, SectionChosen{SectionIntegrations}), loc(PageHome), true},
		{"Settings", then(linkedRun, SectionChosen{SectionSettings}), loc(PageHome), true},
		{"Microsoft from Integrations", then(linkedRun, SectionChosen{SectionIntegrations}, PlatformChosen{PlatformMicrosoft}), loc(PageIntegrations), true},
		{"Microsoft from Home", then(linkedRun, LinkRequested{}), loc(PageHome), true},
		{"Microsoft from the picker", then(firstRun, PlatformChosen{PlatformMicrosoft}), loc(PagePicker), true},
		{"wizard", then(linkedRun, LinkRequested{}, M365Chosen{}), loc(PageMicrosoft), true},
		{"AWS from the picker", then(firstRun, PlatformChosen{PlatformAWS}), loc(PagePicker), true},
		{"Azure from Integrations", then(linkedRun, SectionChosen{SectionIntegrations}, PlatformChosen{PlatformAzure}), loc(PageIntegrations), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, _ := run(tt.events...)
			if s.CanGoBack() != tt.canGo {
				t.Fatalf("CanGoBack = %v, want %v", s.CanGoBack(), tt.canGo)
			}
			if to, ok := s.BackTo(); ok != tt.canGo || (ok && to != tt.want) {
				t.Fatalf("BackTo = %+v, %v; want %+v, %v", to, ok, tt.want, tt.canGo)
			}
			before := s.At
			after, eff := s.Apply(BackPressed{})
			if eff != nil {
				t.Errorf("esc asked for effects %#v", eff)
			}
			if !tt.canGo && after.At != before {
				t.Errorf("esc with nowhere to go moved to %+v", after.At)
			}
			if after.At != tt.want {
				t.Errorf("esc led to %+v, want %+v", after.At, tt.want)
			}
		})
	}
}

// TestBackUnwindsTheWholeTrail walks deep and presses esc until nothing is
// left, checking each stop.
func TestBackUnwindsTheWholeTrail(t *testing.T) {
	t.Parallel()
	s, _ := run(then(firstRun, PlatformChosen{PlatformMicrosoft}, M365Chosen{})...)
	for _, want := range []Page{PageMicrosoft, PagePicker, PagePicker} {
		s, _ = s.Apply(BackPressed{})
		if s.At.Page != want {
			t.Fatalf("esc led to %v, want %v", s.At.Page, want)
		}
	}
}

// TestApplyDoesNotAlias checks that Apply never changes an older State: the
// UI may keep one (for example to compare before and after).
func TestApplyDoesNotAlias(t *testing.T) {
	t.Parallel()
	base, _ := run(then(linkedRun, SectionChosen{SectionIntegrations}, PlatformChosen{PlatformMicrosoft})...)
	want := base.Trail()
	back, _ := base.Apply(BackPressed{})
	_, _ = back.Apply(PlatformChosen{PlatformAWS}) // pushes onto back's (shorter) stack
	_, _ = base.Apply(M365Chosen{})
	if got := base.Trail(); !reflect.DeepEqual(got, want) {
		t.Fatalf("base trail changed to %+v, want %+v", got, want)
	}
	linked, _ := run(then(firstRun, PlatformChosen{PlatformMicrosoft})...)
	keep := linked.Trail()
	_, _ = linked.Apply(AccountsLoaded{Linked: true})
	if got := linked.Trail(); !reflect.DeepEqual(got, keep) {
		t.Fatalf("trail changed by a later load: %+v, want %+v", got, keep)
	}
}

func TestLinkedAndLoadedFlags(t *testing.T) {
	t.Parallel()
	s, _ := run(AppStarted{})
	if s.Loaded || s.Linked {
		t.Fatalf("before load: Loaded=%v Linked=%v", s.Loaded, s.Linked)
	}
	s, _ = s.Apply(AccountsLoaded{Err: errUnreadable})
	if s.Loaded {
		t.Fatal("a failed load must not count as loaded")
	}
	s, _ = s.Apply(AccountsLoaded{Linked: true})
	if !s.Loaded || !s.Linked {
		t.Fatalf("after load: Loaded=%v Linked=%v", s.Loaded, s.Linked)
	}
	s, _ = s.Apply(AccountsLoaded{Linked: false}) // the last account was deleted elsewhere
	if s.Linked || s.At.Page != PageHome {
		t.Fatalf("after losing the last account: Linked=%v At=%v (Home must stay)", s.Linked, s.At.Page)
	}
}

func TestSectionsAndNav(t *testing.T) {
	t.Parallel()
	pages := map[Page]Section{
		PageLoading: SectionNone, PagePicker: SectionNone, PageHome: SectionHome,
		PageIntegrations: SectionIntegrations, PageMicrosoft: SectionIntegrations,
		PageLinkWizard: SectionIntegrations, PageUnsupported: SectionIntegrations, PageSettings: SectionSettings,
	}
	for p, want := range pages {
		if got := (Location{Page: p}).Section(); got != want {
			t.Errorf("%v: section %v, want %v", p, got, want)
		}
		if got := (State{At: Location{Page: p}}).ShowsNav(); got != (want != SectionNone) {
			t.Errorf("%v: ShowsNav %v", p, got)
		}
		if p.String() == "page(?)" {
			t.Errorf("%d has no name", p)
		}
	}
	if Page(99).String() != "page(?)" {
		t.Error("unknown page must say so")
	}
	var titles []string
	for _, p := range Platforms {
		titles = append(titles, p.Title())
	}
	if !reflect.DeepEqual(titles, []string{"AWS", "Azure", "Microsoft"}) {
		t.Errorf("platform order %v", titles)
	}
	if PlatformAWS.Supported() || PlatformAzure.Supported() || !PlatformMicrosoft.Supported() {
		t.Error("only Microsoft is supported")
	}
	var secs []string
	for _, s := range Sections {
		secs = append(secs, s.Title())
	}
	if !reflect.DeepEqual(secs, []string{"Home", "Integrations", "Settings"}) {
		t.Errorf("sections %v", secs)
	}
}
