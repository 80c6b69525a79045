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
