package flow_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/store"
)

// protectingStore is the store as a concurrent `xops store passphrase set`
// leaves it for a link: protect runs inside the first PutKey, after flow
// read the protection and sealed (or not) the key, before the store's write
// transaction. Every PutKey's key and outcome is recorded.
type protectingStore struct {
	*store.Store
	protect func() error
	puts    []store.KeyMaterial
	errs    []error
}

func (p *protectingStore) PutKey(id string, km store.KeyMaterial) error {
	if p.protect != nil {
		protect := p.protect
		p.protect = nil
		if err := protect(); err != nil {
			return err
		}
	}
	err := p.Store.PutKey(id, km)
	p.puts, p.errs = append(p.puts, km), append(p.errs, err)
	return err
}

// TestLinkRacingPassphraseSetStoresTheKeySealed: a passphrase set between
// flow reading the protection and storing the new key does not leave that
// key plain in a protected store: the store refuses it, flow reads the
// protection again, seals and stores it.
func TestLinkRacingPassphraseSetStoresTheKeySealed(t *testing.T) {
	t.Parallel()
	f := newProtFixture(t)
	other := f.fresh(nil) // the other xops, setting the passphrase
	ps := &protectingStore{Store: f.st, protect: func() error { return other.SetPassphrase(testPass) }}
	var asked atomic.Int32
	svc := &flow.Service{Store: ps, Verifier: f.ver, Cloud: "global", Now: func() time.Time { return testNow },
		Passphrase: answer(testPass, &asked), ScryptWorkFactor: testWork}

	in := validInput("contoso")
	in.KeySize = 2048
	res, err := svc.Link(context.Background(), in, nil)
	if err != nil {
		t.Fatalf("Link racing a passphrase set: %v", err)
	}
	if len(ps.puts) != 2 {
		t.Fatalf("%d PutKey calls, want the refused plain one and the sealed retry", len(ps.puts))
	}
	if len(ps.puts[0].KeyPKCS8) == 0 || !errors.Is(ps.errs[0], store.ErrKeyNotSealed) {
		t.Fatalf("first PutKey: %v → %v, want a plain key refused with ErrKeyNotSealed", ps.puts[0], ps.errs[0])
	}
	if ps.errs[1] != nil || len(ps.puts[1].KeyAge) == 0 {
		t.Fatalf("retry: %v → %v, want a sealed key stored", ps.puts[1], ps.errs[1])
	}
	if asked.Load() == 0 {
		t.Error("the passphrase was never asked for, so the key cannot have been sealed under it")
	}
	for id, km := range f.keys(t) {
		if len(km.KeyPKCS8) != 0 || len(km.KeyAge) == 0 {
			t.Errorf("key %s of the linked account is stored %v, want sealed", id, km)
		}
	}
	pkcs8, err := res.Credential.KeyPKCS8()
	if err != nil {
		t.Fatal(err)
	}
	if f.fileHolds(t, pkcs8) {
		t.Error("the plain key is in the store file")
	}
	// The sealed key opens with the passphrase: a fresh xops verifies with it.
	if _, err := f.fresh(answer(testPass, &asked)).Verify(context.Background(), "contoso", 0, nil); err != nil {
		t.Errorf("Verify with the passphrase after the race: %v", err)
	}
}

// TestLinkWithoutPassphraseAfterRaceStoresNothing: when the passphrase set
// meanwhile cannot be had (no prompt), the link fails and no key is stored
// plain or at all.
func TestLinkWithoutPassphraseAfterRaceStoresNothing(t *testing.T) {
	t.Parallel()
	f := newProtFixture(t)
	other := f.fresh(nil)
	ps := &protectingStore{Store: f.st, protect: func() error { return other.SetPassphrase(testPass) }}
	svc := &flow.Service{Store: ps, Verifier: f.ver, Cloud: "global", Now: func() time.Time { return testNow },
		ScryptWorkFactor: testWork}
	in := validInput("contoso")
	in.KeySize = 2048
	_, err := svc.Link(context.Background(), in, nil)
	var pe *flow.PassphraseError
	if !errors.As(err, &pe) {
		t.Fatalf("Link = %v, want a *flow.PassphraseError (the key cannot be sealed)", err)
	}
	if orphans, err := f.st.OrphanKeys(); err != nil || len(orphans) != 0 {
		t.Errorf("keys left in the store: %v, %v", orphans, err)
	}
}
