package ui

import (
	"context"
	"errors"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/entra/sandbox"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/internal/safetext"
	"github.com/xops/xops/store"
	"github.com/xops/xops/ui/uikit"
	"github.com/xops/xops/ui/verifyview"
)

// rotateScreen replaces an account's certificate without a moment where
// nothing works: a new key and certificate are made beside the old one; the
// admin saves or copies the new certificate and uploads it in Entra; the new
// one is verified; only when it passes, and after the admin confirms, is the
// old one removed (with a reminder to delete it in Entra too). Leaving at
// any point keeps the old, working certificate, and the new one, pending:
// opening the page again resumes.
type rotateScreen struct {
	styles uikit.Styles
	width  int
	height int
	name   string
	svc    *flow.Service
	vdeps  verifyview.Deps
	// sandboxUpload uploads to the simulated tenant (nil outside --sandbox).
	sandboxUpload func(appID string, certPEM []byte) error
	// sandboxUploaded is the id of the new credential whose certificate is
	// on the sandbox's app: the page says so and u is no longer offered.
	sandboxUploaded string

	stage   rotateStage
	busy    string // what is running, when something is
	errText string
	cancel  context.CancelFunc

	account store.Account // as last read
	pem     string        // the new certificate
	newCred store.Credential
	oldCred store.Credential
	path    textinput.Model
	saved   string // where the new certificate was written
	askOver bool   // the file exists: replace it?
	// askCancel: x was pressed; cancel the rotation? (y/n)
	askCancel bool
	verify    *accountVerifyScreen
	body      scrollBody
	keys      rotateKeys
}

var (
	_ uikit.Screen      = (*rotateScreen)(nil)
	_ uikit.BackHandler = (*rotateScreen)(nil)
	_ stopper           = (*rotateScreen)(nil)
)

type rotateStage int

const (
	rotateLoading rotateStage = iota // reading the account
	rotateIntro                      // what will happen; enter starts
	rotateCert                       // save or copy the new certificate
	rotateUpload                     // upload it in Entra
	rotateVerify                     // the hosted verification
	rotateConfirm                    // passed: remove the old one?
	rotateDone                       // rotated
	rotateFailed                     // cannot go on (the account is gone, no active certificate)
)

// Messages of the rotation's commands.
type (
	rotationReadMsg struct {
		account store.Account
		pem     string
		pending store.Credential
		err     error
	}
	rotationStartedMsg struct {
		account store.Account
		pem     string
		err     error
	}
	certSavedMsg struct {
		path string
		err  error
	}
	rotationFinishedMsg struct {
		report entra.Report
		old    store.Credential
		err    error
	}
	rotationCancelledMsg struct{ err error }
	sandboxUploadedMsg   struct{ err error }
)

func newRotateScreen(name string, svc *flow.Service, vdeps verifyview.Deps, sandboxUpload func(string, []byte) error) *rotateScreen {
	ti := newField()
	ti.Prompt = "› "
	ti.CharLimit = 4096
	ti.SetValue("./" + flow.FileNameBase(name) + "-new.cer")
	p := &rotateScreen{name: name, svc: svc, vdeps: vdeps, sandboxUpload: sandboxUpload, path: ti, keys: defaultRotateKeys()}
	p.syncKeys()
	return p
}

// Init reads the account: a rotation already under way resumes at the
// certificate.
func (p *rotateScreen) Init() tea.Cmd {
	p.busy = "Reading the account…"
	svc, name := p.svc, p.name
	return func() tea.Msg {
		a, err := svc.Account(name)
		if err != nil {
			return rotationReadMsg{err: err}
		}
		msg := rotationReadMsg{account: a}
		if _, ok := a.PendingCredential(); ok {
			pem, pending, err := svc.PendingCertificate(name)
			msg.pem, msg.pending, msg.err = string(pem), pending, err
		}
		return msg
	}
}

// Stop cancels work in flight (a verification, a key being made) when the
// admin leaves by tab or quits; what was stored stays as it is.
func (p *rotateScreen) Stop() {
	if p.cancel != nil {
		p.cancel()
		p.cancel = nil
	}
	if p.verify != nil {
		p.verify.Stop()
	}
}

