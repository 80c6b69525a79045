package flow

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"filippo.io/age"

	"github.com/xops/xops/store"
)

// PassphraseAttempts is how many times the Passphrase provider is asked
// after wrong answers before ErrWrongPassphrase is returned.
const PassphraseAttempts = 3

// sealer is an opened store identity: it encrypts and decrypts keys.
type sealer struct{ id *age.X25519Identity }

func (s *sealer) seal(pkcs8 []byte) ([]byte, error) {
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, s.id.Recipient())
	if err != nil {
		return nil, fmt.Errorf("encrypt the key: %w", err)
	}
	if _, err := w.Write(pkcs8); err != nil {
		return nil, fmt.Errorf("encrypt the key: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("encrypt the key: %w", err)
	}
	return buf.Bytes(), nil
}

// errStaleIdentity: a key does not open with the identity in hand (another
// xops changed the passphrase since it was opened).
var errStaleIdentity = errors.New("the key does not open with the store's passphrase")

func (s *sealer) open(sealed []byte) ([]byte, error) {
	r, err := age.Decrypt(bytes.NewReader(sealed), s.id)
	if err != nil {
		var nomatch *age.NoIdentityMatchError
		if errors.As(err, &nomatch) {
			return nil, errStaleIdentity
		}
		return nil, fmt.Errorf("decrypt the key: %w", err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("decrypt the key: %w", err)
	}
	return b, nil
}

// newIdentity makes a fresh identity and wraps it with the passphrase.
// workFactor is scrypt's log2(N) (0: age's default).
func newIdentity(pass string, workFactor int) (*sealer, []byte, error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, nil, fmt.Errorf("make a key-encryption identity: %w", err)
	}
	r, err := age.NewScryptRecipient(pass)
	if err != nil {
		return nil, nil, fmt.Errorf("use the passphrase: %w", err)
	}
	if workFactor > 0 {
		r.SetWorkFactor(workFactor)
	}
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, r)
	if err != nil {
		return nil, nil, fmt.Errorf("seal the identity: %w", err)
	}
	if _, err := io.WriteString(w, id.String()); err != nil {
		return nil, nil, fmt.Errorf("seal the identity: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, nil, fmt.Errorf("seal the identity: %w", err)
	}
	return &sealer{id: id}, buf.Bytes(), nil
}

// openIdentity unwraps the store identity; ErrWrongPassphrase when pass does not open it.
func openIdentity(wrapped []byte, pass string) (*sealer, error) {
	sid, err := age.NewScryptIdentity(pass)
	if err != nil {
		// age refuses only an empty passphrase: no passphrase opens with it.
		return nil, ErrWrongPassphrase
	}
	r, err := age.Decrypt(bytes.NewReader(wrapped), sid)
	if err != nil {
		if errors.Is(err, age.ErrIncorrectIdentity) {
			return nil, ErrWrongPassphrase
		}
		return nil, fmt.Errorf("open the store identity: %w", err)
	}
	text, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("open the store identity: %w", err)
	}
	id, err := age.ParseX25519Identity(string(text))
	if err != nil {
		return nil, errors.New("open the store identity: it is damaged (restore the store from a backup)")
	}
	return &sealer{id: id}, nil
}

// keyring keeps the opened identity for the life of the Service, with the
// wrapped form it came from so a change by another xops is noticed.
type keyring struct {
	mu      sync.Mutex
	wrapped []byte
	s       *sealer
}

func (k *keyring) remember(wrapped []byte, s *sealer) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.wrapped, k.s = bytes.Clone(wrapped), s
}

func (k *keyring) forget() { k.remember(nil, nil) }

// cached returns the identity if it was opened from this wrapped form.
func (k *keyring) cached(wrapped []byte) *sealer {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.s != nil && bytes.Equal(k.wrapped, wrapped) {
		return k.s
	}
	return nil
}

// OpenKeys opens the store's keys now, asking the Passphrase provider if
// they are locked (PassphraseAttempts times), so that work on many accounts
// asks once, before it starts, rather than from whichever account comes
// first. Nil on a store without a passphrase; a *PassphraseError otherwise.
func (s *Service) OpenKeys(ctx context.Context) error {
	if _, err := s.identity(ctx); err != nil {
		return &PassphraseError{Err: err}
	}
	return nil
}

