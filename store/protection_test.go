package store_test

import (
	"errors"
	"testing"

	"github.com/xops/xops/store"
)

func sealedKey(seed byte) store.KeyMaterial {
	km := testKey(seed)
	km.KeyAge, km.KeyPKCS8 = append([]byte("age-sealed:"), km.KeyPKCS8...), nil
	return km
}

// TestPlainKeyRefusedInProtectedStore: once the protection setting says
// keys are encrypted, no write path stores a plain key, and nothing is
// written; sealed keys go through.
func TestPlainKeyRefusedInProtectedStore(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	// Unset and "none": plain keys are what the store holds.
	if err := s.PutKey("plain-unset", testKey(1)); err != nil {
		t.Fatalf("PutKey with no protection: %v", err)
	}
	if err := s.PutSetting(store.SettingKeyProtection, []byte(`{"v":1,"mode":"none"}`)); err != nil {
		t.Fatal(err)
	}
	if err := s.PutKey("plain-none", testKey(2)); err != nil {
		t.Fatalf("PutKey with mode none: %v", err)
	}

	for _, setting := range []string{`{"v":1,"mode":"age-scrypt","identity":"eA=="}`, `{not json`} {
		if err := s.PutSetting(store.SettingKeyProtection, []byte(setting)); err != nil {
			t.Fatal(err)
		}
		gen, _ := s.Generation()
		err := s.PutKey("plain-protected", testKey(3))
		if !errors.Is(err, store.ErrKeyNotSealed) {
			t.Fatalf("setting %s: PutKey(plain) = %v, want ErrKeyNotSealed", setting, err)
		}
		err = s.CreateAccounts([]store.NewAccount{{
			Account: testAccount("Batch", "plain-batch"),
			Keys:    map[string]store.KeyMaterial{"plain-batch": testKey(4)},
		}})
		if !errors.Is(err, store.ErrKeyNotSealed) {
			t.Fatalf("setting %s: CreateAccounts(plain) = %v, want ErrKeyNotSealed", setting, err)
		}
		if g, _ := s.Generation(); g != gen {
			t.Errorf("setting %s: a refused plain key was written (generation %d → %d)", setting, gen, g)
		}
		for _, id := range []string{"plain-protected", "plain-batch"} {
			if _, err := s.Key(id); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("setting %s: key %s is in the store: %v", setting, id, err)
			}
		}
		if err := s.PutKey("sealed", sealedKey(5)); err != nil {
			t.Fatalf("setting %s: PutKey(sealed): %v", setting, err)
		}
	}

	// A rewrite that protects the store must seal every key it writes.
	s2 := openTemp(t)
	if err := s2.PutKey("a", testKey(1)); err != nil {
		t.Fatal(err)
	}
	keepPlain := func(_ string, km store.KeyMaterial) (store.KeyMaterial, error) { return km, nil }
	err := s2.RewriteKeysIf(store.KeyRewrite{
		Fn:       keepPlain,
		Settings: map[string][]byte{store.SettingKeyProtection: []byte(`{"v":1,"mode":"age-scrypt"}`)},
	})
	if !errors.Is(err, store.ErrKeyNotSealed) {
		t.Fatalf("RewriteKeysIf leaving a plain key under a passphrase: %v, want ErrKeyNotSealed", err)
	}
	if v, err := s2.Setting(store.SettingKeyProtection); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the refused rewrite wrote the setting: %q, %v", v, err)
	}
}

// TestPutKeyIfChecksTheSettingInItsTransaction: a key sealed under a
// protection that changed meanwhile is refused with ErrChanged and nothing
// is written; under the same protection it is stored.
func TestPutKeyIfChecksTheSettingInItsTransaction(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	sealedUnder := []byte(`{"v":1,"mode":"age-scrypt","identity":"b2xk"}`)
	if err := s.PutSetting(store.SettingKeyProtection, []byte(`{"v":1,"mode":"age-scrypt","identity":"bmV3"}`)); err != nil {
		t.Fatal(err)
	}
	gen, _ := s.Generation()
	err := s.PutKeyIf("k", sealedKey(1), map[string][]byte{store.SettingKeyProtection: sealedUnder})
	wantErrIs(t, err, store.ErrChanged)
	if _, err := s.Key("k"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a refused key was stored: %v", err)
	}
	if g, _ := s.Generation(); g != gen {
		t.Errorf("a refused PutKeyIf wrote (generation %d → %d)", gen, g)
	}
	// Expecting "unset" fails too once a setting exists.
	wantErrIs(t, s.PutKeyIf("k", sealedKey(1), map[string][]byte{store.SettingKeyProtection: nil}), store.ErrChanged)

	if err := s.PutSetting(store.SettingKeyProtection, sealedUnder); err != nil {
		t.Fatal(err)
	}
	if err := s.PutKeyIf("k", sealedKey(1), map[string][]byte{store.SettingKeyProtection: sealedUnder}); err != nil {
		t.Fatalf("PutKeyIf under the same protection: %v", err)
	}
	if km, err := s.Key("k"); err != nil || len(km.KeyAge) == 0 {
		t.Errorf("stored key: %v, %v", km, err)
	}
}
