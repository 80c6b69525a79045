package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xops/xops/store"
)

func TestMedian(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   []float64
		want float64
	}{
		{nil, 0},
		{[]float64{5}, 5},
		{[]float64{9, 1, 5}, 5},
		{[]float64{4, 1, 3, 2}, 2.5},
		{[]float64{100, 1, 2}, 2}, // one disturbed run does not move it
	} {
		if got := median(tc.in); got != tc.want {
			t.Errorf("median(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestJudge(t *testing.T) {
	t.Parallel()
	runs := func(msec ...int) []time.Duration {
		var out []time.Duration
		for _, m := range msec {
			out = append(out, time.Duration(m)*time.Millisecond)
		}
		return out
	}
	// A value against its own target.
	f := timed("frame", runs(40, 60, 70), 50)
	if f.Value != 60 || f.Met == nil || *f.Met || f.Ratio != 1.2 {
		t.Errorf("timed over target: %+v", f)
	}
	// A ratio target: key generation is held against openssl, not a time.
	k := Figure{Name: "key", Unit: "ms", Value: 300, Target: 1, RatioTarget: true}.against("openssl", runs(400, 600, 500))
	if k.RefValue != 500 || k.Ratio != 0.6 || k.Met == nil || !*k.Met {
		t.Errorf("ratio target: %+v", k)
	}
	// A reference beside a value target: the ratio shows the reference, the target judges the value.
	s := Figure{Name: "start", Unit: "ms", Value: 60, Target: 50}.against("hello world", runs(20))
	if s.Ratio != 3 || s.Met == nil || *s.Met {
		t.Errorf("reference with a value target: %+v", s)
	}
	if sk := skipped("filter", "n/a"); sk.Met != nil || sk.valueText() != "n/a" {
		t.Errorf("skipped: %+v", sk)
	}
}

func TestTableAndJSON(t *testing.T) {
	t.Parallel()
	r := Report{Date: time.Date(2026, 11, 29, 23, 0, 0, 0, time.UTC), Command: "go run ./cmd/xopsbench", Machine: "test",
		Figures: []Figure{
			timed("first frame", []time.Duration{70 * time.Millisecond}, 50),
			skipped("filter keystroke", "n/a — Home has no filter yet"),
		},
		Broken: []string{"verification: sandbox down"}}
	var out bytes.Buffer
	if err := writeTable(&out, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"first frame", "70 ms", "≤ 50 ms", "140% of target ✗ missed", "n/a — Home has no filter yet", "BROKEN: verification"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
	path := filepath.Join(t.TempDir(), "bench.json")
	if err := writeJSON(path, r); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(raw, &back); err != nil || len(back.Figures) != 2 || back.Figures[0].Value != 70 || back.Figures[1].Skipped == "" {
		t.Fatalf("JSON round trip: %v %+v", err, back)
	}
}

func TestParseFlags(t *testing.T) {
	t.Parallel()
	var errs bytes.Buffer
	cfg, err := parseFlags([]string{"-short"}, &errs)
	if err != nil || cfg.runs != 3 || cfg.accounts != 1000 {
		t.Errorf("-short: %+v, %v", cfg, err)
	}
	cfg, err = parseFlags([]string{"-runs", "9", "-json", "x.json"}, &errs)
	if err != nil || cfg.runs != 9 || cfg.accounts != 10000 || cfg.jsonPath != "x.json" {
		t.Errorf("-runs 9: %+v, %v", cfg, err)
	}
	for _, bad := range [][]string{{"-runs", "-1"}, {"-accounts", "-5"}, {"extra"}} {
		if _, err := parseFlags(bad, &errs); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if code := run([]string{"-runs", "-1"}, &errs, &errs); code != 2 {
		t.Errorf("bad flag: exit %d, want 2", code)
	}
}

func TestThousands(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 10000: "10,000", 1234567: "1,234,567"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

// The pseudo-terminal: a program that draws with cursor moves instead of
// spaces still matches, its peak memory is read, and one that never draws
// the marker is reported with what it showed.
func TestFirstFrame(t *testing.T) {
	t.Parallel()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	f, err := firstFrame(sh, []string{"-c", `printf 'Linked\033[1Caccounts (3)'; sleep 10`}, os.Environ(), []string{"Linkedaccounts", "(3)"}, true)
	if err != nil {
		t.Fatalf("firstFrame: %v", err)
	}
	if f.elapsed <= 0 || f.peakKB <= 0 {
		t.Errorf("frame %+v: want a time and a peak", f)
	}
	_, err = firstFrame(sh, []string{"-c", `printf 'something else'`}, os.Environ(), []string{"(3)"}, false)
	if err == nil || !strings.Contains(err.Error(), "something else") {
		t.Errorf("missing marker: %v", err)
	}
}

func TestPeakRSSOfThisProcess(t *testing.T) {
	t.Parallel()
	kb, err := peakRSS(os.Getpid())
	if err != nil || kb < 100 {
		t.Fatalf("peakRSS = %d kB, %v", kb, err)
	}
}

func TestFillStore(t *testing.T) {
	t.Parallel()
	cred, err := newCredential()
	if err != nil {
		t.Fatal(err)
	}
	path, err := fillStore(t.TempDir(), "x.db", 25, cred)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, bad, err := st.Accounts()
	if err != nil || len(bad) != 0 || len(got) != 25 || got[0].Name != accountName(0) || got[24].Name != accountName(24) {
		t.Fatalf("filled store: %d accounts, %v, %v", len(got), bad, err)
	}
	statuses := map[store.Status]int{}
	for _, a := range got {
		statuses[a.Status]++
	}
	if statuses[store.StatusVerified] == 0 || statuses[store.StatusFailed] == 0 || statuses[store.StatusUnverified] == 0 {
		t.Errorf("statuses %v: want a mix, as an MSP's list has", statuses)
	}
}

// The in-process parts on a small store: Home opens on the filled list and
// answers keys, the store reads agree on the count, and the sandbox
// verification passes with a figure for every check.
func TestInProcessFigures(t *testing.T) {
	t.Parallel()
	cred, err := newCredential()
	if err != nil {
		t.Fatal(err)
	}
	const n = 40
	path, err := fillStore(t.TempDir(), "x.db", n, cred)
	if err != nil {
		t.Fatal(err)
	}
	d, p, err := openHome(path, n)
	if err != nil {
		t.Fatalf("openHome: %v", err)
	}
	defer p.close()
	if d <= 0 || !strings.Contains(p.screen(), accountName(0)) {
		t.Fatalf("Home after %v shows %q", d, p.screen())
	}
	before := p.screen()
	p.press(keyDown)
	if p.screen() == before {
		t.Error("↓ did not change the frame")
	}

	figs, err := benchStoreReads(1, path, n)
	if err != nil || len(figs) != 2 {
		t.Fatalf("store reads: %v %v", figs, err)
	}

	figs, err = benchVerify(1, cred)
	if err != nil {
		t.Fatalf("verification: %v", err)
	}
	checks := 0
	for _, f := range figs {
		if strings.Contains(f.Name, "check ") {
			checks++
			if f.Runs != 1 {
				t.Errorf("%s: %d runs, want 1", f.Name, f.Runs)
			}
		}
	}
	if checks != 8 {
		t.Errorf("%d per-check figures, want 8", checks)
	}
}
