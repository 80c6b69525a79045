package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The project standard: every field, flag and file xops reads has a test
// with bad values; the message names the field, says what is wrong and how
// to fix it, and nothing is written. These tests feed each input of the
// command line a bad value and check all three, plus the exit code of the
// contract (2 for bad usage or bad input, 1 for an operation that failed).

// badCase is one command line with one bad value.
type badCase struct {
	args  []string
	env   env    // added to the test's environment ("" unsets nothing: it is a value)
	stdin string // what stdin holds (never a terminal here)
	code  int
	// want are substrings of stderr: the field or flag named (first), what
	// is wrong and how to fix it.
	want []string
}

// dirState is what a folder holds: names, sizes, modes and the bytes of
// every file, so a run that writes anything at all is caught.
func dirState(t *testing.T, dir string) map[string]string {
	t.Helper()
	state := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		info, err := d.Info()
		if err != nil {
			return err
		}
		entry := info.Mode().String()
		if info.Mode().IsRegular() {
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			entry += " " + string(data)
		}
		state[rel] = entry
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return state
}

// checkBad runs each case in dir (the working folder, which holds the store
// and every file a case names) and checks the exit code, the message and
// that dir is exactly as it was.
func checkBad(t *testing.T, dir string, base env, cases []badCase) {
	t.Helper()
	for _, c := range cases {
		before := dirState(t, dir)
		e := env{}
		for k, v := range base {
			e[k] = v
		}
		for k, v := range c.env {
			e[k] = v
		}
		r := xops(t, e, c.stdin, c.args...)
		label := strings.Join(quoteArgs(c.args), " ")
		if len(c.env) > 0 {
			label = envLabel(c.env) + " " + label
		}
		if r.code != c.code {
			t.Errorf("%s: exit %d, want %d\nstderr: %s", label, r.code, c.code, r.stderr)
		}
		for _, w := range c.want {
			if !strings.Contains(r.stderr, w) {
				t.Errorf("%s: stderr lacks %q:\n%s", label, w, r.stderr)
			}
		}
		if strings.ContainsAny(r.stderr, "\x1b\a") {
			t.Errorf("%s: stderr carries control characters: %q", label, r.stderr)
		}
		if r.stdout != "" {
			t.Errorf("%s: printed data on stdout: %q", label, r.stdout)
		}
		if after := dirState(t, dir); !mapsEqual(before, after) {
			t.Errorf("%s: the folder changed (something was written):\nbefore %v\nafter  %v", label, keys(before), keys(after))
		}
	}
}

func quoteArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a
		if a == "" || strings.ContainsAny(a, " \t\x1b\a") {
			out[i] = strings.ReplaceAll(strings.ReplaceAll(`'`+a+`'`, "\x1b", `\e`), "\a", `\a`)
		}
	}
	return out
}

