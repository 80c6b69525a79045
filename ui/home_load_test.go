package ui

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/store"
)

// filledStore is a real store holding n accounts (written in one batch;
// the key material is a placeholder: the list never reads it).
func filledStore(tb testing.TB, n int) *store.Store {
	tb.Helper()
	st, err := store.Open(filepath.Join(tb.TempDir(), "xops.db"), store.Options{Timeout: time.Second})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	batch := make([]store.NewAccount, n)
	for i := range batch {
		a := manyAccounts(1)[0]
		a.ID, a.Name = fmt.Sprintf("id-%05d", i), fmt.Sprintf("acct-%05d", i)
		cred := fmt.Sprintf("cred-%05d", i)
		a.Credentials = []store.Credential{{ID: cred, Thumbprint: "AB", KeySize: 2048, NotAfter: testNow.AddDate(0, 0, i%400)}}
		batch[i] = store.NewAccount{Account: a,
			Keys:  map[string]store.KeyMaterial{cred: {CertDER: []byte{1}, KeyPKCS8: []byte{1}}},
			Audit: store.AuditEntry{Action: "linked"}}
	}
	if err := st.CreateAccounts(batch); err != nil {
		tb.Fatal(err)
	}
	return st
}

func TestHomeFirstScreenBeforeTheRest(t *testing.T) {
	t.Parallel()
	st := filledStore(t, 250)
	msg := loadAccountsCmd(st, st.Generation, nil, true)().(accountsMsg)
	if !msg.partial || msg.total != 250 || len(msg.accounts) != firstPage || msg.hasGen {
		t.Fatalf("first load: partial %v, total %d, %d accounts, gen %v", msg.partial, msg.total, len(msg.accounts), msg.hasGen)
	}
	m := New(Deps{Store: st, NoColor: true, Now: func() time.Time { return testNow }})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.state, _ = m.state.Apply(flow.AppStarted{})
	_, cmd := m.Update(msg)
	hs := &harness{t: t, m: m}
	hs.mustShow("Linked accounts (250)", "Reading the other 150 accounts", "› acct-00000")
	if m.home.keys.Filter.Enabled() || m.home.keys.Sort.Enabled() {
		t.Fatal("filter and sort offered on a partial list")
	}
	hs.run(cmd) // the rest
	if m.home.partial || m.home.list.len() != 250 || !m.home.keys.Filter.Enabled() {
		t.Fatalf("after the rest: partial %v, %d shown", m.home.partial, m.home.list.len())
	}
	hs.mustNotShow("Reading the other")

	small := filledStore(t, 3)
	if msg := loadAccountsCmd(small, nil, nil, true)().(accountsMsg); msg.partial || len(msg.accounts) != 3 {
		t.Fatalf("a small store: partial %v, %d accounts", msg.partial, len(msg.accounts))
	}
}
