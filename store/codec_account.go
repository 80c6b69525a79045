package store

// decodeAccount reads an account record. Listing 10,000 accounts spent three
// quarters of its time in encoding/json's reflection, so records in exactly
// the shape encodeRecord writes take a hand-written path; anything else — an
// unknown or differently cased field, a number with a fraction, a surrogate
// escape, invalid UTF-8, any syntax error, a version other than this one —
// goes to decodeRecord, which decides as it always has. The fast path may
// only ever give up, never decide differently: FuzzFastAccount holds it to
// encoding/json's answer.
func decodeAccount(key string, raw []byte) (Account, error) {
	return decodeAccountShared(key, raw, nil)
}

// decodeAccountShared is decodeAccount for a list: texts that repeat from
// account to account (check ids and messages, statuses, the cloud) are
// kept once, in shared, instead of once per account.
func decodeAccountShared(key string, raw []byte, shared interner) (Account, error) {
	return decodeListed(key, raw, shared, true)
}

// decodeListed is decodeAccountShared that, without checks, reads the last
// checks only to be sure they are whole and leaves LastChecks nil: what a
// list prints does not need them, and they are most of a record.
func decodeListed(key string, raw []byte, shared interner, checks bool) (Account, error) {
	if a, ok := fastAccount(raw, shared, checks); ok && a.V == RecordVersion {
		return a, nil
	}
	a, err := decodeRecord[Account](bucketAccounts, key, raw)
	if !checks {
		a.LastChecks = nil
	}
	return a, err
}

// interner keeps one copy of each short text a list repeats. Nil keeps none.
type interner map[string]string

// Bounds of an interner: texts longer than maxShared are seldom repeated,
// and a list of unusual texts must not grow it without end.
const (
	maxShared  = 96
	maxEntries = 4096
)

func (in interner) get(b []byte) string {
	if in == nil || len(b) > maxShared {
		return string(b)
	}
	if s, ok := in[string(b)]; ok { // this lookup does not allocate
		return s
	}
	s := string(b)
	if len(in) < maxEntries {
		in[s] = s
	}
	return s
}

// fastAccount parses raw as an Account, or reports that it cannot; shared
// (may be nil) keeps repeated texts once.
func fastAccount(raw []byte, shared interner, checks bool) (Account, bool) {
	p := parser{b: raw, in: shared}
	var a Account
	ok := p.object(func(field []byte) bool {
		switch string(field) {
		case "v":
			return p.int(&a.V)
		case "id":
			return p.string(&a.ID)
		case "name":
			return p.string(&a.Name)
		case "app_id":
			return p.string(&a.AppID)
		case "tenant_id":
			return p.string(&a.TenantID)
		case "organization":
			return p.string(&a.Organization)
		case "cloud":
			return p.shared(&a.Cloud)
		case "created":
			return p.time(&a.Created)
		case "status":
			return p.shared((*string)(&a.Status))
		case "failed_step":
			return p.shared(&a.FailedStep)
		case "last_verified":
			return p.time(&a.LastVerified)
		case "last_checks":
			if !checks {
				return p.array(skipped{}, func() bool {
					var c CheckRecord
					return p.checkRecord(&c)
				})
			}
			return p.array(&a.LastChecks, func() bool {
				var c CheckRecord
				ok := p.checkRecord(&c)
				a.LastChecks = append(a.LastChecks, c)
				return ok
			})
		case "credentials":
			return p.array(&a.Credentials, func() bool {
				var c Credential
				ok := p.credential(&c)
				a.Credentials = append(a.Credentials, c)
				return ok
			})
		}
		return false
	})
	if !ok || !p.end() {
		return Account{}, false
	}
	return a, true
}

func (p *parser) checkRecord(c *CheckRecord) bool {
	return p.object(func(field []byte) bool {
		switch string(field) {
		case "id":
			return p.shared(&c.ID)
		case "ok":
			return p.bool(&c.OK)
		case "skipped":
			return p.bool(&c.Skipped)
		case "step":
			return p.shared(&c.Step)
		case "message":
			return p.shared(&c.Message)
		case "hint":
			return p.shared(&c.Hint)
		}
		return false
	})
}

func (p *parser) credential(c *Credential) bool {
	return p.object(func(field []byte) bool {
		switch string(field) {
		case "id":
			return p.string(&c.ID)
		case "thumbprint":
			return p.string(&c.Thumbprint)
		case "key_size":
			return p.int(&c.KeySize)
		case "not_before":
			return p.time(&c.NotBefore)
		case "not_after":
			return p.time(&c.NotAfter)
		case "created":
			return p.time(&c.Created)
		case "pending":
			return p.bool(&c.Pending)
		}
		return false
	})
}
