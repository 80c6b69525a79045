package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	pkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/store"
)

// A low scrypt work factor keeps these tests quick; it is set before any
// test runs (and in the test binary standing in for xops).
func init() { scryptWorkFactor = 10 }

const (
	cliPass  = "tr0ub4dor & 3"
	cliPass2 = "a whole new passphrase"
)

// with returns a copy of e with more variables.
func (e env) with(kv ...string) env {
	out := env{}
	for k, v := range e {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// storedKeys reads every key record straight from the store file.
func storedKeys(t *testing.T, path string) []store.KeyMaterial {
	t.Helper()
	st, err := store.Open(path, store.Options{Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	accounts, _, err := st.Accounts()
	if err != nil {
		t.Fatal(err)
	}
	var out []store.KeyMaterial
	for _, a := range accounts {
		for _, c := range a.Credentials {
			km, err := st.Key(c.ID)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, km)
		}
	}
	return out
}

// showJSON is the key_protection of `accounts show NAME --json`.
func keyProtection(t *testing.T, e env, name string) string {
	t.Helper()
	r := mustRun(t, e, "accounts", "show", name, "--json")
	var v struct {
		KeyProtection string `json:"key_protection"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
		t.Fatalf("show --json: %v\n%s", err, r.stdout)
	}
	return v.KeyProtection
}

func TestStorePassphraseFromTheCommandLine(t *testing.T) {
	t.Parallel()
	e, path, dir := linked(t, "contoso", "fabrikam")
	var plain [][]byte
	for _, km := range storedKeys(t, path) {
		plain = append(plain, km.KeyPKCS8)
	}
	if got := keyProtection(t, e, "contoso"); got != string(flow.ProtectionFilePermissions) {
		t.Fatalf("key_protection before = %q", got)
	}
	var outputs []string
	keep := func(r result) result { outputs = append(outputs, r.stdout, r.stderr); return r }

	// No new passphrase and no terminal: refused, nothing written.
	r := keep(xops(t, e, "", "store", "passphrase", "set"))
	if r.code != 2 || !strings.Contains(r.stderr, envNewPassphrase) {
		t.Fatalf("set without a passphrase: exit %d, %s", r.code, r.stderr)
	}
	// Too short: the field is named.
	r = keep(xops(t, e.with(envNewPassphrase, "short"), "", "store", "passphrase", "set"))
	if r.code != 2 || !strings.Contains(r.stderr, envNewPassphrase+": ") || !strings.Contains(r.stderr, "too short") {
		t.Fatalf("set with a short passphrase: exit %d, %s", r.code, r.stderr)
	}
	keep(mustRun(t, e.with(envNewPassphrase, cliPass), "store", "passphrase", "set"))
	for i, km := range storedKeys(t, path) {
		if len(km.KeyPKCS8) != 0 || len(km.KeyAge) == 0 {
			t.Errorf("key %d after set: %v", i, km)
		}
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range plain {
		if bytes.Contains(raw, p) || bytes.Contains(raw, []byte(base64.StdEncoding.EncodeToString(p))) {
			t.Errorf("the store file still holds plain key %d", i)
		}
	}

	// Reading needs no passphrase.
	r = keep(mustRun(t, e, "accounts", "list", "--json"))
	var list []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil || len(list) != 2 {
		t.Fatalf("list --json without the passphrase: %v %s", err, r.stdout)
	}
	if got := keyProtection(t, e, "contoso"); got != string(flow.ProtectionPassphrase) {
		t.Errorf("key_protection after set = %q", got)
	}
	r = keep(mustRun(t, e, "accounts", "show", "contoso"))
	if !strings.Contains(r.stdout, "encrypted with your passphrase") {
		t.Errorf("show does not say the key is encrypted:\n%s", r.stdout)
	}
	r = keep(mustRun(t, e, "accounts", "export", "contoso", "--format", "pem", "--out", filepath.Join(dir, "c.pem")))

	// A PFX needs the key: without the passphrase and a terminal, exit 2.
	pfxEnv := e.with("XOPS_PFX_PASSWORD", "pfx secret")
	out := filepath.Join(dir, "contoso.pfx")
	r = keep(xops(t, pfxEnv, "", "accounts", "export", "contoso", "--format", "pfx", "--out", out))
	if r.code != 2 || !strings.Contains(r.stderr, "protected by a passphrase: set XOPS_PASSPHRASE or run in a terminal") {
		t.Errorf("PFX export without the passphrase: exit %d, %s", r.code, r.stderr)
	}
	r = keep(xops(t, pfxEnv.with(envPassphrase, "not it at all"), "", "accounts", "export", "contoso", "--format", "pfx", "--out", out))
	if r.code != 2 || !strings.Contains(r.stderr, "XOPS_PASSPHRASE does not open this store's keys") {
		t.Errorf("PFX export with a wrong passphrase: exit %d, %s", r.code, r.stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("a refused export wrote %s", out)
	}
	keep(mustRun(t, pfxEnv.with(envPassphrase, cliPass), "accounts", "export", "contoso", "--format", "pfx", "--out", out))
	pfx, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if key, _, _, err := pkcs12.DecodeChain(pfx, "pfx secret"); err != nil || key == nil {
		t.Fatalf("the PFX made with the passphrase does not open: %v", err)
	}

	// Change: a wrong current passphrase changes nothing.
	before := storedKeys(t, path)
	r = keep(xops(t, e.with(envPassphrase, "wrong wrong", envNewPassphrase, cliPass2), "", "store", "passphrase", "change"))
	if r.code != 2 || !strings.Contains(r.stderr, "wrong passphrase") || !strings.Contains(r.stderr, "nothing was changed") {
		t.Errorf("change with a wrong passphrase: exit %d, %s", r.code, r.stderr)
	}
	for i, km := range storedKeys(t, path) {
		if !bytes.Equal(km.KeyAge, before[i].KeyAge) {
			t.Errorf("key %d changed after a refused change", i)
		}
	}
	keep(mustRun(t, e.with(envPassphrase, cliPass, envNewPassphrase, cliPass2), "store", "passphrase", "change"))
	r = keep(xops(t, pfxEnv.with(envPassphrase, cliPass), "", "accounts", "export", "contoso", "--format", "pfx", "--out", out+"2"))
	if r.code != 2 {
		t.Errorf("the old passphrase still exports: exit %d", r.code)
	}
	// A rotation on a protected store seals the new key.
	keep(mustRun(t, e.with(envPassphrase, cliPass2), "accounts", "rotate", "fabrikam", "--cert-out", filepath.Join(dir, "new.cer")))
	for i, km := range storedKeys(t, path) {
		if len(km.KeyPKCS8) != 0 {
			t.Errorf("key %d is plain after a rotation on a protected store", i)
		}
	}

	keep(mustRun(t, e.with(envPassphrase, cliPass2), "store", "passphrase", "remove"))
	if got := keyProtection(t, e, "contoso"); got != string(flow.ProtectionFilePermissions) {
		t.Errorf("key_protection after remove = %q", got)
	}
	r = keep(xops(t, e, "", "store", "passphrase", "remove"))
	if r.code != 2 || !strings.Contains(r.stderr, "not protected") {
		t.Errorf("remove twice: exit %d, %s", r.code, r.stderr)
	}

	// The audit log says what happened, and no output holds a passphrase.
	st, err := store.Open(path, store.Options{Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	audit, _ := st.Audit("")
	var actions []string
	for _, a := range audit {
		if a.AccountID == "" {
			actions = append(actions, a.Action)
		}
		outputs = append(outputs, a.Detail)
	}
	if got := strings.Join(actions, ","); got != "passphrase set,passphrase changed,passphrase removed" {
		t.Errorf("store-wide audit = %s", got)
	}
	for _, o := range outputs {
		for _, p := range []string{cliPass, cliPass2} {
			if strings.Contains(o, p) {
				t.Errorf("an output holds a passphrase: %q", o)
			}
		}
	}
}

func TestVerifyOnAProtectedStore(t *testing.T) {
	t.Parallel()
	e, _, _ := linked(t, "contoso")
	mustRun(t, e.with(envNewPassphrase, cliPass), "store", "passphrase", "set")
	sb := e.with("XOPS_SANDBOX", "1")

	r := xops(t, sb, "", "accounts", "verify", "contoso", "--json")
	if r.code != 2 || !strings.Contains(r.stderr, "set XOPS_PASSPHRASE or run in a terminal") || r.stdout != "" {
		t.Fatalf("verify without the passphrase: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	r = xops(t, sb.with(envPassphrase, "not the one!"), "", "accounts", "verify", "contoso", "--json")
	if r.code != 2 || !strings.Contains(r.stderr, "does not open") {
		t.Fatalf("verify with a wrong passphrase: exit %d\nstderr: %s", r.code, r.stderr)
	}
	// With it, the key opens: the local check passes and the rest runs
	// (the simulated tenant does not know this app, so a later check fails).
	r = xops(t, sb.with(envPassphrase, cliPass), "", "accounts", "verify", "contoso", "--json")
	var rep struct {
		Checks []struct {
			ID string `json:"id"`
			OK bool   `json:"ok"`
		} `json:"checks"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || len(rep.Checks) == 0 {
		t.Fatalf("verify with the passphrase: exit %d, %v\nstdout: %s\nstderr: %s", r.code, err, r.stdout, r.stderr)
	}
	if rep.Checks[0].ID != "certificate-local" || !rep.Checks[0].OK {
		t.Errorf("the local check with the passphrase: %+v", rep.Checks[0])
	}
	if strings.Contains(r.stdout+r.stderr, cliPass) {
		t.Error("verify printed the passphrase")
	}
}
