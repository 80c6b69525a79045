package ui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

// BenchmarkHomeFirstFrame10k: accounts arrive, Home draws its first frame.
func BenchmarkHomeFirstFrame10k(b *testing.B) {
	accounts := manyAccounts(10000)
	m := New(Deps{Store: &fakeStore{}, NoColor: true})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	b.ResetTimer()
	for b.Loop() {
		m.Update(accountsMsg{accounts: accounts})
		_ = m.View()
	}
}

// BenchmarkHomeKeystroke10k: one ↓ and the frame after it.
func BenchmarkHomeKeystroke10k(b *testing.B) {
	m := New(Deps{Store: &fakeStore{}, NoColor: true})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(accountsMsg{accounts: manyAccounts(10000)})
	down := keyPress("down")
	b.ResetTimer()
	for b.Loop() {
		m.Update(down)
		_ = m.View()
	}
}

// BenchmarkHomeFilterKeystroke10k: the filter is open; one letter typed
// (and erased, so every iteration filters all 10,000) and the frame after it.
func BenchmarkHomeFilterKeystroke10k(b *testing.B) {
	m := New(Deps{Store: &fakeStore{}, NoColor: true})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(accountsMsg{accounts: manyAccounts(10000)})
	m.Update(keyPress("/"))
	m.Update(keyPress("9"))
	letter, erase := keyPress("9"), tea.KeyPressMsg{Code: tea.KeyBackspace}
	b.ResetTimer()
	for b.Loop() {
		m.Update(letter)
		_ = m.View()
		m.Update(erase)
	}
}

// BenchmarkHomeSort10k: s pressed (sorted by expiry) and the frame after it.
func BenchmarkHomeSort10k(b *testing.B) {
	m := New(Deps{Store: &fakeStore{}, NoColor: true})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(accountsMsg{accounts: manyAccounts(10000)})
	s := keyPress("s")
	b.ResetTimer()
	for b.Loop() {
		m.Update(s)
		_ = m.View()
	}
}

// BenchmarkHomeFirstScreenStore10k: from a real store of 10,000 accounts,
// the first load (one page) and Home's first frame — what the admin waits
// for before the list shows. The rest of the list is read after it.
func BenchmarkHomeFirstScreenStore10k(b *testing.B) {
	st := filledStore(b, 10000)
	m := New(Deps{Store: st, NoColor: true})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	b.ResetTimer()
	for b.Loop() {
		m.home.loaded = false
		msg := loadAccountsCmd(st, st.Generation, nil, true)()
		m.Update(msg)
		_ = m.View()
	}
}

// BenchmarkHomeFullLoadStore10k: the whole list read from a real store of
// 10,000 accounts and drawn (what follows the first screen).
func BenchmarkHomeFullLoadStore10k(b *testing.B) {
	st := filledStore(b, 10000)
	m := New(Deps{Store: st, NoColor: true})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	b.ResetTimer()
	for b.Loop() {
		msg := loadAccountsCmd(st, st.Generation, nil, false)()
		m.Update(msg)
		_ = m.View()
	}
}
