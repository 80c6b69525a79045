package main

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/entra/sandbox"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/store"
)

// storeTimeout bounds the wait for a store another process holds: the
// contract is a clear error within about two seconds, never a hang.
const storeTimeout = time.Second

// sandboxStateKey is the setting under which the sandbox store keeps the
// simulated tenant between runs (apps registered, certificates uploaded…).
const sandboxStateKey = "sandbox.tenant"

// storePath is --store / XOPS_STORE, else the default file; in sandbox mode
// the default is xops-sandbox.db beside it, so play never mixes with real accounts.
func (a *app) storePath() (string, error) {
	if a.g.store != "" {
		return a.g.store, nil
	}
	p, err := store.DefaultPath()
	if err != nil {
		// HOME unset: bad input from the environment (exit 2), nothing made.
		return "", usageErr("no default store path: %v, or set XOPS_STORE", err)
	}
	if a.g.sandbox {
		p = filepath.Join(filepath.Dir(p), "xops-sandbox.db")
	}
	return p, nil
}

// openStore opens the store once per run, creating it when there is none;
// close releases it. Only the commands that link accounts (link, the TUI,
// accessible mode) and 'store passphrase set' create: the others use
// openExistingStore.
func (a *app) openStore() (*store.Store, error) {
	return a.openStoreWith(false)
}

// openExistingStore opens the store once per run without ever creating it:
// when there is none, the error wraps store.ErrNoStore (exit 1), the folder
// and file are left as they were, and a.stPath names the path looked at.
// Read-only commands and those that act on one account use it, so that a
// mistyped --store makes no stray store.
func (a *app) openExistingStore() (*store.Store, error) {
	return a.openStoreWith(true)
}

func (a *app) openStoreWith(mustExist bool) (*store.Store, error) {
	if a.st != nil {
		return a.st, nil
	}
	p, err := a.storePath()
	if err != nil {
		return nil, err
	}
	if x := a.env("XDG_DATA_HOME"); a.g.store == "" && x != "" && !filepath.IsAbs(x) {
		a.warn("XDG_DATA_HOME=%q is not an absolute path, so it is ignored (as the XDG spec says) and the store is %s; "+
			"set it to an absolute path, or give --store", x, p)
	}
	if err := a.checkStorePath(p); err != nil {
		return nil, err
	}
	st, err := store.Open(p, store.Options{Timeout: storeTimeout, MustExist: mustExist})
	if errors.Is(err, store.ErrNoStore) {
		if abs, aerr := filepath.Abs(p); aerr == nil {
			p = abs
		}
		a.stPath = p
		return nil, failedErr(err)
	}
	if err != nil {
		return nil, failedErr(a.storeOpenError(p, err))
	}
	a.st, a.stPath = st, p
	for _, w := range st.Warnings() {
		a.warn("%s", w)
	}
	return st, nil
}

// storeSource names where the store path came from, for a message that
// starts with what to fix: "--store: ", "XOPS_STORE: ", or nothing for the
// default path.
func (a *app) storeSource() string {
	if a.g.storeSrc == "" {
		return ""
	}
	return a.g.storeSrc + ": "
}

// checkStorePath refuses (exit 2, nothing made) a store path that is a
// folder or lies under a file: bad input, not a store that failed to open.
func (a *app) checkStorePath(p string) error {
	src := a.storeSource()
	if src == "" {
		src = "the store path: "
	}
	if fi, err := os.Stat(p); err == nil && fi.IsDir() {
		return usageErr("%s%s is a folder, not a store file; give a file path such as %s", src, p, filepath.Join(p, "xops.db"))
	}
	for dir := filepath.Dir(p); ; dir = filepath.Dir(dir) {
		if fi, err := os.Stat(dir); err == nil {
			if !fi.IsDir() {
				return usageErr("%s%s is not a folder (it is a file), so no store can be made under it; give a path inside a folder", src, dir)
			}
			return nil
		}
		if parent := filepath.Dir(dir); parent == dir {
			return nil
		}
	}
}

// storeOpenError says what is wrong with the file and what to do, naming it
// and where its path came from.
func (a *app) storeOpenError(path string, err error) error {
	var locked *store.LockedError
	switch {
	case errors.As(err, &locked):
		return err // its message names the file and says what to do
	case errors.Is(err, store.ErrSchemaTooNew):
		return fmt.Errorf("%s%s: %w; use a newer xops, or point --store elsewhere (nothing was changed)", a.storeSource(), path, err)
	case errors.Is(err, store.ErrCorrupt):
		// Its message names the file, what is wrong and the way out.
		return fmt.Errorf("%s%w", a.storeSource(), err)
	default:
		return fmt.Errorf("%scannot open the store %s: %w (try 'xops store check'; restore from a backup made with 'xops store backup')", a.storeSource(), path, err)
	}
}

