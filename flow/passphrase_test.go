package flow_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/store"
)

const (
	testPass  = "correct horse battery"
	testPass2 = "another staple here"
	// A low scrypt work factor keeps the tests quick; production uses age's default.
	testWork = 10
)

// protFixture is a real store and a Service on it, plus a way to make a
// second Service (another xops process, with nothing cached).
type protFixture struct {
	st   *store.Store
	svc  *flow.Service
	ver  *fakeVerifier
	path string
}

func newProtFixture(t *testing.T) *protFixture {
	t.Helper()
	path := filepath.Join(t.TempDir(), "xops.db")
	st, err := store.Open(path, store.Options{Timeout: time.Second, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &protFixture{st: st, ver: &fakeVerifier{report: report("", "")}, path: path}
	f.svc = f.fresh(nil)
	return f
}

// fresh is a new Service on the same store, asking ask for the passphrase.
func (f *protFixture) fresh(ask func(context.Context) (string, error)) *flow.Service {
	return &flow.Service{Store: f.st, Verifier: f.ver, Cloud: "global", Now: func() time.Time { return testNow },
		Passphrase: ask, ScryptWorkFactor: testWork}
}

// answer is a Passphrase provider that always says p and counts its calls.
func answer(p string, calls *atomic.Int32) func(context.Context) (string, error) {
	return func(context.Context) (string, error) {
		calls.Add(1)
		return p, nil
	}
}

func (f *protFixture) link(t *testing.T, svc *flow.Service, name string) flow.LinkResult {
	t.Helper()
	in := validInput(name)
	in.KeySize = 2048
	res, err := svc.Link(context.Background(), in, nil)
	if err != nil {
		t.Fatalf("Link(%q): %v", name, err)
	}
	return res
}

// keys returns every account's stored key material, by credential id.
func (f *protFixture) keys(t *testing.T) map[string]store.KeyMaterial {
	t.Helper()
	accounts, _, err := f.st.Accounts()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]store.KeyMaterial{}
	for _, a := range accounts {
		for _, c := range a.Credentials {
			km, err := f.st.Key(c.ID)
			if err != nil {
				t.Fatal(err)
			}
			out[c.ID] = km
		}
	}
	return out
}

func (f *protFixture) setting(t *testing.T) []byte {
	t.Helper()
	v, err := f.st.Setting(flow.SettingKeyProtection)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		t.Fatal(err)
	}
	return v
}

