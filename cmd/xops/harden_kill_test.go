//go:build linux

package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// killOp is one operation of the kill test and the store it leads to.
type killOp struct {
	args  []string
	after snapshot
	// maxKill bounds the random delay before the kill: past it the
	// operation would mostly have finished already.
	maxKill time.Duration
}

// testKillAtRandom runs hundreds of link, rename, delete and verify
// operations through the binary against a sandbox tenant, killing most of
// them with SIGKILL at a random moment. After every operation the store must
// be consistent, every account whole, and the accounts exactly those of the
// store before the operation or after it (after it, when it was not killed).
func testKillAtRandom(t *testing.T, bin string) {
	r := newRig(t)
	appID := r.app()
	env := r.binEnv()
	ops := 200
	if testing.Short() {
		ops = 40
	}
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 6))
	t.Logf("seed %d (a failure replays with this seed)", seed)

	cur := snapshot{}
	var killed, finished, killedMidway, orphans int
	for i := range ops {
		op := nextKillOp(rng, cur, i, appID, r)
		var delay time.Duration
		if rng.IntN(10) < 7 {
			delay = time.Duration(1 + rng.Int64N(int64(op.maxKill)))
		}
		o := runBin(t, bin, env, delay, op.args...)
		got, n := observe(t, r.store)
		orphans = n
		switch {
		case o.killed:
			killed++
			if !sameAccounts(got, cur) && !sameAccounts(got, op.after) {
				t.Fatalf("op %d %v killed: the store holds %v; before it %v, after it %v", i, op.args, got, cur, op.after)
			}
			if !sameAccounts(got, cur) {
				killedMidway++ // killed after its commit
			}
		case o.code == 0 || (o.code == 1 && op.args[1] == "verify"):
			finished++
			if !sameAccounts(got, op.after) {
				t.Fatalf("op %d %v finished: the store holds %v, want %v\n%s", i, op.args, got, op.after, o.out)
			}
		default:
			t.Fatalf("op %d %v: exit %d\n%s", i, op.args, o.code, o.out)
		}
		cur = got
	}
	t.Logf("%d operations: %d killed (%d of them after their commit), %d finished; %d unused keys left by killed links",
		ops, killed, killedMidway, finished, orphans)

	if o := runBin(t, bin, env, 0, "store", "check"); o.code != 0 {
		t.Fatalf("xops store check: exit %d\n%s", o.code, o.out)
	}
	o := runBin(t, bin, env, 0, "accounts", "list", "--json")
	var listed []struct {
		Name string `json:"name"`
		ID   string `json:"id"`
	}
	if err := json.Unmarshal([]byte(o.stdout), &listed); err != nil || o.code != 0 {
		t.Fatalf("accounts list --json: exit %d, %v\n%s", o.code, err, o.out)
	}
	fromCLI := snapshot{}
	for _, a := range listed {
		fromCLI[strings.ToLower(a.Name)] = a.ID
	}
	if !sameAccounts(fromCLI, cur) {
		t.Fatalf("accounts list shows %v, the store holds %v", fromCLI, cur)
	}
}

// nextKillOp picks an operation: a link while there are few accounts, else a
// rename, delete or verify of an existing account.
func nextKillOp(rng *rand.Rand, cur snapshot, i int, appID string, r *rig) killOp {
	names := make([]string, 0, len(cur))
	for n := range cur {
		names = append(names, n)
	}
	slices.Sort(names)
	kind := rng.IntN(4)
	if len(names) == 0 || (len(names) < 4 && kind == 3) {
		kind = 0
	}
	if len(names) > 8 && kind == 0 {
		kind = 2
	}
	after := snapshot{}
	for k, v := range cur {
		after[k] = v
	}
	switch kind {
	case 0:
		name := fmt.Sprintf("acct-%d", i)
		after[name] = "" // its id is not known until it is seen
		return killOp{args: []string{"link", "microsoft", "--name", name, "--app-id", appID,
			"--tenant-id", r.sb.TenantID(), "--org", r.sb.Domain(),
			"--cert-out", filepath.Join(r.dir, name+".cer")}, after: after, maxKill: 400 * time.Millisecond}
	case 1:
		from := names[rng.IntN(len(names))]
		to := fmt.Sprintf("renamed-%d", i)
		after[to] = after[from]
		delete(after, from)
		return killOp{args: []string{"accounts", "rename", from, to}, after: after, maxKill: 60 * time.Millisecond}
	case 2:
		name := names[rng.IntN(len(names))]
		delete(after, name)
		return killOp{args: []string{"accounts", "delete", name, "--yes"}, after: after, maxKill: 60 * time.Millisecond}
	}
	name := names[rng.IntN(len(names))]
	return killOp{args: []string{"accounts", "verify", name}, after: after, maxKill: 400 * time.Millisecond}
}

// sameAccounts compares two snapshots: the same names, and the same ids
// where want knows them.
func sameAccounts(got, want snapshot) bool {
	if len(got) != len(want) {
		return false
	}
	for name, id := range want {
		g, ok := got[name]
		if !ok || (id != "" && g != id) {
			return false
		}
	}
	return true
}
