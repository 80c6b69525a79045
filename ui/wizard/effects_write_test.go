package wizard

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/xops/xops/internal/fulldisk"
)

// TestWriteCertCmdAllOrNothing runs writeCertCmd in a process whose file
// size limit cuts the write short, as a full disk does: the save must fail
// and leave the path as it was — no file, or the old one whole — never the
// first bytes of the certificate, which a later save would report as an
// existing file.
func TestWriteCertCmdAllOrNothing(t *testing.T) {
	t.Parallel()
	fulldisk.Check(t, "TestWriteCertCmdChild")
}

// TestWriteCertCmdChild is TestWriteCertCmdAllOrNothing's child process.
func TestWriteCertCmdChild(t *testing.T) {
	fulldisk.Child(t, func(path string, data []byte, replace bool) error {
		msg, _ := writeCertCmd(path, replace, data)().(certWrittenMsg)
		return msg.err
	})
}

// TestWriteCertCmdKeepsExisting: without overwrite an existing file is
// reported as existing and left untouched, and its mode is kept; a new
// file gets mode 0644 (a certificate is public).
func TestWriteCertCmdKeepsExisting(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "contoso.cer")
	old := []byte("the certificate the admin had\n")
	if err := os.WriteFile(path, old, 0o600); err != nil {
		t.Fatal(err)
	}
	msg, _ := writeCertCmd(path, false, []byte("new certificate"))().(certWrittenMsg)
	if !msg.exists || msg.err != nil {
		t.Fatalf("saving over an existing file without overwrite: %+v, want exists", msg)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, old) {
		t.Fatalf("the existing file was changed: %q", got)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("the existing file's mode became %04o", fi.Mode().Perm())
	}
	if msg, _ := writeCertCmd(path, true, []byte("new certificate"))().(certWrittenMsg); msg.err != nil || msg.exists {
		t.Fatalf("overwrite: %+v", msg)
	}
	if got, _ := os.ReadFile(path); string(got) != "new certificate" {
		t.Fatalf("overwrite wrote %q", got)
	}
	fresh := filepath.Join(dir, "new.cer")
	if msg, _ := writeCertCmd(fresh, false, []byte("c"))().(certWrittenMsg); msg.err != nil || msg.exists {
		t.Fatalf("new file: %+v", msg)
	}
	if fi, err := os.Stat(fresh); err != nil || fi.Mode().Perm() != 0o644 {
		t.Fatalf("new certificate file: %v, mode %v", err, fi)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Fatalf("the folder holds %d entries, want the 2 certificates", len(entries))
	}
}
