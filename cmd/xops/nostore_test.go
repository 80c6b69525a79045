package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// noStorePath is a store path in a folder that does not exist, and that folder.
func noStorePath(t *testing.T) (dir, path string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "typo")
	return dir, filepath.Join(dir, "xops.db")
}

// assertNothingCreated fails when the store file or its folder exists.
func assertNothingCreated(t *testing.T, dir, path string) {
	t.Helper()
	for _, p := range []string{path, dir} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s exists after a command that must create nothing (stat: %v)", p, err)
		}
	}
}

// Commands that act on one account find no account where there is no store:
// exit 1, the message names the account and the path, nothing is created.
func TestNamedAccountCommandsWithoutAStoreCreateNothing(t *testing.T) {
	t.Parallel()
	backupDir := t.TempDir()
	cases := [][]string{
		{"accounts", "show", "contoso"},
		{"accounts", "show", "contoso", "--json"},
		{"accounts", "verify", "contoso"},
		{"--sandbox", "accounts", "verify", "contoso"},
		{"accounts", "export", "contoso"},
		{"accounts", "rotate", "contoso"},
		{"accounts", "rotate", "contoso", "--cancel"},
		{"accounts", "rename", "contoso", "fabrikam"},
		{"accounts", "delete", "contoso", "--yes"},
	}
	for _, args := range cases {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Parallel()
			dir, path := noStorePath(t)
			r := xops(t, env{"XOPS_STORE": path, "HOME": backupDir}, "", args...)
			if r.code != exitFailed {
				t.Errorf("exit %d, want %d\nstderr: %s", r.code, exitFailed, r.stderr)
			}
			for _, want := range []string{`no account named "contoso"`, "no store at " + path} {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr does not say %q:\n%s", want, r.stderr)
				}
			}
			if r.stdout != "" {
				t.Errorf("stdout is not empty: %q", r.stdout)
			}
			assertNothingCreated(t, dir, path)
		})
	}
}

func TestStoreCommandsWithoutAStoreFailAndCreateNothing(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args    []string
		nothing string
	}{
		{[]string{"store", "check"}, "nothing to check"},
		{[]string{"store", "check", "--prune"}, "nothing to check"},
		{[]string{"store", "backup", "BACKUP"}, "nothing to back up"},
		{[]string{"store", "passphrase", "change"}, "no passphrase to change or remove"},
		{[]string{"store", "passphrase", "remove"}, "no passphrase to change or remove"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			dir, path := noStorePath(t)
			backup := filepath.Join(t.TempDir(), "backup.db")
			args := append([]string{"--store", path}, tc.args...)
			for i, a := range args {
				if a == "BACKUP" {
					args[i] = backup
				}
			}
			r := xops(t, env{}, "", args...)
			if r.code != exitFailed {
				t.Errorf("exit %d, want %d\nstderr: %s", r.code, exitFailed, r.stderr)
			}
			want := "no store at " + path + " (" + tc.nothing + "; --store or XOPS_STORE point elsewhere?)"
			if !strings.Contains(r.stderr, want) {
				t.Errorf("stderr does not say %q:\n%s", want, r.stderr)
			}
			assertNothingCreated(t, dir, path)
			if _, err := os.Stat(backup); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a backup was written: %v", err)
			}
		})
	}
}

// Listing where there is no store answers as an empty store does, exit 0.
func TestAccountsListWithoutAStoreIsEmptyAndCreatesNothing(t *testing.T) {
	t.Parallel()
	t.Run("table", func(t *testing.T) {
		t.Parallel()
		dir, path := noStorePath(t)
		r := xops(t, env{"XOPS_STORE": path}, "", "accounts", "list")
		if r.code != exitOK {
			t.Errorf("exit %d, want 0\nstderr: %s", r.code, r.stderr)
		}
		if r.stdout != "" {
			t.Errorf("stdout = %q, want nothing (the table has no rows)", r.stdout)
		}
		for _, want := range []string{"No accounts linked yet", "there is no store at " + path, "xops link microsoft"} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("stderr does not say %q:\n%s", want, r.stderr)
			}
		}
		assertNothingCreated(t, dir, path)
	})
	t.Run("json", func(t *testing.T) {
		t.Parallel()
		dir, path := noStorePath(t)
		r := xops(t, env{}, "", "--store", path, "accounts", "list", "--json")
		if r.code != exitOK || r.stdout != "[]\n" {
			t.Errorf("exit %d, stdout %q; want 0 and []\nstderr: %s", r.code, r.stdout, r.stderr)
		}
		if r.stderr != "" {
			t.Errorf("stderr = %q, want nothing for a script", r.stderr)
		}
		assertNothingCreated(t, dir, path)
	})
}

// The commands that create a store still do: 'store passphrase set' on a
// fresh path makes it (a store whose future keys are encrypted).
func TestPassphraseSetStillCreatesTheStore(t *testing.T) {
	t.Parallel()
	dir, path := noStorePath(t)
	mustRun(t, env{"XOPS_STORE": path, envNewPassphrase: "correct horse battery staple"}, "store", "passphrase", "set")
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("passphrase set did not create the store: %v", err)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("store folder: %v, %v; want mode 0700", fi, err)
	}
}