func (p *rotateScreen) Update(msg tea.Msg) (uikit.Screen, tea.Cmd) {
	defer p.syncKeys()
	switch msg := msg.(type) {
	case rotationReadMsg:
		return p, p.read(msg)
	case rotationStartedMsg:
		p.busy, p.cancel = "", nil
		if msg.err != nil {
			p.errText = "Could not start the rotation: " + safetext.Line(msg.err.Error()) + ". Nothing changed; enter tries again."
			return p, nil
		}
		p.account, p.pem = msg.account, msg.pem
		p.newCred, _ = msg.account.PendingCredential()
		p.oldCred, _ = msg.account.Active()
		p.stage = rotateCert
		return p, func() tea.Msg { return uikit.AccountsChangedMsg{} }
	case certSavedMsg:
		return p, p.certSaved(msg)
	case rotationFinishedMsg:
		return p, p.finished(msg)
	case sandboxUploadedMsg:
		p.busy = ""
		switch {
		case msg.err != nil && alreadyUploaded(msg.err):
			// Uploaded before this page was opened (a rotation resumed).
			p.sandboxUploaded = p.newCred.ID
			return p, uikit.Status("The new certificate is already on the sandbox's app. enter verifies it.", false)
		case msg.err != nil:
			p.errText = "The sandbox refused the upload: " + safetext.Line(msg.err.Error())
			return p, nil
		}
		p.sandboxUploaded = p.newCred.ID
		return p, uikit.Status("Uploaded to the sandbox's app. enter verifies the new certificate.", false)
	case rotationCancelledMsg:
		p.busy = ""
		if msg.err != nil {
			p.errText = "Could not cancel: " + safetext.Line(msg.err.Error())
			return p, nil
		}
		return p, tea.Batch(func() tea.Msg { return uikit.BackMsg{} },
			uikit.Status("Rotation cancelled: the new key is gone, the old certificate stays in use.", false),
			func() tea.Msg { return uikit.AccountsChangedMsg{} })
	case verifyview.DoneMsg:
		if p.stage != rotateVerify {
			return p, nil
		}
		p.verify = nil
		if msg.Report.OK {
			p.stage = rotateConfirm
			return p, nil
		}
		p.stage = rotateUpload
		p.errText = rotationFailedText(msg.Report, "")
		return p, nil
	case tea.KeyPressMsg:
		return p, p.handleKey(msg)
	}
	if p.stage == rotateVerify && p.verify != nil {
		_, cmd := p.verify.Update(msg)
		return p, cmd
	}
	return p, nil
}

func (p *rotateScreen) read(msg rotationReadMsg) tea.Cmd {
	p.busy = ""
	if msg.err != nil {
		p.stage = rotateFailed
		p.errText = safetext.Line(msg.err.Error())
		if errors.Is(msg.err, store.ErrNotFound) {
			p.errText = "The account is gone (another xops deleted or renamed it). esc goes back."
		}
		return nil
	}
	p.account = msg.account
	p.oldCred, _ = msg.account.Active()
	if msg.pem != "" {
		p.pem, p.newCred = msg.pem, msg.pending
		p.stage = rotateCert
		return nil
	}
	p.stage = rotateIntro
	return nil
}

// start makes the new key and certificate, in a command.
func (p *rotateScreen) start() tea.Cmd {
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel, p.busy, p.errText = cancel, "Making a new key and certificate…", ""
	svc, name, keySize := p.svc, p.name, p.oldCred.KeySize
	return func() tea.Msg {
		a, cred, err := svc.StartRotation(ctx, name, keySize, 0) // the key size in use; the default validity
		if err != nil {
			return rotationStartedMsg{err: err}
		}
		return rotationStartedMsg{account: a, pem: string(cred.CertificatePEM())}
	}
}

func (p *rotateScreen) save(overwrite bool) tea.Cmd {
	p.busy, p.errText, p.askOver = "Saving…", "", false
	svc, name, path := p.svc, p.name, p.path.Value()
	return func() tea.Msg {
		abs, err := svc.WritePendingCertificate(name, path, overwrite)
		return certSavedMsg{path: abs, err: err}
	}
}

func (p *rotateScreen) certSaved(msg certSavedMsg) tea.Cmd {
	p.busy = ""
	switch {
	case errors.Is(msg.err, flow.ErrFileExists):
		p.askOver = true
	case msg.err != nil:
		p.errText = safetext.Line(msg.err.Error()) + ". Change the path (e) or copy it (c) instead."
	default:
		p.saved = msg.path
		p.path.Blur()
	}
	return nil
}

