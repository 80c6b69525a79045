package wizard

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
)

// keyList is a screen's bindings as the help bar shows them. Each screen
// builds it from its own KeyMap; disabled bindings are left out by help.
type keyList []key.Binding

var _ help.KeyMap = keyList(nil)

// ShortHelp implements help.KeyMap.
func (k keyList) ShortHelp() []key.Binding { return k }

// FullHelp implements help.KeyMap: the same keys, in columns of four.
func (k keyList) FullHelp() [][]key.Binding {
	var out [][]key.Binding
	for i := 0; i < len(k); i += 4 {
		out = append(out, k[i:min(i+4, len(k))])
	}
	return out
}

func binding(help, desc string, keys ...string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
}

// questionKeys answer a yes/no question; every screen that asks uses them.
type questionKeys struct {
	Yes, No key.Binding
}

func defaultQuestionKeys() questionKeys {
	return questionKeys{
		Yes: binding("y", "yes", "y", "Y"),
		No:  binding("n/esc", "no", "n", "N", "esc"),
	}
}
