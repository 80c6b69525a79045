package entra

import "strings"

// IsGUID reports whether s has the 8-4-4-4-12 hex shape of a GUID (either
// case, no braces). Verification uses it to tell a tenant ID from a domain;
// the sandbox uses it so that it accepts exactly what verification sends.
func IsGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
				return false
			}
		}
	}
	return true
}
