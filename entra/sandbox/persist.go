package sandbox

import (
	"bytes"
	"fmt"
)

// Flush hands the tenant's state (as MarshalState writes it) to
// Options.Persist if it changed since it was last handed over or loaded.
// The sandbox calls it after every change it makes — an admin-center action
// or a request that wrote (Graph, a first Graph read of an upload) — so the
// saved tenant is never behind what another record (a wizard's draft, an
// account) already refers to, however the process ends. An unchanged tenant
// is not written again: a process that changed nothing does not overwrite
// what another one saved meanwhile. Without Options.Persist it does nothing.
func (s *Sandbox) Flush() error {
	if s.persist == nil {
		return nil
	}
	s.persistMu.Lock()
	defer s.persistMu.Unlock()
	state, err := s.MarshalState()
	if err != nil {
		return err
	}
	if bytes.Equal(state, s.persisted) {
		return nil
	}
	if err := s.persist(state); err != nil {
		return fmt.Errorf("sandbox: save the tenant's state: %w", err)
	}
	s.persisted = state
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

// loaded records state (just loaded) as what Options.Persist already holds.
func (s *Sandbox) loaded() {
	if s.persist == nil {
		return
	}
	state, err := s.MarshalState()
	if err != nil {
		return // the next Flush writes it
	}
	s.persistMu.Lock()
	s.persisted = state
	s.persistMu.Unlock()
}