// identity opens the store identity: from the cache, else by asking the
// Passphrase provider (again after a wrong answer, PassphraseAttempts times).
// It returns nil when the store has no passphrase.
func (s *Service) identity(ctx context.Context) (*sealer, error) {
	id, _, err := s.identityAndSetting(ctx)
	return id, err
}

// identityAndSetting is identity with the raw protection setting it came
// from (nil: unset), for a write that must land under that same setting.
func (s *Service) identityAndSetting(ctx context.Context) (*sealer, []byte, error) {
	kp, raw, err := s.protection()
	if err != nil {
		return nil, nil, err
	}
	if kp.Mode == modeNone {
		return nil, raw, nil
	}
	s.unlocking.Lock()
	defer s.unlocking.Unlock()
	if id := s.keyring.cached(kp.Identity); id != nil {
		return id, raw, nil
	}
	if s.Passphrase == nil {
		return nil, nil, ErrKeyLocked
	}
	for range PassphraseAttempts {
		pass, err := s.Passphrase(ctx)
		if err != nil {
			return nil, nil, err
		}
		id, err := openIdentity(kp.Identity, pass)
		if errors.Is(err, ErrWrongPassphrase) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		s.keyring.remember(kp.Identity, id)
		return id, raw, nil
	}
	return nil, nil, ErrWrongPassphrase
}

// sealKey is the key material to store for a new key: encrypted when the
// store has a passphrase (asking for it if it is not open yet), else plain;
// with the raw protection setting it was sealed under (nil: unset).
func (s *Service) sealKey(ctx context.Context, certDER, pkcs8 []byte) (store.KeyMaterial, []byte, error) {
	km := store.KeyMaterial{V: store.RecordVersion, CertDER: certDER}
	id, setting, err := s.identityAndSetting(ctx)
	if err != nil {
		return km, nil, &PassphraseError{Err: err}
	}
	if id == nil {
		km.KeyPKCS8 = pkcs8
		return km, setting, nil
	}
	if km.KeyAge, err = id.seal(pkcs8); err != nil {
		return km, nil, err
	}
	return km, setting, nil
}

// keyPutterIf is a store that writes a key only under the protection it was
// sealed with (store.Store satisfies it).
type keyPutterIf interface {
	PutKeyIf(credID string, km store.KeyMaterial, expect map[string][]byte) error
}

var _ keyPutterIf = (*store.Store)(nil)

// putNewKey seals a new key as the store's protection says and stores it.
// The protection is read before the write transaction, so another xops may
// set, change or remove the passphrase in between. A store that can check
// the setting in its write transaction (keyPutterIf) then refuses with
// store.ErrChanged; any store refuses a plain key under a passphrase
// (store.ErrKeyNotSealed). Either way nothing was written: the protection
// is read again, the key sealed under it and the write tried once more.
func (s *Service) putNewKey(ctx context.Context, credID string, certDER, pkcs8 []byte) error {
	for try := 0; ; try++ {
		km, setting, err := s.sealKey(ctx, certDER, pkcs8)
		if err != nil {
			return fmt.Errorf("protect the new key: %w", err)
		}
		if p, ok := s.Store.(keyPutterIf); ok {
			err = p.PutKeyIf(credID, km, map[string][]byte{SettingKeyProtection: setting})
		} else {
			err = s.Store.PutKey(credID, km)
		}
		if (errors.Is(err, store.ErrKeyNotSealed) || errors.Is(err, store.ErrChanged)) && try == 0 {
			continue
		}
		if err != nil {
			return fmt.Errorf("store the new key: %w", err)
		}
		return nil
	}
}

// openKey returns a stored key as PKCS#8, decrypting it when it is sealed.
// A key that does not open with a cached identity (the passphrase was
// changed by another xops meanwhile) is retried once with a fresh one.
func (s *Service) openKey(ctx context.Context, km store.KeyMaterial) ([]byte, error) {
	if len(km.KeyAge) == 0 {
		return km.KeyPKCS8, nil
	}
	for try := 0; ; try++ {
		id, err := s.identity(ctx)
		if err != nil {
			return nil, &PassphraseError{Err: err}
		}
		if id == nil {
			return nil, errors.New("the key is encrypted but the store has no passphrase set: run 'xops store check'")
		}
		key, err := id.open(km.KeyAge)
		if errors.Is(err, errStaleIdentity) && try == 0 {
			s.keyring.forget()
			continue
		}
		return key, err
	}
}
