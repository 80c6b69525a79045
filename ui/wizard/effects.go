package wizard

import (
	"context"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/flow/wizard"
	"github.com/xops/xops/internal/safetext"
	"github.com/xops/xops/store"
	"github.com/xops/xops/ui/uikit"
	"github.com/xops/xops/ui/verifyview"
)

// KeyStore is what the wizard needs of the key store: the certificate of a
// generated credential (read back after a resume) and deleting a key no
// account will use.
type KeyStore interface {
	Key(credID string) (store.KeyMaterial, error)
	DeleteKey(credID string) error
}

// Messages carrying the results of the commands below. Commands copy what
// they need and never touch the model.
type (
	draftLoadedMsg struct {
		data []byte
		err  error
	}
	draftWrittenMsg struct{ err error }
	keyDiscardedMsg struct{ err error }
	keyMadeMsg      struct {
		seq  int
		cred wizard.Credential
		pem  []byte
		err  error
	}
	certLoadedMsg struct {
		id  string
		pem []byte
		err error
	}
	certWrittenMsg struct {
		path   string
		exists bool
		err    error
	}
	accountSavedMsg struct {
		id  string
		err error
	}
)

// effect turns one of the reducer's effects into a command.
func (m *Model) effect(eff wizard.Effect) tea.Cmd {
	switch e := eff.(type) {
	case wizard.SaveDraft:
		b, err := m.st.Marshal()
		if err != nil {
			return func() tea.Msg { return draftWrittenMsg{err: err} }
		}
		return m.drafts.writeCmd(b)
	case wizard.DeleteDraft:
		return m.drafts.writeCmd(nil)
	case wizard.GenerateKey:
		if m.cancel != nil {
			m.cancel()
		}
		ctx, cancel := context.WithCancel(context.Background())
		m.cancel = cancel
		return tea.Batch(m.spin.Tick, generateCmd(ctx, m.d.Service, e, m.d.Now))
	case wizard.CancelGenerate:
		if m.cancel != nil {
			m.cancel()
			m.cancel = nil
		}
	case wizard.DiscardKey:
		keys, id := m.d.Keys, e.CredentialID
		return func() tea.Msg { return keyDiscardedMsg{err: keys.DeleteKey(id)} }
	case wizard.WriteCertificate:
		return writeCertCmd(m.absPath(e.Path), e.Overwrite, m.pem)
	case wizard.SaveAccount:
		return tea.Batch(m.spin.Tick, saveCmd(m.d.Service, e.Form, e.Cred))
	case wizard.UpdateAccount:
		return updateCmd(m.d.Service, e.AccountID, e.Form)
	case wizard.StartVerify:
		if m.d.Verifier == nil {
			return func() tea.Msg { return verifyBackMsg{} }
		}
		// enter ends the wizard with the result (Home says how it went).
		v := verifyview.New(verifyview.Deps{Verifier: m.d.Verifier, Account: m.st.Form.Name, Now: m.d.Now, Continue: "finish"})
		v.SetStyles(m.styles)
		v.SetSize(m.width, max(m.height-1, 1)) // under the one-line header
		m.verify = v
		return hostVerify(v.Init())
	case wizard.Leave:
		if m.drafts.kept {
			// Say so: esc looks like "cancel", and the resume question
			// next time would otherwise come as a surprise.
			return tea.Batch(back, uikit.Status("Progress kept: Link a New Microsoft Account resumes it.", false))
		}
		return back
	case wizard.FinishWizard:
		text := fmt.Sprintf("Linked %s — not verified yet", safetext.Line(e.Name))
		switch {
		case m.report == nil:
		case m.report.OK:
			text = fmt.Sprintf("Linked %s — verified", safetext.Line(e.Name))
		// Short: the status line is one row, 60 cells at the least, and
		// Home's help bar lists v; Home's line under the table names the
		// step's title.
		case m.report.FailedStep != "":
			text = fmt.Sprintf("Linked %s — failed at %s: fix it, then v verifies",
				safetext.Line(e.Name), failedAt(m.report.FailedStep))
		default:
			text = fmt.Sprintf("Linked %s — checks did not pass: v tries again", safetext.Line(e.Name))
		}
		// In order: the draft is surely gone (its delete may still be in
		// flight, and leaving ends the wizard's commands), and Home reloads
		// before it shows.
		return tea.Sequence(
			m.drafts.writeCmd(nil),
			func() tea.Msg { return uikit.AccountsChangedMsg{} },
			func() tea.Msg { return uikit.HomeMsg{} },
			uikit.Status(text, false),
		)
	}
	return nil
}

func loadDraftCmd(drafts flow.DraftStore) tea.Cmd {
	return func() tea.Msg {
		b, err := drafts.Draft(wizard.DraftKind)
		return draftLoadedMsg{data: b, err: err}
	}
}

