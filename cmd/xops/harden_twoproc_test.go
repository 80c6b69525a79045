//go:build linux

package main

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xops/xops/store"
)

// both runs two operations of the binary at the same time, the second after
// a delay, and returns how each ended.
func both(t *testing.T, bin string, env []string, delay time.Duration, a, b []string) (outcome, outcome) {
	t.Helper()
	var (
		wg     sync.WaitGroup
		oa, ob outcome
	)
	wg.Add(2)
	go func() { defer wg.Done(); oa = runBin(t, bin, env, 0, a...) }()
	go func() { defer wg.Done(); time.Sleep(delay); ob = runBin(t, bin, env, 0, b...) }()
	wg.Wait()
	return oa, ob
}

// readAccount reads one account straight from the store by name.
func readAccount(t *testing.T, path, name string) (store.Account, error) {
	t.Helper()
	st, err := store.Open(path, store.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	return st.AccountByName(name)
}

// testTwoProcesses runs pairs of xops processes against one store at once:
// a verification racing a rename of the same account (neither update may be
// lost), two links of the same name (exactly one wins), and a delete racing
// a rename (the account ends gone or renamed, never both, never a dangling
// index entry). The store is checked after every round.
func testTwoProcesses(t *testing.T, bin string) {
	r := newRig(t)
	appID := r.app()
	env := r.binEnv()
	rounds := 12
	if testing.Short() {
		rounds = 4
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	link := func(name string) []string {
		return []string{"link", "microsoft", "--name", name, "--app-id", appID, "--tenant-id", r.sb.TenantID(),
			"--org", r.sb.Domain(), "--cert-out", filepath.Join(r.dir, fmt.Sprintf("%s-%d.cer", name, rng.Int()))}
	}
	var bothRecorded int
	for k := range rounds {
		name, renamed, last := fmt.Sprintf("tp-%d", k), fmt.Sprintf("tp-%d-r", k), fmt.Sprintf("tp-%d-z", k)
		if o := runBin(t, bin, env, 0, link(name)...); o.code != 0 {
			t.Fatalf("link %s: exit %d\n%s", name, o.code, o.out)
		}

		// A verification (it records its outcome) racing a rename.
		delay := time.Duration(rng.IntN(150)) * time.Millisecond
		ov, or := both(t, bin, env, delay, []string{"accounts", "verify", name}, []string{"accounts", "rename", name, renamed})
		if or.code != 0 {
			t.Fatalf("round %d: rename: exit %d\n%s", k, or.code, or.out)
		}
		acc, err := readAccount(t, r.store, renamed)
		if err != nil {
			t.Fatalf("round %d: the rename was lost: %v (verify said %s)", k, err, ov.out)
		}
		verified := !strings.Contains(ov.out, "no account named")
		if ov.code != 1 {
			t.Fatalf("round %d: verify: exit %d, want 1 (the certificate is not uploaded)\n%s", k, ov.code, ov.out)
		}
		if verified {
			bothRecorded++
			if acc.LastVerified.IsZero() || acc.Status != store.StatusFailed || acc.FailedStep != "upload-certificate" {
				t.Fatalf("round %d: the verification's outcome was lost: status %q, step %q, last verified %v\n%s",
					k, acc.Status, acc.FailedStep, acc.LastVerified, ov.out)
			}
		}

		// Two links of one name: exactly one wins, the other is refused.
		dup := fmt.Sprintf("dup-%d", k)
		o1, o2 := both(t, bin, env, time.Duration(rng.IntN(30))*time.Millisecond, link(dup), link(dup))
		if codes := []int{o1.code, o2.code}; !(codes[0] == 0 && codes[1] == 2 || codes[0] == 2 && codes[1] == 0) {
			t.Fatalf("round %d: two links of %s: exits %v, want one 0 and one 2\n%s\n%s", k, dup, codes, o1.out, o2.out)
		}

		// A delete racing a rename of the same account.
		od, on := both(t, bin, env, time.Duration(rng.IntN(40))*time.Millisecond,
			[]string{"accounts", "delete", renamed, "--yes"}, []string{"accounts", "rename", renamed, last})
		snap, orphans := observe(t, r.store)
		_, hasOld := snap[renamed]
		id, hasNew := snap[last]
		switch {
		case hasOld:
			t.Fatalf("round %d: %s survived both a delete (exit %d) and a rename (exit %d)", k, renamed, od.code, on.code)
		case od.code == 0 && hasNew:
			t.Fatalf("round %d: the delete succeeded but the account is still there as %s (%s)", k, last, id)
		case od.code != 0 && (!hasNew || on.code != 0):
			t.Fatalf("round %d: neither happened: delete exit %d, rename exit %d\n%s\n%s", k, od.code, on.code, od.out, on.out)
		}
		if orphans != 0 {
			t.Fatalf("round %d: %d keys belong to no account", k, orphans)
		}
	}
	if o := runBin(t, bin, env, 0, "store", "check"); o.code != 0 {
		t.Fatalf("xops store check: exit %d\n%s", o.code, o.out)
	}
	t.Logf("%d rounds; in %d of them the verification and the rename both landed, neither lost", rounds, bothRecorded)
}
