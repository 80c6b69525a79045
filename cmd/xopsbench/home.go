package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"reflect"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/xops/xops/entra/certs"
	"github.com/xops/xops/store"
	"github.com/xops/xops/ui"
)

// Targets of issues 5 and 7 for Home at scale.
const (
	keystrokeTarget = 16  // ms: one frame at 60 Hz
	listJSONTarget  = 150 // ms, `accounts list --json`
)

// homeFrameTimeout bounds the wait for Home in process.
const homeFrameTimeout = 30 * time.Second

// program drives the root model the way Bubble Tea does — commands run on
// their own goroutines, their messages come back to Update one at a time —
// without a terminal, so the frame can be read as soon as Update returns.
type program struct {
	m    *ui.Model
	msgs chan tea.Msg
	stop chan struct{}
}

func newProgram(m *ui.Model) *program {
	return &program{m: m, msgs: make(chan tea.Msg, 64), stop: make(chan struct{})}
}

// run starts a command; batches and sequences are unpacked as Bubble Tea does.
func (p *program) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() { p.deliver(cmd()) }()
}

func (p *program) deliver(msg tea.Msg) {
	if msg == nil {
		return
	}
	if cmds, ok := msg.(tea.BatchMsg); ok {
		for _, c := range cmds {
			p.run(c)
		}
		return
	}
	// tea.Sequence's message type is not exported: recognise it by shape.
	if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeFor[tea.Cmd]() {
		for i := range v.Len() {
			if c := v.Index(i).Interface().(tea.Cmd); c != nil {
				p.deliver(c())
			}
		}
		return
	}
	select {
	case p.msgs <- msg:
	case <-p.stop:
	}
}

// screen is the frame's text, escape sequences removed.
func (p *program) screen() string { return ansi.Strip(p.m.View().Content) }

// until feeds messages to Update until the frame holds every marker.
func (p *program) until(markers []string) error {
	deadline := time.After(homeFrameTimeout)
	for !allPresent(p.screen(), markers) {
		select {
		case msg := <-p.msgs:
			_, cmd := p.m.Update(msg)
			p.run(cmd)
		case <-deadline:
			return fmt.Errorf("the Home page did not show %q within %s; it shows: %q", markers, homeFrameTimeout, tail(p.screen(), 300))
		}
	}
	return nil
}

// quiet is how long no message may arrive before the program counts as idle.
const quiet = 300 * time.Millisecond

// settle feeds messages to Update until none has come for quiet, and
// returns when the last one was handled: the work Home does after its
// first frame (the rest of a large list) is then done.
func (p *program) settle() time.Time {
	last := time.Now()
	deadline := time.After(homeFrameTimeout)
	for {
		select {
		case msg := <-p.msgs:
			_, cmd := p.m.Update(msg)
			_ = p.m.View()
			last = time.Now()
			p.run(cmd)
		case <-time.After(quiet):
			return last
		case <-deadline:
			return last
		}
	}
}

// press sends one key and returns the time to the frame after it.
func (p *program) press(k tea.KeyPressMsg) time.Duration {
	start := time.Now()
	_, cmd := p.m.Update(k)
	_ = p.m.View()
	d := time.Since(start)
	p.run(cmd)
	return d
}

func (p *program) close() { close(p.stop) }

// openHome opens the store and the root model, 80×24, and runs it until
// Home shows n accounts: what the TUI does between its start and its first
// frame, without the process start and the terminal.
func openHome(path string, n int) (time.Duration, *program, error) {
	d, _, p, err := openHomeAt(path, n)
	return d, p, err
}

// openHomeAt is openHome that also lets Home finish what it does after the
// first frame, and says how long from the start that took (the rest of a
// large list, read after the first screenful).
func openHomeAt(path string, n int) (first, settled time.Duration, p *program, err error) {
	start := time.Now()
	first, p, err = openHomeFrom(start, path, n)
	if err != nil {
		return 0, 0, nil, err
	}
	return first, p.settle().Sub(start), p, nil
}

