package ui

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// TestRunEndsWithItsContext: a cancelled context ends the TUI and Run says
// why, so the command line can exit cleanly on a signal.
func TestRunEndsWithItsContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe() // input that never ends, like an idle terminal
	defer pw.Close()
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Deps{Store: &fakeStore{}, NoColor: true},
			tea.WithInput(pr), tea.WithOutput(&out), tea.WithWindowSize(80, 24), tea.WithoutSignals())
	}()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Run returned %v, want context.Canceled", err)
		}
	case <-time.After(waitLong):
		t.Fatal("Run did not end with its context")
	}
}

// TestRunQuitsOnQ: the admin's q ends Run without an error.
func TestRunQuitsOnQ(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- Run(context.Background(), Deps{Store: &fakeStore{}},
			tea.WithInput(bytes.NewReader([]byte("q"))), tea.WithOutput(&out), tea.WithWindowSize(80, 24), tea.WithoutSignals())
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run returned %v, want nil", err)
		}
	case <-time.After(waitLong):
		t.Fatal("q did not end Run")
	}
}
