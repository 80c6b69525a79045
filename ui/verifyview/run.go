package verifyview

import (
	"context"
	"errors"
	"sync"

	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/entra"
)

// checkMsg carries one check's result from the verifier's goroutine into
// Update. attempt tells a stale result (from a cancelled or earlier attempt)
// from a current one.
type checkMsg struct {
	attempt int
	result  entra.CheckResult
}

// finishedMsg carries the verifier's final answer.
type finishedMsg struct {
	attempt int
	report  entra.Report
	err     error
}

// pipe carries messages from the verifier's goroutines to the model. The
// verifier may call onCheck from several goroutines, and a careless one even
// after it returned: send never panics on a closed pipe, and never blocks
// once the attempt's context is cancelled.
type pipe struct {
	ctx    context.Context
	mu     sync.Mutex
	closed bool
	ch     chan tea.Msg
}

func newPipe(ctx context.Context) *pipe {
	// Room for every check's result and the final answer, so a verifier
	// rarely waits on the screen.
	return &pipe{ctx: ctx, ch: make(chan tea.Msg, 2*len(entra.CheckOrder)+2)}
}

func (p *pipe) send(msg tea.Msg) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	select {
	case p.ch <- msg:
	case <-p.ctx.Done():
	}
}

func (p *pipe) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.closed {
		p.closed = true
		close(p.ch)
	}
}

// next returns a command that waits for the pipe's next message. A closed
// pipe yields nil, which Bubble Tea ignores, so no goroutine is left waiting.
func (p *pipe) next() tea.Cmd {
	return func() tea.Msg {
		msg, ok := <-p.ch
		if !ok {
			return nil
		}
		return msg
	}
}

// runCmd returns the command that runs one attempt: it starts the verifier
// on its own goroutine (so Update never waits on the network) and then waits
// for the first message. Everything it needs is copied in: the command never
// touches the model.
func runCmd(ctx context.Context, v Verifier, account string, attempt int, p *pipe) tea.Cmd {
	return func() tea.Msg {
		if v == nil {
			// A host wiring bug; say so on screen rather than panic.
			return finishedMsg{attempt: attempt, err: errors.New("no verifier was configured for this screen")}
		}
		go func() {
			defer p.close()
			report, err := v.VerifyAccount(ctx, account, func(r entra.CheckResult) {
				p.send(checkMsg{attempt: attempt, result: r})
			})
			p.send(finishedMsg{attempt: attempt, report: report, err: err})
		}()
		return p.next()()
	}
}
