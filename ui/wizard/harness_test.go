package wizard

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/xops/xops/entra/certs"
	"github.com/xops/xops/flow/validate"
	"github.com/xops/xops/store"
	"github.com/xops/xops/ui/uikit"
)

// fixedNow is the clock every test runs at.
var fixedNow = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

// testCred is made once: RSA key generation is slow under -race.
var testCred = sync.OnceValues(func() (*certs.Credential, error) {
	return certs.Generate(context.Background(), certs.Request{CommonName: "test", KeySize: 2048, Days: 365, Now: fixedNow})
})

// TestMain makes the shared test key before any test starts its clock: RSA
// generation under -race on a busy machine can take seconds.
func TestMain(m *testing.M) {
	if _, err := testCred(); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

// memStore keeps drafts and keys in memory.
type memStore struct {
	mu     sync.Mutex
	drafts map[string][]byte
	keys   map[string]store.KeyMaterial
}

func newMemStore() *memStore {
	return &memStore{drafts: map[string][]byte{}, keys: map[string]store.KeyMaterial{}}
}

func (s *memStore) PutDraft(kind string, data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.drafts[kind] = append([]byte(nil), data...)
	return nil
}

func (s *memStore) Draft(kind string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.drafts[kind]
	if !ok {
		return nil, store.ErrNotFound
	}
	return b, nil
}

func (s *memStore) DeleteDraft(kind string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.drafts, kind)
	return nil
}

func (s *memStore) Key(id string) (store.KeyMaterial, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	km, ok := s.keys[id]
	if !ok {
		return store.KeyMaterial{}, store.ErrNotFound
	}
	return km, nil
}

func (s *memStore) DeleteKey(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.keys[id]; !ok {
		return store.ErrNotFound
	}
	delete(s.keys, id)
	return nil
}

func (s *memStore) draft() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return string(s.drafts["link-microsoft"])
}

func (s *memStore) keyCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.keys)
}

// fakeService is flow's use cases over memStore, with flow/validate's rules.
type fakeService struct {
	st    *memStore
	mu    sync.Mutex
	taken map[string]bool
	saved []LinkInput
	n     int
}

func (f *fakeService) CheckLinkInput(in LinkInput) (LinkInput, []string, []*validate.FieldError) {
	var errs []*validate.FieldError
	var warnings []string
	add := func(err error) {
		var fe *validate.FieldError
		if errors.As(err, &fe) {
			errs = append(errs, fe)
		}
	}
	name, err := validate.Name(in.Name)
	add(err)
	f.mu.Lock()
	if err == nil && f.taken[strings.ToLower(name)] {
		errs = append(errs, &validate.FieldError{Field: validate.FieldName, Label: validate.LabelName,
			Message: "is already used by another account: choose another name"})
	}
	f.mu.Unlock()
	app, err := validate.AppID(in.AppID)
	add(err)
	tenant, err := validate.TenantID(in.TenantID)
	add(err)
	add(validate.IDsDiffer(in.AppID, in.TenantID))
	org, w, err := validate.Organization(in.Organization)
	add(err)
	if w != "" {
		warnings = append(warnings, w)
	}
	add(validate.KeySize(in.KeySize))
	add(validate.CertDays(in.CertDays))
	return LinkInput{Name: name, AppID: app, TenantID: tenant, Organization: org, KeySize: in.KeySize, CertDays: in.CertDays}, warnings, errs
}

func (f *fakeService) NewCredential(ctx context.Context, name string, keySize, days int) (store.Credential, *certs.Credential, error) {
	if err := ctx.Err(); err != nil {
		return store.Credential{}, nil, err
	}
	c, err := testCred()
	if err != nil {
		return store.Credential{}, nil, err
	}
	f.mu.Lock()
	f.n++
	id := "cred-" + string(rune('0'+f.n))
	f.mu.Unlock()
	f.st.mu.Lock()
	f.st.keys[id] = store.KeyMaterial{V: 1, CertDER: c.Certificate.Raw, KeyPKCS8: []byte("secret")}
	f.st.mu.Unlock()
	return store.Credential{ID: id, Thumbprint: certs.Thumbprint(c.Certificate), KeySize: keySize,
		NotBefore: c.Certificate.NotBefore, NotAfter: c.Certificate.NotAfter, Created: fixedNow}, c, nil
}

