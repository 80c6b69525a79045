package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Flush saves the tenant's state (as MarshalState writes it) if it changed
// since it was last saved or loaded. The sandbox calls it after every change
// it makes — an admin-center action or a request that wrote (Graph, a first
// Graph read of an upload) — so the saved tenant is never behind what
// another record (a wizard's draft, an account) already refers to, however
// the process ends. An unchanged tenant is not written again: a process that
// changed nothing does not overwrite what another one saved meanwhile.
//
// The save is a merge, in one transaction of the store (Options.Update):
// this process's changes since it last loaded or saved (an app registered, a
// consent granted, a certificate uploaded…) are applied to the state saved
// now, so a change another process saved meanwhile is kept, and this tenant
// takes it in as well. Without Options.Update, Flush does nothing.
func (s *Sandbox) Flush() error { return s.save(false) }

// Overwrite saves this tenant in place of the saved one, whatever that holds,
// without merging: for a caller that has set aside a saved tenant that does
// not load (which a merge refuses to replace) and starts afresh. Without
// Options.Update it does nothing.
func (s *Sandbox) Overwrite() error { return s.save(true) }

// save writes the tenant inside Options.Update's transaction: merged into
// the state saved now, or in its place (overwrite). What it wrote becomes
// the base of the next merge, and the tenant takes it in.
func (s *Sandbox) save(overwrite bool) error {
	if s.updateState == nil {
		return nil
	}
	s.persistMu.Lock()
	defer s.persistMu.Unlock()
	ours, err := s.MarshalState()
	if err != nil {
		return err
	}
	if !overwrite && s.stored && bytes.Equal(ours, s.base) {
		return nil // unchanged since the last load or save
	}
	base := s.base
	var written []byte
	err = s.updateState(func(saved []byte) ([]byte, error) {
		out := ours
		if !overwrite {
			m, err := mergeStates(base, ours, saved)
			if err != nil {
				return nil, err
			}
			out = m
		}
		written = out
		return out, nil
	})
	if err != nil {
		return fmt.Errorf("sandbox: save the tenant's state: %w", err)
	}
	if written == nil {
		return fmt.Errorf("sandbox: save the tenant's state: Options.Update did not call apply")
	}
	s.base, s.stored = written, true
	return s.adopt(ours, written)
}

// adopt makes the tenant the merged state just saved, keeping what this
// process changed while the save ran (after ours was taken): that change is
// merged on top and saved by the Flush of whoever made it.
func (s *Sandbox) adopt(ours, merged []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now, err := json.Marshal(s.state)
	if err != nil {
		return fmt.Errorf("sandbox: encode state: %w", err)
	}
	if bytes.Equal(now, ours) && bytes.Equal(merged, ours) {
		return nil // nobody else changed anything
	}
	next := merged
	if !bytes.Equal(now, ours) {
		if next, err = mergeStates(ours, now, merged); err != nil {
			return fmt.Errorf("sandbox: take in the saved tenant: %w", err)
		}
	}
	st, err := decodeState(next)
	if err != nil {
		return fmt.Errorf("sandbox: take in the saved tenant: %w", err)
	}
	s.state = st
	return nil
}

// changed saves the tenant after a change that succeeded (err == nil) and
// returns err, or why the change could not be saved.
func (s *Sandbox) changed(err error) error {
	if err != nil {
		return err
	}
	return s.Flush()
}

// loaded records state (just loaded) as what the store already holds and
// as the base of the next merge.
func (s *Sandbox) loaded() {
	state, err := s.MarshalState()
	if err != nil {
		return // the next Flush writes it
	}
	s.persistMu.Lock()
	s.base, s.stored = state, true
	s.persistMu.Unlock()
}
