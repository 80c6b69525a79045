package fulldisk

import "golang.org/x/sys/unix"

const supported = true

// limitFileSize stops this process's files at n bytes. Go ignores SIGXFSZ,
// so a write past it fails with EFBIG.
func limitFileSize(n uint64) error {
	return unix.Setrlimit(unix.RLIMIT_FSIZE, &unix.Rlimit{Cur: n, Max: n})
}
