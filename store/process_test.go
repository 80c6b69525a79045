package store_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/xops/xops/store"
)

// The helper process: the test binary re-executed with XOPS_STORE_HELPER set.
const (
	envHelper = "XOPS_STORE_HELPER" // "lock", "rlock", "increment", "churn" or "write-and-hang"
	envPath   = "XOPS_STORE_HELPER_PATH"
	envID     = "XOPS_STORE_HELPER_ID"
	envCount  = "XOPS_STORE_HELPER_COUNT"
)

// TestHelperProcess is not a test: it is another program using the store.
// "lock"/"rlock" hold the file (exclusively/shared) until killed, the way
// another xops or a stray bbolt tool would; "increment" runs
// UpdateAccount N times like a second xops from cron.
func TestHelperProcess(t *testing.T) {
	mode := os.Getenv(envHelper)
	if mode == "" {
		t.Skip("helper process only")
	}
	path := os.Getenv(envPath)
	switch mode {
	case "lock", "rlock":
		db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 10 * time.Second, ReadOnly: mode == "rlock"})
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(3)
		}
		defer db.Close()
		fmt.Println("locked")
		time.Sleep(time.Minute)
	case "increment":
		n, _ := strconv.Atoi(os.Getenv(envCount))
		s, err := store.Open(path, store.Options{Timeout: 30 * time.Second})
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(3)
		}
		for range n {
			if _, err := s.UpdateAccount(os.Getenv(envID), increment, nil); err != nil {
				fmt.Println("error:", err)
				os.Exit(3)
			}
		}
		fmt.Println("done")
	case "churn":
		churn(path, os.Getenv(envID))
	case "write-and-hang":
		// Killed half way through writing a file for the admin.
		_ = store.WriteFile(path, 0o600, false, func(w io.Writer) error {
			if _, err := io.WriteString(w, "the first half of a PFX"); err != nil {
				return err
			}
			fmt.Println("writing")
			time.Sleep(time.Minute)
			return nil
		})
	}
	os.Exit(0)
}

// increment counts in Organization, a field no other test reads this way.
func increment(a *store.Account) error {
	n, _ := strconv.Atoi(a.Organization)
	a.Organization = strconv.Itoa(n + 1)
	return nil
}

// startHelper runs the helper and waits for its first line of output.
func startHelper(t *testing.T, env ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("helper said nothing: %v", err)
	}
	return cmd, strings.TrimSpace(line)
}

func TestLockedByAnotherProcess(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	link(t, s, "contoso")
	holder, said := startHelper(t, envHelper+"=lock", envPath+"="+s.Path())
	if said != "locked" {
		t.Fatalf("helper: %s", said)
	}

	short, err := store.Open(s.Path(), store.Options{Timeout: 300 * time.Millisecond})
	var le *store.LockedError
	if !errors.As(err, &le) || le.Path != s.Path() {
		t.Fatalf("Open while locked: %v", err)
	}
	if short != nil {
		t.Fatal("Open returned a store along with its error")
	}
	late := store.OpenExisting(s.Path(), store.Options{Timeout: 300 * time.Millisecond})
	_, _, err = late.Accounts()
	if !errors.As(err, &le) || le.Path != s.Path() || !strings.Contains(err.Error(), s.Path()) {
		t.Fatalf("read while locked: %v", err)
	}
	err = late.PutSetting("theme", []byte("dark"))
	if !errors.As(err, &le) {
		t.Fatalf("write while locked: %v", err)
	}

	// Once the other process is gone, the same handle works: we held nothing.
	_ = holder.Process.Kill()
	_ = holder.Wait()
	if got, _, err := late.Accounts(); err != nil || len(got) != 1 {
		t.Fatalf("after the holder exited: %v, %v", names(got), err)
	}
}

func TestReadersShareWritersWait(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	link(t, s, "contoso")
	_, said := startHelper(t, envHelper+"=rlock", envPath+"="+s.Path())
	if said != "locked" {
		t.Fatalf("helper: %s", said)
	}
	late := store.OpenExisting(s.Path(), store.Options{Timeout: 300 * time.Millisecond})
	if got, _, err := late.Accounts(); err != nil || len(got) != 1 {
		t.Fatalf("a reader blocked another reader: %v", err)
	}
	var le *store.LockedError
	if err := late.PutSetting("theme", []byte("dark")); !errors.As(err, &le) {
		t.Fatalf("write beside a reader: %v", err)
	}
}

func TestNoLostUpdateAcrossGoroutinesAndProcesses(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	a := link(t, s, "counter")
	if _, err := s.UpdateAccount(a.ID, func(a *store.Account) error { a.Organization = "0"; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	const (
		procs, perProc       = 2, 25
		goroutines, perGorou = 4, 10
	)
	var cmds []*exec.Cmd
	for range procs {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
		cmd.Env = append(os.Environ(), envHelper+"=increment", envPath+"="+s.Path(),
			envID+"="+a.ID, envCount+"="+strconv.Itoa(perProc))
		cmd.Stderr = os.Stderr
		cmds = append(cmds, cmd)
	}
	outs := make([][]byte, procs)
	var wg sync.WaitGroup
	for i, cmd := range cmds {
		wg.Go(func() { outs[i], _ = cmd.Output() })
	}
	// Goroutines of this process, each with its own handle, like a TUI and
	// its background commands.
	errs := make(chan error, goroutines)
	for range goroutines {
		wg.Go(func() {
			h, err := store.Open(s.Path(), store.Options{Timeout: 30 * time.Second})
			if err != nil {
				errs <- err
				return
			}
			for range perGorou {
				if _, err := h.UpdateAccount(a.ID, increment, nil); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for i, out := range outs {
		if strings.TrimSpace(string(out)) != "done" {
			t.Fatalf("helper %d: %q", i, out)
		}
	}
	got, err := s.Account(a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := strconv.Itoa(procs*perProc + goroutines*perGorou); got.Organization != want {
		t.Fatalf("counter = %s, want %s: updates were lost", got.Organization, want)
	}
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
}