// openHomeFrom runs the root model on the store until its first frame and
// returns the time from start.
func openHomeFrom(start time.Time, path string, n int) (time.Duration, *program, error) {
	st, err := store.Open(path, store.Options{})
	if err != nil {
		return 0, nil, fmt.Errorf("open the benchmark store: %w", err)
	}
	p := newProgram(ui.New(ui.Deps{Store: st, StorePath: path, Version: "xopsbench"}))
	p.m.Update(tea.WindowSizeMsg{Width: ptyCols, Height: ptyRows})
	p.run(p.m.Init())
	if err := p.until(homeMarkers(n)); err != nil {
		p.close()
		return 0, nil, err
	}
	return time.Since(start), p, nil
}

var (
	keyDown   = tea.KeyPressMsg{Code: tea.KeyDown}
	keySlash  = tea.KeyPressMsg{Code: '/', Text: "/"}
	keySeven  = tea.KeyPressMsg{Code: '7', Text: "7"}
	keyBackSp = tea.KeyPressMsg{Code: tea.KeyBackspace}
)

// benchHome measures Home with n accounts in process: opening it, a ↓ (the
// one key every list has) and a filter keystroke, when Home has a filter.
func benchHome(runs int, path string, n int) ([]Figure, error) {
	var opens, whole, downs, filters, busy []time.Duration
	filterNote := ""
	for i := range runs {
		// The keys are pressed once Home has the whole list: a filter or a
		// sort may wait for it.
		d, all, p, err := openHomeAt(path, n)
		if err != nil {
			return nil, err
		}
		opens, whole = append(opens, d), append(whole, all)
		for range 5 {
			downs = append(downs, p.press(keyDown))
		}
		if i == 0 {
			filterNote = filterAbsent(p)
		}
		if filterNote == "" {
			// "/" opens the filter; a digit narrows the list to the accounts
			// holding it, and backspace widens it again.
			p.press(keySlash)
			for range 3 {
				filters = append(filters, p.press(keySeven))
				p.press(keyBackSp)
			}
		}
		if i == 0 {
			b, err := keysDuringKeygen(p)
			if err != nil {
				p.close()
				return nil, err
			}
			busy = b
		}
		p.close()
	}
	label := thousands(n)
	figs := []Figure{
		withNote(timed(fmt.Sprintf("Home open, %s accounts (in process)", label), opens, firstFrameTarget),
			"store open → root model's first frame with the list, 80×24, no terminal"),
		withNote(timed(fmt.Sprintf("Home whole list in, %s accounts (in process)", label), whole, 0),
			"store open → the last message Home handled (the rest of the list, read after the first screenful; Home waits 50 ms before it starts, so that the first frame is out)"),
		withNote(timed(fmt.Sprintf("Home keystroke ↓, %s accounts", label), downs, keystrokeTarget),
			"Update + View of the frame after one key"),
	}
	figs = append(figs, withNote(timed(fmt.Sprintf("Home keystroke ↓ during RSA 4096 keygen, %s accounts", label), busy, keystrokeTarget),
		fmt.Sprintf("a key every 20 ms while another goroutine makes a key, as the wizard's command does; max %s", number(maxOf(ms(busy)), "ms"))))
	if filterNote != "" {
		figs = append(figs, skipped(fmt.Sprintf("Home filter keystroke, %s accounts", label), filterNote))
	} else {
		figs = append(figs, withNote(timed(fmt.Sprintf("Home filter keystroke, %s accounts", label), filters, keystrokeTarget),
			"one character typed into / filter: Update + View"))
	}
	return figs, nil
}

// filterAbsent says why no filter keystroke can be timed, or "" when Home
// offers a filter: its help names one, and "/" changes the frame.
func filterAbsent(p *program) string {
	before := p.screen()
	if !strings.Contains(strings.ToLower(before), "filter") {
		return "n/a — Home has no filter yet"
	}
	p.press(keySlash)
	after := p.screen()
	p.press(tea.KeyPressMsg{Code: tea.KeyEscape})
	if after == before {
		return "n/a — Home's / does nothing yet"
	}
	return ""
}

