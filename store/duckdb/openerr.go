package duckdb

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/budgetlens/budgetlens/budget"
)

// OpenError explains why the store file at path could not be opened: it
// names the file, says what is wrong and what to do. It looks at the file
// itself (is it a directory, a DuckDB file, locked by another process,
// writable?) rather than at the wording of the driver's message; the
// driver's error stays in the chain.
func OpenError(path string, err error) error {
	fi, serr := os.Stat(path)
	switch {
	case serr == nil && fi.IsDir():
		return budget.Errorf(budget.EINVALID, "store %s is a directory: --db takes the store's file name (for example %s)", path, filepath.Join(path, DefaultPath))
	case serr == nil && fi.Size() > 0 && !isDuckDBFile(path):
		return budget.Wrap(budget.EINVALID, err, "%s", "store "+path+" is not a budgetlens store (it is not a DuckDB database file): check --db, or give a new file name to create a store").Quiet()
	case serr == nil:
		if pid, ok := lockHolder(path); ok {
			if sv, ok := servingBy(path, pid); ok {
				return budget.Wrap(budget.ECONFLICT, err, "%s", servingText(path, sv)).Quiet()
			}
			who := "another process"
			if exe, err := os.Readlink(filepath.Join("/proc", itoa(pid), "exe")); err == nil {
				who += " (" + exe + ", PID " + itoa(pid) + ")"
			} else {
				who += " (PID " + itoa(pid) + ")"
			}
			return budget.Wrap(budget.ECONFLICT, err, "%s", "store "+path+" is in use by "+who+": wait for it to finish, then run the command again").Quiet()
		}
		if f, oerr := os.OpenFile(path, os.O_RDWR, 0); oerr != nil {
			if errors.Is(oerr, fs.ErrPermission) || errors.Is(oerr, syscall.EROFS) {
				return budget.Wrap(budget.EFORBIDDEN, err, "%s", "store "+path+" cannot be opened for writing (permission denied): give a --db in a directory you can write to").Quiet()
			}
		} else {
			f.Close()
		}
	case errors.Is(serr, fs.ErrNotExist):
		dir := filepath.Dir(path)
		if _, derr := os.Stat(dir); errors.Is(derr, fs.ErrNotExist) {
			return budget.Errorf(budget.EINVALID, "store %s: the directory %s does not exist: create it or give another --db", path, dir)
		}
		if d, derr := os.Stat(dir); derr == nil && d.Mode().Perm()&0o200 == 0 || errors.Is(err, fs.ErrPermission) {
			return budget.Wrap(budget.EFORBIDDEN, err, "%s", "store "+path+" cannot be created (permission denied): give a --db in a directory you can write to").Quiet()
		}
	}
	return budget.Wrap(budget.EINTERNAL, err, "store: unable to open %s", path)
}

// isDuckDBFile reports whether the file starts as a DuckDB database does:
// the magic bytes "DUCK" after the 8-byte checksum of its first block.
func isDuckDBFile(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return true // cannot tell; let the driver's error speak
	}
	defer f.Close()
	head := make([]byte, 12)
	if _, err := io.ReadFull(f, head); err != nil {
		return false
	}
	return bytes.Equal(head[8:12], []byte("DUCK"))
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}
