package flow

import (
	"reflect"
	"testing"
)

func TestApplyAccountPages(t *testing.T) {
	t.Parallel()
	acct := func(p Page, name string) Location { return Location{Page: p, Account: name} }
	home := loc(PageHome)
	details := then(linkedRun, AccountChosen{Name: "contoso"})
	tests := []struct {
		name    string
		events  []Event
		trail   []Location // full breadcrumb, current last
		effects []Effect
	}{
		{"enter on a row opens the details", details,
			[]Location{home, acct(PageAccount, "contoso")}, nil},
		{"details need a name", then(linkedRun, AccountChosen{}), []Location{home}, nil},
		{"details only from Home", then(linkedRun, SectionChosen{SectionSettings}, AccountChosen{Name: "contoso"}),
			[]Location{home, loc(PageSettings)}, nil},
		{"esc from the details returns Home", then(details, BackPressed{}), []Location{home}, nil},
		{"an action from Home", then(linkedRun, AccountActionChosen{Name: "contoso", Action: PageExport}),
			[]Location{home, acct(PageExport, "contoso")}, nil},
		{"esc from an action opened on Home returns Home",
			then(linkedRun, AccountActionChosen{Name: "contoso", Action: PageDelete}, BackPressed{}), []Location{home}, nil},
		{"an action from the details",
			then(details, AccountActionChosen{Name: "contoso", Action: PageRotate}),
			[]Location{home, acct(PageAccount, "contoso"), acct(PageRotate, "contoso")}, nil},
		{"esc from an action opened on the details returns to them",
			then(details, AccountActionChosen{Name: "contoso", Action: PageVerify}, BackPressed{}),
			[]Location{home, acct(PageAccount, "contoso")}, nil},
		{"no action for another account from the details",
			then(details, AccountActionChosen{Name: "fabrikam", Action: PageVerify}),
			[]Location{home, acct(PageAccount, "contoso")}, nil},
		{"not an action page", then(linkedRun, AccountActionChosen{Name: "contoso", Action: PageSettings}),
			[]Location{home}, nil},
		{"no action from another page", then(linkedRun, LinkRequested{}, AccountActionChosen{Name: "contoso", Action: PageVerify}),
			[]Location{home, loc(PageMicrosoft)}, nil},
		{"no action on an action page",
			then(details, AccountActionChosen{Name: "contoso", Action: PageVerify}, AccountActionChosen{Name: "contoso", Action: PageExport}),
			[]Location{home, acct(PageAccount, "contoso"), acct(PageVerify, "contoso")}, nil},
		{"a rename closes its page and renames the details behind it",
			then(details, AccountActionChosen{Name: "contoso", Action: PageRename}, AccountRenamed{From: "contoso", To: "Contoso EU"}),
			[]Location{home, acct(PageAccount, "Contoso EU")}, loadEffect},
		{"a rename from Home returns Home",
			then(linkedRun, AccountActionChosen{Name: "contoso", Action: PageRename}, AccountRenamed{From: "contoso", To: "c2"}),
			[]Location{home}, loadEffect},
		{"a rename of another account changes nothing here",
			then(details, AccountRenamed{From: "fabrikam", To: "f2"}),
			[]Location{home, acct(PageAccount, "contoso")}, loadEffect},
		{"a delete from the details goes Home",
			then(details, AccountActionChosen{Name: "contoso", Action: PageDelete}, AccountDeleted{Name: "contoso"}),
			[]Location{home}, loadEffect},
		{"a delete of another account keeps the page",
			then(details, AccountDeleted{Name: "fabrikam"}),
			[]Location{home, acct(PageAccount, "contoso")}, loadEffect},
		{"tab leaves the account pages for the next section",
			then(details, AccountActionChosen{Name: "contoso", Action: PageExport}, SectionCycled{Delta: 1}),
			[]Location{home, loc(PageIntegrations)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, eff := run(tt.events...)
			if got := s.Trail(); !reflect.DeepEqual(got, tt.trail) {
				t.Fatalf("trail = %v, want %v", got, tt.trail)
			}
			if !reflect.DeepEqual(eff, tt.effects) {
				t.Fatalf("effects = %#v, want %#v", eff, tt.effects)
			}
			if s.At.Section() != SectionHome && IsAccountPage(s.At.Page) {
				t.Fatalf("%v is not under Home in the side navigation", s.At)
			}
		})
	}
}

func TestAccountPagesHaveNames(t *testing.T) {
	t.Parallel()
	for _, p := range []Page{PageAccount, PageVerify, PageExport, PageRotate, PageRename, PageDelete} {
		if p.String() == "page(?)" {
			t.Errorf("page %d has no name", p)
		}
		if !IsAccountPage(p) {
			t.Errorf("%v is not an account page", p)
		}
	}
}