// fileHolds reports whether the store file's bytes contain b, as it is or
// in base64 (records are JSON, which writes bytes in base64).
func (f *protFixture) fileHolds(t *testing.T, b []byte) bool {
	t.Helper()
	raw, err := os.ReadFile(f.path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Contains(raw, b) || bytes.Contains(raw, []byte(base64.StdEncoding.EncodeToString(b)))
}

func TestSetPassphraseSealsEveryKeyAndHidesThePKCS8(t *testing.T) {
	t.Parallel()
	f := newProtFixture(t)
	f.link(t, f.svc, "contoso")
	f.link(t, f.svc, "fabrikam")
	if p, err := f.svc.KeyProtection(); err != nil || p != flow.ProtectionFilePermissions {
		t.Fatalf("KeyProtection before = %q, %v", p, err)
	}
	plain := f.keys(t)
	for id, km := range plain {
		if len(km.KeyPKCS8) == 0 || !f.fileHolds(t, km.KeyPKCS8) {
			t.Fatalf("precondition: key %s should be plain in the file", id)
		}
	}

	if err := f.svc.SetPassphrase(testPass); err != nil {
		t.Fatalf("SetPassphrase: %v", err)
	}
	if p, _ := f.svc.KeyProtection(); p != flow.ProtectionPassphrase {
		t.Fatalf("KeyProtection after = %q", p)
	}
	sealed := f.keys(t)
	if len(sealed) != len(plain) {
		t.Fatalf("%d keys after, %d before", len(sealed), len(plain))
	}
	for id, km := range sealed {
		if len(km.KeyPKCS8) != 0 || len(km.KeyAge) == 0 {
			t.Errorf("key %s after SetPassphrase: %v", id, km)
		}
		if !bytes.Equal(km.CertDER, plain[id].CertDER) {
			t.Errorf("key %s: the certificate changed", id)
		}
	}
	// bbolt copies on write: the old, plain forms must not linger in freed pages.
	for id, km := range plain {
		if f.fileHolds(t, km.KeyPKCS8) {
			t.Errorf("the store file still holds the PKCS#8 of key %s", id)
		}
	}
	if bytes.Contains(f.setting(t), []byte(testPass)) || f.fileHolds(t, []byte(testPass)) {
		t.Error("the passphrase is in the store")
	}
	audit, err := f.st.Audit("")
	if err != nil {
		t.Fatal(err)
	}
	last := audit[len(audit)-1]
	if last.Action != flow.AuditPassphraseSet || strings.Contains(last.Detail, testPass) {
		t.Errorf("audit after SetPassphrase: %+v", last)
	}
	if err := f.svc.SetPassphrase(testPass2); !errors.Is(err, flow.ErrAlreadyProtected) {
		t.Errorf("SetPassphrase twice: %v, want ErrAlreadyProtected", err)
	}
	if err := f.st.Check(); err != nil {
		t.Errorf("store Check: %v", err)
	}
}

func TestWrongPassphraseChangesNothing(t *testing.T) {
	t.Parallel()
	f := newProtFixture(t)
	f.link(t, f.svc, "contoso")
	if err := f.svc.SetPassphrase(testPass); err != nil {
		t.Fatal(err)
	}
	before, setting := f.keys(t), f.setting(t)
	audit, _ := f.st.Audit("")

	for _, op := range []struct {
		name string
		run  func() error
	}{
		{"change", func() error { return f.svc.ChangePassphrase("not the passphrase", testPass2) }},
		{"remove", func() error { return f.svc.RemovePassphrase("not the passphrase") }},
		{"unlock", func() error { return f.svc.UnlockKeys("not the passphrase") }},
	} {
		err := op.run()
		if !errors.Is(err, flow.ErrWrongPassphrase) {
			t.Errorf("%s with a wrong passphrase: %v, want ErrWrongPassphrase", op.name, err)
			continue
		}
		if !strings.Contains(err.Error(), "wrong passphrase") || !strings.Contains(err.Error(), "nothing was changed") {
			t.Errorf("%s: message %q does not say the passphrase is wrong and nothing changed", op.name, err)
		}
		if strings.Contains(err.Error(), "not the passphrase") {
			t.Errorf("%s: the error repeats the passphrase typed: %q", op.name, err)
		}
	}
	after := f.keys(t)
	for id := range before {
		if !bytes.Equal(before[id].KeyAge, after[id].KeyAge) {
			t.Errorf("key %s changed after wrong passphrases", id)
		}
	}
	if !bytes.Equal(setting, f.setting(t)) {
		t.Error("the protection setting changed after wrong passphrases")
	}
	if now, _ := f.st.Audit(""); len(now) != len(audit) {
		t.Errorf("audit grew after wrong passphrases: %d → %d", len(audit), len(now))
	}
	// A Service asked for the key gets ErrWrongPassphrase after the attempts.
	var calls atomic.Int32
	svc := f.fresh(answer("not the passphrase", &calls))
	if _, err := svc.Verify(context.Background(), "contoso", 0, nil); !errors.Is(err, flow.ErrWrongPassphrase) {
		t.Errorf("verify with a wrong passphrase: %v", err)
	}
	if calls.Load() != flow.PassphraseAttempts {
		t.Errorf("asked %d times, want %d", calls.Load(), flow.PassphraseAttempts)
	}
	if a, _ := f.st.AccountByName("contoso"); a.Status != store.StatusUnverified {
		t.Errorf("a verification that never ran was recorded: %s", a.Status)
	}
}

func TestProtectedLaterThenVerifyExportRotate(t *testing.T) {
	t.Parallel()
	f := newProtFixture(t)
	res := f.link(t, f.svc, "contoso")
	if err := f.svc.SetPassphrase(testPass); err != nil {
		t.Fatal(err)
	}

	// Another xops, no passphrase provider: reading works, keys do not open.
	locked := f.fresh(nil)
	if _, err := locked.Account("contoso"); err != nil {
		t.Fatalf("Account without the passphrase: %v", err)
	}
	if accounts, _, err := f.st.Accounts(); err != nil || len(accounts) != 1 {
		t.Fatalf("list without the passphrase: %v", err)
	}
	if pem, err := locked.Export("contoso", flow.FormatPEM, ""); err != nil || len(pem) == 0 {
		t.Fatalf("PEM export (no key needed) without the passphrase: %v", err)
	}
	if locked.KeysUnlocked() {
		t.Error("KeysUnlocked before any passphrase")
	}
	if _, err := locked.Verify(context.Background(), "contoso", 0, nil); !errors.Is(err, flow.ErrKeyLocked) {
		t.Errorf("verify without the passphrase: %v, want ErrKeyLocked", err)
	}
	if _, err := locked.Export("contoso", flow.FormatPFX, "pfx password"); !errors.Is(err, flow.ErrKeyLocked) {
		t.Errorf("PFX export without the passphrase: %v, want ErrKeyLocked", err)
	}

	// With the passphrase: asked once, then cached for the Service's life.
	var calls atomic.Int32
	svc := f.fresh(answer(testPass, &calls))
	r, err := svc.Verify(context.Background(), "contoso", 0, nil)
	if err != nil || !r.OK {
		t.Fatalf("verify with the passphrase: %+v, %v", r, err)
	}
	got := f.ver.gotCreds[len(f.ver.gotCreds)-1]
	if !got.Certificate.Equal(res.Credential.Certificate) || got.Key == nil {
		t.Fatal("the verifier did not get the decrypted key and its certificate")
	}
	if _, err := svc.Export("contoso", flow.FormatPFX, "pfx password"); err != nil {
		t.Fatalf("PFX export with the passphrase: %v", err)
	}
	// A rotation makes a new key: sealed too, without asking again.
	if _, _, err := svc.StartRotation(context.Background(), "contoso", 2048, 30); err != nil {
		t.Fatalf("StartRotation: %v", err)
	}
	if _, err := svc.VerifyPending(context.Background(), "contoso", nil); err != nil {
		t.Fatalf("VerifyPending: %v", err)
	}
	if calls.Load() != 1 {
		t.Errorf("the passphrase was asked %d times, want once", calls.Load())
	}
	for id, km := range f.keys(t) {
		if len(km.KeyPKCS8) != 0 {
			t.Errorf("key %s is plain in a protected store", id)
		}
	}
}

func TestChangeAndRemovePassphrase(t *testing.T) {
	t.Parallel()
	f := newProtFixture(t)
	res := f.link(t, f.svc, "contoso")
	plain := f.keys(t)
	if err := f.svc.SetPassphrase(testPass); err != nil {
		t.Fatal(err)
	}
	sealed := f.keys(t)
	if err := f.svc.ChangePassphrase(testPass, testPass2); err != nil {
		t.Fatalf("ChangePassphrase: %v", err)
	}
	for id, km := range f.keys(t) {
		if len(km.KeyAge) == 0 || bytes.Equal(km.KeyAge, sealed[id].KeyAge) {
			t.Errorf("key %s was not re-encrypted", id)
		}
	}
	if err := f.fresh(nil).UnlockKeys(testPass); !errors.Is(err, flow.ErrWrongPassphrase) {
		t.Errorf("the old passphrase still opens the keys: %v", err)
	}
	var calls atomic.Int32
	if r, err := f.fresh(answer(testPass2, &calls)).Verify(context.Background(), "contoso", 0, nil); err != nil || !r.OK {
		t.Fatalf("verify with the new passphrase: %v", err)
	}

	if err := f.svc.RemovePassphrase(testPass2); err != nil {
		t.Fatalf("RemovePassphrase: %v", err)
	}
	if p, _ := f.svc.KeyProtection(); p != flow.ProtectionFilePermissions {
		t.Errorf("KeyProtection after remove = %q", p)
	}
	for id, km := range f.keys(t) {
		if len(km.KeyAge) != 0 || !bytes.Equal(km.KeyPKCS8, plain[id].KeyPKCS8) {
			t.Errorf("key %s after remove is not the original PKCS#8", id)
		}
	}
	if r, err := f.fresh(nil).Verify(context.Background(), "contoso", 0, nil); err != nil || !r.OK {
		t.Fatalf("verify after remove, no passphrase: %v", err)
	}
	if err := f.svc.RemovePassphrase(testPass2); !errors.Is(err, flow.ErrNotProtected) {
		t.Errorf("remove twice: %v, want ErrNotProtected", err)
	}
	audit, _ := f.st.Audit("")
	var actions []string
	for _, e := range audit {
		if e.AccountID == "" {
			actions = append(actions, e.Action)
		}
		if strings.Contains(e.Detail, testPass) || strings.Contains(e.Detail, testPass2) {
			t.Errorf("audit entry holds a passphrase: %+v", e)
		}
	}
	want := []string{flow.AuditPassphraseSet, flow.AuditPassphraseChanged, flow.AuditPassphraseRemoved}
	if strings.Join(actions, ",") != strings.Join(want, ",") {
		t.Errorf("store-wide audit = %v, want %v", actions, want)
	}
	_ = res
}

func TestLinkOnProtectedStore(t *testing.T) {
	t.Parallel()
	f := newProtFixture(t)
	if err := f.svc.SetPassphrase(testPass); err != nil {
		t.Fatal(err)
	}
	// No provider: the new key cannot be sealed, so nothing is stored.
	if _, err := f.fresh(nil).Link(context.Background(), validInput("contoso"), nil); !errors.Is(err, flow.ErrKeyLocked) {
		t.Fatalf("Link without the passphrase: %v, want ErrKeyLocked", err)
	}
	if keys := f.keys(t); len(keys) != 0 {
		t.Fatalf("a refused link left keys: %v", keys)
	}
	var calls atomic.Int32
	f.link(t, f.fresh(answer(testPass, &calls)), "contoso")
	for id, km := range f.keys(t) {
		if len(km.KeyAge) == 0 || len(km.KeyPKCS8) != 0 {
			t.Errorf("key %s of a link on a protected store: %v", id, km)
		}
	}
}

func TestCachedPassphraseNoticesAChangeByAnotherProcess(t *testing.T) {
	t.Parallel()
	f := newProtFixture(t)
	f.link(t, f.svc, "contoso")
	if err := f.svc.SetPassphrase(testPass); err != nil {
		t.Fatal(err)
	}
	current := testPass
	var calls atomic.Int32
	a := f.fresh(func(context.Context) (string, error) { calls.Add(1); return current, nil })
	if _, err := a.Verify(context.Background(), "contoso", 0, nil); err != nil {
		t.Fatal(err)
	}
	if err := f.fresh(nil).ChangePassphrase(testPass, testPass2); err != nil {
		t.Fatal(err)
	}
	current = testPass2
	if _, err := a.Verify(context.Background(), "contoso", 0, nil); err != nil {
		t.Fatalf("verify after another process changed the passphrase: %v", err)
	}
	if calls.Load() != 2 {
		t.Errorf("asked %d times, want 2 (once per passphrase)", calls.Load())
	}
}

func TestNewPassphraseIsChecked(t *testing.T) {
	t.Parallel()
	f := newProtFixture(t)
	for _, bad := range []string{"", "short", "has a\nnewline"} {
		err := f.svc.SetPassphrase(bad)
		var ie *flow.InputError
		if !errors.As(err, &ie) || ie.Fields[0].Field != "new-passphrase" {
			t.Errorf("SetPassphrase(%q) = %v, want an InputError on new-passphrase", bad, err)
		}
	}
	if p, _ := f.svc.KeyProtection(); p != flow.ProtectionFilePermissions {
		t.Errorf("a refused passphrase changed the protection: %q", p)
	}
	if err := f.svc.ChangePassphrase(testPass, testPass2); !errors.Is(err, flow.ErrNotProtected) {
		t.Errorf("change on an unprotected store: %v", err)
	}
}
