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
// With Options.Update the save is a merge, in one transaction of the store:
// this process's changes since it last loaded or saved (an app registered, a
// consent granted, a certificate uploaded…) are applied to the state saved
// now, so a change another process saved meanwhile is kept, and this tenant
// takes it in as well. With Options.Persist the whole state is written, and
// the last process to save wins. With neither, Flush does nothing.
func (s *Sandbox) Flush() error {
	if s.persist == nil && s.updateState == nil {
		return nil
	}
	s.persistMu.Lock()
	defer s.persistMu.Unlock()
	ours, err := s.MarshalState()
	if err != nil {
		return err
	}
	if bytes.Equal(ours, s.persisted) {
		return nil
	}
	if s.updateState == nil {
		if err := s.persist(ours); err != nil {
			return fmt.Errorf("sandbox: save the tenant's state: %w", err)
		}
		s.persisted, s.base = ours, ours
		return nil
	}
	base := s.base
	var merged []byte
	err = s.updateState(func(saved []byte) ([]byte, error) {
		m, err := mergeStates(base, ours, saved)
		if err != nil {
			return nil, err
		}
		merged = m
		return m, nil
	})
	if err != nil {
		return fmt.Errorf("sandbox: save the tenant's state: %w", err)
	}
	if merged == nil {
		return fmt.Errorf("sandbox: save the tenant's state: Options.Update did not call apply")
	}
	s.persisted, s.base = merged, merged
	return s.adopt(ours, merged)
}

// Overwrite saves this tenant in place of the saved one, whatever that holds,
// without merging: for a caller that has set aside a saved tenant that does
// not load (which a merge refuses to replace) and starts afresh. Without
// Options.Update or Options.Persist it does nothing.
func (s *Sandbox) Overwrite() error {
	if s.persist == nil && s.updateState == nil {
		return nil
	}
	s.persistMu.Lock()
	defer s.persistMu.Unlock()
	ours, err := s.MarshalState()
	if err != nil {
		return err
	}
	if s.updateState != nil {
		err = s.updateState(func([]byte) ([]byte, error) { return ours, nil })
	} else {
		err = s.persist(ours)
	}
	if err != nil {
		return fmt.Errorf("sandbox: save the tenant's state: %w", err)
	}
	s.persisted, s.base = ours, ours
	return nil
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
	s.base = state
	if s.persist != nil || s.updateState != nil {
		s.persisted = state
	}
	s.persistMu.Unlock()
}
