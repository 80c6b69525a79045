package ui

import (
	"context"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/internal/safetext"
	"github.com/xops/xops/ui/uikit"
	"github.com/xops/xops/ui/verifyview"
)

// accountPage makes the page for an account location, afresh on every
// visit: each reads the account as it is now.
func (m *Model) accountPage(loc flow.Location) uikit.Screen {
	if loc.Page == flow.PageAccount {
		return newAccountScreen(loc.Account, m.deps.Store, m.deps.Now, m.deps.Service != nil)
	}
	svc := m.deps.Service
	if svc == nil {
		return newActionUnavailable(loc)
	}
	switch loc.Page {
	case flow.PageVerify:
		d := m.verifyDeps(svc, loc.Account)
		d.Continue = verifyLeaveLabel(m.state)
		scr := newAccountVerifyScreen(d)
		if m.deps.SandboxTenant != nil {
			scr.withSandbox(&sandboxRedo{tenant: m.deps.SandboxTenant, svc: svc, account: loc.Account})
		}
		return scr
	case flow.PageExport:
		return newExportScreen(loc.Account, svc)
	case flow.PageRotate:
		return newRotateScreen(loc.Account, svc, m.verifyDeps(pendingVerifier{svc}, loc.Account), m.deps.SandboxUpload)
	case flow.PageRename:
		return newRenameScreen(loc.Account, svc)
	case flow.PageDelete:
		return newDeleteScreen(loc.Account, svc)
	}
	return newActionUnavailable(loc)
}

// verifyDeps are the verification screen's dependencies for one account.
// Deps.VerifyAutoRetry, when set, replaces the screen's default pause (tests
// turn it off).
func (m *Model) verifyDeps(v verifyview.Verifier, name string) verifyview.Deps {
	return verifyview.Deps{Verifier: v, Account: name, Now: m.deps.Now, AutoRetry: m.deps.VerifyAutoRetry}
}

// pendingVerifier verifies an account's pending certificate (a rotation)
// instead of its active one, for the hosted verification screen.
type pendingVerifier struct{ svc *flow.Service }

var _ verifyview.Verifier = pendingVerifier{}

func (v pendingVerifier) VerifyAccount(ctx context.Context, name string, onCheck func(entra.CheckResult)) (entra.Report, error) {
	return v.svc.VerifyPending(ctx, name, onCheck)
}

// actionUnavailable stands for an action when xops runs without its
// service (a read-only build or test): it says so instead of pretending.
type actionUnavailable struct {
	styles uikit.Styles
	width  int
	loc    flow.Location
}

func newActionUnavailable(loc flow.Location) *actionUnavailable { return &actionUnavailable{loc: loc} }

func (p *actionUnavailable) Init() tea.Cmd { return nil }

func (p *actionUnavailable) Update(tea.Msg) (uikit.Screen, tea.Cmd) { return p, nil }

func (p *actionUnavailable) View() string {
	return p.styles.Title.Render(truncate(locationTitle(p.loc)+" “"+safetext.Line(p.loc.Account)+"”", p.width)) + "\n\n" +
		wrap("This action is not available in this build of xops: nothing was changed. "+
			"The command line can do it: see `xops accounts --help`. esc goes back.", p.width)
}

func (p *actionUnavailable) SetSize(w, _ int) { p.width = w }

func (p *actionUnavailable) SetStyles(s uikit.Styles) { p.styles = s }

func (p *actionUnavailable) KeyMap() help.KeyMap { return noKeys{} }

func (p *actionUnavailable) Capturing() bool { return false }