func (f *fakeService) SaveAccount(in LinkInput, cred store.Credential) (store.Account, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.taken[strings.ToLower(in.Name)] {
		return store.Account{}, store.ErrDuplicateName
	}
	f.saved = append(f.saved, in)
	return store.Account{ID: "acct-" + in.Name, Name: in.Name, Credentials: []store.Credential{cred}}, nil
}

// harness drives the wizard like Bubble Tea does: commands run in
// goroutines, their messages come back through Update. Messages for the
// root are collected in out.
type harness struct {
	t    *testing.T
	m    *Model
	msgs chan tea.Msg
	mu   sync.Mutex
	out  []tea.Msg
}

func newHarness(t *testing.T, d Deps, w, h int) *harness {
	t.Helper()
	if d.Now == nil {
		d.Now = func() time.Time { return fixedNow }
	}
	if d.User == "" {
		d.User, d.Host = "admin", "jump1"
	}
	if d.WorkDir == "" {
		d.WorkDir = t.TempDir()
	}
	hs := &harness{t: t, m: newModel(d), msgs: make(chan tea.Msg, 4096)}
	hs.m.SetStyles(uikit.NewStyles(true, true))
	hs.m.SetSize(w, h)
	hs.run(hs.m.Init())
	hs.pump(func() bool { return hs.m.loaded })
	return hs
}

func (h *harness) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() { h.msgs <- cmd() }()
}

// send hands msg to the wizard and starts the commands it returns.
func (h *harness) send(msg tea.Msg) {
	_, cmd := h.m.Update(msg)
	h.run(cmd)
}

// dispatch routes a command's message: batches are unpacked, the root's
// messages collected, spinner frames dropped (they only animate).
func (h *harness) dispatch(msg tea.Msg) {
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			h.run(c)
		}
	case spinner.TickMsg:
	case uikit.StatusMsg, uikit.BackMsg, uikit.HomeMsg, uikit.AccountsChangedMsg:
		h.mu.Lock()
		h.out = append(h.out, msg)
		h.mu.Unlock()
	default:
		// tea.Sequence's message is unexported: a slice of commands.
		if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeOf(tea.Cmd(nil)) {
			for i := 0; i < v.Len(); i++ {
				h.run(v.Index(i).Interface().(tea.Cmd))
			}
			return
		}
		h.send(msg)
	}
}

// pump feeds messages back until cond holds (or fails after a while).
func (h *harness) pump(cond func() bool) {
	h.t.Helper()
	deadline := time.After(30 * time.Second)
	for !cond() {
		select {
		case msg := <-h.msgs:
			h.dispatch(msg)
		case <-deadline:
			h.t.Fatalf("timed out; screen:\n%s", h.view())
		}
	}
}

// drain feeds what is already waiting, without blocking.
func (h *harness) drain() {
	for {
		select {
		case msg := <-h.msgs:
			h.dispatch(msg)
		case <-time.After(50 * time.Millisecond):
			return
		}
	}
}

func (h *harness) view() string { return ansi.Strip(h.m.View()) }

// press sends key presses by name ("enter", "space", "esc", "down"…) or text.
func (h *harness) press(keys ...string) {
	h.t.Helper()
	for _, k := range keys {
		h.send(keyMsg(k))
	}
}

// typeText types s one character at a time.
func (h *harness) typeText(s string) {
	for _, r := range s {
		h.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// sawOut reports whether the root got a message of msg's type.
func (h *harness) sawOut(want tea.Msg) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, m := range h.out {
		if reflect.TypeOf(m) == reflect.TypeOf(want) {
			return true
		}
	}
	return false
}

func (h *harness) statuses() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, m := range h.out {
		if s, ok := m.(uikit.StatusMsg); ok {
			out = append(out, s.Text)
		}
	}
	return out
}

// certFromPEM parses a saved certificate file's content.
func certFromPEM(t *testing.T, b []byte) *x509.Certificate {
	t.Helper()
	blk, _ := pem.Decode(b)
	if blk == nil {
		t.Fatalf("not PEM: %q", b)
	}
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// shortHelp is the page's enabled keys as the help bar lists them, in order.
func shortHelp(m *Model) string {
	var parts []string
	for _, b := range m.KeyMap().ShortHelp() {
		if b.Enabled() {
			parts = append(parts, b.Help().Key+" "+b.Help().Desc)
		}
	}
	return strings.Join(parts, " • ")
}
