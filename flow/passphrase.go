package flow

import (
	"encoding/json"
	"errors"
	"fmt"
	"unicode"
	"unicode/utf8"

	"github.com/xops/xops/flow/validate"
	"github.com/xops/xops/store"
)

// How keys are protected at rest.
//
// Without a passphrase every key is stored as plain PKCS#8 and the store
// file's permissions (0600, folder 0700) are all that guard it. With one, the
// setting SettingKeyProtection holds an age X25519 identity encrypted with the
// passphrase (age's scrypt recipient), and every key is stored age-encrypted
// to that identity (store.KeyMaterial.KeyAge), never as PKCS#8.
//
// Why an identity in between instead of scrypt on every key: scrypt is slow
// and memory-hungry on purpose (about a second and 256 MiB at age's default
// work factor), so one scrypt per key would make setting a passphrase on a
// large store take hours and every verification pay it again. With the
// identity, the passphrase is stretched once per process; a wrong passphrase
// is detected by the identity failing to open, without touching any key; and
// changing the passphrase makes a new identity and re-encrypts every key (so
// an old copy of the setting opens nothing new).

// SettingKeyProtection is the setting that says how keys are protected. The
// store reads its "mode" too, to refuse a plain key in a protected store.
const SettingKeyProtection = store.SettingKeyProtection

// Protection says how the store's keys are protected at rest.
type Protection string

// The protections, as `accounts show --json` prints them ("key_protection").
const (
	// ProtectionFilePermissions: plain PKCS#8 in a 0600 file.
	ProtectionFilePermissions Protection = "file-permissions"
	// ProtectionPassphrase: every key age-encrypted; the passphrase opens them.
	ProtectionPassphrase Protection = "passphrase"
)

// Describe says, in a sentence, how keys are protected.
func (p Protection) Describe() string {
	if p == ProtectionPassphrase {
		return "private keys are encrypted with your passphrase (age, scrypt); they are opened only to verify, export a PFX or rotate"
	}
	return "private keys are protected by file permissions only (the store file is readable by your user alone); set a passphrase to encrypt them"
}

// Audit actions written when the protection changes (never with a secret).
const (
	AuditPassphraseSet     = "passphrase set"
	AuditPassphraseChanged = "passphrase changed"
	AuditPassphraseRemoved = "passphrase removed"
)

// Errors of passphrase protection; match them with errors.Is.
var (
	// ErrWrongPassphrase: the passphrase does not open this store's keys. Nothing was changed.
	ErrWrongPassphrase = errors.New("wrong passphrase: it does not open this store's keys (nothing was changed)")
	// ErrNotProtected: the keys have no passphrase to change or remove.
	ErrNotProtected = errors.New("this store's keys are not protected by a passphrase (set one first)")
	// ErrAlreadyProtected: a passphrase is set already; change it instead.
	ErrAlreadyProtected = errors.New("this store's keys are already protected by a passphrase (change or remove it instead)")
)

// PassphraseError says a key could not be opened for want of the right
// passphrase (not that the key is damaged): ErrKeyLocked, ErrWrongPassphrase
// or the Passphrase provider's own error, which it wraps.
type PassphraseError struct{ Err error }

func (e *PassphraseError) Error() string { return e.Err.Error() }
func (e *PassphraseError) Unwrap() error { return e.Err }

// MinPassphraseLen is the shortest passphrase accepted, in characters.
const MinPassphraseLen = 8

// Passphrase modes stored in the setting.
const (
	modeNone      = "none"
	modeAgeScrypt = "age-scrypt"
)

// keyProtection is the JSON of SettingKeyProtection.
type keyProtection struct {
	V    int    `json:"v"`
	Mode string `json:"mode"`
	// Identity is an age X25519 identity, age-encrypted with the passphrase (scrypt).
	Identity []byte `json:"identity,omitempty"`
}

// KeyRewriter is what setting, changing and removing the passphrase need
// from the store: every key, the setting and the audit entry in one
// transaction (store.Store satisfies it).
type KeyRewriter interface {
	RewriteKeysIf(r store.KeyRewrite) error
}

