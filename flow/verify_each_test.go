package flow_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow"
)

// bulk is a check that counts how many run at once and in what order they
// started; names in fail get a passphrase problem.
type bulk struct {
	mu               sync.Mutex
	inflight, most   int
	started          []string
	fail             map[string]error
	lockedUntilFirst bool
	done             int
	firstRunning     bool
	beside           []string // started while the first was running
}

func (b *bulk) unlocked() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return !b.lockedUntilFirst || b.done > 0
}

func (b *bulk) check(ctx context.Context, name string) (entra.Report, error) {
	b.mu.Lock()
	b.inflight++
	b.most = max(b.most, b.inflight)
	b.started = append(b.started, name)
	if b.firstRunning {
		b.beside = append(b.beside, name)
	}
	first := len(b.started) == 1
	b.firstRunning = b.firstRunning || first
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		b.inflight--
		b.done++
		if first {
			b.firstRunning = false
		}
		b.mu.Unlock()
	}()
	if first {
		for range 200 {
			runtime.Gosched() // time for others to start beside it, were they let
		}
	}
	if err := b.fail[name]; err != nil {
		return entra.Report{}, err
	}
	return entra.Report{Account: name, OK: true}, ctx.Err()
}

func names(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("acct-%02d", i)
	}
	return out
}

// collect runs VerifyEach and returns each name's error, checking that each
// was called exactly once per name.
func collect(t *testing.T, ctx context.Context, b *bulk, ns []string) ([]error, error) {
	t.Helper()
	var mu sync.Mutex
	calls := make([]int, len(ns))
	errs := make([]error, len(ns))
	err := flow.VerifyEach(ctx, ns, b.unlocked, b.check, func(i int, r entra.Report, err error) {
		mu.Lock()
		defer mu.Unlock()
		calls[i]++
		errs[i] = err
		if err == nil && r.Account != ns[i] {
			t.Errorf("outcome %d is %q's, want %q's", i, r.Account, ns[i])
		}
	})
	for i, c := range calls {
		if c != 1 {
			t.Errorf("each called %d times for %s, want once", c, ns[i])
		}
	}
	return errs, err
}

func TestVerifyEachAFewAtATimeInOrder(t *testing.T) {
	t.Parallel()
	b := &bulk{}
	ns := names(25)
	errs, err := collect(t, context.Background(), b, ns)
	if err != nil {
		t.Fatal(err)
	}
	if b.most > flow.VerifyAllAtOnce || b.most < 1 {
		t.Errorf("%d ran at once, want 1 to %d", b.most, flow.VerifyAllAtOnce)
	}
	for i, e := range errs {
		if e != nil {
			t.Errorf("%s: %v", ns[i], e)
		}
	}
}

func TestVerifyEachOneAtATimeWhileLocked(t *testing.T) {
	t.Parallel()
	b := &bulk{lockedUntilFirst: true}
	if _, err := collect(t, context.Background(), b, names(3)); err != nil {
		t.Fatal(err)
	}
	if len(b.started) != 3 || b.started[0] != "acct-00" {
		t.Fatalf("started %v", b.started)
	}
	// The first ran alone (the prompt): nothing started beside it.
	if len(b.beside) > 0 {
		t.Errorf("%v started while the first account held the passphrase prompt", b.beside)
	}
}

func TestVerifyEachStopsOnAPassphraseProblem(t *testing.T) {
	t.Parallel()
	wrong := &flow.PassphraseError{Err: flow.ErrWrongPassphrase}
	b := &bulk{lockedUntilFirst: true, fail: map[string]error{"acct-00": wrong}}
	ns := names(8)
	errs, err := collect(t, context.Background(), b, ns)
	if !errors.Is(err, flow.ErrWrongPassphrase) {
		t.Fatalf("VerifyEach returned %v, want the passphrase problem", err)
	}
	if len(b.started) != 1 {
		t.Errorf("started %v after the passphrase failed, want only the first", b.started)
	}
	for i, e := range errs[1:] {
		if !errors.Is(e, flow.ErrNotChecked) {
			t.Errorf("%s: %v, want ErrNotChecked", ns[i+1], e)
		}
	}
}

func TestVerifyEachCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	b := &bulk{}
	errs, err := collect(t, ctx, b, names(5))
	if err != nil {
		t.Fatalf("a cancelled run returned %v, want nil (not a passphrase problem)", err)
	}
	for _, e := range errs {
		if !errors.Is(e, flow.ErrNotChecked) || !errors.Is(e, context.Canceled) {
			t.Errorf("%v, want ErrNotChecked and the cancellation", e)
		}
	}
	if len(b.started) != 0 {
		t.Errorf("started %v after the cancellation", b.started)
	}
}
