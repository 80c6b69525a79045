package main

import (
	"encoding/base64"
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xops/xops/store"
)

// TestNoKeyMaterialInAnyOutput runs every command that touches an account
// and greps all it printed, and the audit log, for the private key.
func TestNoKeyMaterialInAnyOutput(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	appID := r.app()
	cert := filepath.Join(r.dir, "c.cer")
	var outputs []result
	run := func(args ...string) {
		outputs = append(outputs, r.xops(args...))
	}
	run("link", "microsoft", "--name", "contoso", "--app-id", appID, "--tenant-id", r.sb.TenantID(), "--org", r.sb.Domain(), "--cert-out", cert, "--verify")
	r.upload(appID, cert)
	run("accounts", "verify", "contoso")
	run("accounts", "verify", "contoso", "--json")
	run("accounts", "list")
	run("accounts", "list", "--json")
	run("accounts", "show", "contoso")
	run("accounts", "show", "contoso", "--json")
	run("accounts", "export", "contoso")
	run("accounts", "export", "contoso", "--format", "der", "--out", filepath.Join(r.dir, "c.der"))
	run("accounts", "rotate", "contoso", "--cert-out", filepath.Join(r.dir, "new.cer"))
	run("accounts", "rotate", "contoso")
	run("accounts", "rename", "contoso", "contoso2")
	run("store", "check")

	st, err := store.Open(r.store, store.Options{Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	acc, err := st.AccountByName("contoso2")
	if err != nil {
		t.Fatal(err)
	}
	var keys [][]byte
	for _, c := range acc.Credentials {
		km, err := st.Key(c.ID)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, km.KeyPKCS8)
	}
	audit, err := st.Audit("")
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, o := range outputs {
		all.WriteString(o.stdout + o.stderr)
	}
	for _, e := range audit {
		all.WriteString(e.Action + " " + e.Detail + " " + e.Name + "\n")
	}
	text := all.String()
	if strings.Contains(text, "PRIVATE KEY") {
		t.Error("a PEM private key was printed")
	}
	for _, k := range keys {
		// A 48-byte window of the key's DER, in the encodings a leak would take.
		window := k[len(k)/2 : len(k)/2+48]
		for _, enc := range []string{base64.StdEncoding.EncodeToString(window)[:40], hex.EncodeToString(window), strings.ToUpper(hex.EncodeToString(window))} {
			if strings.Contains(text, enc) {
				t.Errorf("key material printed (%s…)", enc[:12])
			}
		}
		if strings.Contains(text, string(window)) {
			t.Error("raw key bytes printed")
		}
	}
}
