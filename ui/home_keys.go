package ui

import "charm.land/bubbles/v2/key"

// homeKeys are Home's keys; which are enabled depends on what Home shows,
// so the help bar only offers what works.
type homeKeys struct {
	Up, Down       key.Binding
	PageUp, PageDn key.Binding
	Top, Bottom    key.Binding
	Open           key.Binding // the details of the selected account
	Filter, Sort   key.Binding
	ClearFilter    key.Binding // esc with a filter set
	FilterDone     key.Binding // while typing the filter
	FilterCancel   key.Binding
	// The actions on the selected account.
	Verify, Export, Rotate, Rename, Delete key.Binding
	// Verify all (home_verifyall.go): start it, answer its question, stop it.
	VerifyAll, VerifyAllYes, VerifyAllNo, VerifyAllStop key.Binding
	Link                                                key.Binding // enter on the empty state, n with accounts
	Reload                                              key.Binding
}

func defaultHomeKeys() homeKeys {
	return homeKeys{
		Up:            key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:          key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:        key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDn:        key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdown", "page down")),
		Top:           key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "first")),
		Bottom:        key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "last")),
		Open:          key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "details")),
		Filter:        key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Sort:          key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort")),
		ClearFilter:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear the filter")),
		FilterDone:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep the filter")),
		FilterCancel:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear the filter")),
		Verify:        key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "verify")),
		Export:        key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "export")),
		Rotate:        key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "rotate")),
		Rename:        key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "rename")),
		Delete:        key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "delete")),
		VerifyAll:     key.NewBinding(key.WithKeys("V"), key.WithHelp("V", "verify all")),
		VerifyAllYes:  key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "verify all")),
		VerifyAllNo:   key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "not now")),
		VerifyAllStop: key.NewBinding(key.WithKeys("esc", "V"), key.WithHelp("esc", "stop verifying")),
		Link:          key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "link an account")),
		Reload:        key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reload")),
	}
}

func (k homeKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.VerifyAllYes, k.VerifyAllNo, k.VerifyAllStop, k.FilterDone, k.FilterCancel, k.Open, k.Filter, k.ClearFilter, k.Sort,
		k.Verify, k.Export, k.Rotate, k.Rename, k.Delete, k.Link, k.Reload}
}

func (k homeKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDn, k.Top, k.Bottom},
		{k.Open, k.Filter, k.ClearFilter, k.FilterDone, k.FilterCancel, k.Sort},
		{k.Verify, k.Export, k.Rotate, k.Rename, k.Delete},
		{k.VerifyAll, k.VerifyAllYes, k.VerifyAllNo, k.VerifyAllStop, k.Link, k.Reload},
	}
}

func (h *homeScreen) syncKeys() {
	k := &h.keys
	typing := h.typing()
	list := h.total() > 0 && h.err == nil && !typing
	row := list && h.list.len() > 0
	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDn, &k.Top, &k.Bottom} {
		b.SetEnabled(row)
	}
	k.Open.SetEnabled(row)
	for _, b := range []*key.Binding{&k.Verify, &k.Export, &k.Rotate, &k.Rename, &k.Delete} {
		b.SetEnabled(row && h.actions)
	}
	// Sorting and filtering a first screenful would mislead: they wait
	// for the whole list.
	// As on the account's page: o on an account mid-rotation resumes it.
	k.Rotate.SetHelp("o", "rotate")
	if a := h.selected(); row && a != nil {
		if _, pending := a.PendingCredential(); pending {
			k.Rotate.SetHelp("o", "resume the rotation")
		}
	}
	asking, running := h.va.asking > 0, h.va.running()
	k.VerifyAll.SetEnabled(list && h.actions && h.va.svc != nil && !h.partial && !asking && !running)
	k.VerifyAllYes.SetEnabled(asking && !typing)
	k.VerifyAllNo.SetEnabled(asking && !typing)
	k.VerifyAllStop.SetEnabled(running && !typing && !h.va.run.stopping)
	k.Filter.SetEnabled(list && !h.partial)
	k.Sort.SetEnabled(list && !h.partial)
	k.Sort.SetHelp("s", "sort by "+((h.list.sort+1)%sortCount).String())
	k.ClearFilter.SetEnabled(!typing && h.list.filter != "" && !asking && !running) // esc answers verify all first
	k.FilterDone.SetEnabled(typing)
	k.FilterCancel.SetEnabled(typing)
	if h.empty() {
		k.Link.SetKeys("enter", "n")
		k.Link.SetHelp("enter", "link an account")
	} else {
		k.Link.SetKeys("n")
		k.Link.SetHelp("n", "link an account")
	}
	k.Link.SetEnabled(h.loaded && h.err == nil && !typing)
	k.Reload.SetEnabled(h.loaded && !typing)
	if h.err != nil {
		k.Reload.SetHelp("r", "try again")
	} else {
		k.Reload.SetHelp("r", "reload")
	}
}
