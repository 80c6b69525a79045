package store_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xops/xops/store"
)

func TestAccountsSortedIgnoringCase(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	for _, n := range []string{"fabrikam", "Contoso", "adatum", "Bravo"} {
		link(t, s, n)
	}
	got, bad, err := s.Accounts()
	if err != nil || len(bad) != 0 {
		t.Fatalf("Accounts: %v, bad %v", err, bad)
	}
	if want := []string{"adatum", "Bravo", "Contoso", "fabrikam"}; !reflect.DeepEqual(names(got), want) {
		t.Fatalf("order %q, want %q", names(got), want)
	}
	if has, err := s.HasAccounts(); err != nil || !has {
		t.Fatalf("HasAccounts = %v, %v", has, err)
	}
}

func TestNamesUniqueIgnoringCase(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	contoso := link(t, s, "Contoso")
	fabrikam := link(t, s, "Fabrikam")
	g0, _ := s.Generation()

	if err := s.PutKey("cred-x", testKey(1)); err != nil {
		t.Fatal(err)
	}
	err := s.CreateAccount(testAccount("CONTOSO", "cred-x"), store.AuditEntry{})
	wantErrIs(t, err, store.ErrDuplicateName)
	if !strings.Contains(err.Error(), `"CONTOSO"`) {
		t.Errorf("duplicate error does not name the account: %v", err)
	}

	wantErrIs(t, s.RenameAccount(fabrikam.ID, "contoso", store.AuditEntry{}), store.ErrDuplicateName)

	// A different case of the account's own name is a rename, not a clash.
	if err := s.RenameAccount(contoso.ID, "CONTOSO", store.AuditEntry{}); err != nil {
		t.Fatalf("case-only rename: %v", err)
	}
	if a, err := s.AccountByName("contoso"); err != nil || a.Name != "CONTOSO" || a.ID != contoso.ID {
		t.Fatalf("after case-only rename: %+v, %v", a, err)
	}
	if err := s.RenameAccount(contoso.ID, "Northwind", store.AuditEntry{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AccountByName("contoso"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("old name still resolves: %v", err)
	}
	// The freed name can be taken again.
	if err := s.CreateAccount(testAccount("contoso", "cred-x"), store.AuditEntry{}); err != nil {
		t.Fatalf("reusing a freed name: %v", err)
	}
	got, _, _ := s.Accounts()
	if want := []string{"contoso", "Fabrikam", "Northwind"}; !reflect.DeepEqual(names(got), want) {
		t.Fatalf("accounts %q, want %q", names(got), want)
	}
	if err := s.Check(); err != nil {
		t.Fatalf("Check after renames: %v", err)
	}
	if g1, _ := s.Generation(); g1 != g0+4 { // PutKey, 2 renames, create
		t.Errorf("generation %d → %d: a refused write was committed?", g0, g1)
	}
}

func TestCreateRefusesBadInputAndWritesNothing(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	noKey := testAccount("contoso", "cred-missing")
	err := s.CreateAccount(noKey, store.AuditEntry{})
	if err == nil || !strings.Contains(err.Error(), "cred-missing") || !strings.Contains(err.Error(), "PutKey") {
		t.Fatalf("credential without key: %v", err)
	}
	if err := s.CreateAccount(testAccount("  ", "c"), store.AuditEntry{}); err == nil || !strings.Contains(err.Error(), "name") {
		t.Fatalf("blank name: %v", err)
	}
	if has, _ := s.HasAccounts(); has {
		t.Fatal("a refused account was written")
	}
	if audit, _ := s.Audit(""); len(audit) != 0 {
		t.Fatalf("a refused account left audit entries: %+v", audit)
	}
	a := link(t, s, "contoso")
	dupID := testAccount("other", "cred-contoso")
	dupID.ID = a.ID
	if err := s.CreateAccount(dupID, store.AuditEntry{}); err == nil || !strings.Contains(err.Error(), a.ID) {
		t.Fatalf("reused id: %v", err)
	}
}

func TestUpdateAccount(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	a := link(t, s, "contoso")
	verified := testNow.Add(time.Minute)
	got, err := s.UpdateAccount(a.ID, func(a *store.Account) error {
		a.Status, a.LastVerified = store.StatusVerified, verified
		return nil
	}, &store.AuditEntry{Action: "verified"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != store.StatusVerified || !got.LastVerified.Equal(verified) {
		t.Fatalf("returned %+v", got)
	}
	if stored, _ := s.AccountByName("contoso"); !reflect.DeepEqual(stored, got) {
		t.Fatalf("stored %+v\nreturned %+v", stored, got)
	}

	boom := errors.New("boom")
	_, err = s.UpdateAccount(a.ID, func(a *store.Account) error { a.Status = store.StatusFailed; return boom }, nil)
	wantErrIs(t, err, boom)
	if stored, _ := s.AccountByName("contoso"); stored.Status != store.StatusVerified {
		t.Fatalf("a failed update was written: %s", stored.Status)
	}
	for what, fn := range map[string]func(*store.Account) error{
		"id":   func(a *store.Account) error { a.ID = "other"; return nil },
		"name": func(a *store.Account) error { a.Name = "other"; return nil },
		"key":  func(a *store.Account) error { a.Credentials[0].ID = "unknown"; return nil },
	} {
		if _, err := s.UpdateAccount(a.ID, fn, nil); err == nil {
			t.Errorf("changing the %s was accepted", what)
		}
	}
	if stored, _ := s.AccountByName("contoso"); !reflect.DeepEqual(stored, got) {
		t.Fatalf("refused updates changed the account: %+v", stored)
	}
	_, err = s.UpdateAccount("no-such-id", func(*store.Account) error { return nil }, nil)
	wantErrIs(t, err, store.ErrNotFound)
}

func TestRotationDropsOldKey(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	a := link(t, s, "contoso")
	if err := s.PutKey("cred-new", testKey(9)); err != nil {
		t.Fatal(err)
	}
	add := func(a *store.Account) error {
		a.Credentials = append(a.Credentials, store.Credential{ID: "cred-new", Pending: true})
		return nil
	}
	if _, err := s.UpdateAccount(a.ID, add, &store.AuditEntry{Action: "rotation-started"}); err != nil {
		t.Fatal(err)
	}
	finish := func(a *store.Account) error {
		a.Credentials = []store.Credential{{ID: "cred-new"}}
		return nil
	}
	if _, err := s.UpdateAccount(a.ID, finish, &store.AuditEntry{Action: "rotated"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Key("cred-contoso"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the replaced key is still stored: %v", err)
	}
	if _, err := s.Key("cred-new"); err != nil {
		t.Fatalf("the new key is gone: %v", err)
	}
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
}

func TestDeleteRemovesIndexAndKeysKeepsAudit(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	a := link(t, s, "Contoso")
	link(t, s, "fabrikam")
	if err := s.DeleteAccount(a.ID, store.AuditEntry{Detail: "by admin"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AccountByName("contoso"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted account found by name: %v", err)
	}
	if _, err := s.Account(a.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted account found by id: %v", err)
	}
	if _, err := s.Key("cred-Contoso"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted account's key is still stored: %v", err)
	}
	got, _, _ := s.Accounts()
	if !reflect.DeepEqual(names(got), []string{"fabrikam"}) {
		t.Fatalf("accounts after delete: %q", names(got))
	}
	wantErrIs(t, s.DeleteAccount(a.ID, store.AuditEntry{}), store.ErrNotFound)

	audit, err := s.Audit(a.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.AuditEntry{
		{V: 1, Seq: 1, At: testNow, Action: "linked", AccountID: a.ID, Name: "Contoso"},
		{V: 1, Seq: 3, At: testNow, Action: "deleted", AccountID: a.ID, Name: "Contoso", Detail: "by admin"},
	}
	if !reflect.DeepEqual(audit, want) {
		t.Fatalf("audit:\n got %+v\nwant %+v", audit, want)
	}
	if all, _ := s.Audit(""); len(all) != 3 {
		t.Fatalf("Audit(\"\") has %d entries, want 3", len(all))
	}
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
}

func TestAuditFillsAndOrders(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	a := link(t, s, "contoso")
	at := testNow.Add(-time.Hour)
	if err := s.RenameAccount(a.ID, "Contoso Ltd", store.AuditEntry{At: at}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateAccount(a.ID, func(*store.Account) error { return nil }, &store.AuditEntry{}); err != nil {
		t.Fatal(err)
	}
	audit, err := s.Audit("")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range audit {
		got = append(got, e.Action+"|"+e.Name+"|"+e.Detail+"|"+e.At.Format(time.RFC3339))
	}
	want := []string{
		"linked|contoso||2026-11-29T12:00:00Z",
		`renamed|Contoso Ltd|was "contoso"|2026-11-29T11:00:00Z`,
		"updated|Contoso Ltd||2026-11-29T12:00:00Z",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("audit:\n got %q\nwant %q", got, want)
	}
	for i, e := range audit {
		if e.Seq != uint64(i+1) || e.AccountID != a.ID || e.V != store.RecordVersion {
			t.Errorf("entry %d: %+v", i, e)
		}
	}
}

func TestRewriteKeysAllOrNothing(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	link(t, s, "a")
	link(t, s, "b")
	encrypt := func(_ string, km store.KeyMaterial) (store.KeyMaterial, error) {
		return store.KeyMaterial{CertDER: km.CertDER, KeyAge: append([]byte("age:"), km.KeyPKCS8...)}, nil
	}
	failOnB := func(id string, km store.KeyMaterial) (store.KeyMaterial, error) {
		if id == "cred-b" {
			return km, errors.New("wrong passphrase")
		}
		return encrypt(id, km)
	}
	err := s.RewriteKeysIf(store.KeyRewrite{Fn: failOnB, Settings: map[string][]byte{"passphrase": []byte("set")}})
	if err == nil || !strings.Contains(err.Error(), "wrong passphrase") {
		t.Fatalf("failing rewrite: %v", err)
	}
	if km, _ := s.Key("cred-a"); km.KeyPKCS8 == nil {
		t.Fatal("a failed rewrite changed a key")
	}
	if _, err := s.Setting("passphrase"); !errors.Is(err, store.ErrNotFound) {
		t.Fatal("a failed rewrite wrote its setting")
	}
	if err := s.RewriteKeysIf(store.KeyRewrite{Fn: encrypt, Settings: map[string][]byte{"passphrase": []byte("set")}}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"cred-a", "cred-b"} {
		if km, _ := s.Key(id); km.KeyPKCS8 != nil || !strings.HasPrefix(string(km.KeyAge), "age:") {
			t.Fatalf("%s not rewritten: %v", id, km)
		}
	}
	if v, _ := s.Setting("passphrase"); string(v) != "set" {
		t.Fatal("setting not written with the keys")
	}
}

func TestCallerPanicIsNotReportedAsDamage(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	a := link(t, s, "contoso")
	defer func() {
		if r := recover(); r != "caller bug" {
			t.Fatalf("recovered %v, want the caller's own panic", r)
		}
		// The file is not left locked.
		if _, _, err := s.Accounts(); err != nil {
			t.Fatalf("after a caller panic: %v", err)
		}
	}()
	_, _ = s.UpdateAccount(a.ID, func(*store.Account) error { panic("caller bug") }, nil)
}

func TestReentrantCallFailsInsteadOfHanging(t *testing.T) {
	t.Parallel()
	path := openTemp(t).Path()
	s, err := store.Open(path, store.Options{Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	a := link(t, s, "contoso")
	_, err = s.UpdateAccount(a.ID, func(*store.Account) error {
		_, err := s.Key("cred-contoso")
		return err
	}, nil)
	var le *store.LockedError
	if !errors.As(err, &le) {
		t.Fatalf("store call from inside fn: %v", err)
	}
}
