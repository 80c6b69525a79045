package store_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/xops/xops/store"
)

// batchOf makes n new accounts named prefix-i, each with its own key.
func batchOf(prefix string, n int) []store.NewAccount {
	batch := make([]store.NewAccount, n)
	for i := range batch {
		credID := fmt.Sprintf("cred-%s-%d", prefix, i)
		batch[i] = store.NewAccount{
			Account: testAccount(fmt.Sprintf("%s-%d", prefix, i), credID),
			Keys:    map[string]store.KeyMaterial{credID: testKey(byte(i))},
		}
	}
	return batch
}

func TestCreateAccountsStoresAllInOneWrite(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	g0, _ := s.Generation()
	if err := s.CreateAccounts(batchOf("b", 3)); err != nil {
		t.Fatalf("CreateAccounts: %v", err)
	}
	if g1, _ := s.Generation(); g1 != g0+1 {
		t.Errorf("generation moved from %d to %d, want one write transaction", g0, g1)
	}
	got, bad, err := s.Accounts()
	if err != nil || len(bad) != 0 {
		t.Fatalf("Accounts: %v, bad %v", err, bad)
	}
	if want := []string{"b-0", "b-1", "b-2"}; !reflect.DeepEqual(names(got), want) {
		t.Fatalf("names %q, want %q", names(got), want)
	}
	for _, a := range got {
		if a.ID == "" || a.Status != store.StatusUnverified || !a.Created.Equal(testNow) || a.V != store.RecordVersion {
			t.Errorf("%s not filled as CreateAccount fills: %+v", a.Name, a)
		}
		km, err := s.Key(a.Credentials[0].ID)
		if err != nil || km.V != store.RecordVersion || len(km.KeyPKCS8) == 0 {
			t.Errorf("%s: key %v, %v", a.Name, km, err)
		}
	}
	audit, err := s.Audit("")
	if err != nil || len(audit) != 3 || audit[0].Action != "linked" || audit[2].Name != "b-2" {
		t.Fatalf("audit %+v, %v", audit, err)
	}
}

func TestCreateAccountsAllOrNothing(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		batch func(s *store.Store) []store.NewAccount
		want  error  // errors.Is target, or nil
		say   string // the message names what is wrong
	}{
		"a duplicate inside the batch": {
			batch: func(*store.Store) []store.NewAccount {
				b := batchOf("dup", 3)
				b[2].Account.Name = "DUP-0"
				return b
			},
			want: store.ErrDuplicateName, say: `"DUP-0"`,
		},
		"a name already stored": {
			batch: func(s *store.Store) []store.NewAccount {
				link(t, s, "taken")
				b := batchOf("x", 2)
				b[1].Account.Name = "Taken"
				return b
			},
			want: store.ErrDuplicateName, say: `"Taken"`,
		},
		"an empty name": {
			batch: func(*store.Store) []store.NewAccount {
				b := batchOf("e", 2)
				b[1].Account.Name = " "
				return b
			},
			say: "account 2 of the batch",
		},
		"a credential without key material": {
			batch: func(*store.Store) []store.NewAccount {
				b := batchOf("k", 2)
				b[1].Keys = nil
				return b
			},
			say: "no key material",
		},
		"key material without a key": {
			batch: func(*store.Store) []store.NewAccount {
				b := batchOf("m", 2)
				for id := range b[0].Keys {
					b[0].Keys[id] = store.KeyMaterial{CertDER: []byte{1}}
				}
				return b
			},
			say: "exactly one key",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := openTemp(t)
			batch := tc.batch(s)
			before, _, _ := s.Accounts()
			g0, _ := s.Generation()
			err := s.CreateAccounts(batch)
			if err == nil {
				t.Fatal("CreateAccounts accepted a bad batch")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("error %v, want one wrapping %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.say) || !strings.Contains(err.Error(), "nothing") {
				t.Errorf("error %q should name %s and say nothing was written", err, tc.say)
			}
			after, _, _ := s.Accounts()
			if g1, _ := s.Generation(); g1 != g0 || len(after) != len(before) {
				t.Errorf("a refused batch wrote: generation %d→%d, accounts %d→%d", g0, g1, len(before), len(after))
			}
			for _, na := range batch {
				for id := range na.Keys {
					if _, err := s.Key(id); !errors.Is(err, store.ErrNotFound) {
						t.Errorf("key %s of a refused batch is stored (%v)", id, err)
					}
				}
			}
		})
	}
}