// verifyNew hosts the verification screen on the new certificate.
func (p *rotateScreen) verifyNew() tea.Cmd {
	p.stage, p.errText = rotateVerify, ""
	p.verify = newAccountVerifyScreen(p.vdeps)
	p.verify.rotating = true
	p.verify.SetStyles(p.styles)
	p.verify.SetSize(p.width, p.height-1) // a line says which certificate
	return p.verify.Init()
}

// finish promotes the new certificate: FinishRotation verifies it once
// more (nothing is removed on the strength of an old answer) and swaps.
func (p *rotateScreen) finish() tea.Cmd {
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel, p.busy, p.errText = cancel, "Checking the new certificate once more and removing the old one…", ""
	svc, name := p.svc, p.name
	return func() tea.Msg {
		report, old, err := svc.FinishRotation(ctx, name, 0, nil)
		return rotationFinishedMsg{report: report, old: old, err: err}
	}
}

func (p *rotateScreen) finished(msg rotationFinishedMsg) tea.Cmd {
	p.busy, p.cancel = "", nil
	switch {
	case msg.err != nil:
		p.errText = "Could not finish: " + safetext.Line(msg.err.Error()) + ". Both certificates are kept; enter tries again."
		return nil
	case !msg.report.OK:
		p.stage = rotateUpload
		p.errText = rotationFailedText(msg.report, "The new certificate failed its last check, so nothing was removed. ")
		return nil
	}
	p.oldCred = msg.old
	p.stage = rotateDone
	return func() tea.Msg { return uikit.AccountsChangedMsg{} }
}

// rotationFailedText says what to do when the new certificate did not pass:
// the upload only when the upload is at fault. A certificate Entra accepts
// can still fail a later step (consent, Global Reader), and "check the
// upload" would send the admin to the wrong page.
func rotationFailedText(r entra.Report, prefix string) string {
	switch r.FailedStep {
	case entra.StepUploadCertificate:
		return prefix + "Entra does not accept the new certificate yet: check " + verifyview.StepRef(r.FailedStep) +
			" and the thumbprint, then verify again."
	case "":
		return prefix + "Verification did not pass, and no checklist step is at fault (see the checks): verify again."
	}
	accepted := "The new certificate is accepted, but verification"
	if prefix != "" {
		accepted = "Verification"
	}
	return prefix + accepted + " failed at " + verifyview.StepRef(r.FailedStep) +
		": fix that step in Entra, then verify again."
}

// alreadyUploaded reports whether the sandbox refused an upload because the
// app has that certificate already.
func alreadyUploaded(err error) bool { return errors.Is(err, sandbox.ErrAlreadyUploaded) }

// uploadedToSandbox reports whether the new certificate is on the sandbox's app.
func (p *rotateScreen) uploadedToSandbox() bool {
	return p.sandboxUploaded != "" && p.sandboxUploaded == p.newCred.ID
}

// uploadToSandbox does the admin's upload in the simulated tenant.
func (p *rotateScreen) uploadToSandbox() tea.Cmd {
	p.busy, p.errText = "Uploading to the sandbox…", ""
	up, appID, pem := p.sandboxUpload, p.account.AppID, []byte(p.pem)
	return func() tea.Msg { return sandboxUploadedMsg{err: up(appID, pem)} }
}

func (p *rotateScreen) cancelRotation() tea.Cmd {
	p.busy = "Dropping the new key…"
	svc, name := p.svc, p.name
	return func() tea.Msg {
		_, err := svc.CancelRotation(name)
		return rotationCancelledMsg{err: err}
	}
}

func (p *rotateScreen) SetSize(w, h int) {
	p.width, p.height = w, h
	p.path.SetWidth(max(10, w-4))
	if p.verify != nil {
		p.verify.SetSize(w, h-1)
	}
}

func (p *rotateScreen) SetStyles(s uikit.Styles) {
	p.styles = s
	if p.verify != nil {
		p.verify.SetStyles(s)
	}
}

func (p *rotateScreen) KeyMap() help.KeyMap {
	if p.stage == rotateVerify && p.verify != nil {
		return p.verify.KeyMap()
	}
	return p.keys
}

// Capturing while the path is edited.
func (p *rotateScreen) Capturing() bool { return p.path.Focused() }

// HandlesBack: esc is always the page's: it belongs to the hosted
// verification, to the path being edited, to a question, to work in
// flight; otherwise it leaves, saying what was kept.
func (p *rotateScreen) HandlesBack() bool { return true }
