//go:build linux

package main

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

// TestFileWritesAreAllOrNothing writes every kind of file xops writes for
// the admin (a new certificate, a certificate replacing one the admin agreed
// to replace, a PFX) in a process whose file size limit (RLIMIT_FSIZE) cuts
// the write short, as a full disk does. Each must fail and leave the path as
// it was: no file, or the old one whole — never the first bytes of the new
// one, which look like a file but are not.
func TestFileWritesAreAllOrNothing(t *testing.T) {
	t.Parallel()
	data := bytes.Repeat([]byte("-----BEGIN CERTIFICATE-----\nMIIB"), 64) // 2 KiB
	old := []byte("the certificate the admin had\n")
	for _, c := range []struct {
		name    string
		replace bool
		old     bool
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
			out := writeLimited(t, path, data, c.replace, 512)
			if !strings.Contains(out, "error: ") || strings.Contains(out, "error: <nil>") {
				t.Fatalf("the write did not fail under a 512-byte limit, so this proves nothing: %s", out)
			}
			got, err := os.ReadFile(path)
			switch {
			case !c.old && err == nil:
				t.Errorf("a failed write left %d bytes at %s (want no file): %q…", len(got), path, got[:min(len(got), 40)])
			case c.old && !bytes.Equal(got, old):
				t.Errorf("a failed replace left %d bytes at %s instead of the old file (%v)", len(got), path, err)
			}
			if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
}

// writeLimited runs writeCertFile in a child process (this test binary)
// whose files may not grow past limit bytes, and returns what it printed.
func writeLimited(t *testing.T, path string, data []byte, replace bool, limit uint64) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestWriteCertFileHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), "XOPS_TEST_WRITE="+path, "XOPS_TEST_WRITE_REPLACE="+strconv.FormatBool(replace),
		"XOPS_TEST_WRITE_LIMIT="+strconv.FormatUint(limit, 10))
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	return string(out)
}

// TestWriteCertFileHelper is writeLimited's child: it is a no-op unless
// XOPS_TEST_WRITE names the file to write (the data come on stdin).
func TestWriteCertFileHelper(t *testing.T) {
	path := os.Getenv("XOPS_TEST_WRITE")
	if path == "" {
		t.Skip("only a helper of TestFileWritesAreAllOrNothing")
	}
	data, err := readAll(os.Stdin)
	if err != nil {
		t.Fatal(err)
	}
	limit, _ := strconv.ParseUint(os.Getenv("XOPS_TEST_WRITE_LIMIT"), 10, 64)
	// Go ignores SIGXFSZ, so a write past the limit fails with EFBIG.
	if err := unix.Setrlimit(unix.RLIMIT_FSIZE, &unix.Rlimit{Cur: limit, Max: limit}); err != nil {
		t.Fatal(err)
	}
	err = writeCertFile(path, data, os.Getenv("XOPS_TEST_WRITE_REPLACE") == "true")
	fmt.Printf("error: %v\n", err)
}

func readAll(f *os.File) ([]byte, error) {
	var b bytes.Buffer
	_, err := b.ReadFrom(f)
	return b.Bytes(), err
}
