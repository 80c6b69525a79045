package flow

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"slices"
	"time"

	"github.com/xops/xops/store"
)

// OrphanKeyGrace is how old an orphan key's certificate (its NotBefore)
// must be before it may be pruned: a link running in another xops stores
// its key first and saves the account later, so a fresh orphan may be one
// it is about to claim.
const OrphanKeyGrace = 24 * time.Hour

// Why KeepOrphanKey keeps a key (the draft reason names the draft's kind).
const (
	KeptFresh      = "made less than 24 hours ago: a link in another xops may be about to save its account"
	KeptUnreadable = "its certificate cannot be read, so its age is unknown"
	keptForDraft   = "the %q draft names it: the link in progress resumes with it"
)

// KeepOrphanKey is the judge store.PruneOrphanKeys asks about each key no
// account names: it returns why the key must stay, or "" when it can go.
// A key stays when a draft names it or when its certificate is less than
// OrphanKeyGrace old at now (or cannot be read).
//
// Both drafts that hold a key name it by credential id and nothing else:
// the wizard's (wizard.DraftKind, "credential":{"id":…}) and the automatic
// link's (AutoDraftKind, AutoProgress.Credential, "credential":{"id":…}).
// A draft is searched for the id as a JSON string anywhere in it rather
// than parsed, so a draft of a kind or version this xops cannot read still
// keeps its key: credential ids are random 128-bit hex, found by no chance.
// The certificate is plain even in a passphrase-protected store (only the
// private key is sealed), so the age is read without the passphrase.
func KeepOrphanKey(now time.Time) func(o store.OrphanKey, drafts map[string][]byte) string {
	return func(o store.OrphanKey, drafts map[string][]byte) string {
		needle := []byte(`"` + o.ID + `"`)
		kinds := make([]string, 0, len(drafts))
		for kind := range drafts {
			kinds = append(kinds, kind)
		}
		slices.Sort(kinds)
		for _, kind := range kinds {
			if bytes.Contains(drafts[kind], needle) {
				return fmt.Sprintf(keptForDraft, kind)
			}
		}
		cert, err := x509.ParseCertificate(o.Key.CertDER)
		if err != nil {
			return KeptUnreadable
		}
		if now.Sub(cert.NotBefore) <= OrphanKeyGrace {
			return KeptFresh
		}
		return ""
	}
}
