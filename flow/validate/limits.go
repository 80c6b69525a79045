package validate

import "fmt"

// Key sizes xops offers and the lifetime range of a certificate, in days.
const (
	DefaultKeySize  = 2048
	DefaultCertDays = 365
	MinCertDays     = 1
	MaxCertDays     = 3650
)

// KeySize accepts the RSA key sizes xops makes: 2048, 3072 and 4096 bits.
func KeySize(n int) error {
	switch n {
	case 2048, 3072, 4096:
		return nil
	}
	return fieldError(FieldKeySize, LabelKeySize,
		fmt.Sprintf("%d bits is not offered: choose 2048 (Microsoft's recommendation), 3072 or 4096", n))
}

// CertDays accepts a certificate lifetime of 1 to 3650 days.
func CertDays(n int) error {
	if n >= MinCertDays && n <= MaxCertDays {
		return nil
	}
	return fieldError(FieldCertDays, LabelCertDays,
		fmt.Sprintf("%d days is out of range: choose %d to %d days (365 is usual); your tenant may also cap certificate lifetime by policy, and then a shorter one is needed",
			n, MinCertDays, MaxCertDays))
}
