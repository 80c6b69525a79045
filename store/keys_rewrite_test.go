package store_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"testing"

	"github.com/xops/xops/store"
)

func TestRewriteKeysIfChecksSettingsAndAudits(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	if err := s.PutKey("a", testKey(1)); err != nil {
		t.Fatal(err)
	}
	if err := s.PutSetting("security.keys", []byte(`{"mode":"none"}`)); err != nil {
		t.Fatal(err)
	}
	seal := func(_ string, km store.KeyMaterial) (store.KeyMaterial, error) {
		return store.KeyMaterial{CertDER: km.CertDER, KeyAge: append([]byte("sealed:"), km.KeyPKCS8...)}, nil
	}
	stale := store.KeyRewrite{
		Fn:       seal,
		Expect:   map[string][]byte{"security.keys": nil}, // the caller thought it unset
		Settings: map[string][]byte{"security.keys": []byte(`{"mode":"age"}`)},
		Audit:    store.AuditEntry{Action: "passphrase set"},
	}
	if err := s.RewriteKeysIf(stale); !errors.Is(err, store.ErrChanged) {
		t.Fatalf("stale expectation: err = %v, want ErrChanged", err)
	}
	if km, _ := s.Key("a"); len(km.KeyPKCS8) == 0 || len(km.KeyAge) != 0 {
		t.Fatalf("a refused rewrite changed the key: %v", km)
	}
	if got, _ := s.Audit(""); len(got) != 0 {
		t.Fatalf("a refused rewrite was audited: %+v", got)
	}

	ok := stale
	ok.Expect = map[string][]byte{"security.keys": []byte(`{"mode":"none"}`)}
	if err := s.RewriteKeysIf(ok); err != nil {
		t.Fatalf("RewriteKeysIf: %v", err)
	}
	km, err := s.Key("a")
	if err != nil || len(km.KeyPKCS8) != 0 || !bytes.HasPrefix(km.KeyAge, []byte("sealed:")) {
		t.Fatalf("key after rewrite: %v, %v", km, err)
	}
	if v, _ := s.Setting("security.keys"); string(v) != `{"mode":"age"}` {
		t.Fatalf("setting = %q", v)
	}
	audit, err := s.Audit("")
	if err != nil || len(audit) != 1 || audit[0].Action != "passphrase set" || audit[0].AccountID != "" {
		t.Fatalf("audit = %+v, %v", audit, err)
	}
	if err := s.Check(); err != nil {
		t.Fatalf("Check: %v", err)
	}
	// The plain form is gone from the file, freed pages included.
	raw, err := os.ReadFile(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	plain := testKey(1).KeyPKCS8
	if bytes.Contains(raw, []byte(base64.StdEncoding.EncodeToString(plain))) {
		t.Error("the plain key is still in the file after RewriteKeysIf")
	}
}