func envLabel(e env) string {
	var parts []string
	for k, v := range e {
		parts = append(parts, k+"='"+v+"'")
	}
	slices.Sort(parts)
	return strings.Join(parts, " ")
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestBadInputOnAFreshMachine: with no store yet, no bad value of a global
// flag, an environment variable, a link flag or a store path makes the store,
// its folder or a certificate. The working folder is the test's, so the
// default ./NAME.cer would be caught too.
func TestBadInputOnAFreshMachine(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	storePath := filepath.Join(dir, "xops.db")
	folder := filepath.Join(dir, "a-folder")
	file := filepath.Join(dir, "a-file")
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte("not a folder"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Automatic links talk to nothing: were a bad value let through, the
	// sign-in would fail at once on loopback instead of reaching Microsoft.
	base := env{"XOPS_STORE": storePath, "AZURE_AUTHORITY_HOST": "https://127.0.0.1:1"}
	link := func(extra ...string) []string {
		return linkArgs("contoso", filepath.Join(dir, "contoso.cer"), extra...)
	}
	auto := func(extra ...string) []string {
		return append([]string{"link", "microsoft", "--auto", "--name", "contoso"}, extra...)
	}
	const clouds = "global, usgov, usgovdod, china"

	checkBad(t, dir, base, []badCase{
		// Global flags and their environment variables.
		{args: []string{"--store", "", "accounts", "list"}, code: 2, want: []string{"--store: ", "empty", "the store file's path", "leave the flag out"}},
		{args: append([]string{"--store", "   "}, link()...), code: 2, want: []string{"--store: ", "empty"}},
		{args: link(), env: env{"XOPS_STORE": "  "}, code: 2, want: []string{"XOPS_STORE: ", "only spaces", "unset it"}},
		{args: []string{"--cloud", "", "accounts", "list"}, code: 2, want: []string{"--cloud: ", "empty", clouds}},
		{args: append([]string{"--cloud", "mars"}, link()...), code: 2, want: []string{"--cloud: ", `unknown cloud "mars"`, clouds}},
		{args: link(), env: env{"XOPS_CLOUD": "mars"}, code: 2, want: []string{"XOPS_CLOUD: ", `unknown cloud "mars"`, clouds}},
		{args: link(), env: env{"XOPS_CLOUD": " "}, code: 2, want: []string{"XOPS_CLOUD: ", "only spaces", clouds}},
		{args: append(link(), "--authority-host", "ftp://login.example.com"), code: 2, want: []string{"--authority-host: ", "https://login.example.com"}},
		{args: append(link(), "--authority-host", "http://login.example.com"), code: 2, want: []string{"--authority-host: ", "plain http", "use https"}},
		{args: append(link(), "--authority-host", "https://"), code: 2, want: []string{"--authority-host: ", "https://login.example.com"}},
		{args: append(link(), "--authority-host", "https://:443"), code: 2, want: []string{"--authority-host: ", "no host", "https://login.example.com"}},
		{args: append(link(), "--authority-host", ""), code: 2, want: []string{"--authority-host: ", "empty", "leave the flag out"}},
		{args: append(link(), "--exchange-url", "https://user@outlook.example.com"), code: 2, want: []string{"--exchange-url: ", "user", "just scheme, host"}},
		{args: append(link(), "--graph-url", "https://graph.example.com/?x=1"), code: 2, want: []string{"--graph-url: ", "query"}},
		{args: link(), env: env{"AZURE_AUTHORITY_HOST": "login.example.com"}, code: 2, want: []string{"AZURE_AUTHORITY_HOST: ", "not an absolute URL"}},
		{args: link(), env: env{"XOPS_EXCHANGE_URL": "http://outlook.example.com"}, code: 2, want: []string{"XOPS_EXCHANGE_URL: ", "use https"}},
		{args: link(), env: env{"XOPS_GRAPH_URL": "\t"}, code: 2, want: []string{"XOPS_GRAPH_URL: ", "only spaces"}},
		{args: link(), env: env{"XOPS_SANDBOX": "maybe"}, code: 2, want: []string{"XOPS_SANDBOX: ", `"maybe"`, "use 1 or 0"}},
		{args: append(link(), "--sandbox=maybe"), code: 2, want: []string{"--sandbox", "maybe", "--help"}},
		{args: nil, env: env{"XOPS_ACCESSIBLE": "maybe"}, code: 2, want: []string{"XOPS_ACCESSIBLE: ", "use 1 or 0"}},
		{args: []string{"--accessible=sometimes"}, code: 2, want: []string{"--accessible", "sometimes", "--help"}},

		// The store path.
		{args: append([]string{"--store", folder}, link()...), code: 2, want: []string{"--store: ", folder, "is a folder", filepath.Join(folder, "xops.db")}},
		{args: []string{"accounts", "list"}, env: env{"XOPS_STORE": folder}, code: 2, want: []string{"XOPS_STORE: ", "is a folder"}},
		{args: append([]string{"--store", filepath.Join(file, "xops.db")}, link()...), code: 2, want: []string{"--store: ", file, "not a folder", "inside a folder"}},
		{args: append([]string{"--store", filepath.Join(dir, "new", "xops.db")}, link("--app-id", "1234")...), code: 2, want: []string{"--app-id: ", "Nothing was written."}},

		// link microsoft, guided.
		{args: link("--name", ""), code: 2, want: []string{"--name: ", "is empty", "such as"}},
		{args: link("--name", "   "), code: 2, want: []string{"--name: ", "is empty"}},
		{args: link("--name", "con\atoso"), code: 2, want: []string{"--name: ", "control character"}},
		{args: link("--name", "\x1b[31mred"), code: 2, want: []string{"--name: ", "escape sequence"}},
		{args: link("--name", strings.Repeat("n", 65)), code: 2, want: []string{"--name: ", "65 characters", "64"}},
		{args: link("--app-id", ""), code: 2, want: []string{"--app-id: ", "is empty"}},
		{args: link("--app-id", "1234"), code: 2, want: []string{"--app-id: ", "36 characters"}},
		{args: link("--tenant-id", "contoso.com"), code: 2, want: []string{"--tenant-id: "}},
		{args: link("--tenant-id", testAppID), code: 2, want: []string{"--tenant-id: ", "swapped"}},
		{args: link("--org", "not a domain"), code: 2, want: []string{"--org: "}},
		{args: link("--org", ""), code: 2, want: []string{"--org: ", "is empty", "onmicrosoft.com"}},
		{args: link("--key-size", "1024"), code: 2, want: []string{"--key-size: ", "1024 bits", "2048"}},
		{args: link("--key-size", "big"), code: 2, want: []string{"--key-size", `"big"`, "--help"}},
		{args: link("--cert-days", "0"), code: 2, want: []string{"--cert-days: ", "1 to 3650"}},
		{args: link("--cert-days", "3651"), code: 2, want: []string{"--cert-days: ", "1 to 3650"}},
		{args: link("--wait", "5s"), code: 2, want: []string{"--wait: ", "add --verify"}},
		{args: link("--verify", "--wait", "-1s"), code: 2, want: []string{"--wait: ", "negative", "30s"}},
		{args: link("--verify", "--wait", "soon"), code: 2, want: []string{"--wait", `"soon"`}},
		{args: link("--client-id", testAppID), code: 2, want: []string{"--client-id: ", "only with --auto"}},
		{args: link("--cert-out", ""), code: 2, want: []string{"--cert-out: ", "empty", "./NAME.cer"}},
		{args: link("--cert-out", "   "), code: 2, want: []string{"--cert-out: ", "empty"}},
		{args: link("--cert-out", folder), code: 2, want: []string{"--cert-out: ", "is a folder", filepath.Join(folder, "contoso.cer")}},
		{args: link("--cert-out", filepath.Join(dir, "no", "such", "x.cer")), code: 2, want: []string{"--cert-out: ", "does not exist", "create it"}},
		{args: link("--cert-out", filepath.Join(file, "x.cer")), code: 2, want: []string{"--cert-out: ", "is not a folder"}},
		{args: link("--cert-out", file), code: 2, want: []string{"--cert-out: ", "already exists", "never overwrites"}},
		{args: []string{"link", "microsoft", "--name", "contoso"}, code: 2, want: []string{"--app-id: ", "--tenant-id: ", "--org: "}},

		// link microsoft --auto: every field is checked before the store
		// is opened (which would create it) and before anyone signs in.
		{args: append([]string{"link", "microsoft", "--auto"}, "--name", ""), code: 2, want: []string{"--name: ", "is empty", "Nothing was written."}},
		{args: auto("--name", "\x1b]0;x\a"), code: 2, want: []string{"--name: "}},
		{args: auto("--key-size", "1024"), code: 2, want: []string{"--key-size: ", "2048"}},
		{args: auto("--key-size", "0"), code: 2, want: []string{"--key-size: ", "0 bits"}},
		{args: auto("--cert-days", "0"), code: 2, want: []string{"--cert-days: ", "1 to 3650"}},
		{args: auto("--cert-days", "-3"), code: 2, want: []string{"--cert-days: "}},
		{args: auto("--client-id", "nope"), code: 2, want: []string{"--client-id: ", "36 characters"}},
		{args: auto("--client-id", "  "), code: 2, want: []string{"--client-id: ", "empty"}},
		{args: auto("--wait", "-1s"), code: 2, want: []string{"--wait: ", "negative"}},
		{args: auto("--tenant-id", testTenantID), code: 2, want: []string{"--tenant-id: ", "not with --auto"}},
		{args: auto("--cert-out", folder), code: 2, want: []string{"--cert-out: ", "is a folder"}},
		{args: auto("--cert-out", ""), code: 2, want: []string{"--cert-out: ", "empty"}},
		{args: auto("--cert-out", filepath.Join(dir, "no", "x.cer")), code: 2, want: []string{"--cert-out: ", "does not exist"}},

		// Passphrases from the environment with no terminal to ask on.
		{args: []string{"store", "passphrase", "set"}, code: 2, want: []string{envNewPassphrase, "run in a terminal"}},
		{args: []string{"store", "passphrase", "set"}, env: env{envNewPassphrase: "short"}, code: 2, want: []string{envNewPassphrase, "too short", "at least 8"}},
		{args: []string{"store", "passphrase", "set"}, env: env{envNewPassphrase: "tab\there-and-long"}, code: 2, want: []string{envNewPassphrase, "control character"}},
	})
	if _, err := os.Stat(storePath); !os.IsNotExist(err) {
		t.Errorf("a store was created: %v", err)
	}
}

// TestBadInputLeavesTheStoreAsItWas: against a store holding two accounts,
// no bad value changes a byte of it or writes a file beside it.
func TestBadInputLeavesTheStoreAsItWas(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	storePath := filepath.Join(dir, "xops.db")
	// Nothing reaches Microsoft, were a bad value let through to a verification.
	base := env{"XOPS_STORE": storePath, "AZURE_AUTHORITY_HOST": "https://127.0.0.1:1",
		"XOPS_GRAPH_URL": "https://127.0.0.1:1", "XOPS_EXCHANGE_URL": "https://127.0.0.1:1"}
	for _, n := range []string{"contoso", "fabrikam"} {
		mustRun(t, base, linkArgs(n, filepath.Join(dir, n+".cer"))...)
	}
	folder := filepath.Join(dir, "a-folder")
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.pem")

	checkBad(t, dir, base, []badCase{
		// Global values refused before the command runs, even one that would delete.
		{args: []string{"accounts", "delete", "contoso", "--yes"}, env: env{"XOPS_SANDBOX": "maybe"}, code: 2, want: []string{"XOPS_SANDBOX: "}},
		{args: []string{"--cloud", "mars", "accounts", "delete", "contoso", "--yes"}, code: 2, want: []string{"--cloud: "}},
		{args: []string{"accounts", "rename", "contoso", "x", "--graph-url", "http://graph.example.com"}, code: 2, want: []string{"--graph-url: "}},

		// Account names (positional).
		{args: []string{"accounts", "show", ""}, code: 1, want: []string{`no account named ""`, "xops accounts list"}},
		{args: []string{"accounts", "show", "\x1b[31mcontoso"}, code: 1, want: []string{"no account named", "xops accounts list"}},
		{args: []string{"accounts", "show"}, code: 2, want: []string{"takes NAME", "usage:"}},
		{args: []string{"accounts", "show", "contoso", "fabrikam"}, code: 2, want: []string{"takes NAME", "got 2"}},
		{args: []string{"accounts", "rename", "contoso"}, code: 2, want: []string{"takes NAME NEWNAME"}},
		{args: []string{"accounts", "rename", "contoso", "FABRIKAM"}, code: 2, want: []string{"NEWNAME: ", `"FABRIKAM"`, "already exists", "choose another name", "Nothing was written."}},
		{args: []string{"accounts", "rename", "contoso", ""}, code: 2, want: []string{"NEWNAME: ", "is empty", "Nothing was written."}},
		{args: []string{"accounts", "rename", "contoso", "a\tb"}, code: 2, want: []string{"NEWNAME: ", "tab"}},
		{args: []string{"accounts", "rename", "contoso", "\x1b[2Jx"}, code: 2, want: []string{"NEWNAME: ", "escape sequence"}},
		{args: []string{"accounts", "rename", "contoso", strings.Repeat("x", 65)}, code: 2, want: []string{"NEWNAME: ", "64"}},
		{args: []string{"accounts", "delete", "contoso"}, code: 2, want: []string{"no terminal", "add --yes"}},
		{args: []string{"accounts", "delete", "contoso", "--yes=perhaps"}, code: 2, want: []string{"--yes", "perhaps"}},

		// verify.
		{args: []string{"accounts", "verify", "contoso", "--wait", "-1s"}, code: 2, want: []string{"--wait: ", "negative", "30s"}},
		{args: []string{"accounts", "verify", "contoso", "--wait", "soon"}, code: 2, want: []string{"--wait", `"soon"`}},
		{args: []string{"accounts", "verify", "contoso", "--json=sure"}, code: 2, want: []string{"--json", "sure"}},

		// export.
		{args: []string{"accounts", "export", "contoso", "--format", "xml"}, code: 2, want: []string{"--format: ", `"xml"`, "pem, der or pfx"}},
		{args: []string{"accounts", "export", "contoso", "--format", ""}, code: 2, want: []string{"--format: ", "pem, der or pfx"}},
		{args: []string{"accounts", "export", "contoso", "--out", ""}, code: 2, want: []string{"--out: ", "empty", "stdout"}},
		{args: []string{"accounts", "export", "contoso", "--out", folder}, code: 2, want: []string{"--out: ", "is a folder"}},
		{args: []string{"accounts", "export", "contoso", "--out", filepath.Join(dir, "no", "x.pem")}, code: 2, want: []string{"--out: ", "does not exist"}},
		{args: []string{"accounts", "export", "contoso", "--out", filepath.Join(dir, "contoso.cer")}, code: 2, want: []string{"--out: ", "already exists"}},
		{args: []string{"accounts", "export", "contoso", "--format", "der", "--password-stdin"}, code: 2, want: []string{"--password-stdin: ", "only a pfx", "--format pfx"}},
		{args: []string{"accounts", "export", "contoso", "--format", "pfx", "--password-stdin", "--out", out}, stdin: "\n", code: 2, want: []string{"--password-stdin: ", "no password", "pipe one in"}},
		{args: []string{"accounts", "export", "contoso", "--format", "pfx", "--out", out}, code: 2, want: []string{"--password-stdin: ", "XOPS_PFX_PASSWORD"}},

		// rotate.
		{args: []string{"accounts", "rotate", "contoso", "--key-size", "1024"}, code: 2, want: []string{"--key-size: ", "2048", "Nothing was written."}},
		{args: []string{"accounts", "rotate", "contoso", "--cert-days", "0"}, code: 2, want: []string{"--cert-days: ", "1 to 3650"}},
		{args: []string{"accounts", "rotate", "contoso", "--cert-out", ""}, code: 2, want: []string{"--cert-out: ", "empty"}},
		{args: []string{"accounts", "rotate", "contoso", "--cert-out", folder}, code: 2, want: []string{"--cert-out: ", "is a folder"}},
		{args: []string{"accounts", "rotate", "contoso", "--cert-out", filepath.Join(dir, "no", "x.cer")}, code: 2, want: []string{"--cert-out: ", "does not exist"}},
		{args: []string{"accounts", "rotate", "contoso", "--wait", "1m"}, code: 2, want: []string{"--wait: ", "second run"}},
		{args: []string{"accounts", "rotate", "contoso", "--wait", "-1m"}, code: 2, want: []string{"--wait: ", "negative"}},
		{args: []string{"accounts", "rotate", "contoso", "--cancel"}, code: 2, want: []string{"no rotation is under way"}},
		{args: []string{"accounts", "rotate", "contoso", "--cancel", "--key-size", "4096"}, code: 2, want: []string{"--key-size: ", "not with --cancel"}},
		{args: []string{"accounts", "rotate", "contoso", "--cancel", "--cert-out", out}, code: 2, want: []string{"--cert-out: ", "not with --cancel"}},

		// store.
		{args: []string{"store", "backup", ""}, code: 2, want: []string{"PATH: ", "empty", "file path"}},
		{args: []string{"store", "backup", "   "}, code: 2, want: []string{"PATH: ", "empty"}},
		{args: []string{"store", "backup", folder}, code: 2, want: []string{"PATH: ", "is a folder"}},
		{args: []string{"store", "backup", filepath.Join(dir, "no", "b.db")}, code: 2, want: []string{"PATH: ", "does not exist"}},
		{args: []string{"store", "backup", storePath}, code: 2, want: []string{"PATH: ", "already exists"}},
		{args: []string{"store", "backup"}, code: 2, want: []string{"takes PATH"}},
		{args: []string{"store", "check", "--prune=later"}, code: 2, want: []string{"--prune", "later"}},
		{args: []string{"store", "passphrase", "set"}, env: env{envNewPassphrase: "short"}, code: 2, want: []string{envNewPassphrase + ": ", "too short", "at least", "Nothing was written."}},
		{args: []string{"store", "passphrase", "set"}, env: env{envNewPassphrase: "long enough\nbut two lines"}, code: 2, want: []string{envNewPassphrase + ": "}},
		{args: []string{"store", "passphrase", "set"}, code: 2, want: []string{envNewPassphrase, "run in a terminal"}},
		{args: []string{"store", "passphrase", "change"}, code: 2, want: []string{"not protected", "xops store passphrase set"}},
		{args: []string{"store", "passphrase", "remove"}, code: 2, want: []string{"not protected", "xops store passphrase set"}},
	})
}

// TestBadStoreFileIsNeverWritten: a store path that names a file that is
// not a store (text, an empty file) is refused by every command, the message
// names the file, what is wrong and the way out without saying it twice, and
// the file keeps every byte.
func TestBadStoreFileIsNeverWritten(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, c := range []struct {
		name, content string
		want          string
	}{
		{"notes.txt", "my notes, not a store\n" + strings.Repeat("x", 9000), "not a bbolt database"},
		{"empty.db", "", "empty"},
	} {
		p := filepath.Join(dir, c.name)
		if err := os.WriteFile(p, []byte(c.content), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{
			{"accounts", "list"},
			linkArgs("contoso", filepath.Join(dir, "contoso.cer")),
			{"store", "check"},
			{"store", "passphrase", "set"},
		} {
			for _, e := range []struct {
				env  env
				args []string
				src  string
			}{
				{env{"XOPS_STORE": p, envNewPassphrase: "a good passphrase"}, args, "XOPS_STORE: "},
				{env{envNewPassphrase: "a good passphrase"}, append([]string{"--store", p}, args...), "--store: "},
			} {
				r := xops(t, e.env, "", e.args...)
				if r.code != 1 {
					t.Errorf("%s %v: exit %d, want 1; stderr %q", envLabel(e.env), e.args, r.code, r.stderr)
				}
				for _, w := range []string{e.src, p, c.want, "restore"} {
					if !strings.Contains(r.stderr, w) {
						t.Errorf("%s %v: stderr lacks %q: %q", envLabel(e.env), e.args, w, r.stderr)
					}
				}
				if n := strings.Count(r.stderr, "xops store backup"); n > 1 {
					t.Errorf("%v: the way out is said %d times: %q", e.args, n, r.stderr)
				}
				if data, err := os.ReadFile(p); err != nil || !bytes.Equal(data, []byte(c.content)) {
					t.Fatalf("%v: %s was changed (%v)", e.args, p, err)
				}
				if _, err := os.Stat(filepath.Join(dir, "contoso.cer")); !os.IsNotExist(err) {
					t.Fatalf("%v: a certificate was written", e.args)
				}
			}
		}
	}
}

// TestBadPassphraseLeavesTheStoreAsItWas: on a store whose keys are
// protected, a wrong or missing passphrase and a refused new one change
// nothing and name the variable to fix.
func TestBadPassphraseLeavesTheStoreAsItWas(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	base := env{"XOPS_STORE": filepath.Join(dir, "xops.db"), "AZURE_AUTHORITY_HOST": "https://127.0.0.1:1",
		"XOPS_GRAPH_URL": "https://127.0.0.1:1", "XOPS_EXCHANGE_URL": "https://127.0.0.1:1"}
	mustRun(t, base, linkArgs("contoso", filepath.Join(dir, "contoso.cer"))...)
	mustRun(t, base.with(envNewPassphrase, cliPass), "store", "passphrase", "set")
	wrong := env{envPassphrase: "not the passphrase"}
	pfx := []string{"accounts", "export", "contoso", "--format", "pfx", "--out", filepath.Join(dir, "c.pfx")}

	checkBad(t, dir, base, []badCase{
		{args: pfx, env: env{"XOPS_PFX_PASSWORD": "pfx secret"}, code: 2, want: []string{envPassphrase, "run in a terminal"}},
		{args: pfx, env: env{"XOPS_PFX_PASSWORD": "pfx secret", envPassphrase: "not the passphrase"}, code: 2, want: []string{envPassphrase, "does not open"}},
		{args: []string{"accounts", "rotate", "contoso", "--cert-out", filepath.Join(dir, "new.cer")}, env: wrong, code: 2, want: []string{envPassphrase, "does not open"}},
		{args: []string{"store", "passphrase", "set"}, env: env{envNewPassphrase: cliPass}, code: 2, want: []string{"already", "passphrase change"}},
		{args: []string{"store", "passphrase", "change"}, env: env{envNewPassphrase: "another good one"}, code: 2, want: []string{envPassphrase, "run in a terminal"}},
		{args: []string{"store", "passphrase", "change"}, env: env{envPassphrase: "not the passphrase", envNewPassphrase: "another good one"}, code: 2, want: []string{"passphrase"}},
		{args: []string{"store", "passphrase", "change"}, env: env{envPassphrase: cliPass, envNewPassphrase: "short"}, code: 2, want: []string{envNewPassphrase + ": ", "too short", "Nothing was written."}},
		{args: []string{"store", "passphrase", "change"}, env: env{envPassphrase: cliPass}, code: 2, want: []string{envNewPassphrase, "run in a terminal"}},
		{args: []string{"store", "passphrase", "remove"}, env: wrong, code: 2, want: []string{"passphrase"}},
	})
}

// TestBadDefaultStoreEnvironment: without --store or XOPS_STORE the store
// path comes from HOME and XDG_DATA_HOME (read by the store package from the
// process's environment, hence t.Setenv). No HOME is bad input (exit 2) that
// says what to set; a relative XDG_DATA_HOME is ignored, as the XDG spec
// says, but not silently. Neither creates anything.
func TestBadDefaultStoreEnvironment(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("HOME", "")
	t.Setenv("XDG_DATA_HOME", "")
	checkBad(t, dir, env{}, []badCase{
		{args: linkArgs("contoso", filepath.Join(dir, "contoso.cer")), code: 2, want: []string{"$HOME", "XDG_DATA_HOME", "--store", "XOPS_STORE"}},
		{args: []string{"accounts", "list"}, code: 2, want: []string{"$HOME", "XOPS_STORE"}},
	})

	home := filepath.Join(dir, "home")
	if err := os.Mkdir(home, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	t.Setenv("XDG_DATA_HOME", "relative/data")
	before := dirState(t, dir)
	r := xops(t, env{"XDG_DATA_HOME": "relative/data"}, "", "accounts", "list")
	want := filepath.Join(home, ".local", "share", "xops", "xops.db")
	if r.code != 0 || !strings.Contains(r.stderr, `XDG_DATA_HOME="relative/data" is not an absolute path`) ||
		!strings.Contains(r.stderr, "the store is "+want) || !strings.Contains(r.stderr, "absolute path") {
		t.Errorf("relative XDG_DATA_HOME: exit %d stderr %q", r.code, r.stderr)
	}
	if after := dirState(t, dir); !mapsEqual(before, after) {
		t.Errorf("something was written: %v", keys(after))
	}
}
