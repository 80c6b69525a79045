package flow

import "strings"

// FileNameBase turns an account's friendly name into the stem of a default
// file name: ASCII letters, digits, '-', '_' and '.' are kept, every other
// character becomes '-', and leading or trailing dots and dashes are trimmed
// so the file is neither hidden nor read as an option by a shell tool. The
// command line and the TUI both use it so that one name gives one file name.
// A name with nothing usable left gives "certificate".
func FileNameBase(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteRune('-')
		}
	}
	if s := strings.Trim(b.String(), ".-"); s != "" {
		return s
	}
	return "certificate"
}

// CertificateFileName is the default file name of an account's public
// certificate: FileNameBase(name) + ".cer", for example "Contoso-Ltd.cer".
func CertificateFileName(name string) string {
	return FileNameBase(name) + ".cer"
}
