package flow_test

import (
	"context"
	"testing"
)

// TestFlowRemovalsLeaveNoKeyBytes: the use cases that drop a key —
// cancelling and finishing a rotation, deleting an account — leave none of
// its bytes in the store file (the store zeroes the pages it freed).
func TestFlowRemovalsLeaveNoKeyBytes(t *testing.T) {
	t.Parallel()
	f := newProtFixture(t)
	ctx := context.Background()
	first := f.link(t, f.svc, "contoso")
	firstKey, err := first.Credential.KeyPKCS8()
	if err != nil {
		t.Fatal(err)
	}

	// Cancel: the pending key goes.
	_, cred, err := f.svc.StartRotation(ctx, "contoso", 2048, 0)
	if err != nil {
		t.Fatalf("StartRotation: %v", err)
	}
	pending, err := cred.KeyPKCS8()
	if err != nil {
		t.Fatal(err)
	}
	if !f.fileHolds(t, pending) {
		t.Fatal("precondition: the pending key should be in the file")
	}
	if _, err := f.svc.CancelRotation("contoso"); err != nil {
		t.Fatalf("CancelRotation: %v", err)
	}
	if f.fileHolds(t, pending) {
		t.Error("the cancelled rotation's key is still in the store file")
	}

	// Finish: the old active key goes.
	if _, _, err := f.svc.StartRotation(ctx, "contoso", 2048, 0); err != nil {
		t.Fatalf("StartRotation: %v", err)
	}
	if !f.fileHolds(t, firstKey) {
		t.Fatal("precondition: the active key should be in the file")
	}
	rep, _, err := f.svc.FinishRotation(ctx, "contoso", 0, nil)
	if err != nil || !rep.OK {
		t.Fatalf("FinishRotation: %+v, %v", rep, err)
	}
	if f.fileHolds(t, firstKey) {
		t.Error("the rotated-out key is still in the store file")
	}

	// Delete: the account's key goes.
	second := f.link(t, f.svc, "fabrikam")
	secondKey, err := second.Credential.KeyPKCS8()
	if err != nil {
		t.Fatal(err)
	}
	if !f.fileHolds(t, secondKey) {
		t.Fatal("precondition: fabrikam's key should be in the file")
	}
	if _, err := f.svc.Delete("fabrikam"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if f.fileHolds(t, secondKey) {
		t.Error("the deleted account's key is still in the store file")
	}
}
