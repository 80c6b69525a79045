// Package fulldisk proves that a file write is all or nothing: it runs the
// write in a child process (the test binary itself) whose file size limit
// (RLIMIT_FSIZE) cuts it short, as a full disk does, and checks that the
// path is left as it was — no file, or the old one whole, never the first
// bytes of the new one, which look like a file but are not — and that no
// temporary file stays behind. Tests use it; xops itself does not.
package fulldisk

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Write is the write under test: data to path, replacing a file there only
// when replace is true.
type Write func(path string, data []byte, replace bool) error

// The child learns what to do from these variables.
const (
	envPath    = "XOPS_FULLDISK_PATH"
	envReplace = "XOPS_FULLDISK_REPLACE"
	envLimit   = "XOPS_FULLDISK_LIMIT"
)

// limit is where the child's files stop growing: less than the data.
const limit = 512

// Check runs the write in three cases — a new file, one replacing a file
// the admin agreed to replace, and a replace with no file there — each in a
// child that runs only the test named child (which must call Child), and
// fails t if a cut-short write left anything but the path as it was.
func Check(t *testing.T, child string) {
	t.Helper()
	if !supported {
		t.Skip("needs a per-process file size limit (Linux)")
	}
	data := bytes.Repeat([]byte("-----BEGIN CERTIFICATE-----\nMIIB"), 64) // 2 KiB
	old := []byte("the certificate the admin had\n")
	for _, c := range []struct {
		name         string
		replace, old bool
	}{
		{"new file", false, false},
		{"replacing a file", true, true},
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
			out := run(t, child, path, data, c.replace)
			if !strings.Contains(out, "error: ") || strings.Contains(out, "error: <nil>") {
				t.Fatalf("the write did not fail under a %d-byte limit, so this proves nothing: %s", limit, out)
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

// run starts the child test with the data on its stdin and returns what it
// printed.
func run(t *testing.T, child, path string, data []byte, replace bool) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^"+child+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), envPath+"="+path, envReplace+"="+strconv.FormatBool(replace),
		envLimit+"="+strconv.Itoa(limit))
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child %s: %v\n%s", child, err, out)
	}
	return string(out)
}

// Child is the body of the child test Check names: outside a Check it skips;
// inside, it limits the process's file size, runs write with the data from
// stdin and prints its error for Check to read.
func Child(t *testing.T, write Write) {
	path := os.Getenv(envPath)
	if path == "" {
		t.Skip("only the child process of a fulldisk.Check")
	}
	var data bytes.Buffer
	if _, err := data.ReadFrom(os.Stdin); err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.ParseUint(os.Getenv(envLimit), 10, 64)
	if err := limitFileSize(n); err != nil {
		t.Fatal(err)
	}
	err := write(path, data.Bytes(), os.Getenv(envReplace) == "true")
	fmt.Printf("error: %v\n", err)
}
