package flow

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/xops/xops/entra"
)

// VerifyAllAtOnce is how many accounts a verification of all of them checks
// at the same time: enough to make a long list quick, few enough that Entra
// does not throttle the machine.
const VerifyAllAtOnce = 4

// IsPassphraseProblem reports whether err is a key that could not be opened
// for want of the right passphrase (missing, wrong, or its prompt closed):
// every other account needs the same passphrase.
func IsPassphraseProblem(err error) bool {
	var pe *PassphraseError
	return errors.As(err, &pe) || errors.Is(err, ErrKeyLocked) || errors.Is(err, ErrWrongPassphrase)
}

// ErrNotChecked is what VerifyEach reports for an account it did not check,
// or whose check was cut short (nothing was recorded for it), wrapped with
// why: the caller's ctx ended, or a passphrase problem stopped the run.
var ErrNotChecked = errors.New("not checked")

// VerifyEach runs check for every name, VerifyAllAtOnce at a time, starting
// them in the order given (so outcomes can be shown in that order as they
// come). While unlocked says the keys are locked, it checks one account at
// a time, so a passphrase prompt comes once with nothing else waiting on it.
// A passphrase problem stops the rest and is returned.
//
// each is called exactly once for every name, from any goroutine: with its
// report and error, or with an error wrapping ErrNotChecked and the reason
// for an account not checked or cut short. VerifyEach returns when every
// call has returned. The CLI's `verify --all` and Home's V share it.
func VerifyEach(ctx context.Context, names []string, unlocked func() bool,
	check func(ctx context.Context, name string) (entra.Report, error),
	each func(i int, r entra.Report, err error)) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		stopping error // the passphrase problem that stopped the run
	)
	notChecked := func() error { return fmt.Errorf("%w: %w", ErrNotChecked, context.Cause(ctx)) }
	slots := make(chan struct{}, VerifyAllAtOnce)
	open := false
	for i, name := range names {
		if !open {
			open = unlocked()
		}
		select {
		case slots <- struct{}{}:
			if ctx.Err() != nil {
				<-slots
				each(i, entra.Report{}, notChecked())
				continue
			}
		case <-ctx.Done():
			each(i, entra.Report{}, notChecked())
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			r, err := check(ctx, name)
			switch {
			case err != nil && IsPassphraseProblem(err) && ctx.Err() == nil:
				mu.Lock()
				if stopping == nil {
					stopping = err
				}
				mu.Unlock()
				cancel(err)
			case err != nil && ctx.Err() != nil:
				err = notChecked() // cut short: nothing was recorded
			}
			each(i, r, err)
		}()
		if !open {
			wg.Wait() // locked: the next account waits for this one's prompt
		}
	}
	wg.Wait()
	return stopping
}
