package flow

import "testing"

// BenchmarkNavReducer is the root reducer over a walk an admin makes: start,
// Home, through the side navigation, into the link wizard and back out.
// Every key of the TUI goes through Apply.
func BenchmarkNavReducer(b *testing.B) {
	walk := []Event{
		AppStarted{}, AccountsLoaded{Linked: true},
		SectionCycled{Delta: 1}, PlatformChosen{Platform: PlatformMicrosoft}, M365Chosen{},
		BackPressed{}, BackPressed{}, SectionCycled{Delta: 1}, SectionCycled{Delta: -1},
		SectionChosen{Section: SectionHome}, LinkRequested{}, BackPressed{}, ReloadRequested{},
		AccountsLoaded{Linked: true},
	}
	b.ReportAllocs()
	for b.Loop() {
		var s State
		for _, e := range walk {
			s, _ = s.Apply(e)
		}
		if s.At.Page != PageHome {
			b.Fatalf("the walk ended on page %v, want Home", s.At.Page)
		}
	}
}
