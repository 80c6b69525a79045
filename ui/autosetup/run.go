package autosetup

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/flow/wizard"
	"github.com/xops/xops/store"
)

// Messages from a run's goroutine; run is the run's number, so a cancelled
// run's late messages are dropped.
type (
	promptMsg struct {
		run int
		p   entra.DeviceCodePrompt
	}
	eventMsg struct {
		run int
		e   entra.SetupEvent
	}
	attemptMsg struct {
		run     int
		attempt int
		r       entra.Report
	}
	doneMsg struct {
		run int
		res flow.AutoLinkResult
		err error
	}
	tickMsg    struct{ run int }
	channelEnd struct{ run int }
)

// loadedMsg is what Init found in the drafts.
type loadedMsg struct {
	guidedDraft bool
	auto        *flow.AutoProgress
	err         error
}

// loadCmd reads the guided wizard's draft and the automatic run's.
func loadCmd(drafts flow.DraftStore) tea.Cmd {
	return func() tea.Msg {
		var msg loadedMsg
		if _, err := drafts.Draft(wizard.DraftKind); err == nil {
			msg.guidedDraft = true
		} else if !errors.Is(err, store.ErrNotFound) {
			msg.err = err
		}
		raw, err := drafts.Draft(flow.AutoDraftKind)
		switch {
		case err == nil:
			var p flow.AutoProgress
			// A draft this build cannot read is not offered: the tenant says
			// what exists, and the setup is idempotent.
			if json.Unmarshal(raw, &p) == nil && p.V == 1 && p.Name != "" && p.AccountID == "" {
				msg.auto = &p
			}
		case !errors.Is(err, store.ErrNotFound) && msg.err == nil:
			msg.err = err
		}
		return msg
	}
}

// start runs AutoLink in a goroutine; its hooks and its end come back as
// messages through a channel, read one at a time by waitCmd, so the model
// is only ever touched by Update.
func (m *Model) start(name string, resume *flow.AutoProgress) tea.Cmd {
	m.run++
	run := m.run
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel, m.stopping, m.quitAsk, m.quitting, m.runName = cancel, false, false, false, name
	m.prompt, m.signedIn, m.attempt, m.lastTry, m.lastMsg = nil, false, 0, "", ""
	m.result, m.failure, m.errText = nil, nil, ""
	m.steps = m.steps[:0]
	for _, id := range entra.SetupSteps {
		m.steps = append(m.steps, stepLine{id: id})
	}
	m.phase = phaseRunning
	m.now = m.d.Now()
	ch := make(chan tea.Msg, 64)
	m.msgs = ch
	var setup flow.AdminSetup
	if m.d.Entra != nil {
		setup = m.d.Entra()
	}
	in := flow.AutoLinkInput{Name: name, ClientID: m.d.ClientID, Wait: m.d.Wait, Entra: setup, Resume: resume}
	// A screen left mid-run (q) stops reading: once cancelled, the hooks
	// drop what they cannot hand over instead of blocking the run.
	post := func(msg tea.Msg) {
		select {
		case ch <- msg:
		case <-ctx.Done():
		}
	}
	hooks := flow.AutoHooks{
		OnPrompt:  func(p entra.DeviceCodePrompt) { post(promptMsg{run, p}) },
		OnEvent:   func(e entra.SetupEvent) { post(eventMsg{run, e}) },
		OnAttempt: func(n int, r entra.Report) { post(attemptMsg{run, n, r}) },
		// SaveProgress nil: AutoLink keeps the store's auto-link draft.
	}
	svc := m.d.Service
	go func() {
		defer close(ch)
		defer cancel()
		res, err := svc.AutoLink(ctx, in, hooks)
		ch <- doneMsg{run, res, err} // the buffer has room unless the screen reads on
	}()
	return tea.Batch(waitCmd(run, ch), m.spin.Tick, tickCmd(run))
}

// waitCmd reads the run's next message.
func waitCmd(run int, ch <-chan tea.Msg) tea.Cmd {
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return channelEnd{run}
		}
		return msg
	}
}

// tickCmd redraws the countdown every second while a run lasts.
func tickCmd(run int) tea.Cmd {
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return tickMsg{run} })
}
