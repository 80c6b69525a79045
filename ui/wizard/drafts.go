package wizard

import (
	"errors"
	"sync"

	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/flow/wizard"
	"github.com/xops/xops/store"
)

// draftWriter orders the draft's writes. Commands run concurrently, so an
// older "save the draft" could otherwise land after "delete the draft" and
// bring back a draft for an account already saved. Every write carries a
// number taken when the effect was turned into a command; a write older than
// the last one done is skipped.
type draftWriter struct {
	drafts flow.DraftStore
	mu     sync.Mutex
	next   int // the number the next write gets (guarded by the model: Update is single-threaded)
	done   int // the newest write applied
	// kept: the newest write asked for (in effect order) puts a draft
	// rather than deleting it. Read and set from Update only.
	kept bool
}

// ticket numbers a write; call it from Update, in effect order.
func (w *draftWriter) ticket() int {
	w.next++
	return w.next
}

// write puts data (or deletes the draft when data is nil) unless a newer
// write already happened.
func (w *draftWriter) write(n int, data []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if n < w.done {
		return nil
	}
	w.done = n
	if data == nil {
		err := w.drafts.DeleteDraft(wizard.DraftKind)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return err
	}
	return w.drafts.PutDraft(wizard.DraftKind, data)
}

// writeCmd writes in a command; the result reports failures only.
func (w *draftWriter) writeCmd(data []byte) tea.Cmd {
	n := w.ticket()
	w.kept = data != nil
	return func() tea.Msg { return draftWrittenMsg{err: w.write(n, data)} }
}
