package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/xops/xops/entra"
	"github.com/xops/xops/entra/certs"
	"github.com/xops/xops/store"
)

// accountName is the name of the i-th filled account; names sort in i order,
// so the first frame shows accountName(0).
func accountName(i int) string { return fmt.Sprintf("acct-%05d", i) }

// newCredential makes the one real key and certificate of the run.
func newCredential() (*certs.Credential, error) {
	cred, err := certs.Generate(context.Background(), certs.Request{CommonName: "xopsbench", KeySize: 2048, Days: 365})
	if err != nil {
		return nil, fmt.Errorf("generate the benchmark's credential: %w", err)
	}
	return cred, nil
}

// fillStore makes a store at dir/name with n linked accounts, in one batch
// through the store's API. Every account has its own credential id, backed
// by the same real key material (n key generations would take an hour and
// measure nothing the list reads), and a history like an MSP's: most
// verified with all eight checks recorded, some failed at a step, some not
// verified yet.
func fillStore(dir, name string, n int, cred *certs.Credential) (string, error) {
	path := filepath.Join(dir, name)
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) { // -keep: a store of an earlier run
		return "", fmt.Errorf("remove the earlier benchmark store: %w", err)
	}
	st, err := store.Open(path, store.Options{})
	if err != nil {
		return "", fmt.Errorf("create the benchmark store: %w", err)
	}
	defer st.Close()
	if n == 0 {
		return path, nil
	}
	key, err := cred.KeyPKCS8()
	if err != nil {
		return "", fmt.Errorf("encode the benchmark's key: %w", err)
	}
	km := store.KeyMaterial{V: store.RecordVersion, CertDER: cred.CertificateDER(), KeyPKCS8: key}
	now := time.Now().UTC().Truncate(time.Second)
	thumb := certs.Thumbprint(cred.Certificate)
	batch := make([]store.NewAccount, n)
	for i := range batch {
		credID := fmt.Sprintf("cred-%05d", i)
		a := store.Account{
			Name:         accountName(i),
			AppID:        guid(i, 0xa),
			TenantID:     guid(i, 0x7),
			Organization: fmt.Sprintf("tenant%05d.onmicrosoft.com", i),
			Cloud:        "global",
			Created:      now.Add(-time.Duration(i) * time.Minute),
			Status:       store.StatusVerified,
			LastVerified: now.Add(-time.Duration(i) * time.Second),
			Credentials: []store.Credential{{ID: credID, Thumbprint: thumb, KeySize: 2048,
				NotBefore: cred.Certificate.NotBefore.UTC(), NotAfter: cred.Certificate.NotAfter.UTC().AddDate(0, 0, -(i % 400)),
				Created: now}},
		}
		for _, id := range entra.CheckOrder {
			a.LastChecks = append(a.LastChecks, store.CheckRecord{ID: string(id), OK: true, Message: "passed: " + string(id)})
		}
		switch i % 10 {
		case 3:
			a.Status, a.FailedStep = store.StatusFailed, string(entra.StepGrantAdminConsent)
			a.LastChecks[5] = store.CheckRecord{ID: string(entra.CheckExchangePermission), Step: a.FailedStep,
				Message: "the token has no Exchange.ManageAsApp role", Hint: "grant admin consent"}
		case 7:
			a.Status, a.LastVerified, a.LastChecks = store.StatusUnverified, time.Time{}, nil
		}
		batch[i] = store.NewAccount{Account: a, Keys: map[string]store.KeyMaterial{credID: km}}
	}
	if err := st.CreateAccounts(batch); err != nil {
		return "", fmt.Errorf("fill the benchmark store with %d accounts: %w", n, err)
	}
	return path, nil
}

// guid is a made-up but well-formed GUID, distinct per account and kind.
func guid(i, kind int) string {
	return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", i*2654435761%(1<<32), kind, i%4096, kind, i)
}
