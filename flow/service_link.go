package flow

import (
	"context"
	"errors"
	"fmt"

	"github.com/xops/xops/entra/certs"
	"github.com/xops/xops/store"
)

// LinkResult is a freshly linked account with the credential made for it.
type LinkResult struct {
	Account store.Account
	// Credential holds the certificate to hand to Entra (and the key: never print it).
	Credential *certs.Credential
	// Warnings worth telling the admin (a custom domain as Organization ID).
	Warnings []string
}

// NewCredential makes a key pair and a self-signed certificate for the
// account named name, and stores the key material right away under the
// returned credential's id, so a wizard draft can refer to it by id: the key
// never sits in a draft. A caller that then abandons the link deletes it with
// Store.DeleteKey.
func (s *Service) NewCredential(ctx context.Context, name string, keySize, days int) (store.Credential, *certs.Credential, error) {
	if keySize == 0 {
		keySize = DefaultKeySize
	}
	if days == 0 {
		days = DefaultCertDays
	}
	now := s.now()
	cred, err := certs.Generate(ctx, certs.Request{CommonName: name, KeySize: keySize, Days: days, Now: now, Rand: s.Rand})
	if err != nil {
		return store.Credential{}, nil, fmt.Errorf("generate the key and certificate: %w", err)
	}
	id, err := s.newID()
	if err != nil {
		return store.Credential{}, nil, err
	}
	key, err := cred.KeyPKCS8()
	if err != nil {
		return store.Credential{}, nil, fmt.Errorf("encode the new key: %w", err)
	}
	if err := s.putNewKey(ctx, id, cred.CertificateDER(), key); err != nil {
		return store.Credential{}, nil, err
	}
	sc := store.Credential{
		ID:         id,
		Thumbprint: certs.Thumbprint(cred.Certificate),
		KeySize:    keySize,
		NotBefore:  cred.Certificate.NotBefore.UTC(),
		NotAfter:   cred.Certificate.NotAfter.UTC(),
		Created:    now.UTC(),
	}
	return sc, cred, nil
}

// SaveAccount stores the account described by in, with cred (made by
// NewCredential) as its active credential, and its "linked" audit entry, in
// one transaction. The input is validated again: bad input comes back as
// *InputError, a taken name as an error wrapping store.ErrDuplicateName, and
// nothing is written.
func (s *Service) SaveAccount(in LinkInput, cred store.Credential) (store.Account, error) {
	// The store enforces uniqueness inside the transaction; checking it here
	// too would only race with it.
	clean, _, ferrs := normalize(in)
	if len(ferrs) > 0 {
		return store.Account{}, &InputError{Fields: ferrs}
	}
	id, err := s.newID()
	if err != nil {
		return store.Account{}, err
	}
	now := s.now().UTC()
	cred.Pending = false
	a := store.Account{
		V:            store.RecordVersion,
		ID:           id,
		Name:         clean.Name,
		AppID:        clean.AppID,
		TenantID:     clean.TenantID,
		Organization: clean.Organization,
		Cloud:        s.cloud(),
		Created:      now,
		Status:       store.StatusUnverified,
		Credentials:  []store.Credential{cred},
	}
	audit := store.AuditEntry{V: store.RecordVersion, At: now, Action: AuditLinked, AccountID: id, Name: a.Name,
		Detail: fmt.Sprintf("app %s, tenant %s, thumbprint %s", a.AppID, a.TenantID, cred.Thumbprint)}
	if err := s.Store.CreateAccount(a, audit); err != nil {
		return store.Account{}, fmt.Errorf("save account %q: %w", a.Name, err)
	}
	return a, nil
}

// Link does the whole of linking in one go, for the command line: validate,
// make the key and certificate, hand the certificate to deliver (which writes
// it where the admin asked; may be nil), save the account. On any failure
// nothing is left behind: the key is deleted and no account is written. Bad
// input is *InputError (nothing is generated); a name taken meanwhile wraps
// store.ErrDuplicateName.
func (s *Service) Link(ctx context.Context, in LinkInput, deliver func(*certs.Credential) error) (LinkResult, error) {
	clean, warnings, ferrs := s.CheckLinkInput(in)
	if len(ferrs) > 0 {
		return LinkResult{}, &InputError{Fields: ferrs}
	}
	sc, cred, err := s.NewCredential(ctx, clean.Name, clean.KeySize, clean.CertDays)
	if err != nil {
		return LinkResult{}, err
	}
	fail := func(err error) (LinkResult, error) {
		if derr := s.Store.DeleteKey(sc.ID); derr != nil {
			err = errors.Join(err, fmt.Errorf("remove the unused key: %w", derr))
		}
		return LinkResult{}, err
	}
	if deliver != nil {
		if err := deliver(cred); err != nil {
			return fail(err)
		}
	}
	a, err := s.SaveAccount(clean, sc)
	if err != nil {
		return fail(err)
	}
	return LinkResult{Account: a, Credential: cred, Warnings: warnings}, nil
}

func (s *Service) cloud() string {
	if s.Cloud == "" {
		return "global"
	}
	return s.Cloud
}
