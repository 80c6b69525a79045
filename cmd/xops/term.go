package main

import (
	"bufio"
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

// readLine reads one line of an answer from stdin.
func (a *app) readLine() (string, error) {
	if a.lines == nil {
		a.lines = bufio.NewReader(a.stdin)
	}
	s, err := a.lines.ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && s != "") {
		return "", err
	}
	return strings.TrimRight(s, "\r\n"), nil
}

// readSecret reads a secret from the terminal without echo.
func (a *app) readSecret(prompt string) (string, error) {
	fmt.Fprint(a.stderr, prompt)
	defer fmt.Fprintln(a.stderr)
	f, ok := a.stdin.(*os.File)
	if !ok {
		return "", errors.New("no terminal to read a password from")
	}
	b, err := term.ReadPassword(int(f.Fd()))
	if err != nil {
		return "", fmt.Errorf("read the password: %w", err)
	}
	return string(b), nil
}
