package main

import "golang.org/x/sys/unix"

// noCoreDumps keeps the private keys xops decrypts out of core files: with
// GOTRACEBACK=crash (or a crash handler) a SIGQUIT or fatal error would
// otherwise have the kernel write the process's whole memory, keys and
// passphrases included, to a file or to systemd-coredump/apport. Not
// dumpable also means other processes of the same user cannot ptrace xops or
// read its memory (/proc/PID/mem) or environment (XOPS_PASSPHRASE,
// XOPS_PFX_PASSWORD), as ssh-agent does. The core size limit of 0 is a
// second guard for a kernel that ignores the flag. Failures are ignored:
// xops still works, as before, where the kernel refuses.
func noCoreDumps() {
	_ = unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0)
	_ = unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{Cur: 0, Max: 0})
}