// benchListJSON times `xops accounts list --json` as a subprocess, after
// checking once that it lists every account.
func benchListJSON(runs int, bin, path string, n int) (Figure, error) {
	args := []string{"--store", path, "accounts", "list", "--json"}
	out, err := exec.Command(bin, args...).Output()
	if err != nil {
		return Figure{}, fmt.Errorf("xops %s: %w", strings.Join(args, " "), err)
	}
	var list []json.RawMessage
	if err := json.Unmarshal(out, &list); err != nil || len(list) != n {
		return Figure{}, fmt.Errorf("xops %s printed %d accounts (%v), want %d", strings.Join(args, " "), len(list), err, n)
	}
	var times []time.Duration
	for range runs {
		cmd := exec.Command(bin, args...)
		var sink bytes.Buffer
		cmd.Stdout = &sink
		start := time.Now()
		if err := cmd.Run(); err != nil {
			return Figure{}, fmt.Errorf("xops %s: %w", strings.Join(args, " "), err)
		}
		times = append(times, time.Since(start))
	}
	return withNote(timed(fmt.Sprintf("accounts list --json, %s accounts", thousands(n)), times, listJSONTarget),
		fmt.Sprintf("a subprocess, start to exit, %s of JSON", number(float64(len(out))/1e6, "MB"))), nil
}

// benchStoreReads times the two reads Home can start from, in process: the
// whole list (what Home loads today) and the first screenful with the count
// (AccountsPage: what a first frame needs).
func benchStoreReads(runs int, path string, n int) ([]Figure, error) {
	st, err := store.Open(path, store.Options{})
	if err != nil {
		return nil, fmt.Errorf("open the benchmark store: %w", err)
	}
	var all, page []time.Duration
	for range runs {
		start := time.Now()
		accounts, bad, err := st.Accounts()
		if err != nil || len(bad) != 0 || len(accounts) != n {
			return nil, fmt.Errorf("store.Accounts: %d accounts, %d unreadable, %v; want %d", len(accounts), len(bad), err, n)
		}
		all = append(all, time.Since(start))
		start = time.Now()
		rows, total, bad, err := st.AccountsPage(0, ptyRows)
		if err != nil || len(bad) != 0 || total != n || len(rows) != min(n, ptyRows) {
			return nil, fmt.Errorf("store.AccountsPage: %d rows of %d, %d unreadable, %v; want %d of %d", len(rows), total, len(bad), err, min(n, ptyRows), n)
		}
		page = append(page, time.Since(start))
	}
	label := thousands(n)
	return []Figure{
		withNote(timed(fmt.Sprintf("store.Accounts(), %s accounts", label), all, 0),
			"every account decoded: what Home and accounts list read today (in process)"),
		withNote(timed(fmt.Sprintf("store.AccountsPage(0, %d), %s accounts", ptyRows, label), page, 0),
			"a screenful and the count: what a first frame needs; does not grow with the store"),
	}, nil
}

// keysDuringKeygen presses ↓ every 20 ms — a fast typist — while a 4096-bit
// key is generated on another goroutine, as the wizard generates it in a
// command: the frame must keep following the keys.
func keysDuringKeygen(p *program) ([]time.Duration, error) {
	done := make(chan error, 1)
	go func() {
		_, err := certs.Generate(context.Background(), certs.Request{CommonName: "xopsbench", KeySize: 4096, Days: 365})
		done <- err
	}()
	var times []time.Duration
	for {
		select {
		case err := <-done:
			if err != nil {
				return nil, fmt.Errorf("generate a key beside the keystrokes: %w", err)
			}
			if len(times) == 0 {
				times = append(times, p.press(keyDown)) // the key came too fast to overlap: still one reading
			}
			return times, nil
		default:
		}
		times = append(times, p.press(keyDown))
		time.Sleep(20 * time.Millisecond)
	}
}
