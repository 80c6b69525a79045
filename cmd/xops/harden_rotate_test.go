//go:build linux

package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// testRotationKilledAtRandom rotates one verified account over and over
// through the binary — start, upload (or not), finish, cancel — killing most
// runs with SIGKILL at a random moment. After every run the store must be
// consistent and whole, and the account must still verify with its active
// certificate: an interrupted rotation never costs the working one.
func testRotationKilledAtRandom(t *testing.T, bin string) {
	r := newRig(t)
	appID := r.app()
	env := r.binEnv()
	const name = "rot"
	first := filepath.Join(r.dir, "rot.cer")
	if o := runBin(t, bin, env, 0, "link", "microsoft", "--name", name, "--app-id", appID,
		"--tenant-id", r.sb.TenantID(), "--org", r.sb.Domain(), "--cert-out", first); o.code != 0 {
		t.Fatalf("link: exit %d\n%s", o.code, o.out)
	}
	uploaded := map[string]bool{}
	upload := func(path string) {
		if uploaded[path] {
			return // a finish killed earlier: the admin uploaded it already
		}
		uploaded[path] = true
		pem, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("read %s: %v", path, err)
		}
		if err := r.sb.UploadCertificate(appID, pem); err != nil {
			t.Fatalf("upload %s: %v", path, err)
		}
	}
	upload(first)
	mustVerify := func(when string) {
		t.Helper()
		if o := runBin(t, bin, env, 0, "accounts", "verify", name); o.code != 0 {
			t.Fatalf("%s: the account no longer verifies with its active certificate: exit %d\n%s", when, o.code, o.out)
		}
	}
	mustVerify("after the link")

	rounds := 25
	if testing.Short() {
		rounds = 8
	}
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 7))
	t.Logf("seed %d (a failure replays with this seed)", seed)
	kill := func(limit time.Duration) time.Duration {
		if rng.IntN(10) < 7 {
			return time.Duration(1 + rng.Int64N(int64(limit)))
		}
		return 0
	}
	var killed, switched int
	pendingFile := ""
	for i := range rounds {
		acc, err := readAccount(t, r.store, name)
		if err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
		active, _ := acc.Active()
		_, pending := acc.PendingCredential()
		var o outcome
		var what string
		switch {
		case !pending:
			pendingFile = filepath.Join(r.dir, fmt.Sprintf("rot-%d.cer", i))
			what = "start"
			o = runBin(t, bin, env, kill(400*time.Millisecond), "accounts", "rotate", name, "--cert-out", pendingFile)
		case pendingFile == "" || !exists(pendingFile) || rng.IntN(6) == 0:
			// Killed before the certificate reached its file (or the admin
			// changes their mind): drop the new one.
			what = "cancel"
			o = runBin(t, bin, env, kill(60*time.Millisecond), "accounts", "rotate", name, "--cancel")
		default:
			if rng.IntN(3) > 0 {
				upload(pendingFile)
			}
			what = "finish"
			o = runBin(t, bin, env, kill(300*time.Millisecond), "accounts", "rotate", name)
		}
		switch {
		case o.killed:
			killed++
		case o.code == 0, what == "finish" && o.code == 1: // 1: a check failed with the new certificate, nothing changed
		default:
			t.Fatalf("round %d %s: exit %d\n%s", i, what, o.code, o.out)
		}
		observe(t, r.store) // consistent, every credential's key whole
		after, err := readAccount(t, r.store, name)
		if err != nil {
			t.Fatalf("round %d %s: the account is gone: %v", i, what, err)
		}
		now, ok := after.Active()
		if !ok {
			t.Fatalf("round %d %s: no active certificate left", i, what)
		}
		if now.ID != active.ID {
			switched++
		}
		mustVerify(fmt.Sprintf("round %d %s (killed %v)", i, what, o.killed))
	}
	if o := runBin(t, bin, env, 0, "store", "check"); o.code != 0 {
		t.Fatalf("xops store check: exit %d\n%s", o.code, o.out)
	}
	t.Logf("%d rounds: %d runs killed, %d switches to a new certificate", rounds, killed, switched)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