// service wires flow's use cases to the store and to Microsoft (or to the sandbox).
func (a *app) service() (*flow.Service, error) {
	st, err := a.openStore()
	if err != nil {
		return nil, err
	}
	v, err := a.verifier()
	if err != nil {
		return nil, err
	}
	return &flow.Service{Store: st, Verifier: v, VerifierFor: a.verifierFor(v), Cloud: a.g.cloud, Now: a.now,
		Passphrase: a.passphraseProvider(), ScryptWorkFactor: scryptWorkFactor}, nil
}

// verifierFor gives the verifier for an account linked in a cloud: def (the
// global flags' cloud, or the sandbox) unless the account lives in another
// cloud and --cloud / XOPS_CLOUD did not ask for one explicitly. The endpoint
// overrides apply either way.
func (a *app) verifierFor(def *entra.Verifier) func(cloud string) (flow.Verifier, error) {
	return func(cloud string) (flow.Verifier, error) {
		if a.g.sandbox || a.g.cloudChosen || cloud == "" || strings.EqualFold(cloud, def.Endpoints.Cloud) {
			return def, nil
		}
		ep, err := entra.ResolveEndpoints(cloud, a.g.authorityHost, a.g.exchangeURL, a.g.graphURL)
		if err != nil {
			return nil, fmt.Errorf("%w (the account's stored cloud; --cloud NAME checks it in another)", err)
		}
		v := *def // every setting of the default verifier but its hosts
		v.Endpoints = ep
		return &v, nil
	}
}

// verifier talks to the cloud chosen with the global flags, or to the sandbox.
func (a *app) verifier() (*entra.Verifier, error) {
	ep, client, err := a.endpoints()
	if err != nil {
		return nil, err
	}
	return &entra.Verifier{Endpoints: ep, HTTP: client, Now: a.now}, nil
}

// endpoints are the hosts to talk to and the HTTP client that trusts them:
// the cloud chosen with the global flags, or the sandbox tenant (started here).
func (a *app) endpoints() (entra.Endpoints, *http.Client, error) {
	if a.g.sandbox {
		sb, err := a.startSandbox()
		if err != nil {
			return entra.Endpoints{}, nil, err
		}
		return sb.Endpoints(), sb.HTTPClient(), nil
	}
	ep, err := entra.ResolveEndpoints(a.g.cloud, a.g.authorityHost, a.g.exchangeURL, a.g.graphURL)
	if err != nil {
		return entra.Endpoints{}, nil, usageErr("%v", err) // names the flag; resolveGlobals checked them already
	}
	// nil roots: the system pool, so SSL_CERT_FILE works as Go documents.
	return ep, entra.NewHTTPClient(nil), nil
}

// startSandbox starts the simulated tenant in this process, restoring its
// state from the sandbox store.
func (a *app) startSandbox() (*sandbox.Sandbox, error) {
	if a.sb != nil {
		return a.sb, nil
	}
	st, err := a.openStore()
	if err != nil {
		return nil, err
	}
	// The tenant is saved at every change (not only when xops exits), like
	// the wizard's draft: a draft never refers to an app the saved tenant
	// does not have, whether this process is killed or another one starts.
	// Each save merges this process's changes into the tenant saved now, in
	// one store transaction, so two xops --sandbox keep each other's.
	update := func(apply func(saved []byte) ([]byte, error)) error {
		return st.UpdateSetting(sandboxStateKey, apply)
	}
	sb, err := sandbox.New(sandbox.Options{Now: a.now, Update: update})
	if err != nil {
		return nil, failedErr(fmt.Errorf("make the sandbox tenant: %w", err))
	}
	if state, err := st.Setting(sandboxStateKey); err == nil {
		if err := a.loadSandboxState(st, sb, state); err != nil {
			return nil, err
		}
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, failedErr(fmt.Errorf("read the sandbox tenant's state: %w", err))
	}
	if err := sb.Start(); err != nil {
		return nil, failedErr(fmt.Errorf("start the sandbox tenant: %w", err))
	}
	a.sb = sb
	return sb, nil
}

