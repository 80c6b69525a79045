package ui

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/xops/xops/flow"
	"github.com/xops/xops/store"
)

const (
	uiPass  = "open sesame 42"
	uiPass2 = "close sesame 43"
)

// sealedKeys reports, per credential, whether its key is age-encrypted.
func (f *actionFixture) sealedKeys() map[string][]byte {
	f.t.Helper()
	out := map[string][]byte{}
	accounts, _, err := f.st.Accounts()
	if err != nil {
		f.t.Fatal(err)
	}
	for _, a := range accounts {
		for _, c := range a.Credentials {
			km, err := f.st.Key(c.ID)
			if err != nil {
				f.t.Fatal(err)
			}
			if len(km.KeyPKCS8) > 0 {
				out[c.ID] = nil
			} else {
				out[c.ID] = km.KeyAge
			}
		}
	}
	return out
}

func TestSettingsSetChangeRemovePassphrase(t *testing.T) {
	t.Parallel()
	f := newActionFixture(t, "global")
	f.svc.ScryptWorkFactor = 10 // quick; production uses age's default
	f.link("contoso")
	hs := f.harness(80, 24)
	hs.keys("shift+tab")
	hs.mustBeOn(flow.PageSettings)
	hs.mustShow("protected by the store file's permissions only", "p set a passphrase")

	// Set: typed twice, masked; a mismatch is said under the second field.
	hs.keys("p")
	hs.typeText(uiPass)
	hs.mustNotShow(uiPass)
	hs.keys("enter")
	hs.typeText("something else")
	hs.keys("enter")
	// Only the second field is cleared: the message says so, and how to
	// reach the first (whose typo may be the one).
	hs.mustShow("The two new passphrases differ", "shift+tab to retype the first")
	if p, _ := f.svc.KeyProtection(); p != flow.ProtectionFilePermissions {
		t.Fatal("a mismatch set the passphrase")
	}
	hs.typeText(uiPass)
	hs.keys("enter")
	hs.mustShow("encrypted with your passphrase", "Passphrase set")
	sealed := f.sealedKeys()
	for id, k := range sealed {
		if k == nil {
			t.Errorf("key %s is still plain after Settings set the passphrase", id)
		}
	}

	// Change with a wrong current passphrase: inline error, nothing changed.
	hs.keys("c")
	hs.typeText("not the passphrase")
	hs.keys("enter")
	hs.typeText(uiPass2)
	hs.keys("enter")
	hs.typeText(uiPass2)
	hs.keys("enter")
	hs.mustShow("Wrong passphrase: nothing was changed")
	for id, k := range f.sealedKeys() {
		if !bytes.Equal(k, sealed[id]) {
			t.Errorf("key %s changed after a wrong passphrase", id)
		}
	}
	// The form is still open with the current field emptied: type it right.
	hs.typeText(uiPass)
	hs.keys("enter", "enter", "enter") // the new ones are still typed
	hs.mustShow("Passphrase changed")
	if err := (&flow.Service{Store: f.st}).UnlockKeys(uiPass2); err != nil {
		t.Fatalf("the new passphrase does not open the keys: %v", err)
	}

	// Remove, then the page says so plainly.
	hs.keys("r")
	hs.typeText(uiPass2)
	hs.keys("enter")
	hs.mustShow("Passphrase removed", "protected by the store file's permissions only")
	for id, k := range f.sealedKeys() {
		if k != nil {
			t.Errorf("key %s is still encrypted after remove", id)
		}
	}
	if strings.Contains(hs.view(), uiPass) || strings.Contains(hs.view(), uiPass2) {
		t.Error("a passphrase is on the screen")
	}
}

func TestSettingsEscCancelsTheForm(t *testing.T) {
	t.Parallel()
	f := newActionFixture(t, "global")
	hs := f.harness(80, 24)
	hs.keys("shift+tab", "p")
	hs.mustShow("Set a passphrase", "esc cancel")
	hs.typeText("qqqq") // q is text while the form is open, not quit
	if hs.quit {
		t.Fatal("q in the passphrase field quit")
	}
	hs.keys("esc")
	hs.mustBeOn(flow.PageSettings)
	hs.mustNotShow("Set a passphrase")
	if p, _ := f.svc.KeyProtection(); p != flow.ProtectionFilePermissions {
		t.Fatalf("esc set a passphrase: %s", p)
	}
}

