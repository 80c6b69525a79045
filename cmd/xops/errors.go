package main

import (
	"errors"
	"strings"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/flow/validate"
	"github.com/xops/xops/internal/safetext"
	"github.com/xops/xops/store"
)

// classify gives an error from flow or store its exit code: bad input and a
// taken name are the caller's to fix (2); everything else failed (1).
func classify(err error) error {
	if err == nil {
		return nil
	}
	var (
		ee *exitError
		ie *flow.InputError
		fe *validate.FieldError
	)
	switch {
	case errors.As(err, &ee):
		return err
	case errors.As(err, &ie), errors.As(err, &fe), errors.Is(err, store.ErrDuplicateName):
		return &exitError{code: exitUsage, err: err}
	case isPassphraseProblem(err): // a missing or wrong passphrase: give it and run again
		return &exitError{code: exitUsage, err: err}
	}
	return failedErr(err)
}

// isBadInput reports whether err is refused input (as opposed to a command
// line that does not parse): the admin is told nothing was written.
func isBadInput(err error) bool {
	var (
		ie *flow.InputError
		fe *validate.FieldError
	)
	return errors.As(err, &ie) || errors.As(err, &fe) || errors.Is(err, store.ErrDuplicateName)
}

// message renders an error for stderr: field errors one per line as
// "--flag: what is wrong and how to fix it", the rest as one clean line.
// Everything is cleaned of control characters and escape sequences: errors
// can carry text from outside (names, server messages).
func message(err error) string {
	var ie *flow.InputError
	if errors.As(err, &ie) {
		lines := make([]string, len(ie.Fields))
		for i, f := range ie.Fields {
			lines[i] = fieldLine(f)
		}
		return strings.Join(lines, "\n")
	}
	var fe *validate.FieldError
	if errors.As(err, &fe) && errors.Unwrap(err) == nil {
		return fieldLine(fe)
	}
	return "xops: " + oneLine(err.Error())
}

// fieldLine names a field as the admin gives it: a flag (flow's lower-case
// field names: "--name") or, when the command line renamed it, a positional
// argument or an environment variable as is ("NEWNAME", "XOPS_NEW_PASSPHRASE").
func fieldLine(f *validate.FieldError) string {
	name := f.Field
	if strings.IndexFunc(name, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') }) < 0 {
		name = "--" + name
	}
	return name + ": " + oneLine(f.Message)
}

// renameFields gives the fields of refused input the name the admin knows
// them by here (a positional argument, an environment variable) when flow
// named them after another way in. Other errors are returned as they are.
func renameFields(err error, from, to string) error {
	var ie *flow.InputError
	if !errors.As(err, &ie) {
		return err
	}
	fields := make([]*validate.FieldError, len(ie.Fields))
	for i, f := range ie.Fields {
		c := *f
		if c.Field == from {
			c.Field = to
		}
		fields[i] = &c
	}
	return &flow.InputError{Fields: fields}
}

// oneLine is safetext.Line: no control characters, no escapes, one line.
func oneLine(s string) string { return safetext.Line(s) }
