//go:build linux

package wizard

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestWriteCertCmdAllOrNothing runs writeCertCmd in a child process whose
// file size limit (RLIMIT_FSIZE) cuts the write short, as a full disk does:
// the save must fail and leave the path as it was — no file, or the old one
// whole — never the first bytes of the certificate, which a later save
// would report as an existing file.
func TestWriteCertCmdAllOrNothing(t *testing.T) {
	t.Parallel()
	data := bytes.Repeat([]byte("-----BEGIN CERTIFICATE-----\nMIIB"), 64) // 2 KiB
	old := []byte("the certificate the admin had\n")
	for _, c := range []struct {
		name      string
		overwrite bool
		old       bool
	}{
		{"new certificate", false, false},
		{"replaced certificate", true, true},
		{"replace with no file there", true, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "contoso.cer")
			if c.old {
				if err := os.WriteFile(path, old, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			out := writeCertLimited(t, path, data, c.overwrite, 512)
			if !strings.Contains(out, "error: ") || strings.Contains(out, "error: <nil>") {
				t.Fatalf("the write did not fail under a 512-byte limit, so this proves nothing: %s", out)
			}
			got, err := os.ReadFile(path)
			switch {
			case !c.old && err == nil:
				t.Errorf("a failed save left %d bytes at %s (want no file): %q…", len(got), path, got[:min(len(got), 40)])
			case c.old && !bytes.Equal(got, old):
				t.Errorf("a failed replace left %d bytes at %s instead of the old file (%v)", len(got), path, err)
			}
			if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
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

// writeCertLimited runs writeCertCmd in a child process (this test binary)
// whose files may not grow past limit bytes, and returns what it printed.
func writeCertLimited(t *testing.T, path string, data []byte, overwrite bool, limit uint64) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestWriteCertCmdHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), "XOPS_TEST_CERT_WRITE="+path, "XOPS_TEST_CERT_OVERWRITE="+strconv.FormatBool(overwrite),
		"XOPS_TEST_CERT_LIMIT="+strconv.FormatUint(limit, 10))
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	return string(out)
}

// TestWriteCertCmdHelper is writeCertLimited's child: a no-op unless
// XOPS_TEST_CERT_WRITE names the file to write (the data come on stdin).
func TestWriteCertCmdHelper(t *testing.T) {
	path := os.Getenv("XOPS_TEST_CERT_WRITE")
	if path == "" {
		t.Skip("only a helper of TestWriteCertCmdAllOrNothing")
	}
	var data bytes.Buffer
	if _, err := data.ReadFrom(os.Stdin); err != nil {
		t.Fatal(err)
	}
	limit, _ := strconv.ParseUint(os.Getenv("XOPS_TEST_CERT_LIMIT"), 10, 64)
	// Go ignores SIGXFSZ, so a write past the limit fails with EFBIG.
	if err := unix.Setrlimit(unix.RLIMIT_FSIZE, &unix.Rlimit{Cur: limit, Max: limit}); err != nil {
		t.Fatal(err)
	}
	msg, _ := writeCertCmd(path, os.Getenv("XOPS_TEST_CERT_OVERWRITE") == "true", data.Bytes())().(certWrittenMsg)
	fmt.Printf("error: %v exists: %v\n", msg.err, msg.exists)
}

// TestWriteCertCmdNoFolder: a path in a folder that does not exist is
// refused naming the folder, not the temporary file the write starts with.
func TestWriteCertCmdNoFolder(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "missing")
	msg, _ := writeCertCmd(filepath.Join(dir, "contoso.cer"), false, []byte("c"))().(certWrittenMsg)
	if msg.err == nil || !strings.Contains(msg.err.Error(), "the folder "+dir+" does not exist") || strings.Contains(msg.err.Error(), ".tmp") {
		t.Fatalf("a save into a missing folder: %v", msg.err)
	}
}
