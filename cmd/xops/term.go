package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// isTerminal reports whether a stream is an interactive terminal.
func isTerminal(stream any) bool {
	f, ok := stream.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// interactive reports whether xops can ask a question: stdin to read the
// answer and stderr to show the question are both terminals.
func (a *app) interactive() bool {
	return a.terminal(a.stdin) && a.terminal(a.stderr)
}

// errInterrupted is an answer the admin cancelled with ctrl+c.
var errInterrupted = errors.New("interrupted")

// readLine reads one line of an answer from stdin. ctrl+c (ctx) abandons it:
// xops catches the signal, so a blocked read must not keep the process alive.
func (a *app) readLine(ctx context.Context) (string, error) {
	if a.lines == nil {
		a.lines = bufio.NewReader(a.stdin)
	}
	type answer struct {
		s   string
		err error
	}
	ch := make(chan answer, 1)
	go func() {
		s, err := a.lines.ReadString('\n')
		if err != nil && !(errors.Is(err, io.EOF) && s != "") {
			ch <- answer{"", err}
			return
		}
		ch <- answer{strings.TrimRight(s, "\r\n"), nil}
	}()
	select {
	case r := <-ch:
		return r.s, r.err
	case <-ctx.Done():
		fmt.Fprintln(a.stderr)
		return "", errInterrupted
	}
}

// readSecret reads a secret from the terminal without echo. On ctrl+c the
// terminal's echo is restored before returning.
func (a *app) readSecret(ctx context.Context, prompt string) (string, error) {
	f, ok := a.stdin.(*os.File)
	if !ok {
		return "", errors.New("no terminal to read a password from")
	}
	fd := int(f.Fd())
	state, err := term.GetState(fd)
	if err != nil {
		return "", fmt.Errorf("read the password: %w", err)
	}
	// Echo goes off before the prompt shows, not after (as ReadPassword
	// alone would): a secret typed as soon as the prompt appears is never
	// echoed, however the goroutines are scheduled.
	if err := echoOff(fd); err != nil {
		return "", fmt.Errorf("read the password: turn the terminal's echo off: %w", err)
	}
	defer fmt.Fprintln(a.stderr)
	defer func() { _ = term.Restore(fd, state) }()
	fmt.Fprint(a.stderr, prompt)
	type answer struct {
		b   []byte
		err error
	}
	ch := make(chan answer, 1)
	go func() {
		b, err := term.ReadPassword(fd)
		ch <- answer{b, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			return "", fmt.Errorf("read the password: %w", r.err)
		}
		return string(r.b), nil
	case <-ctx.Done():
		_ = term.Restore(fd, state)
		return "", errInterrupted
	}
}
