package main

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/budgetlens/budgetlens/internal/fixture"
	"github.com/budgetlens/budgetlens/internal/hostile"
)

// TestHostileChild is the CLI run as a separate process by the tests
// below (so that its memory and time can be measured and it can be
// killed); it does nothing in a normal test run.
func TestHostileChild(t *testing.T) {
	if os.Getenv("BUDGETLENS_HOSTILE_CHILD") != "1" {
		t.Skip("the CLI as a child process of TestHostileFiles")
	}
	os.Exit(execute(flag.Args(), os.Stdout, os.Stderr))
}

// child is one run of the CLI in its own process with its own temporary
// directory.
type child struct {
	code   int
	stderr string
	wall   time.Duration
	rssMB  int64
}

func startChild(tmp string, args ...string) (*exec.Cmd, *bytes.Buffer) {
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^TestHostileChild$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), "BUDGETLENS_HOSTILE_CHILD=1", "TMPDIR="+tmp)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	cmd.Stdout = nil
	return cmd, &errb
}

func runChild(t *testing.T, tmp string, args ...string) child {
	t.Helper()
	cmd, errb := startChild(tmp, args...)
	t0 := time.Now()
	err := cmd.Run()
	c := child{wall: time.Since(t0), stderr: errb.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		c.code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		c.rssMB = ru.Maxrss >> 10 // kilobytes on Linux
	}
	return c
}

// snapshot is what a failed command must leave unchanged in the store.
func snapshot(t *testing.T, db string) string {
	t.Helper()
	var b strings.Builder
	for _, args := range [][]string{
		{"totals", "--fy", "2021-22", "--phase", "adopted", "--kind", "expenditure", "--by", "department", "--format", "json"},
		{"geo", "ls"}, {"index", "runs"},
	} {
		code, out, errOut := run(t, append([]string{"--db", db}, args...)...)
		if code != 0 {
			t.Fatalf("%v: %s", args, errOut)
		}
		b.WriteString(out)
	}
	return b.String()
}

func hostileStore(t *testing.T) string {
	db := tempDB(t)
	if code, _, errOut := run(t, "--db", db, "import", fixture.Data(t, "la/budget/FY21-22/Expenditures_Sec4_for_2122_Adopted.csv")); code != 0 {
		t.Fatal(errOut)
	}
	if code, _, errOut := run(t, "--db", db, "geo", "import", "--layer", "districts", "--id-field", "District",
		fixture.Data(t, "la/boundaries/council_districts_2025.geojson")); code != 0 {
		t.Fatal(errOut)
	}
	return db
}

func emptyDir(t *testing.T, dir, what string) {
	t.Helper()
	if left, _ := os.ReadDir(dir); len(left) > 0 {
		var names []string
		for _, e := range left {
			names = append(names, e.Name())
		}
		t.Errorf("%s left in %s: %v", what, dir, names)
	}
}

// TestHostileFiles runs every attack of issue 14 on the tabular readers
// (internal/hostile.Attacks) through the CLI in a process of its own: each
// exits 2 naming the file and the place within 10 s and under 1 GB, the
// store stays as it was, and nothing is left in the temporary directory
// or beside the store.
func TestHostileFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the hostile files make gigabyte-scale claims")
	}
	db := hostileStore(t)
	before := snapshot(t, db)
	for _, a := range hostile.Attacks(120_000) {
		t.Run(a.Name, func(t *testing.T) {
			dir, tmp := t.TempDir(), t.TempDir()
			if err := a.Write(dir); err != nil {
				t.Fatal(err)
			}
			c := runChild(t, tmp, append([]string{"--db", db}, hostile.Expand(a.Args, dir)...)...)
			msg := strings.ReplaceAll(c.stderr, dir+string(filepath.Separator), "")
			t.Logf("exit %d in %v, %d MB: %s", c.code, c.wall.Round(time.Millisecond), c.rssMB, strings.TrimSpace(msg))
			if c.code != 2 || !strings.Contains(msg, a.Place) {
				t.Errorf("exit %d, message %q; want exit 2 naming %q", c.code, msg, a.Place)
			}
			for _, never := range a.Never {
				if strings.Contains(c.stderr, never) {
					t.Errorf("the message shows %q", never)
				}
			}
			if c.wall > 10*time.Second || c.rssMB > 1024 {
				t.Errorf("%v and %d MB", c.wall, c.rssMB)
			}
			emptyDir(t, tmp, "the temporary directory")
		})
	}
	if after := snapshot(t, db); after != before {
		t.Errorf("the store changed:\n%s\n%s", before, after)
	}
	entries, _ := os.ReadDir(filepath.Dir(db))
	for _, e := range entries {
		if strings.Contains(e.Name(), ".import-") {
			t.Errorf("a temporary file beside the store: %s", e.Name())
		}
	}
}

// TestDuplicateRequestsOnce: a file of 1,000 rows of one request number is
// summarised as one request, and says so.
func TestDuplicateRequestsOnce(t *testing.T) {
	db := hostileStore(t)
	p := filepath.Join(t.TempDir(), "dups.csv")
	f, _ := os.Create(p)
	hostile.ServiceRequests(f, hostile.RequestsOptions{Rows: 1000, SameID: true})
	f.Close()
	code, out, errOut := run(t, "--db", db, "events", "summarize", "--layer", "districts", "--in", p, "--format", "json")
	if code != 0 || !strings.Contains(out, `"duplicates": 999`) && !strings.Contains(out, `"duplicates":999`) {
		t.Fatalf("exit %d: %s %.300s", code, errOut, out)
	}
}

// TestKilledImportLeavesNothing kills an import (kill -9) while its bulk
// temporary file exists: nothing is in the temporary directory, the file
// beside the store is swept by the next command, and the store is as it
// was.
func TestKilledImportLeavesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: writes a 40 MB file")
	}
	db := hostileStore(t)
	before := snapshot(t, db)
	dir, tmp := t.TempDir(), t.TempDir()
	big := filepath.Join(dir, "Expenditures_Sec2_for_2122_Adopted.csv")
	f, _ := os.Create(big)
	if err := hostile.LAExpenditures(f, 300_000); err != nil {
		t.Fatal(err)
	}
	f.Close()
	cmd, _ := startChild(tmp, "--db", db, "import", big)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var temp string
	for deadline := time.Now().Add(90 * time.Second); temp == "" && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		entries, _ := os.ReadDir(filepath.Dir(db))
		for _, e := range entries {
			if strings.Contains(e.Name(), ".import-") {
				temp = filepath.Join(filepath.Dir(db), e.Name())
			}
		}
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if temp == "" {
		t.Fatal("the import never wrote its temporary file")
	}
	emptyDir(t, tmp, "the temporary directory")
	if after := snapshot(t, db); after != before {
		t.Errorf("the store changed:\n%s\n%s", before, after)
	}
	if _, err := os.Stat(temp); !os.IsNotExist(err) {
		t.Errorf("%s survived the next command: %v", temp, err)
	}
}
