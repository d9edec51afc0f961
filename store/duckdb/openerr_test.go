package duckdb

import (
	"bufio"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/budget"
)

// TestMain runs the tests, or, in a child process started by holdStore
// ($BUDGETLENS_HOLD_STORE set), opens that store ("ro:" for read-only),
// says "ready" and keeps it open until its standard input closes.
func TestMain(m *testing.M) {
	path := os.Getenv("BUDGETLENS_HOLD_STORE")
	if path == "" {
		os.Exit(m.Run())
	}
	open := Open
	if p, ok := strings.CutPrefix(path, "ro:"); ok {
		path, open = p, OpenReadOnly
	}
	s, err := open(path)
	if err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(1)
	}
	os.Stdout.WriteString("ready\n")
	bufio.NewReader(os.Stdin).ReadString('\n')
	s.Close()
	os.Exit(0)
}

// holdStore starts a process holding the store (see TestMain), ended when
// the test ends.
func holdStore(t *testing.T, spec string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "BUDGETLENS_HOLD_STORE="+spec)
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.Contains(line, "ready") {
		t.Fatalf("holder did not start: %q %v", line, err)
	}
	return cmd
}

// TestOpenWhileAnotherProcessHoldsTheStore: a store written by another
// process is refused naming that process (asked of the operating system,
// not read from the driver's message); stores read by another process can
// be read at the same time.
func TestOpenWhileAnotherProcessHoldsTheStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.duckdb")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	reader := holdStore(t, "ro:"+path)
	r, err := OpenReadOnly(path)
	if err != nil {
		t.Fatalf("a second reader was refused: %v", err)
	}
	r.Close()
	reader.Process.Kill()
	reader.Wait()

	writer := holdStore(t, path)
	_, err = Open(path)
	if budget.ErrorCode(err) != budget.ECONFLICT || !strings.Contains(err.Error(), "PID "+strconv.Itoa(writer.Process.Pid)) || strings.Contains(err.Error(), "IO Error") {
		t.Fatalf("got %v, want a conflict naming PID %d", err, writer.Process.Pid)
	}
}

// TestOpenErrors: what the file is, not what the driver says.
func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	notDB := filepath.Join(dir, "x.duckdb")
	os.WriteFile(notDB, []byte("hello, this is not a database\n"), 0o644)
	if _, err := Open(notDB); budget.ErrorCode(err) != budget.EINVALID || !strings.Contains(err.Error(), "not a DuckDB database file") || strings.Contains(err.Error(), "IO Error") {
		t.Fatalf("not a store: %v", err)
	}
	if _, err := Open(dir); budget.ErrorCode(err) != budget.EINVALID || !strings.Contains(err.Error(), "is a directory") {
		t.Fatalf("directory: %v", err)
	}
	missing := filepath.Join(dir, "typo.duckdb")
	_, err := OpenReadOnly(missing)
	if budget.ErrorCode(err) != budget.EINVALID || !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Fatalf("missing: %v", err)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Fatal("a read-only open created the store")
	}
	if _, err := Open(filepath.Join(dir, "no", "s.duckdb")); budget.ErrorCode(err) != budget.EINVALID || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("missing directory: %v", err)
	}
}