// loadSandboxState restores the saved tenant into sb. A tenant that does not
// load is never lost:
//   - one a newer xops saved is not damaged, only unreadable here: the
//     sandbox does not start and nothing is written (as a store of a newer
//     schema is refused), so that xops finds it intact;
//   - a damaged one is first copied to a setting of its own (named in the
//     warning), then replaced by a fresh tenant, saved at once so the next
//     start does not set it aside again. Refusing to start instead would
//     leave the sandbox unusable with no command to reset it; starting
//     without saving would make every run lose its work. When the copy
//     cannot be written, the sandbox does not start and nothing changes.
//
// The warning goes to stderr and to the TUI (a.warnings), whose full screen
// hides stderr.
func (a *app) loadSandboxState(st *store.Store, sb *sandbox.Sandbox, state []byte) error {
	loadErr := sb.LoadState(state)
	if loadErr == nil {
		return nil
	}
	if errors.Is(loadErr, sandbox.ErrStateTooNew) {
		return failedErr(fmt.Errorf("%s: %w; use a newer xops, or point --store elsewhere (nothing was changed)", a.stPath, loadErr))
	}
	kept, err := keepUnreadableSetting(st, sandboxStateKey, state, a.now())
	if err != nil {
		return failedErr(fmt.Errorf("the saved sandbox tenant does not load (%v) and could not be set aside (%w); nothing was changed", loadErr, err))
	}
	// A merge refuses to replace a tenant it cannot read: this one is set
	// aside, so the fresh tenant takes its place.
	if err := sb.Overwrite(); err != nil {
		return failedErr(fmt.Errorf("start a fresh sandbox tenant: %w (the unreadable one is kept as setting %q)", err, kept))
	}
	a.warn("the saved sandbox tenant did not load, so a fresh one started; the old one is kept in the store as setting %q (%v)", kept, loadErr)
	return nil
}

// keepUnreadableSetting copies the value of setting key that no longer reads
// to key.unreadable-TIMESTAMP (with -2, -3… if that name holds other bytes)
// and returns the name. Bytes already kept under that name are not copied twice.
func keepUnreadableSetting(st *store.Store, key string, value []byte, now time.Time) (string, error) {
	base := key + ".unreadable-" + now.UTC().Format("20060102T150405Z")
	for n := 1; n <= 100; n++ {
		name := base
		if n > 1 {
			name = fmt.Sprintf("%s-%d", base, n)
		}
		old, err := st.Setting(name)
		switch {
		case err == nil && bytes.Equal(old, value):
			return name, nil
		case err == nil:
			continue
		case !errors.Is(err, store.ErrNotFound):
			return "", err
		}
		if err := st.PutSetting(name, value); err != nil {
			return "", err
		}
		return name, nil
	}
	return "", fmt.Errorf("every name from %s to %s-100 is taken", base, base)
}

// close saves what is left of the sandbox tenant's state, stops it and
// closes the store.
func (a *app) close() error {
	var errs []error
	if a.sb != nil {
		// Saved at every change already; this writes only what a failed
		// save left behind. An unchanged tenant is not written, so it does
		// not overwrite what another xops saved meanwhile.
		if err := a.sb.Flush(); err != nil {
			errs = append(errs, fmt.Errorf("save the sandbox tenant: %w", err))
		}
		if err := a.sb.Close(); err != nil {
			errs = append(errs, fmt.Errorf("stop the sandbox tenant: %w", err))
		}
		a.sb = nil
	}
	if a.st != nil {
		if err := a.st.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close the store: %w", err))
		}
		a.st = nil
	}
	return errors.Join(errs...)
}

// warn prints a message that does not stop the command, cleaned like every
// message (it may carry a path or a server's words). It is kept in
// a.warnings too: the TUI shows those, as its full screen hides stderr.
func (a *app) warn(format string, args ...any) {
	msg := oneLine(fmt.Sprintf(format, args...))
	a.warnings = append(a.warnings, msg)
	fmt.Fprintf(a.stderr, "xops: warning: %s\n", msg)
}

// readService is the service without a verifier, for commands that only read
// or change records: no sandbox is started for them.
func (a *app) readService() (*flow.Service, error) {
	st, err := a.openStore()
	if err != nil {
		return nil, err
	}
	return &flow.Service{Store: st, Cloud: a.g.cloud, Now: a.now, Passphrase: a.passphraseProvider(), ScryptWorkFactor: scryptWorkFactor}, nil
}

// readAccount is readService and the account called name, for the commands
// that act on one account; its errors are already classified for the exit
// code. It never creates the store: with none, the account is not found.
func (a *app) readAccount(name string) (*flow.Service, store.Account, error) {
	if err := a.requireStore(name); err != nil {
		return nil, store.Account{}, err
	}
	svc, err := a.readService()
	if err != nil {
		return nil, store.Account{}, err
	}
	acc, err := svc.Account(name)
	if err != nil {
		return nil, store.Account{}, classify(err)
	}
	return svc, acc, nil
}

// requireStore opens the existing store for a command that acts on the
// account called name. Without a store there is no such account (exit 1, as
// for a name the store does not hold), and the message says where xops
// looked, for a mistyped --store; nothing is created.
func (a *app) requireStore(name string) error {
	_, err := a.openExistingStore()
	if errors.Is(err, store.ErrNoStore) {
		return failedErr(fmt.Errorf("%w; there is no store at %s (nothing is linked there; --store or XOPS_STORE point elsewhere?)",
			&flow.NotFoundError{Name: name}, a.stPath))
	}
	return err
}
