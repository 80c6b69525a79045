package ui

import (
	"context"
	"errors"
	"strings"
	"sync"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/ui/uikit"
)

// ErrPassphraseCancelled: the admin closed the passphrase prompt (esc).
var ErrPassphraseCancelled = errors.New("the passphrase was not given (esc); nothing was done with the key")

// PassphraseAsker lets flow ask for the store passphrase while the TUI holds
// the terminal: its Ask (a flow.Service.Passphrase) sends the root model a
// message, the root shows a masked prompt over the page, and the answer
// comes back through a channel. Run attaches it to the program.
type PassphraseAsker struct {
	// Unlocked reports whether the keys are open (flow.Service.KeysUnlocked).
	// Asked again after an answer while they are still locked, the prompt
	// says the last passphrase was wrong.
	Unlocked func() bool

	mu       sync.Mutex
	send     func(tea.Msg)
	answered bool
	pending  chan passAnswer
}

// passAnswer is what the prompt hands back.
type passAnswer struct {
	pass string
	err  error
}

// passAskMsg asks the root to show the prompt.
type passAskMsg struct {
	retry bool
	reply chan passAnswer
}

// Ask shows the prompt and waits for the answer (or ctx). Without a running
// TUI it returns flow.ErrKeyLocked.
func (a *PassphraseAsker) Ask(ctx context.Context) (string, error) {
	a.mu.Lock()
	send := a.send
	retry := a.answered && (a.Unlocked == nil || !a.Unlocked())
	reply := make(chan passAnswer, 1)
	a.pending = reply
	a.mu.Unlock()
	if send == nil {
		return "", flow.ErrKeyLocked
	}
	send(passAskMsg{retry: retry, reply: reply})
	select {
	case r := <-reply:
		a.mu.Lock()
		a.answered = r.err == nil
		a.mu.Unlock()
		return r.pass, r.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// attach connects the asker to a running program; detach ends that, and
// answers a prompt still waiting (the program is gone).
func (a *PassphraseAsker) attach(send func(tea.Msg)) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.send = send
}

func (a *PassphraseAsker) detach() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.send = nil
	if a.pending != nil {
		select {
		case a.pending <- passAnswer{err: ErrPassphraseCancelled}:
		default:
		}
	}
}

// passPrompt is the masked prompt the root shows over the page.
type passPrompt struct {
	field textinput.Model
	retry bool
	reply chan passAnswer
	keys  promptKeys
}

type promptKeys struct{ Submit, Cancel key.Binding }

func (k promptKeys) ShortHelp() []key.Binding  { return []key.Binding{k.Submit, k.Cancel} }
func (k promptKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

var _ help.KeyMap = promptKeys{}

// openPrompt shows the prompt a passAskMsg asks for.
func (m *Model) openPrompt(msg passAskMsg) tea.Cmd {
	m.cancelPrompt() // one at a time: an older one is answered "cancelled"
	f := newField()
	f.Prompt = "› "
	f.EchoMode = textinput.EchoPassword
	f.EchoCharacter = '•'
	f.CharLimit = 256
	m.prompt = &passPrompt{field: f, retry: msg.retry, reply: msg.reply, keys: promptKeys{
		Submit: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "unlock")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}}
	m.relayout()
	return m.prompt.field.Focus()
}

// cancelPrompt closes the prompt, answering "cancelled".
func (m *Model) cancelPrompt() {
	if m.prompt == nil {
		return
	}
	answer(m.prompt.reply, passAnswer{err: ErrPassphraseCancelled})
	m.prompt = nil
	m.relayout()
}

// answer hands the asker its answer; never blocks (Update must not).
func answer(ch chan passAnswer, a passAnswer) {
	select {
	case ch <- a:
	default:
	}
}

// promptKey gives the prompt every key while it is open.
func (m *Model) promptKey(km tea.KeyPressMsg) tea.Cmd {
	p := m.prompt
	switch {
	case key.Matches(km, p.keys.Cancel):
		m.cancelPrompt()
		return nil
	case key.Matches(km, p.keys.Submit):
		if p.field.Value() == "" {
			return nil
		}
		answer(p.reply, passAnswer{pass: p.field.Value()})
		m.prompt = nil
		m.relayout()
		return nil
	}
	var cmd tea.Cmd
	p.field, cmd = p.field.Update(km)
	return cmd
}

// view is the prompt, drawn in the page's place.
func (p *passPrompt) view(s uikit.Styles, width int) string {
	var b strings.Builder
	b.WriteString(s.Title.Render("Passphrase needed") + "\n\n")
	b.WriteString(wrap("This store's private keys are encrypted with a passphrase. Type it to open the key "+
		"for this step; xops keeps it open until it quits.", width) + "\n\n")
	b.WriteString(s.Muted.Render("Passphrase ") + p.field.View() + "\n")
	if p.retry {
		b.WriteString(s.Bad.Render(hangingWrap("✗ That passphrase does not open the keys; try again.", width, "  ")) + "\n")
	}
	b.WriteString("\n" + s.Muted.Render(wrap("esc cancels the step that needs the key; nothing is changed.", width)))
	return b.String()
}
