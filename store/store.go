package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
)

// DefaultTimeout is how long an operation waits for another process to let
// go of the file before it gives up with a *LockedError.
const DefaultTimeout = 2 * time.Second

// Options tune a Store. The zero value is ready to use.
type Options struct {
	// Timeout bounds the wait for the file lock of each operation (zero: DefaultTimeout).
	Timeout time.Duration
	// Now is the store's clock, used to stamp audit entries and new accounts
	// (nil: time.Now). Tests inject a fixed clock.
	Now func() time.Time
	// MustExist opens only a store that is already there, to read it (a
	// pending scrub of removed keys waits for an Open without it): when the file is
	// missing, Open returns an error wrapping ErrNoStore and creates nothing
	// (neither the folder nor the file). Commands that only read or change
	// existing accounts set it, so a mistyped --store makes no stray store.
	MustExist bool
}

// ErrNoStore is wrapped by the error Open returns, with Options.MustExist,
// when there is no store file at the path. Nothing was created.
var ErrNoStore = errors.New("there is no store file there")

// Store is an xops store file. It does not keep the file open: every method
// opens bbolt, runs one transaction and closes it again, so a TUI left open in
// one SSH session never locks out `xops accounts …` run from cron. Readers
// take a shared lock and do not block each other.
//
// A Store is safe for use by several goroutines. Callbacks (the fn of
// UpdateAccount and RewriteKeys) must not call the Store: the transaction
// they run in holds the lock, so such a call fails with a *LockedError.
type Store struct {
	path     string
	timeout  time.Duration
	now      func() time.Time
	warnings []string

	// mu orders this handle's own operations so that its writers queue here
	// rather than on bbolt's 50 ms flock polling.
	mu     sync.RWMutex
	closed atomic.Bool
}

// DefaultPath is where the store lives unless --store / XOPS_STORE say
// otherwise: $XDG_DATA_HOME/xops/xops.db, else ~/.local/share/xops/xops.db.
func DefaultPath() (string, error) {
	// The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
	if dir := os.Getenv("XDG_DATA_HOME"); dir != "" && filepath.IsAbs(dir) {
		return filepath.Join(dir, "xops", "xops.db"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("finding the default store location: %w; set XDG_DATA_HOME or pass --store", err)
	}
	return filepath.Join(home, ".local", "share", "xops", "xops.db"), nil
}

// Open opens the store at path, creating its folder (0700) and the file
// (0600) when they are missing. A new file gets every bucket and the schema
// version in one step, so no other process ever sees it half made. With
// Options.MustExist nothing is created: a missing file is ErrNoStore.
//
// An existing file is only read here: a file written by a newer xops is
// refused with an error wrapping ErrSchemaTooNew and is not written at all.
// Folder and file permissions that are more open than 0700/0600 do not stop
// the store; they are reported by Warnings.
func Open(path string, opts Options) (*Store, error) {
	if path == "" {
		return nil, errors.New("store path is empty: pass --store PATH or leave it unset for the default")
	}
	// An absolute path keeps messages clear when cron runs xops elsewhere.
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	s := &Store{path: path, timeout: opts.Timeout, now: opts.Now}
	if s.timeout <= 0 {
		s.timeout = DefaultTimeout
	}
	if s.now == nil {
		s.now = time.Now
	}
	if opts.MustExist {
		if err := s.mustExist(); err != nil {
			return nil, err
		}
	}
	if err := s.ensureDir(); err != nil {
		return nil, err
	}
	if !opts.MustExist {
		if err := s.ensureFile(); err != nil {
			return nil, err
		}
	}
	// The schema check runs read-only: a newer file must not be touched.
	// It never creates the file either (see run).
	scrubPending := false
	if err := s.view(func(tx *bolt.Tx) error {
		scrubPending = tx.Bucket(bucketMeta).Get(metaScrubPending) != nil
		return nil
	}); err != nil {
		if opts.MustExist && errors.Is(err, fs.ErrNotExist) {
			return nil, s.noStore() // deleted since mustExist looked
		}
		return nil, err
	}
	// A scrub an earlier xops was stopped before finishing is done by the
	// next Open that may write (the TUI, link): not by a read-only one
	// (MustExist: list, show, store check, store backup), which must leave
	// the file as it is — store check in particular, whose job is to look
	// at a file that may be damaged before anything writes to it.
	if scrubPending && !opts.MustExist {
		s.finishScrub()
	}
	s.collectFileWarning()
	return s, nil
}

// mustExist refuses, creating nothing, a path with no store file: its folder
// is missing, or the file is. The folder is not made by ensureDir then, as
// it exists when the file does.
func (s *Store) mustExist() error {
	fi, err := os.Stat(s.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return s.noStore()
	case err != nil:
		return fmt.Errorf("checking the store file %s: %w", s.path, err)
	case fi.IsDir():
		return fmt.Errorf("%s is a folder, not a store file: pass --store with a file path", s.path)
	}
	return nil
}

func (s *Store) noStore() error {
	return fmt.Errorf("%s: %w (nothing was created)", s.path, ErrNoStore)
}

// Path is the store file.
func (s *Store) Path() string { return s.path }

// Warnings lists what Open noticed but did not refuse, such as a store file
// other users can read; each says how to fix it.
func (s *Store) Warnings() []string { return append([]string(nil), s.warnings...) }

// Close ends the use of the store. No file is held between operations, so
// there is nothing to flush; later calls return ErrClosed.
func (s *Store) Close() error {
	s.closed.Store(true)
	return nil
}

// Generation is a counter every write transaction increments. The TUI polls
// it to notice, cheaply (one small read), that another process changed the
// store. Read it before loading what it guards (Generation, then Accounts):
// a write that lands in between then shows up as a change at the next poll
// instead of being missed.
func (s *Store) Generation() (uint64, error) {
	var g uint64
	err := s.view(func(tx *bolt.Tx) error {
		g = generation(tx)
		return nil
	})
	return g, err
}
