package main

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// Targets of issue 7 for the start of the TUI.
const (
	firstFrameTarget = 50 // ms, with 10,000 accounts
	peakMemTarget    = 60 // MB
	binaryTarget     = 20 // MB, stripped
)

// Markers: text each first frame must show before it counts as drawn.
// Markers hold no spaces: a renderer may move the cursor instead of
// printing them.
var (
	// pickerMarkers: the first-run platform picker (an empty store).
	pickerMarkers = []string{"platform", "Microsoft"}
)

// homeMarkers: Home listing n accounts, the first row drawn.
func homeMarkers(n int) []string {
	return []string{fmt.Sprintf("(%d)", n), accountName(0)}
}

// tuiEnv is the environment of a TUI under test: this one's, minus any
// XOPS_ setting and NO_COLOR that would change what is measured, with a
// colour terminal and the store given.
func tuiEnv(storePath string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "XOPS_") || strings.HasPrefix(kv, "NO_COLOR=") || strings.HasPrefix(kv, "TERM=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "TERM=xterm-256color", "XOPS_STORE="+storePath)
}

// startups times runs starts of a program in a pseudo-terminal until its
// first frame, after one start that is not timed (it warms the page cache,
// which every later start of an installed binary finds warm too).
func startups(runs int, bin string, args, env, markers []string, peak bool) (times []time.Duration, peaksMB, settledMB []float64, err error) {
	if _, err := firstFrame(bin, args, env, markers, false); err != nil {
		return nil, nil, nil, err
	}
	for range runs {
		f, err := firstFrame(bin, args, env, markers, peak)
		if err != nil {
			return nil, nil, nil, err
		}
		times = append(times, f.elapsed)
		if peak {
			peaksMB = append(peaksMB, float64(f.peakKB)*1024/1e6)
			settledMB = append(settledMB, float64(f.settledKB)*1024/1e6)
		}
	}
	return times, peaksMB, settledMB, nil
}

// benchStartup measures the start of the hello world floor and of the TUI on
// an empty store and on a store of n accounts, with the TUI's peak memory.
func benchStartup(runs int, bins binaries, emptyStore, fullStore string, n int) ([]Figure, error) {
	// A machine without pseudo-terminals (some containers) cannot run a
	// TUI at all: that is the machine, not xops, so the figures are skipped.
	master, tty, err := openPTY()
	if err != nil {
		why := fmt.Sprintf("no pseudo-terminal on this machine (%v)", err)
		return []Figure{skipped("start → first frame", why), skipped("peak memory of the TUI", why)}, nil
	}
	_ = master.Close()
	_ = tty.Close()
	hello, _, _, err := startups(runs, bins.hello, nil, tuiEnv(emptyStore), []string{helloMarker}, false)
	if err != nil {
		return nil, fmt.Errorf("hello world: %w", err)
	}
	empty, _, _, err := startups(runs, bins.xops, nil, tuiEnv(emptyStore), pickerMarkers, false)
	if err != nil {
		return nil, fmt.Errorf("TUI on an empty store: %w", err)
	}
	full, peaks, settled, err := startups(runs, bins.xops, nil, tuiEnv(fullStore), homeMarkers(n), true)
	if err != nil {
		return nil, fmt.Errorf("TUI with %d accounts: %w", n, err)
	}
	floor := timed("start → first output, Go hello world", hello, 0)
	floor.Note = "the floor: exec + Go runtime start + one write, through the same pseudo-terminal"
	figs := []Figure{
		floor,
		withNote(Figure{Name: "start → first frame, empty store", Unit: "ms", Value: median(ms(empty)), Runs: len(empty),
			Target: firstFrameTarget}.against("hello world", hello),
			"the first-run platform picker, 80×24 pseudo-terminal"),
		withNote(Figure{Name: fmt.Sprintf("start → first frame, %s accounts", thousands(n)), Unit: "ms", Value: median(ms(full)), Runs: len(full),
			Target: firstFrameTarget}.against("hello world", hello),
			"Home with its count and first row drawn, 80×24 pseudo-terminal"),
		withNote(Figure{Name: fmt.Sprintf("peak memory of the TUI, %s accounts", thousands(n)), Unit: "MB", Value: median(peaks), Runs: len(peaks),
			Target: peakMemTarget}.judge(),
			fmt.Sprintf("VmHWM at the first frame (file pages of the store's memory map count); max over runs %.1f MB", maxOf(peaks))),
		withNote(Figure{Name: fmt.Sprintf("peak memory of the TUI, %s accounts, 1 s on", thousands(n)), Unit: "MB", Value: median(settled), Runs: len(settled),
			Target: peakMemTarget}.judge(),
			fmt.Sprintf("VmHWM %s after the first frame: counts a list loaded in the background; max over runs %.1f MB", settle, maxOf(settled))),
	}
	return figs, nil
}

// thousands prints 10000 as 10,000.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
