package duckdb

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Temporary files of an import (the bulk line items DuckDB's read_csv
// loads) are written beside the store, as ".<store file>.import-*.csv", so
// that they stay on the store's disk and in its folder, never in the
// system's temporary directory. A process killed in the middle (kill -9,
// a power cut) cannot remove its file; the next Open of the store does,
// which is safe because DuckDB holds the store's file lock: no other
// process can be importing into it. An in-memory store (tests) uses the
// system's temporary directory with the process id in the name, and
// removes the files of processes that no longer run.

func (s *Store) tempPattern() (dir, prefix string) {
	if s.path == "" || s.path == ":memory:" {
		return os.TempDir(), fmt.Sprintf("budgetlens-items-%d-", os.Getpid())
	}
	return filepath.Dir(s.path), "." + filepath.Base(s.path) + ".import-"
}

// tempFile creates a temporary file for an import.
func (s *Store) tempFile() (*os.File, error) {
	dir, prefix := s.tempPattern()
	f, err := os.CreateTemp(dir, prefix+"*.csv")
	if err == nil && s.onTemp != nil {
		s.onTemp(f.Name())
	}
	return f, err
}

// sweepTemp removes the temporary files imports into this store left
// behind when their process was killed.
func (s *Store) sweepTemp() {
	dir, prefix := s.tempPattern()
	memory := s.path == "" || s.path == ":memory:"
	if memory {
		prefix = "budgetlens-items-"
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return // nothing to sweep where nothing can be listed
	}
	for _, e := range entries {
		n := e.Name()
		if !e.Type().IsRegular() || !strings.HasPrefix(n, prefix) || !strings.HasSuffix(n, ".csv") {
			continue
		}
		if memory {
			pid, err := strconv.Atoi(strings.SplitN(strings.TrimPrefix(n, prefix), "-", 2)[0])
			if err != nil || pid == os.Getpid() || running(pid) {
				continue
			}
		}
		os.Remove(filepath.Join(dir, n))
	}
}

// running reports whether a process with this id exists.
func running(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}
