package main

import (
	"encoding/json"
	"errors"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/flow/wizard"
	"github.com/xops/xops/store"
	"github.com/xops/xops/ui/autosetup"
	"github.com/xops/xops/ui/uikit"
	uiwizard "github.com/xops/xops/ui/wizard"
)

// linkScreen makes "Link a New Microsoft Account": the choice between the
// automatic setup (issue 8) and the guided wizard wd describes. The
// automatic path signs in on the cloud chosen with the global flags, or in
// the sandbox tenant, whose simulated admin approves the code by itself.
func (a *app) linkScreen(svc *flow.Service, st *store.Store, wd uiwizard.Deps) func() uikit.Screen {
	ad := autosetup.Deps{Service: svc, Drafts: st, Now: a.now, Sandbox: a.g.sandbox,
		Guided: func() uikit.Screen { return uiwizard.New(wd) }}
	if ep, client, err := a.endpoints(); err == nil {
		ad.Entra = func() flow.AdminSetup { return &entra.Setup{Endpoints: ep, HTTP: client} }
	} // else the flags were refused already; the screen then offers the guided path only
	return func() uikit.Screen { return autosetup.New(ad) }
}

// anyLinkDraft reports whether a link is in progress, guided or automatic,
// so the TUI opens "Link a New Microsoft Account" at start to offer it.
func anyLinkDraft(st *store.Store) func() (bool, error) {
	return func() (bool, error) {
		if _, err := st.Draft(wizard.DraftKind); err == nil || !errors.Is(err, store.ErrNotFound) {
			return err == nil, err
		}
		raw, err := st.Draft(flow.AutoDraftKind)
		if errors.Is(err, store.ErrNotFound) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		// Only a run that stopped before saving the account is offered (as the
		// screen does); one saved and not yet verified is verified from Home.
		var p flow.AutoProgress
		return json.Unmarshal(raw, &p) == nil && p.V == 1 && p.AccountID == "", nil
	}
}
