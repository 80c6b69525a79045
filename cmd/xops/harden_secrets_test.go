//go:build linux

package main

import (
	"encoding/base64"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xops/xops/entra/sandbox"
	"github.com/xops/xops/flow/wizard"
	"github.com/xops/xops/store"
)

// keyLeaks lists the ways text shows any of the keys: a PEM private key
// marker, or a window of the key's PKCS#8 DER in base64, hex or raw.
func keyLeaks(text string, keys [][]byte) []string {
	var leaks []string
	if strings.Contains(text, "PRIVATE KEY") {
		leaks = append(leaks, "a PEM private key marker")
	}
	for _, k := range keys {
		for _, off := range []int{len(k) / 4, len(k) / 2, 3 * len(k) / 4} {
			window := k[off : off+48]
			for enc, s := range map[string]string{
				"base64": base64.StdEncoding.EncodeToString(window)[:40],
				"hex":    hex.EncodeToString(window),
				"HEX":    strings.ToUpper(hex.EncodeToString(window)),
				"raw":    string(window),
			} {
				if strings.Contains(text, s) {
					leaks = append(leaks, enc+" of key bytes")
				}
			}
		}
	}
	return leaks
}

// storeKeys reads every key a store holds, by the credentials of its
// accounts and by the credential ids given.
func storeKeys(t *testing.T, path string, credIDs ...string) [][]byte {
	t.Helper()
	st, err := store.Open(path, store.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	accounts, _, err := st.Accounts()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range accounts {
		for _, c := range a.Credentials {
			credIDs = append(credIDs, c.ID)
		}
	}
	var keys [][]byte
	for _, id := range credIDs {
		km, err := st.Key(id)
		if err != nil {
			t.Fatalf("key %s: %v", id, err)
		}
		if len(km.KeyPKCS8) < 200 {
			t.Fatalf("key %s is too short to search for", id)
		}
		keys = append(keys, km.KeyPKCS8)
	}
	return keys
}

// testCrashDumpHasNoKey crashes xops (SIGQUIT: the Go runtime's dump of
// every goroutine, what a panic prints and more) while a verification holds
// the decrypted key — Exchange hangs, so the process waits with the key
// loaded and the token signed — and greps the dump for key material.
func testCrashDumpHasNoKey(t *testing.T, bin string) {
	r, env := linkedWithHangingExchange(t, bin)

	cmd := exec.Command(bin, "accounts", "verify", "contoso", "--wait", "1m")
	cmd.Env = append(env, "GOTRACEBACK=system")
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(screenWait)
	for !strings.Contains(out.String(), "Verifying") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	for r.sb.TokensIssued() == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond) // the key has signed an assertion: it is in memory
	}
	if r.sb.TokensIssued() == 0 {
		_ = cmd.Process.Kill()
		t.Fatalf("no token was asked for within %s:\n%s", screenWait, out.String())
	}
	_ = cmd.Process.Signal(syscall.SIGQUIT)
	_ = cmd.Wait()
	dump := out.String()
	if !strings.Contains(dump, "goroutine ") {
		t.Fatalf("no crash dump to search, so this proves nothing:\n%s", tailOf(dump, 2000))
	}
	if leaks := keyLeaks(dump, storeKeys(t, r.store)); len(leaks) > 0 {
		t.Fatalf("the crash dump shows the key: %v", leaks)
	}
}

// testDraftHasNoKey goes through the TUI wizard's form to the certificate
// page (the key exists and the draft refers to it), drops the session with
// SIGHUP, and greps the draft and the audit log for the key.
func testDraftHasNoKey(t *testing.T, bin string) {
	dir := t.TempDir()
	storePath := filepath.Join(dir, "xops.db")
	env := append(os.Environ(), "XOPS_STORE="+storePath, "TERM=xterm-256color", "NO_COLOR=1",
		"XOPS_SANDBOX=", "XOPS_ACCESSIBLE=")
	p := startInPTY(t, bin, env)
	p.waitFor("Choose", "Microsoft")
	p.press("jj\r")
	p.waitFor("M365")
	p.press("\r")
	p.waitFor("(guided)") // automatic or guided (issue 8)
	p.press("\r")         // the guided path, where the cursor starts
	p.waitFor("checklist")
	p.press("\r")
	p.waitFor("n/esc")
	p.press("y")
	p.waitFor("Friendly")
	// huh moves the focus after each enter on its own time: let it settle.
	for _, field := range []string{"secret-draft", testAppID, testTenantID, testOrg} {
		p.press(field)
		p.waitQuiet(field[len(field)-1:])
		p.press("\r")
		p.waitQuiet("")
	}
	p.press("\r") // key size: the default
	p.waitQuiet("")
	p.press("\r") // lifetime: the default; the key is made
	p.waitFor("Thumbprint")
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	p.wait()

	st, err := store.Open(storePath, store.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	data, err := st.Draft(wizard.DraftKind)
	var audit []store.AuditEntry
	if err == nil {
		audit, err = st.Audit("")
	}
	st.Close()
	if err != nil {
		t.Fatalf("read the draft and the audit log: %v", err)
	}
	draft, err := wizard.Unmarshal(data)
	if err != nil || draft.Cred == nil {
		t.Fatalf("the draft has no credential, so this proves nothing: %v\n%s", err, data)
	}
	text := string(data)
	for _, e := range audit {
		text += e.Action + " " + e.Detail + " " + e.Name + "\n"
	}
	if leaks := keyLeaks(text+p.screen(), storeKeys(t, storePath, draft.Cred.ID)); len(leaks) > 0 {
		t.Fatalf("the draft, the audit log or the screen shows the key: %v", leaks)
	}
}

// TestKeyLeaksFindsKeys: the detector the leak tests rely on finds a key
// printed in each encoding, and nothing in clean text.
func TestKeyLeaksFindsKeys(t *testing.T) {
	t.Parallel()
	key := make([]byte, 1200)
	for i := range key {
		key[i] = byte(i*7 + i/256)
	}
	keys := [][]byte{key}
	for name, text := range map[string]string{
		"pem":    "-----BEGIN PRIVATE KEY-----",
		"base64": "x " + base64.StdEncoding.EncodeToString(key) + " y",
		"hex":    hex.EncodeToString(key),
		"raw":    string(key),
	} {
		if leaks := keyLeaks(text, keys); len(leaks) == 0 {
			t.Errorf("%s: the key was not found", name)
		}
	}
	if leaks := keyLeaks("goroutine 1 [running]: main.main() 0xc000012345", keys); len(leaks) > 0 {
		t.Errorf("clean text reported as a leak: %v", leaks)
	}
}

// linkedWithHangingExchange is a sandbox rig with the account contoso linked
// by bin and verified-ready, whose Exchange Online never answers: a
// verification then waits with the decrypted key loaded and the token
// signed. It returns the rig and bin's environment.
func linkedWithHangingExchange(t *testing.T, bin string) (*rig, []string) {
	t.Helper()
	r := newRig(t)
	appID := r.app()
	env := r.binEnv()
	cert := filepath.Join(r.dir, "c.cer")
	if o := runBin(t, bin, env, 0, "link", "microsoft", "--name", "contoso", "--app-id", appID, "--tenant-id", r.sb.TenantID(),
		"--org", r.sb.Domain(), "--cert-out", cert); o.code != 0 {
		t.Fatalf("link: exit %d\n%s", o.code, o.out)
	}
	r.upload(appID, cert)
	r.sb.SetFault(sandbox.ServiceExchange, sandbox.Fault{Hang: true})
	return r, env
}
