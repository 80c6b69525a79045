package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/flow"
	"github.com/xops/xops/flow/wizard"
	"github.com/xops/xops/store"
)

// generate makes the key pair and certificate. The key is stored at once
// under the credential's id (never printed); discard removes it if the run
// stops before the save.
func (s *linkSession) generate() error {
	s.page(wizard.StepGenerate)
	if s.cred != nil && s.cred.MadeFor == s.in.Name && s.cred.KeySize == s.in.KeySize && s.cred.CertDays == s.in.CertDays {
		s.p.say("Reusing the key made earlier for this link. Thumbprint (SHA-1): %s; %s.", s.sc.Thumbprint, validity(s.sc))
		return nil
	}
	if s.cred != nil {
		s.p.say("The name, key size or lifetime differs from the key made earlier for this link: making a new one (the earlier one is deleted).")
	}
	if s.autoCred.ID != "" {
		if s.in.Name == s.autoName && s.in.KeySize == s.autoCred.KeySize && s.in.CertDays == s.autoDays {
			s.sc = s.autoCred
			s.p.say("Reusing the key the automatic setup made. Thumbprint (SHA-1): %s; %s.", s.sc.Thumbprint, validity(s.sc))
			return nil
		}
		s.p.say("The name, key size or lifetime differs from the key the automatic setup made: making a new one (that key is removed once the account is saved).")
	}
	s.p.say("Making a %d-bit RSA key and a certificate valid %d days (a few seconds)…", s.in.KeySize, s.in.CertDays)
	sc, cred, err := s.svc.NewCredential(s.p.ctx, s.in.Name, s.in.KeySize, s.in.CertDays)
	if err != nil {
		if s.p.ctx.Err() != nil {
			return errInterrupted
		}
		return failedErr(err)
	}
	earlier := s.sc.ID
	s.sc, s.certPEM, s.keyMade = sc, cred.CertificatePEM(), true
	s.cred = &wizard.Credential{ID: sc.ID, Thumbprint: sc.Thumbprint, KeySize: sc.KeySize, NotBefore: sc.NotBefore,
		NotAfter: sc.NotAfter, Created: sc.Created, MadeFor: s.in.Name, CertDays: s.in.CertDays}
	if s.draft {
		// The draft names the new key before the earlier one goes; the
		// certificate file of the earlier key is no use any more.
		s.certPath = ""
		s.done[entra.StepUploadCertificate] = false
		s.keepOrSay()
		s.dropKey(earlier)
	}
	s.p.say("Done. Thumbprint (SHA-1): %s; %s.", sc.Thumbprint, validity(sc))
	return nil
}

// validity says when a certificate is valid as a person says it — "valid
// from 2026-11-30 04:08 UTC to 2027-11-30 04:13 UTC" — not in RFC 3339,
// whose T and Z a screen reader reads out letter by letter.
func validity(c store.Credential) string {
	const layout = "2006-01-02 15:04 UTC"
	return fmt.Sprintf("valid from %s to %s", c.NotBefore.UTC().Format(layout), c.NotAfter.UTC().Format(layout))
}

// writeCertificate saves the certificate (PEM), ./NAME.cer unless the admin
// types another path; an existing file is replaced only when they say so.
func (s *linkSession) writeCertificate() error {
	s.page(wizard.StepCertificate)
	def := "./" + flow.CertificateFileName(s.in.Name)
	if s.certPath != "" {
		def = s.certPath // where the earlier session saved it
	}
	for {
		path, err := s.p.field("Save the certificate to", def, checkCertFolder)
		if err != nil {
			return err
		}
		replace := false
		if fi, err := os.Lstat(path); err == nil {
			if fi.IsDir() {
				s.p.say("  %s is a folder; type a file name.", oneLine(path))
				continue
			}
			if certFileHolds(path, s.certPEM) {
				s.certPath = path
				s.p.say("%s holds this certificate already.", oneLine(path))
				s.keepOrSay()
				return nil
			}
			yes, err := s.p.yesNo(oneLine(path)+" already exists. Replace it?", false)
			if err != nil {
				return err
			}
			if !yes {
				continue
			}
			replace = true
		} else if !errors.Is(err, fs.ErrNotExist) {
			s.p.say("  cannot use %s: %s", oneLine(path), oneLine(err.Error()))
			continue
		}
		if err := writeCertFile(path, s.certPEM, replace); err != nil {
			s.p.say("  cannot write %s: %s; type another path.", oneLine(path), oneLine(err.Error()))
			continue
		}
		s.certPath, s.certMade = path, true
		s.keepOrSay()
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
		}
		s.p.say("Saved the certificate to %s.", oneLine(path))
		if ext := strings.ToLower(filepath.Ext(path)); ext != ".cer" && ext != ".pem" && ext != ".crt" {
			s.p.say("Note: Entra takes .cer, .pem or .crt files only; rename the file before uploading it.")
		}
		return nil
	}
}

// checkCertFolder accepts a path whose folder exists.
func checkCertFolder(v string) (string, error) {
	if strings.TrimSpace(v) == "" {
		return "", errors.New("type a file path, for example ./contoso.cer")
	}
	dir := filepath.Dir(v)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return "", fmt.Errorf("the folder %s does not exist; create it or type another path", oneLine(dir))
	}
	return v, nil
}

// writeCertFile writes the public certificate (mode 0644): a new file, or
// over an existing one the admin agreed to replace — all or nothing either
// way (writeWhole), so a failure never leaves half a certificate to upload.
func writeCertFile(path string, data []byte, replace bool) error {
	return writeWhole(path, data, 0o644, replace)
}

// upload is the checklist's last step, with the thumbprint to compare.
func (s *linkSession) upload() error {
	s.page(wizard.StepUpload)
	abs, err := filepath.Abs(s.certPath)
	if err != nil {
		abs = s.certPath
	}
	st := s.steps[entra.StepUploadCertificate]
	s.p.say("%s: the file is %s.", st.Title, oneLine(abs))
	if st.Where != "" {
		s.p.say("   Where: %s", st.Where)
	}
	for _, d := range st.Do {
		s.p.say("   - %s", d)
	}
	for _, w := range st.Pitfalls {
		s.p.say("   Watch out: %s", w)
	}
	s.p.say("   Entra must then list the thumbprint %s.", s.sc.Thumbprint)
	if s.fromAuto && s.done[entra.StepUploadCertificate] && s.sc.ID == s.autoCred.ID {
		s.p.say("Done by the automatic setup: the app has this certificate already.")
		return nil
	}
	if s.draft && s.done[entra.StepUploadCertificate] && s.sc.ID == s.draftCredID {
		s.p.say("Ticked as uploaded in the earlier session.")
		return nil
	}
	s.done[entra.StepUploadCertificate] = false // a new certificate is not on the app yet
	if err := s.askDone(entra.StepUploadCertificate); err != nil {
		return err
	}
	s.keepOrSay()
	if !s.done[entra.StepUploadCertificate] {
		s.p.say("Verification fails at %s until the certificate is uploaded.", entra.StepUploadCertificate)
	}
	return nil
}
