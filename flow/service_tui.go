package flow

import (
	"context"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/internal/safetext"
	"github.com/xops/xops/store"
)

// This file holds the use cases the TUI's account pages need beyond the
// command line's: verifying a rotation's pending certificate check by check
// before anything is changed, reading that certificate again (a rotation
// resumed later), writing an export to a file, and the PowerShell line.

// ErrFileExists says an export would overwrite a file; the caller asks first.
var ErrFileExists = errors.New("the file already exists")

// VerifyPending runs the checks once against the account's pending
// certificate (a rotation under way), reporting each as it lands. Nothing
// is recorded: the account keeps its active certificate and its status.
// FinishRotation, after the admin confirms, promotes the certificate.
func (s *Service) VerifyPending(ctx context.Context, name string, onCheck func(entra.CheckResult)) (entra.Report, error) {
	a, err := s.Account(name)
	if err != nil {
		return entra.Report{}, err
	}
	pending, ok := a.PendingCredential()
	if !ok {
		return entra.Report{}, fmt.Errorf("verify the new certificate of %q: %w", a.Name, ErrNoRotation)
	}
	return s.check(ctx, a, pending, once(ctx, onCheck))
}

// PendingCertificate returns the PEM of the account's pending certificate,
// so a rotation left half-way can be resumed: saved or copied again.
func (s *Service) PendingCertificate(name string) ([]byte, store.Credential, error) {
	a, err := s.Account(name)
	if err != nil {
		return nil, store.Credential{}, err
	}
	pending, ok := a.PendingCredential()
	if !ok {
		return nil, store.Credential{}, fmt.Errorf("read the new certificate of %q: %w", a.Name, ErrNoRotation)
	}
	km, err := s.Store.Key(pending.ID)
	if err != nil {
		return nil, store.Credential{}, fmt.Errorf("read the new certificate of %q: %w", a.Name, err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: km.CertDER}), pending, nil
}

// ExportToFile exports the account's active credential (see Export) and
// writes it to path with mode 0600. An existing file is never replaced
// unless overwrite is set: ErrFileExists (wrapped) lets the caller ask.
// It returns the absolute path written.
func (s *Service) ExportToFile(name, format, password, path string, overwrite bool) (string, error) {
	abs, err := exportPath(name, path, overwrite)
	if err != nil {
		return "", err
	}
	data, err := s.Export(name, format, password)
	if err != nil {
		return "", err
	}
	if err := writeFile0600(abs, data, overwrite); err != nil {
		return "", fmt.Errorf("export %q: %w", name, err)
	}
	return abs, nil
}

// WritePendingCertificate writes the PEM of the account's pending
// certificate (a rotation under way) to path, as ExportToFile writes: 0600,
// never replacing a file unless overwrite is set (ErrFileExists).
func (s *Service) WritePendingCertificate(name, path string, overwrite bool) (string, error) {
	abs, err := exportPath(name, path, overwrite)
	if err != nil {
		return "", err
	}
	data, _, err := s.PendingCertificate(name)
	if err != nil {
		return "", err
	}
	if err := writeFile0600(abs, data, overwrite); err != nil {
		return "", fmt.Errorf("save the new certificate of %q: %w", name, err)
	}
	return abs, nil
}

// exportPath makes path absolute (~/ is the home folder) and refuses a
// folder, or an existing file unless overwrite is set.
func exportPath(name, path string, overwrite bool) (string, error) {
	path = strings.TrimSpace(path)
	if path == "" {
		return "", fmt.Errorf("export %q: the file path is empty; type where to write it", name)
	}
	if strings.HasPrefix(path, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			path = filepath.Join(home, path[2:])
		}
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("export %q: %w", name, err)
	}
	if fi, err := os.Stat(abs); err == nil {
		if fi.IsDir() {
			return "", fmt.Errorf("export %q: %s is a folder; add a file name", name, abs)
		}
		if !overwrite {
			return "", fmt.Errorf("export %q to %s: %w", name, abs, ErrFileExists)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("export %q: %w", name, err)
	}
	return abs, nil
}

// writeFile0600 writes data to path, mode 0600 (a PFX holds the key), all or
// nothing (store.WriteFile): the file is synced before it gets its name, and
// a failure, a crash or a kill never leaves half a file, or a copy under a
// temporary name; without overwrite a file that appeared meanwhile is not
// replaced.
func writeFile0600(path string, data []byte, overwrite bool) error {
	err := store.WriteFile(path, 0o600, overwrite, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
	switch {
	case err == nil:
		return nil
	case !overwrite && errors.Is(err, fs.ErrExist):
		return fmt.Errorf("%s: %w", path, ErrFileExists)
	}
	return fmt.Errorf("write %s: %w", path, err)
}

// ExchangeEnvironment is Connect-ExchangeOnline's -ExchangeEnvironmentName
// for a national cloud; "" for the global cloud, which needs none.
func ExchangeEnvironment(cloud string) string {
	switch cloud {
	case "usgov":
		return "O365USGovGCCHigh"
	case "usgovdod":
		return "O365USGovDoD"
	case "china":
		return "O365China"
	}
	return ""
}

// ConnectLine is the PowerShell line that connects to Exchange Online with
// the account's exported PFX at pfxPath; the password is asked by
// PowerShell, never written in the line.
func ConnectLine(a store.Account, pfxPath string) string {
	line := fmt.Sprintf("Connect-ExchangeOnline -AppId %s -Organization %s -CertificateFilePath %s -CertificatePassword (Read-Host -AsSecureString -Prompt 'PFX password')",
		safetext.Line(a.AppID), safetext.Line(a.Organization), psQuote(pfxPath))
	if env := ExchangeEnvironment(a.Cloud); env != "" {
		line += " -ExchangeEnvironmentName " + env
	}
	return line
}

// psQuote quotes s as a PowerShell single-quoted string.
func psQuote(s string) string { return "'" + strings.ReplaceAll(safetext.Line(s), "'", "''") + "'" }
