//go:build linux || darwin || freebsd

package duckdb

import (
	"os"
	"syscall"
)

// lockHolder asks the operating system which process holds a write lock on
// the file (DuckDB locks its file with fcntl): the process id, and false
// when nobody does.
func lockHolder(path string) (int, bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: 0, Start: 0, Len: 0}
	if err := syscall.FcntlFlock(f.Fd(), syscall.F_GETLK, &lk); err != nil {
		return 0, false
	}
	if lk.Type == syscall.F_UNLCK || lk.Pid <= 0 {
		return 0, false
	}
	return int(lk.Pid), true
}
