package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// visualOnly are marks a screen reader reads as a symbol's name, or not at
// all: a pass and a failure would sound the same. Headings drawn with
// "==" and breadcrumbs drawn with arrows are read out as symbols too.
var visualOnly = []string{"✓", "✗", "–", "==", " → ", " › ", "account(s)"}

// wantSpoken fails when out holds a mark only the eye understands.
func wantSpoken(t *testing.T, out string) {
	t.Helper()
	for _, m := range visualOnly {
		if i := strings.Index(out, m); i >= 0 {
			t.Errorf("the output holds %q, which a screen reader does not read as meant, near:\n%s", m, out[max(0, i-120):min(len(out), i+120)])
		}
	}
}

// A guided link in the sandbox with a step left out, read as a screen
// reader reads it: each check says in words whether it passed, failed or
// did not run; pages are announced without drawn rules; the admin center's
// paths are said with "then"; Home lists each account in one sentence with
// its status; how to answer is said once at the start.
func TestAccessibleSaysInWords(t *testing.T) {
	t.Parallel()
	e, _ := newStore(t)
	e["XOPS_SANDBOX"] = "1"
	cert := filepath.Join(t.TempDir(), "contoso.cer")
	in := answers(
		"3", "2", // Microsoft, the guided path
		"s", "s", "s", "n", "s", // every step in the sandbox but the Global Reader role
		"y",                           // continue anyway
		"contoso", "", "", "", "", "", // the form as the sandbox fills it
		cert, // the certificate
		"s",  // uploaded in the sandbox
		"",   // verify now: fails at the role
		"n",  // stop there
		"4")
	r := xops(t, e, in, "--accessible")
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	wantSpoken(t, r.stdout)
	wantLines(t, r.stdout,
		"Type each answer and press Enter. Enter alone takes the answer in brackets; in [y/N] the capital letter is that answer.\n",
		"\nStep 1 of 7: Entra checklist\n",
		"  4. Quit\nChoose 1 to 4: \n",                                // a range said as words: "1-4" is read "1 minus 4"
		"\nOrganization ID (the domain ending in .onmicrosoft.com) [", // not "*.onmicrosoft.com", read "star dot"
		"   Where: Entra admin center, then Entra ID, then App registrations\n",
		"\nStep 7 of 7: Verification\n",
		"Passed, certificate-local: key matches certificate ",
		"Failed, global-reader: ",
		"    step to fix: assign-global-reader (Make the app a Global Reader)\n",
		"Not checked, exchange: it needs ",
		"contoso: failed at step assign-global-reader: Make the app a Global Reader.",
		"Home: 1 linked account.\n",
		"  contoso: failed at step assign-global-reader (Make the app a Global Reader); organization contoso-sandbox.onmicrosoft.com; certificate expires ")
	// Times as a person says them, not RFC 3339's 2026-11-30T04:08:45Z.
	if !regexp.MustCompile(`\nDone\. Thumbprint \(SHA-1\): [0-9A-F]{40}; valid from \d{4}-\d\d-\d\d \d\d:\d\d UTC to \d{4}-\d\d-\d\d \d\d:\d\d UTC\.\n`).MatchString(r.stdout) ||
		regexp.MustCompile(`\dT\d\d:\d\d:\d\dZ`).MatchString(r.stdout) {
		t.Errorf("the certificate's validity is not said as dates and times in UTC:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "\nUpload the certificate: the file is "+cert+".\n") {
		t.Errorf("the upload page does not name the file plainly:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "NAME") || strings.Contains(r.stdout, "Not checked, exchange: not checked") {
		t.Errorf("a table header or a doubled 'not checked' is read out:\n%s", r.stdout)
	}
}

// Verifying from Home is not a page of the link wizard: it is not
// announced as "Step 7 of 7", and the account just chosen is verified at
// once, without asking again whether to verify it.
func TestAccessibleVerifyFromHomeAsksOnce(t *testing.T) {
	t.Parallel()
	e, _, _ := linked(t, "contoso")
	e["XOPS_SANDBOX"] = "1"
	r := xops(t, e, answers("2", "contoso", "n", "4"), "--accessible")
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	wantSpoken(t, r.stdout)
	wantLines(t, r.stdout, "Account to verify (its number or name) [contoso]: \nVerifying contoso against the sandbox tenant.\nPassed, certificate-local: ", "\nFailed, ", "Verify again? [y/N] \nNot verified.")
	if strings.Contains(r.stdout, "Step 7 of 7") || strings.Contains(r.stdout, "now, against") {
		t.Errorf("verifying from Home is announced as a wizard page, or asks again:\n%s", r.stdout)
	}
}

// "Verify an account" lists the accounts numbered: the admin types a
// number (or the name), rather than spelling a name heard in the list; a
// number out of range is refused, saying what to type.
func TestAccessibleVerifyChoosesByNumber(t *testing.T) {
	t.Parallel()
	e, _, _ := linked(t, "alpha", "beta")
	e["XOPS_SANDBOX"] = "1"
	r := xops(t, e, answers("2", "9", "gamma", "2", "n", "2", "Alpha", "n", "4"), "--accessible")
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	wantLines(t, r.stdout,
		"Which account?\n  1. alpha\n  2. beta\nAccount to verify (its number or name): \n",
		"  there is no account 9: type a number from 1 to 2, or an account's name\n",
		"  no account named \"gamma\": type a number from 1 to 2, or a name from the list above\n",
		"Verifying beta against the sandbox tenant.",
		"Verifying alpha against the sandbox tenant.")
}

// In the sandbox the simulated admin signs in with the code by itself (as
// the TUI's code page says): no loopback address and code to open and type
// are read out, and the name page says so before the run.
func TestAccessibleSandboxSignInSaysNothingToOpen(t *testing.T) {
	t.Parallel()
	e, _ := newStore(t)
	e["XOPS_SANDBOX"] = "1"
	r := xops(t, e, answers("3", "1", "Sandbox Corp", "4"), "--accessible")
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	wantSpoken(t, r.stdout)
	wantLines(t, r.stdout,
		"Sandbox: next the simulated admin (a Global Administrator of the sandbox tenant) signs in with a code by itself; nothing to open.\n",
		"Sandbox: the simulated admin signs in with the code by itself in a moment; there is nothing to open and nothing to type.\nWaiting for the simulated admin to sign in…\n",
		"\nAsking the sandbox tenant for a sign-in code… (ctrl+d",
		"Linked and verified: Sandbox Corp\n")
	if strings.Contains(r.stdout, "open this address") || strings.Contains(r.stdout, "spelled out") {
		t.Errorf("the sandbox's sign-in is read out as one to do:\n%s", r.stdout)
	}
}