// generateCmd makes the key and certificate; the use case stores the key at
// once. Only the public certificate (PEM) leaves this command.
func generateCmd(ctx context.Context, svc Service, e wizard.GenerateKey, now func() time.Time) tea.Cmd {
	return func() tea.Msg {
		sc, cc, err := svc.NewCredential(ctx, e.Name, e.KeySize, e.CertDays)
		if err != nil {
			return keyMadeMsg{seq: e.Seq, err: err}
		}
		created := sc.Created
		if created.IsZero() {
			created = now()
		}
		return keyMadeMsg{seq: e.Seq, pem: cc.CertificatePEM(), cred: wizard.Credential{
			ID: sc.ID, Thumbprint: sc.Thumbprint, KeySize: sc.KeySize,
			NotBefore: sc.NotBefore, NotAfter: sc.NotAfter, Created: created,
			MadeFor: e.Name, CertDays: e.CertDays,
		}}
	}
}

// describeKeyError words a failed generation for the admin.
func describeKeyError(err error) string {
	if errors.Is(err, context.Canceled) {
		return "Cancelled. Press r to make the key again."
	}
	return "Could not make the key: " + safetext.Line(err.Error()) + ". Press r to try again, or esc to change the form."
}

func loadCertCmd(keys KeyStore, id string) tea.Cmd {
	return func() tea.Msg {
		km, err := keys.Key(id)
		if err != nil {
			return certLoadedMsg{id: id, err: fmt.Errorf("credential %s: %w", id, err)}
		}
		return certLoadedMsg{id: id, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: km.CertDER})}
	}
}

// writeCertCmd writes the public certificate (mode 0644) whole or not at
// all (store.WriteFile): a kill or a full disk never leaves part of a
// certificate under path, which a later save would report as an existing
// file. Without overwrite an existing file is never replaced.
func writeCertCmd(path string, overwrite bool, data []byte) tea.Cmd {
	return func() tea.Msg {
		if len(data) == 0 {
			return certWrittenMsg{path: path, err: errors.New("the certificate is not loaded yet; wait a moment and save again")}
		}
		err := store.WriteFile(path, 0o644, overwrite, func(w io.Writer) error {
			_, err := w.Write(data)
			return err
		})
		switch {
		case err == nil:
			return certWrittenMsg{path: path}
		case !overwrite && errors.Is(err, fs.ErrExist):
			return certWrittenMsg{path: path, exists: true}
		}
		if _, serr := os.Stat(filepath.Dir(path)); errors.Is(serr, fs.ErrNotExist) {
			// Else the error names the temporary file, which the admin never heard of.
			return certWrittenMsg{path: path, err: fmt.Errorf("the folder %s does not exist; create it or type another path", filepath.Dir(path))}
		}
		return certWrittenMsg{path: path, err: fmt.Errorf("writing %s failed: %w", path, err)}
	}
}

// absPath resolves a path typed by the admin against the working directory.
func (m *Model) absPath(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	if len(p) > 1 && p[0] == '~' && p[1] == '/' {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, p[2:])
		}
	}
	dir := m.d.WorkDir
	if dir == "" {
		if wd, err := os.Getwd(); err == nil {
			dir = wd
		}
	}
	return filepath.Join(dir, p)
}

func saveCmd(svc Service, f wizard.Form, c wizard.Credential) tea.Cmd {
	return func() tea.Msg {
		acct, err := svc.SaveAccount(linkInput(f), store.Credential{
			ID: c.ID, Thumbprint: c.Thumbprint, KeySize: c.KeySize,
			NotBefore: c.NotBefore, NotAfter: c.NotAfter, Created: c.Created,
		})
		if err != nil {
			return accountSavedMsg{err: err}
		}
		return accountSavedMsg{id: acct.ID}
	}
}

// updateCmd corrects a saved account's IDs, when the service can.
func updateCmd(svc Service, id string, f wizard.Form) tea.Cmd {
	return func() tea.Msg {
		u, ok := svc.(IDUpdater)
		if !ok {
			return accountSavedMsg{err: errors.New("this build cannot change a saved account's IDs: delete the account on Home and link it again")}
		}
		if _, err := u.UpdateLinkIDs(id, linkInput(f)); err != nil {
			return accountSavedMsg{err: err}
		}
		return accountSavedMsg{id: id}
	}
}

// failedAt names a failed step in a short status line: "step 3", or the
// name of a step xops does itself (the form, the key).
func failedAt(step entra.Step) string {
	if n := step.Number(); n > 0 {
		return fmt.Sprintf("step %d", n)
	}
	return verifyview.StepName(step)
}
