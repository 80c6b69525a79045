package store

import (
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// openUnnamed opens a file in dir that has no name (O_TMPFILE): a process
// killed before linkUnnamed leaves nothing behind. It fails where the file
// system cannot (the caller then makes a named temporary file) or where
// /proc, which linkUnnamed needs, is not mounted.
func openUnnamed(dir string) (*os.File, error) {
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		return nil, err
	}
	return os.OpenFile(dir, unix.O_TMPFILE|os.O_RDWR, 0o600)
}

// fdPath is the /proc path that opens f again.
func fdPath(f *os.File) string { return "/proc/self/fd/" + strconv.Itoa(int(f.Fd())) }

// linkUnnamed gives the unnamed file f the name path; it fails, matching
// fs.ErrExist, if path exists.
func linkUnnamed(f *os.File, path string) error {
	if err := unix.Linkat(unix.AT_FDCWD, fdPath(f), unix.AT_FDCWD, path, unix.AT_SYMLINK_FOLLOW); err != nil {
		return linkError(path, err)
	}
	return nil
}
