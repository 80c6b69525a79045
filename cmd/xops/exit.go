package main

import (
	"errors"
	"fmt"
	"io"
)

// Exit codes of the command-line contract.
const (
	exitOK     = 0 // success
	exitFailed = 1 // a verification check or an operation failed
	exitUsage  = 2 // bad usage or bad input (a duplicate name included); nothing was written
)

// exitError carries the exit code an error maps to. Commands return it (via
// usageErr / failedErr) so that main decides the code in one place.
type exitError struct {
	code int
	err  error
	// silent means the message was already printed (a failed verification
	// prints its report, not an error line).
	silent bool
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageErr marks bad usage or bad input: exit 2.
func usageErr(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// failedErr marks an operation that failed: exit 1.
func failedErr(err error) error {
	return &exitError{code: exitFailed, err: err}
}

// checksFailed is the exit of a verification whose report was printed.
func checksFailed() error {
	return &exitError{code: exitFailed, err: errors.New("verification failed"), silent: true}
}

// report prints err on stderr and returns its exit code. Errors that did not
// go through a command's classification come from cobra itself (an unknown
// command or flag, a wrong number of arguments): those are usage errors.
func report(stderr io.Writer, err error) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if !errors.As(err, &ee) {
		fmt.Fprintf(stderr, "xops: %s\nRun 'xops --help' for usage.\n", oneLine(err.Error()))
		return exitUsage
	}
	if !ee.silent {
		fmt.Fprintln(stderr, message(ee.err))
		if ee.code == exitUsage && isBadInput(ee.err) {
			fmt.Fprintln(stderr, "Nothing was written.")
		}
	}
	return ee.code
}
