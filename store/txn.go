package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime/debug"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// txKind says what run does with its transaction.
type txKind int

const (
	txRead  txKind = iota // read-only, shared lock
	txWrite               // read-write, exclusive lock, generation bumped
	// txScrub is read-write under the exclusive lock but changes no record,
	// so the generation stays: a TUI polling it has nothing to reload.
	txScrub
)

// view runs fn in a read-only transaction under a shared file lock.
func (s *Store) view(fn func(*bolt.Tx) error) error { return s.run(txRead, fn) }

// update runs fn in a write transaction under the exclusive file lock and
// bumps the generation when fn succeeds.
func (s *Store) update(fn func(*bolt.Tx) error) error { return s.run(txWrite, fn) }

// callerPanic carries a panic raised by caller code (an UpdateAccount fn)
// through run's recovery untouched: it is the caller's bug, not a damaged file.
type callerPanic struct{ value any }

// callCaller runs caller-supplied code inside a transaction.
func callCaller(fn func() error) error {
	defer func() {
		if r := recover(); r != nil {
			panic(callerPanic{r})
		}
	}()
	return fn()
}

// run opens the file for exactly one transaction. It never leaves the file
// open or locked, never waits longer than the timeout for the lock, and turns
// the panics and memory faults that bbolt can raise on a damaged file into an
// error naming the file.
func (s *Store) run(kind txKind, fn func(*bolt.Tx) error) (err error) {
	write := kind != txRead
	if s.closed.Load() {
		return fmt.Errorf("%s: %w", s.path, ErrClosed)
	}
	unlock, ok := s.lockProcess(write)
	if !ok {
		return &LockedError{Path: s.path}
	}
	defer unlock()

	var file *os.File
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		// bbolt may panic half way through Open: closing the file releases its lock.
		if file != nil {
			_ = file.Close()
		}
		if cp, ok := r.(callerPanic); ok {
			panic(cp.value)
		}
		err = s.corrupt(fmt.Errorf("reading it failed: %v", r))
	}()
	// bbolt reads through a memory map; on a truncated file that faults
	// (SIGBUS). This turns the fault into a panic the defer above recovers.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))

	db, err := bolt.Open(s.path, 0o600, &bolt.Options{
		Timeout:  s.timeout,
		ReadOnly: !write,
		OpenFile: func(name string, flag int, perm os.FileMode) (*os.File, error) {
			// Never create here: a store deleted under our feet must not
			// silently come back empty (Open is where stores are made).
			f, err := os.OpenFile(name, flag&^os.O_CREATE, perm)
			if err != nil {
				return nil, err
			}
			file = f
			// bbolt would format an empty file as a new database.
			if fi, err := f.Stat(); err == nil && fi.Size() == 0 {
				_ = f.Close()
				file = nil
				return nil, errEmptyFile
			}
			return f, nil
		},
	})
	if err != nil {
		return s.openError(err)
	}
	defer func() {
		if cerr := db.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("closing %s: %w", s.path, cerr)
		}
	}()

	body := func(tx *bolt.Tx) error {
		if err := s.checkSize(tx, file); err != nil {
			return err
		}
		if err := s.checkLayout(tx); err != nil {
			return err
		}
		if err := fn(tx); err != nil {
			return err
		}
		if kind == txWrite {
			return bumpGeneration(tx)
		}
		return nil
	}
	if write {
		return db.Update(body)
	}
	return db.View(body)
}

// lockProcess takes the in-process side of the lock, giving up after the
// timeout like the file lock does: a caller that re-enters the store from
// inside an UpdateAccount fn gets a *LockedError instead of a deadlock.
func (s *Store) lockProcess(write bool) (unlock func(), ok bool) {
	try, unlock := s.mu.TryRLock, s.mu.RUnlock
	if write {
		try, unlock = s.mu.TryLock, s.mu.Unlock
	}
	deadline := time.Now().Add(s.timeout)
	for !try() {
		if time.Now().After(deadline) {
			return nil, false
		}
		time.Sleep(time.Millisecond)
	}
	return unlock, true
}

var errEmptyFile = errors.New("the file is empty (0 bytes)")

// checkSize catches a truncated file before any page beyond its end is read.
func (s *Store) checkSize(tx *bolt.Tx, f *os.File) error {
	if f == nil {
		return nil
	}
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("checking the size of %s: %w", s.path, err)
	}
	if need := tx.Size(); fi.Size() < need {
		return s.corrupt(fmt.Errorf("it is truncated: %d bytes where at least %d are needed", fi.Size(), need))
	}
	return nil
}

// openError explains why bbolt could not open the file.
func (s *Store) openError(err error) error {
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return &LockedError{Path: s.path}
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("store file %s no longer exists (moved or deleted?); run xops again to create a new one, or restore a backup: %w", s.path, err)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("cannot open %s: %w; check that you own it (chmod 600 %s)", s.path, err, s.path)
	case errors.Is(err, errEmptyFile):
		return s.corrupt(err)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum), errors.Is(err, berrors.ErrVersionMismatch):
		return s.corrupt(fmt.Errorf("it is not a bbolt database or its header is damaged (%w)", err))
	case strings.HasPrefix(err.Error(), "file size too small"):
		// bbolt has no sentinel for a file shorter than its two meta pages.
		return s.corrupt(fmt.Errorf("it is truncated (%w)", err))
	default:
		return fmt.Errorf("opening %s: %w", s.path, err)
	}
}

// corrupt wraps a problem with the file itself in ErrCorrupt, naming the file
// and the way out.
func (s *Store) corrupt(err error) error {
	return &corruptError{path: s.path, err: err}
}

// corruptError is a store file xops cannot use. Its message names the file,
// what is wrong and the ways out, once; it matches ErrCorrupt and the cause.
type corruptError struct {
	path string
	err  error
}

func (e *corruptError) Error() string {
	return fmt.Sprintf("%s is damaged and cannot be used: %v; restore a backup made with `xops store backup` (copy it over this file), "+
		"or move the file aside and xops starts a new, empty store (`xops store check --store %s` lists the damage it can read)",
		e.path, e.err, e.path)
}

func (e *corruptError) Unwrap() []error { return []error{e.err, ErrCorrupt} }
