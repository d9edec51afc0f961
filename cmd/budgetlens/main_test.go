package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// run executes the CLI in-process and returns its exit status and output.
func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = execute(args, &out, &errb)
	return code, out.String(), errb.String()
}

// tempDB returns a store path in a fresh temporary directory.
func tempDB(t *testing.T) string { return filepath.Join(t.TempDir(), "t.duckdb") }

func TestVersion(t *testing.T) {
	t.Parallel()
	code, out, _ := run(t, "version")
	if code != 0 || !strings.HasPrefix(out, "budgetlens ") {
		t.Fatalf("code %d, out %q", code, out)
	}
}

func TestUnknownCommand(t *testing.T) {
	t.Parallel()
	code, _, errOut := run(t, "no-such-command")
	if code == 0 || !strings.Contains(errOut, "unknown command") {
		t.Fatalf("code %d, stderr %q", code, errOut)
	}
}

func TestEmptyListingIsJSONArray(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	if code, _, errOut := run(t, "--db", db, "init"); code != 0 {
		t.Fatal(errOut)
	}
	for _, what := range []string{"requests", "departments", "measures"} {
		code, out, errOut := run(t, "--db", db, "ls", what, "--format", "json")
		if code != 0 || strings.TrimSpace(out) != "[]" {
			t.Errorf("ls %s on an empty store: code %d, stdout %q, stderr %q; want []", what, code, out, errOut)
		}
	}
}
