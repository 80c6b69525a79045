package store_test

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/xops/xops/store"
)

// churn links, updates, renames and deletes accounts until it is killed,
// printing "c N" once account N's creation has committed and "d N" once its
// deletion has.
func churn(path, prefix string) {
	s, err := store.Open(path, store.Options{Timeout: 10 * time.Second})
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(3)
	}
	fmt.Println("started")
	fail := func(err error) {
		fmt.Println("error:", err)
		os.Exit(3)
	}
	for i := 0; ; i++ {
		name := fmt.Sprintf("%s-%d", prefix, i)
		a := testAccount(name, "cred-"+name)
		a.ID = name
		if err := s.PutKey("cred-"+name, testKey(byte(i))); err != nil {
			fail(err)
		}
		if err := s.CreateAccount(a, store.AuditEntry{}); err != nil {
			fail(err)
		}
		fmt.Println("c", i)
		if _, err := s.UpdateAccount(a.ID, increment, &store.AuditEntry{Action: "verified"}); err != nil {
			fail(err)
		}
		if err := s.RenameAccount(a.ID, strings.ToUpper(name), store.AuditEntry{}); err != nil {
			fail(err)
		}
		if i%2 == 0 {
			if err := s.DeleteAccount(a.ID, store.AuditEntry{}); err != nil {
				fail(err)
			}
			fmt.Println("d", i)
		}
	}
}

// TestKilledWriterLeavesStoreWhole kills a writing process at random moments
// and checks after each kill that the file is consistent and holds every
// account whose creation was reported, whole.
func TestKilledWriterLeavesStoreWhole(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	for round := range 6 {
		prefix := fmt.Sprintf("r%d", round)
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
		cmd.Env = append(os.Environ(), envHelper+"=churn", envPath+"="+s.Path(), envID+"="+prefix)
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := bufio.NewScanner(out)
		if !lines.Scan() || lines.Text() != "started" {
			_ = cmd.Process.Kill()
			t.Fatalf("round %d: helper said %q", round, lines.Text())
		}
		time.Sleep(time.Duration(50+rand.IntN(350)) * time.Millisecond)
		_ = cmd.Process.Kill() // SIGKILL: no deferred cleanup runs
		created, deleted, last := map[int]bool{}, map[int]bool{}, -1
		for lines.Scan() {
			var op string
			var i int
			if _, err := fmt.Sscan(lines.Text(), &op, &i); err != nil {
				t.Fatalf("round %d: helper said %q", round, lines.Text())
			}
			if op == "c" {
				created[i], last = true, i
			} else {
				deleted[i] = true
			}
		}
		_ = cmd.Wait()

		if err := s.Check(); err != nil {
			t.Fatalf("round %d: after kill -9: %v", round, err)
		}
		accounts, bad, err := s.Accounts()
		if err != nil || len(bad) != 0 {
			t.Fatalf("round %d: %v, bad %v", round, err, bad)
		}
		stored := map[string]store.Account{}
		for _, a := range accounts {
			stored[a.ID] = a
		}
		for i := range created {
			id := fmt.Sprintf("%s-%d", prefix, i)
			a, ok := stored[id]
			// The last delete may have committed without being reported.
			mayBeGone := deleted[i] || (i == last && i%2 == 0)
			if !ok && !mayBeGone {
				t.Fatalf("round %d: account %s was committed but is gone", round, id)
			}
			if ok && len(a.Credentials) != 1 {
				t.Fatalf("round %d: account %s is not whole: %+v", round, id, a)
			}
		}
		t.Logf("round %d: %d accounts created, %d deleted before the kill", round, len(created), len(deleted))
	}
}