var _ KeyRewriter = (*store.Store)(nil)

// protection reads the setting: the parsed value and its raw bytes (nil when unset).
func (s *Service) protection() (keyProtection, []byte, error) { return readProtection(s.Store) }

// ReadProtection says how the keys of a store are protected, from its
// settings alone (for pages that hold a store but no Service).
func ReadProtection(st SettingStore) (Protection, error) {
	kp, _, err := readProtection(st)
	if err != nil {
		return "", err
	}
	if kp.Mode == modeAgeScrypt {
		return ProtectionPassphrase, nil
	}
	return ProtectionFilePermissions, nil
}

func readProtection(st SettingStore) (keyProtection, []byte, error) {
	raw, err := st.Setting(SettingKeyProtection)
	if errors.Is(err, store.ErrNotFound) {
		return keyProtection{Mode: modeNone}, nil, nil
	}
	if err != nil {
		return keyProtection{}, nil, fmt.Errorf("read how keys are protected: %w", err)
	}
	var kp keyProtection
	if err := json.Unmarshal(raw, &kp); err != nil {
		return keyProtection{}, nil, fmt.Errorf("read how keys are protected: setting %q is damaged: %w", SettingKeyProtection, err)
	}
	switch kp.Mode {
	case modeNone, "":
		kp.Mode = modeNone
	case modeAgeScrypt:
		if len(kp.Identity) == 0 {
			return keyProtection{}, nil, fmt.Errorf("read how keys are protected: setting %q has no identity", SettingKeyProtection)
		}
	default:
		return keyProtection{}, nil, fmt.Errorf("read how keys are protected: unknown mode %q (written by a newer xops?)", kp.Mode)
	}
	return kp, raw, nil
}

// KeyProtection says how the store's keys are protected. It reads one
// setting and never opens a key.
func (s *Service) KeyProtection() (Protection, error) { return ReadProtection(s.Store) }

// CheckNewPassphrase refuses a passphrase that is too short or holds control
// characters (a pasted newline would make it impossible to type again).
func CheckNewPassphrase(p string) error {
	ferr := func(msg string) error {
		return &InputError{Fields: []*validate.FieldError{{Field: "new-passphrase", Label: "New passphrase", Message: msg}}}
	}
	if !utf8.ValidString(p) {
		return ferr("is not valid text; type it again")
	}
	if n := utf8.RuneCountInString(p); n < MinPassphraseLen {
		return ferr(fmt.Sprintf("is too short (%d characters); use at least %d", n, MinPassphraseLen))
	}
	for _, r := range p {
		if unicode.IsControl(r) {
			return ferr("holds a control character (a pasted newline or tab?); use printable characters only")
		}
	}
	return nil
}

// SetPassphrase protects every key with a new passphrase: each key is
// re-encrypted, in one transaction with the setting and an audit entry
// ("passphrase set"). ErrAlreadyProtected when one is set.
func (s *Service) SetPassphrase(newPass string) error {
	if err := CheckNewPassphrase(newPass); err != nil {
		return err
	}
	kp, raw, err := s.protection()
	if err != nil {
		return err
	}
	if kp.Mode != modeNone {
		return fmt.Errorf("set the passphrase: %w", ErrAlreadyProtected)
	}
	return s.rekey(raw, nil, newPass, AuditPassphraseSet)
}

// ChangePassphrase re-encrypts every key under a new passphrase, in one
// transaction. A wrong old passphrase changes nothing (ErrWrongPassphrase).
func (s *Service) ChangePassphrase(oldPass, newPass string) error {
	if err := CheckNewPassphrase(newPass); err != nil {
		return err
	}
	old, raw, err := s.openProtection(oldPass)
	if err != nil {
		return fmt.Errorf("change the passphrase: %w", err)
	}
	return s.rekey(raw, old, newPass, AuditPassphraseChanged)
}