// TestPromptWhenAKeyIsNeeded drives the root's passphrase prompt with the
// real flow: a verification on a protected store asks through the asker,
// the root shows the prompt, a wrong answer is said and asked again.
func TestPromptWhenAKeyIsNeeded(t *testing.T) {
	t.Parallel()
	f := newActionFixture(t, "global")
	f.svc.ScryptWorkFactor = 10
	f.link("contoso")
	if err := f.svc.SetPassphrase(uiPass); err != nil {
		t.Fatal(err)
	}
	// A fresh service, as a new xops: nothing unlocked.
	svc := &flow.Service{Store: f.st, Verifier: f.entra, Cloud: "global", Now: f.svc.Now}
	asker := &PassphraseAsker{Unlocked: svc.KeysUnlocked}
	svc.Passphrase = asker.Ask
	asks := make(chan tea.Msg, 4)
	asker.attach(func(m tea.Msg) { asks <- m })

	hs := newHarness(t, Deps{Store: f.st, Service: svc, Now: func() time.Time { return testNow }, NoColor: true}, 80, 24)
	hs.mustShow("contoso") // the list needs no passphrase

	type result struct {
		ok  bool
		err error
	}
	done := make(chan result, 1)
	go func() {
		r, err := svc.Verify(context.Background(), "contoso", 0, nil)
		done <- result{r.OK, err}
	}()
	next := func() tea.Msg {
		select {
		case m := <-asks:
			return m
		case <-time.After(20 * time.Second):
			t.Fatal("no passphrase prompt was asked for")
			return nil
		}
	}
	hs.send(next())
	hs.mustShow("Passphrase needed", "enter unlock", "esc cancel")
	hs.mustNotShow("does not open")
	hs.typeText("wrong one")
	hs.mustNotShow("wrong one")
	hs.keys("enter")
	hs.send(next())
	hs.mustShow("Passphrase needed", "That passphrase does not open the keys")
	hs.typeText(uiPass)
	hs.keys("enter")
	hs.mustNotShow("Passphrase needed")
	r := <-done
	if r.err != nil || !r.ok {
		t.Fatalf("verify after the prompt: ok=%v err=%v", r.ok, r.err)
	}
	if !svc.KeysUnlocked() {
		t.Error("the keys are not kept open after the prompt")
	}

	// esc cancels: the step that needed the key fails, saying why.
	svc2 := &flow.Service{Store: f.st, Verifier: f.entra, Cloud: "global", Now: f.svc.Now}
	asker2 := &PassphraseAsker{Unlocked: svc2.KeysUnlocked}
	svc2.Passphrase = asker2.Ask
	asker2.attach(func(m tea.Msg) { asks <- m })
	go func() {
		_, err := svc2.Verify(context.Background(), "contoso", 0, nil)
		done <- result{err: err}
	}()
	hs.send(next())
	hs.keys("esc")
	hs.mustNotShow("Passphrase needed")
	if r := <-done; !errors.Is(r.err, ErrPassphraseCancelled) {
		t.Errorf("verify after esc: %v, want ErrPassphraseCancelled", r.err)
	}
	if a, _ := f.st.AccountByName("contoso"); a.Status == store.StatusFailed {
		t.Error("a cancelled prompt was recorded as a failed verification")
	}
}

func TestAccountDetailsSayHowKeysAreProtected(t *testing.T) {
	t.Parallel()
	f := newActionFixture(t, "global")
	f.svc.ScryptWorkFactor = 10
	f.link("contoso")
	hs := f.harness(120, 60)
	hs.keys("enter")
	hs.mustBeOn(flow.PageAccount)
	hs.mustShow("protected by the store file's permissions only")
	if err := f.svc.SetPassphrase(uiPass); err != nil {
		t.Fatal(err)
	}
	hs.keys("r") // reload
	hs.mustShow("Keys are encrypted with your passphrase")
	hs.mustNotShow("permissions only")
}

func TestFirstRunOffersAPassphrase(t *testing.T) {
	t.Parallel()
	f := newActionFixture(t, "global")
	f.svc.ScryptWorkFactor = 10
	hs := f.harness(80, 24)
	hs.mustBeOn(flow.PagePicker)
	hs.mustShow("To encrypt them with a", "shift+tab opens Settings, then p")
	hs.keys("shift+tab", "p")
	hs.mustBeOn(flow.PageSettings)
	hs.mustShow("Set a passphrase")
	hs.typeText(uiPass)
	hs.keys("enter")
	hs.typeText(uiPass)
	hs.keys("enter")
	if p, _ := f.svc.KeyProtection(); p != flow.ProtectionPassphrase {
		t.Fatalf("protection after the first-run offer: %s", p)
	}
}
