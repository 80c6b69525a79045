package sandbox

import (
	"errors"
	"strings"
	"sync"
	"testing"
)

// memStore stands in for the sandbox store's setting: Options.Update's
// transaction, made atomic by a mutex.
type memStore struct {
	mu     sync.Mutex
	state  []byte
	writes int
	err    error
}

func (m *memStore) update(apply func(saved []byte) ([]byte, error)) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return m.err
	}
	state, err := apply(m.state)
	if err != nil {
		return err
	}
	m.state, m.writes = append([]byte(nil), state...), m.writes+1
	return nil
}

func (m *memStore) saved() ([]byte, int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.state, m.writes
}

// restart is a new process's tenant, loaded from what was saved.
func restart(t *testing.T, saved []byte) *Sandbox {
	t.Helper()
	sb, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.LoadState(saved); err != nil {
		t.Fatal(err)
	}
	return sb
}

// An app registered (and each step done on it) is saved at once, not only
// when the process ends: a wizard's draft written after the step refers to
// an app the saved tenant has, even if this process never exits cleanly.
func TestPersistSavesEveryChangeAtOnce(t *testing.T) {
	t.Parallel()
	ms := &memStore{}
	sb, err := New(Options{Update: ms.update})
	if err != nil {
		t.Fatal(err)
	}
	appID, err := sb.RegisterApp("Xops")
	if err != nil {
		t.Fatal(err)
	}
	saved, _ := ms.saved()
	if _, err := restart(t, saved).App(appID); err != nil {
		t.Fatalf("the registered app is not in the saved tenant: %v", err)
	}
	for _, do := range []func(string) error{sb.AddExchangePermission, sb.GrantAdminConsent, sb.AssignGlobalReader} {
		if err := do(appID); err != nil {
			t.Fatal(err)
		}
	}
	saved, _ = ms.saved()
	st, err := restart(t, saved).App(appID)
	if err != nil {
		t.Fatal(err)
	}
	if !st.ExchangePermission || !st.AdminConsent || !st.GlobalReader {
		t.Fatalf("the saved tenant lacks the steps done: %+v", st)
	}
	if err := sb.DeleteApp(appID); err != nil {
		t.Fatal(err)
	}
	saved, _ = ms.saved()
	if _, err := restart(t, saved).App(appID); !errors.Is(err, ErrNoSuchApp) {
		t.Fatalf("a deleted app is still in the saved tenant: %v", err)
	}
}

// A tenant loaded and left unchanged is not written back: a process that
// did nothing must not overwrite what another one saved meanwhile.
func TestPersistSkipsAnUnchangedTenant(t *testing.T) {
	t.Parallel()
	first := &memStore{}
	a, err := New(Options{Update: first.update})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.RegisterApp("Xops"); err != nil {
		t.Fatal(err)
	}
	saved, _ := first.saved()
	second := &memStore{}
	b, err := New(Options{Update: second.update})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.LoadState(saved); err != nil {
		t.Fatal(err)
	}
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
	if _, writes := second.saved(); writes != 0 {
		t.Fatalf("an unchanged tenant was written %d times", writes)
	}
	if _, err := b.RegisterApp("Other"); err != nil {
		t.Fatal(err)
	}
	if _, writes := second.saved(); writes != 1 {
		t.Fatalf("a changed tenant was written %d times, want 1", writes)
	}
}

// A save that fails is reported by the change that needed it, and the next
// Flush tries again.
func TestPersistFailureIsReportedAndRetried(t *testing.T) {
	t.Parallel()
	ms := &memStore{err: errors.New("disk full")}
	sb, err := New(Options{Update: ms.update})
	if err != nil {
		t.Fatal(err)
	}
	_, err = sb.RegisterApp("Xops")
	if err == nil || !strings.Contains(err.Error(), "disk full") || !strings.Contains(err.Error(), "was registered") {
		t.Fatalf("RegisterApp with a failing save: %v", err)
	}
	ms.mu.Lock()
	ms.err = nil
	ms.mu.Unlock()
	if err := sb.Flush(); err != nil {
		t.Fatal(err)
	}
	saved, _ := ms.saved()
	if apps := restart(t, saved).Apps(); len(apps) != 1 {
		t.Fatalf("after the retry the saved tenant has %d apps, want 1", len(apps))
	}
}

// The tenant-wide settings (Exchange Online off, a domain of another
// tenant) are part of the saved tenant and are saved at once, like an app's
// changes: not left for the next change or the exit to write.
func TestPersistSavesTenantSettingsAtOnce(t *testing.T) {
	t.Parallel()
	ms := &memStore{}
	sb, err := New(Options{Update: ms.update})
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.SetExchangeOnline(false); err != nil {
		t.Fatal(err)
	}
	saved, writes := ms.saved()
	if writes != 1 || restart(t, saved).state.ExchangeOnline {
		t.Fatalf("Exchange Online switched off: %d writes, saved tenant %s", writes, saved)
	}
	const other = "0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f"
	if err := sb.AddForeignTenant(other, "Fabrikam.onmicrosoft.us", "microsoftonline.us"); err != nil {
		t.Fatal(err)
	}
	saved, writes = ms.saved()
	got := restart(t, saved).state.Foreign["fabrikam.onmicrosoft.us"]
	if writes != 2 || got.TenantID != other || got.Instance != "microsoftonline.us" {
		t.Fatalf("foreign tenant added: %d writes, saved %+v", writes, got)
	}

	ms.mu.Lock()
	ms.err = errors.New("disk full")
	ms.mu.Unlock()
	if err := sb.SetExchangeOnline(true); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("SetExchangeOnline with a failing save: %v", err)
	}
	if err := sb.AddForeignTenant(other, "other.example", ""); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("AddForeignTenant with a failing save: %v", err)
	}
}

// A state a newer xops wrote is told apart from a damaged one: the caller
// must not treat it as garbage to replace.
func TestLoadStateTellsNewerFromDamaged(t *testing.T) {
	t.Parallel()
	sb, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, newer := range []string{`{"version":2,"tenant_id":"x"}`, `{"version":99,"apps":[1,2]}`} {
		if err := sb.LoadState([]byte(newer)); !errors.Is(err, ErrStateTooNew) {
			t.Errorf("LoadState(%s) = %v, want ErrStateTooNew", newer, err)
		}
	}
	for _, damaged := range []string{`nonsense`, `{"version":1,"tenant_id":"x"`, `{"version":0}`, `{"version":1,"tenant_id":"not-a-guid","domain":"a.b"}`} {
		if err := sb.LoadState([]byte(damaged)); err == nil || errors.Is(err, ErrStateTooNew) {
			t.Errorf("LoadState(%s) = %v, want a damaged-state error", damaged, err)
		}
	}
	if sb.TenantID() != DefaultTenantID {
		t.Fatalf("a failed load changed the tenant: %s", sb.TenantID())
	}
}
