package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/ui/uikit"
)

// scrollBody shows the part of a long page that fits, with a line that says
// there is more. The account pages put their text in one and let it scroll.
type scrollBody struct {
	lines  []string
	offset int
	height int
}

// set replaces the content; the position is kept where it still makes sense.
func (b *scrollBody) set(lines []string, height int) {
	b.lines, b.height = lines, max(1, height)
	b.clamp()
}

func (b *scrollBody) canScroll() bool { return len(b.lines) > b.height }

func (b *scrollBody) scroll(d int) {
	b.offset += d
	b.clamp()
}

func (b *scrollBody) clamp() {
	window := b.height
	if b.canScroll() {
		window-- // the "more" line
	}
	b.offset = max(0, min(b.offset, len(b.lines)-window))
}

// view draws the visible lines, and where the content is longer than the
// page, a last line saying where the admin is in it.
func (b *scrollBody) view(s uikit.Styles) string {
	if !b.canScroll() {
		return strings.Join(b.lines, "\n")
	}
	window := b.height - 1
	end := min(len(b.lines), b.offset+window)
	out := append([]string(nil), b.lines[b.offset:end]...)
	arrow := "↓ more"
	if end == len(b.lines) {
		arrow = "↑ more"
	}
	out = append(out, s.Muted.Render(fmt.Sprintf("%s: lines %d–%d of %d (j/k, pgdn/pgup)", arrow, b.offset+1, end, len(b.lines))))
	return strings.Join(out, "\n")
}

// scrollKeys move a scrollBody.
type scrollKeys struct{ Down, Up, PageDn, PageUp key.Binding }

func defaultScrollKeys() scrollKeys {
	return scrollKeys{
		Down:   key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "scroll down")),
		Up:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "scroll up")),
		PageDn: key.NewBinding(key.WithKeys("pgdown", "ctrl+d", "space"), key.WithHelp("pgdn", "page down")),
		PageUp: key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up")),
	}
}

func (k *scrollKeys) enable(on bool) {
	for _, b := range []*key.Binding{&k.Down, &k.Up, &k.PageDn, &k.PageUp} {
		b.SetEnabled(on)
	}
}

// update scrolls b on a scroll key; false when km is not one.
func (k scrollKeys) update(km tea.KeyPressMsg, b *scrollBody) bool {
	switch {
	case key.Matches(km, k.Down):
		b.scroll(1)
	case key.Matches(km, k.Up):
		b.scroll(-1)
	case key.Matches(km, k.PageDn):
		b.scroll(max(1, b.height-2))
	case key.Matches(km, k.PageUp):
		b.scroll(-max(1, b.height-2))
	default:
		return false
	}
	return true
}

// newField is a text field with a steady cursor: a blinking one redraws
// the screen twice a second, which costs bandwidth over SSH for nothing.
func newField() textinput.Model {
	ti := textinput.New()
	st := ti.Styles()
	st.Cursor.Blink = false
	ti.SetStyles(st)
	return ti
}
