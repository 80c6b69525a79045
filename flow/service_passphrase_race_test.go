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

// racedStore is the store as a concurrent `xops store passphrase …` leaves
// it for a link: race runs inside the first PutKey (or PutKeyIf), after
// flow read the protection and sealed (or not) the key, before the store's
// write transaction. Every write's key and outcome is recorded.
type racedStore struct {
	*store.Store
	race func() error
	puts []store.KeyMaterial
	errs []error
}

func (r *racedStore) raceOnce() error {
	if r.race == nil {
		return nil
	}
	race := r.race
	r.race = nil
	return race()
}

func (r *racedStore) record(km store.KeyMaterial, err error) error {
	r.puts, r.errs = append(r.puts, km), append(r.errs, err)
	return err
}

func (r *racedStore) PutKey(id string, km store.KeyMaterial) error {
	if err := r.raceOnce(); err != nil {
		return err
	}
	return r.record(km, r.Store.PutKey(id, km))
}

func (r *racedStore) PutKeyIf(id string, km store.KeyMaterial, expect map[string][]byte) error {
	if err := r.raceOnce(); err != nil {
		return err
	}
	return r.record(km, r.Store.PutKeyIf(id, km, expect))
}

// plainPutStore hides PutKeyIf: a store that has only PutKey, so the
// store's own refusal of a plain key is what flow meets.
type plainPutStore struct{ flow.AccountStore }

// TestLinkRacingPassphraseChanges: a passphrase set, changed or removed
// between flow reading the protection and storing the new key does not
// leave that key plain in a protected store, nor sealed where no passphrase
// opens it: the store refuses the write, flow reads the protection again,
// seals (or not) and stores it, and the key opens afterwards.
func TestLinkRacingPassphraseChanges(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		// before is the passphrase set before the link ("": none); after,
		// what the other xops leaves.
		before, after string
		hidePutKeyIf  bool
		firstErr      error
		wantSealed    bool
	}{
		{name: "set, store with PutKey only", after: testPass, hidePutKeyIf: true, firstErr: store.ErrKeyNotSealed, wantSealed: true},
		{name: "set", after: testPass, firstErr: store.ErrChanged, wantSealed: true},
		{name: "changed", before: testPass, after: testPass2, firstErr: store.ErrChanged, wantSealed: true},
		{name: "removed", before: testPass, firstErr: store.ErrChanged},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newProtFixture(t)
			if tc.before != "" {
				if err := f.svc.SetPassphrase(tc.before); err != nil {
					t.Fatal(err)
				}
			}
			// The passphrase the admin would type now: it changes with the race.
			current := tc.before
			other := f.fresh(nil) // the other xops
			race := func() error {
				var err error
				switch {
				case tc.before == "":
					err = other.SetPassphrase(tc.after)
				case tc.after == "":
					err = other.RemovePassphrase(tc.before)
				default:
					err = other.ChangePassphrase(tc.before, tc.after)
				}
				current = tc.after
				return err
			}
			rs := &racedStore{Store: f.st, race: race}
			var st flow.AccountStore = rs
			if tc.hidePutKeyIf {
				st = plainPutStore{rs}
			}
			var asked atomic.Int32
			svc := &flow.Service{Store: st, Verifier: f.ver, Cloud: "global", Now: func() time.Time { return testNow },
				ScryptWorkFactor: testWork, Passphrase: func(context.Context) (string, error) {
					asked.Add(1)
					return current, nil
				}}

			in := validInput("contoso")
			in.KeySize = 2048
			res, err := svc.Link(context.Background(), in, nil)
			if err != nil {
				t.Fatalf("Link racing the passphrase: %v", err)
			}
			if len(rs.puts) != 2 || !errors.Is(rs.errs[0], tc.firstErr) || rs.errs[1] != nil {
				t.Fatalf("writes %v → %v, want one refused with %v, then one stored", rs.puts, rs.errs, tc.firstErr)
			}
			km := rs.puts[1]
			if sealed := len(km.KeyAge) > 0 && len(km.KeyPKCS8) == 0; sealed != tc.wantSealed {
				t.Fatalf("stored key %v, want sealed %v", km, tc.wantSealed)
			}
			for id, km := range f.keys(t) {
				if (len(km.KeyAge) > 0) != tc.wantSealed {
					t.Errorf("key %s is stored %v, want sealed %v", id, km, tc.wantSealed)
				}
			}
			pkcs8, err := res.Credential.KeyPKCS8()
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantSealed && f.fileHolds(t, pkcs8) {
				t.Error("the plain key is in the store file")
			}
			// The key opens with what protects the store now: a fresh xops verifies with it.
			var asked2 atomic.Int32
			if _, err := f.fresh(answer(tc.after, &asked2)).Verify(context.Background(), "contoso", 0, nil); err != nil {
				t.Errorf("Verify after the race: %v", err)
			}
		})
	}
}

// TestLinkWithoutPassphraseAfterRaceStoresNothing: when the passphrase set
// meanwhile cannot be had (no prompt), the link fails and no key is stored
// plain or at all.
func TestLinkWithoutPassphraseAfterRaceStoresNothing(t *testing.T) {
	t.Parallel()
	f := newProtFixture(t)
	other := f.fresh(nil)
	rs := &racedStore{Store: f.st, race: func() error { return other.SetPassphrase(testPass) }}
	svc := &flow.Service{Store: rs, Verifier: f.ver, Cloud: "global", Now: func() time.Time { return testNow },
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
