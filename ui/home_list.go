package ui

import (
	"slices"
	"strings"
	"time"

	"github.com/xops/xops/store"
)

// homeSort is the order Home lists the accounts in; s cycles through them.
type homeSort int

const (
	sortByName   homeSort = iota // the store's order
	sortByExpiry                 // soonest expiry first, no certificate last
	sortByStatus                 // failed, then not verified, then verified
	sortCount
)

func (o homeSort) String() string {
	switch o {
	case sortByExpiry:
		return "expiry"
	case sortByStatus:
		return "status"
	}
	return "name"
}

// accountList is what Home shows of the accounts: the order chosen and the
// filter typed. It keeps indexes into the loaded accounts, never copies:
// sorting and filtering 10,000 accounts moves ints, not records.
type accountList struct {
	accounts []store.Account
	sort     homeSort
	filter   string // lower-case
	// order is every account's index in the current sort; shown is the
	// subset that matches the filter (the same slice when there is none).
	order, shown []int
	// hay is each account's name, organization and tenant in lower case,
	// built on the first filter keystroke (the first frame does not pay it).
	hay []string
}

// set takes freshly loaded accounts (sorted by name, as the store returns
// them) and applies the current sort and filter to them.
func (l *accountList) set(accounts []store.Account) {
	l.accounts = accounts
	l.hay = nil
	l.resort()
}

// setSort changes the order and keeps the filter.
func (l *accountList) setSort(o homeSort) {
	l.sort = o
	l.resort()
}

func (l *accountList) resort() {
	n := len(l.accounts)
	if cap(l.order) < n {
		l.order = make([]int, n)
	}
	l.order = l.order[:n]
	for i := range l.order {
		l.order[i] = i
	}
	switch l.sort {
	case sortByExpiry:
		keys := make([]int64, n)
		for i, a := range l.accounts {
			keys[i] = expiryKey(a)
		}
		slices.SortStableFunc(l.order, func(x, y int) int { return cmpInt64(keys[x], keys[y]) })
	case sortByStatus:
		slices.SortStableFunc(l.order, func(x, y int) int {
			return statusRank(l.accounts[x].Status) - statusRank(l.accounts[y].Status)
		})
	}
	l.refilter()
}

// setFilter keeps the accounts whose name, organization or tenant contains
// q, ignoring case. Narrowing a filter (typing one more letter) searches only
// what the previous one kept.
func (l *accountList) setFilter(q string) {
	q = strings.ToLower(strings.TrimSpace(q))
	narrower := l.filter != "" && strings.HasPrefix(q, l.filter) && q != l.filter
	l.filter = q
	if narrower {
		l.shown = l.match(l.shown, l.shown[:0])
		return
	}
	l.refilter()
}

func (l *accountList) refilter() {
	if l.filter == "" {
		l.shown = l.order
		return
	}
	l.shown = l.match(l.order, make([]int, 0, 64))
}

// match appends to out the indexes of in that match the filter. in and out
// may share memory (out written behind in's reading position).
func (l *accountList) match(in, out []int) []int {
	l.buildHay()
	for _, i := range in {
		if strings.Contains(l.hay[i], l.filter) {
			out = append(out, i)
		}
	}
	return out
}

func (l *accountList) buildHay() {
	if l.hay != nil {
		return
	}
	l.hay = make([]string, len(l.accounts))
	for i, a := range l.accounts {
		l.hay[i] = strings.ToLower(a.Name + "\x00" + a.Organization + "\x00" + a.TenantID)
	}
}

// len is how many accounts are shown.
func (l *accountList) len() int { return len(l.shown) }

// at is the i-th account shown.
func (l *accountList) at(i int) *store.Account { return &l.accounts[l.shown[i]] }

// expiryKey orders by the active certificate's end; none sorts last.
func expiryKey(a store.Account) int64 {
	if c, ok := a.Active(); ok && !c.NotAfter.IsZero() {
		return c.NotAfter.Unix()
	}
	return 1<<62 - 1
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// statusRank puts what needs the admin first.
func statusRank(s store.Status) int {
	switch s {
	case store.StatusFailed:
		return 0
	case store.StatusVerified:
		return 2
	}
	return 1
}

// expiry is how close an account's active certificate is to its end.
type expiry int

const (
	expiryNone    expiry = iota // no active certificate
	expiryOK                    // more than soonBefore left
	expirySoon                  // within soonBefore: amber
	expiryExpired               // past its end: red
)

// soonBefore is how long before its end a certificate turns amber.
const soonBefore = 30 * 24 * time.Hour

// expiryOf classifies the active certificate's end against now.
func expiryOf(a store.Account, now time.Time) (expiry, time.Time) {
	c, ok := a.Active()
	if !ok || c.NotAfter.IsZero() {
		return expiryNone, time.Time{}
	}
	switch left := c.NotAfter.Sub(now); {
	case left <= 0:
		return expiryExpired, c.NotAfter
	case left <= soonBefore:
		return expirySoon, c.NotAfter
	}
	return expiryOK, c.NotAfter
}

// expiryText says the expiry in words, so it reads without colour too:
// "expired", "in 12 days", or the date.
func expiryText(e expiry, at, now time.Time) string {
	switch e {
	case expiryNone:
		return "no cert"
	case expiryExpired:
		return "✗ expired"
	case expirySoon:
		days := int(at.Sub(now).Hours() / 24)
		if days < 1 {
			return "! today"
		}
		if days == 1 {
			return "! in 1 day"
		}
		return "! in " + itoa(days) + " days"
	}
	return at.UTC().Format("2006-01-02")
}

// itoa avoids fmt on the drawing path.
func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
