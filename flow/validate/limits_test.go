package validate

import "testing"

func TestKeySize(t *testing.T) {
	t.Parallel()
	for _, n := range []int{2048, 3072, 4096} {
		if err := KeySize(n); err != nil {
			t.Errorf("KeySize(%d) = %v", n, err)
		}
	}
	for _, n := range []int{0, -2048, 1024, 2047, 2049, 8192} {
		wantFieldError(t, KeySize(n), "key-size", "Key size", "not offered", "2048", "3072", "4096")
	}
}

func TestCertDays(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 30, 365, 730, 3650} {
		if err := CertDays(n); err != nil {
			t.Errorf("CertDays(%d) = %v", n, err)
		}
	}
	for _, n := range []int{0, -1, 3651, 100000} {
		wantFieldError(t, CertDays(n), "cert-days", "Certificate lifetime", "out of range", "1 to 3650", "policy")
	}
}
