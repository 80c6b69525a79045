package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/charmbracelet/x/ansi"
	"golang.org/x/sys/unix"
)

// The pseudo-terminal the TUI is started in: the size every page must read at.
const (
	ptyCols = 80
	ptyRows = 24
)

// frameTimeout bounds the wait for a first frame: a TUI that shows nothing
// within it is broken, not slow.
const frameTimeout = 15 * time.Second

// openPTY makes a pseudo-terminal pair (posix_openpt, unlockpt, ptsname by
// hand: three ioctls are not worth a dependency) sized 80×24.
func openPTY() (master, tty *os.File, err error) {
	master, err = os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("open /dev/ptmx: %w", err)
	}
	fail := func(what string, err error) (*os.File, *os.File, error) {
		_ = master.Close()
		return nil, nil, fmt.Errorf("pseudo-terminal: %s: %w", what, err)
	}
	fd := int(master.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		return fail("unlock", err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		return fail("its number", err)
	}
	tty, err = os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		return fail("open its terminal side", err)
	}
	ws := &unix.Winsize{Row: ptyRows, Col: ptyCols}
	if err := unix.IoctlSetWinsize(int(tty.Fd()), unix.TIOCSWINSZ, ws); err != nil {
		_ = tty.Close()
		return fail("set its size", err)
	}
	return master, tty, nil
}

// frame is what one start of a program in the pseudo-terminal measured.
type frame struct {
	// elapsed runs from just before the process is started to the read
	// that completed the markers.
	elapsed time.Duration
	// peakKB is the process's VmHWM at that moment, and settledKB a second
	// later, when work the first frame did not wait for (a list loading in
	// the background) has had time to run (0 when not asked).
	peakKB, settledKB int
}

// settle is how long after the first frame the peak memory is read again.
const settle = time.Second

// firstFrame starts bin in a fresh pseudo-terminal and times how long it
// takes until every marker has appeared on the screen (escape sequences
// stripped, so a renderer that moves the cursor instead of printing spaces
// still matches a marker without spaces). With peak it also reads the
// process's peak resident memory at that moment and a second later. The process is killed
// afterwards: what comes after the first frame is not measured here.
func firstFrame(bin string, args, env []string, markers []string, peak bool) (frame, error) {
	master, tty, err := openPTY()
	if err != nil {
		return frame{}, err
	}
	defer master.Close()

	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}

	type seen struct {
		at  time.Time
		err error
	}
	done := make(chan seen, 1)
	finished := make(chan struct{}) // the reader is gone: screen may be read
	var screen bytes.Buffer
	start := time.Now()
	if err := cmd.Start(); err != nil {
		_ = tty.Close()
		return frame{}, fmt.Errorf("start %s: %w", bin, err)
	}
	_ = tty.Close() // the child has its own copy; EIO then means it exited
	go func() {
		defer close(finished)
		buf := make([]byte, 64<<10)
		reported := false
		for {
			n, err := master.Read(buf)
			at := time.Now()
			screen.Write(buf[:n])
			if !reported && allPresent(ansi.Strip(screen.String()), markers) {
				done <- seen{at: at}
				reported = true
			}
			if err != nil {
				if !reported {
					done <- seen{err: fmt.Errorf("the program's output ended before %q appeared: %w", markers, err)}
				}
				return
			}
			// Keep draining after the frame, so the program never blocks on a full terminal.
		}
	}()

	var got seen
	select {
	case got = <-done:
	case <-time.After(frameTimeout):
		got.err = fmt.Errorf("no frame with %q within %s", markers, frameTimeout)
	}
	var f frame
	if got.err == nil {
		f.elapsed = got.at.Sub(start)
		if peak {
			f.peakKB, err = peakRSS(cmd.Process.Pid)
			if err == nil {
				time.Sleep(settle)
				f.settledKB, err = peakRSS(cmd.Process.Pid)
			}
			if err != nil {
				got.err = err
			}
		}
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	// With the process gone the terminal side has no writer: the read fails
	// with EIO and the reader ends. Closing the master is the backstop.
	select {
	case <-finished:
	case <-time.After(2 * time.Second):
		_ = master.Close()
		<-finished
	}
	if got.err != nil {
		return frame{}, fmt.Errorf("%s %s: %w; its screen ended with: %q", bin, strings.Join(args, " "),
			got.err, tail(ansi.Strip(screen.String()), 300))
	}
	return f, nil
}

// allPresent reports whether text holds every marker.
func allPresent(text string, markers []string) bool {
	for _, m := range markers {
		if !strings.Contains(text, m) {
			return false
		}
	}
	return true
}

// tail is the end of s, for error messages.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

// peakRSS reads VmHWM (peak resident set size, kB) from /proc/PID/status.
func peakRSS(pid int) (int, error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, fmt.Errorf("read the peak memory: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			if err != nil {
				return 0, fmt.Errorf("read the peak memory: VmHWM %q: %w", rest, err)
			}
			return kb, nil
		}
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("read the peak memory: %w", err)
	}
	return 0, errors.New("read the peak memory: no VmHWM line in /proc/PID/status (not Linux?)")
}
