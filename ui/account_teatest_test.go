package ui

import (
	"errors"
	"testing"
	"time"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/store"
)

// TestProgramRotateThenDelete drives the real program loop against a real
// store: a rotation walked to the end, then the account deleted by typing
// its name. It asserts the final model and the store, never frames.
func TestProgramRotateThenDelete(t *testing.T) {
	t.Parallel()
	f := newActionFixture(t, "global")
	f.link("contoso")
	old, _ := f.account("contoso").Active()
	upload := func(_ string, certPEM []byte) error { f.entra.uploadPEM(t, certPEM); return nil }
	tm := startProgram(t, New(Deps{Store: f.st, Service: f.svc, Changes: f.st.Generation,
		Now: func() time.Time { return testNow }, VerifyAutoRetry: -1, SandboxUpload: upload}))
	waitForText(t, tm, "contoso")
	tm.Send(keyPress("o"))
	waitForText(t, tm, "make the new key")
	tm.Send(keyPress("enter"))
	waitForText(t, tm, "New thumbprint")
	tm.Send(keyPress("enter"))
	waitForText(t, tm, "upload in the sandbox")
	tm.Send(keyPress("u"))
	waitForText(t, tm, "Uploaded to the sandbox")
	tm.Send(keyPress("enter"))
	waitForText(t, tm, "All 8 checks passed")
	tm.Send(keyPress("enter"))
	waitForText(t, tm, "remove the old one")
	tm.Send(keyPress("y"))
	waitForText(t, tm, "Rotated")
	tm.Send(keyPress("enter"))
	waitForText(t, tm, "Linked accounts (1)")
	tm.Send(keyPress("d"))
	waitForText(t, tm, "to confirm")
	for _, r := range "contoso" {
		tm.Send(keyPress(string(r)))
	}
	tm.Send(keyPress("enter"))
	waitForText(t, tm, "No account is linked yet")
	tm.Send(keyPress("q"))
	m := finalModel(t, tm)
	if m.state.At.Page != flow.PageHome || m.home.total() != 0 {
		t.Fatalf("final page %v with %d accounts", m.state.At.Page, m.home.total())
	}
	if _, err := f.st.Key(old.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("old key: %v", err)
	}
	log, err := f.st.Audit("")
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action)
	}
	want := []string{flow.AuditLinked, flow.AuditRotationStarted, flow.AuditRotated, flow.AuditDeleted}
	if len(actions) != len(want) {
		t.Fatalf("audit %v, want %v", actions, want)
	}
	for i := range want {
		if actions[i] != want[i] {
			t.Fatalf("audit %v, want %v", actions, want)
		}
	}
}