// RemovePassphrase decrypts every key back to PKCS#8, in one transaction:
// the keys are then protected by file permissions only. A wrong passphrase
// changes nothing (ErrWrongPassphrase).
func (s *Service) RemovePassphrase(oldPass string) error {
	old, raw, err := s.openProtection(oldPass)
	if err != nil {
		return fmt.Errorf("remove the passphrase: %w", err)
	}
	return s.rekey(raw, old, "", AuditPassphraseRemoved)
}

// UnlockKeys checks a passphrase and keeps the keys open for the life of
// this Service, so the Passphrase provider is not asked again.
// ErrWrongPassphrase when it does not open them; nil on an unprotected store.
func (s *Service) UnlockKeys(passphrase string) error {
	kp, _, err := s.protection()
	if err != nil || kp.Mode == modeNone {
		return err
	}
	id, err := openIdentity(kp.Identity, passphrase)
	if err != nil {
		return err
	}
	s.keyring.remember(kp.Identity, id)
	return nil
}

// KeysUnlocked reports whether a key can be opened without asking for the
// passphrase: the store has none, or it was given and is still current.
func (s *Service) KeysUnlocked() bool {
	kp, _, err := s.protection()
	if err != nil {
		return false
	}
	if kp.Mode == modeNone {
		return true
	}
	return s.keyring.cached(kp.Identity) != nil
}

// openProtection checks the current passphrase against a protected store.
func (s *Service) openProtection(pass string) (*sealer, []byte, error) {
	kp, raw, err := s.protection()
	if err != nil {
		return nil, nil, err
	}
	if kp.Mode == modeNone {
		return nil, nil, ErrNotProtected
	}
	id, err := openIdentity(kp.Identity, pass)
	if err != nil {
		return nil, nil, err
	}
	return id, raw, nil
}

// rekey rewrites every key from old (nil: plain) to a new identity sealed
// with newPass ("": plain), in one transaction that also checks the setting
// is still expect and writes the audit entry.
func (s *Service) rekey(expect []byte, old *sealer, newPass, action string) error {
	rw, ok := s.Store.(KeyRewriter)
	if !ok {
		return fmt.Errorf("%s: this store cannot re-encrypt keys", action)
	}
	next := keyProtection{V: 1, Mode: modeNone}
	var fresh *sealer
	if newPass != "" {
		var wrapped []byte
		var err error
		fresh, wrapped, err = newIdentity(newPass, s.ScryptWorkFactor)
		if err != nil {
			return fmt.Errorf("%s: %w", action, err)
		}
		next = keyProtection{V: 1, Mode: modeAgeScrypt, Identity: wrapped}
	}
	setting, err := json.Marshal(next)
	if err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	fn := func(credID string, km store.KeyMaterial) (store.KeyMaterial, error) {
		plain := km.KeyPKCS8
		if len(km.KeyAge) > 0 {
			if old == nil {
				return km, errors.New("the key is encrypted but the store has no passphrase set: the store is inconsistent, run 'xops store check'")
			}
			if plain, err = old.open(km.KeyAge); err != nil {
				return km, err
			}
		}
		out := store.KeyMaterial{V: store.RecordVersion, CertDER: km.CertDER}
		if fresh == nil {
			out.KeyPKCS8 = plain
			return out, nil
		}
		sealed, err := fresh.seal(plain)
		if err != nil {
			return km, err
		}
		out.KeyAge = sealed
		return out, nil
	}
	err = rw.RewriteKeysIf(store.KeyRewrite{
		Fn:       fn,
		Expect:   map[string][]byte{SettingKeyProtection: expect},
		Settings: map[string][]byte{SettingKeyProtection: setting},
		Audit:    store.AuditEntry{V: store.RecordVersion, At: s.now().UTC(), Action: action},
	})
	if err != nil {
		return fmt.Errorf("%s: nothing was changed: %w", action, err)
	}
	if fresh != nil {
		s.keyring.remember(next.Identity, fresh)
	} else {
		s.keyring.forget()
	}
	return nil
}
