package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/internal/fixture"
)

// TestExportStdoutSymlinkAndTiers: --out - writes CSV to standard output;
// a symbolic link at --out is refused (its target untouched) unless
// --follow-symlink; a failed export leaves no file; --tiers 0 is refused.
func TestExportStdoutSymlinkAndTiers(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	budgetCSV := filepath.Join(fixture.Root(), "testdata", "maplebay", "budget.csv")
	if code, _, e := run(t, "--db", db, "import", budgetCSV, "--fy", "2024-25", "--phase", "adopted", "--department", "dept", "--amount", "amount", "--area", "district", "--layer", "districts"); code != 0 {
		t.Fatal(e)
	}
	code, out, e := run(t, "--db", db, "export", "--fy", "2024-25", "--phase", "adopted", "--out", "-")
	if code != 0 {
		t.Fatalf("--out -: %d %s", code, e)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) != 12 || recs[0][18] != "amount" || recs[0][20] != "area" {
		t.Fatalf("stdout CSV: %v %d rows %v", err, len(recs), recs[0])
	}
	var sum int64
	for _, r := range recs[1:] {
		sum += cents(t, r[18])
	}
	if sum != 3159000229 {
		t.Fatalf("exported %d cents", sum)
	}
	if code, _, e := run(t, "--db", db, "export", "--out", "-", "--format", "xlsx"); code != 2 || !strings.Contains(e, "standard output") {
		t.Fatalf("xlsx to stdout: %d %s", code, e)
	}
	dir := t.TempDir()
	target := filepath.Join(dir, "target.csv")
	os.WriteFile(target, []byte("keep me\n"), 0o644)
	link := filepath.Join(dir, "link.csv")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if code, _, e := run(t, "--db", db, "export", "--out", link); code != 2 || !strings.Contains(e, "symbolic link") {
		t.Fatalf("symlink: %d %s", code, e)
	}
	if b, _ := os.ReadFile(target); string(b) != "keep me\n" {
		t.Fatalf("the link's target was written: %q", b)
	}
	if code, _, e := run(t, "--db", db, "export", "--out", link, "--follow-symlink"); code != 0 {
		t.Fatalf("--follow-symlink: %d %s", code, e)
	}
	if b, _ := os.ReadFile(target); !strings.HasPrefix(string(b), "jurisdiction,") {
		t.Fatalf("--follow-symlink did not write the target: %q", b)
	}
	// a bad filter fails before anything is written
	out2 := filepath.Join(dir, "x.csv")
	if code, _, _ := run(t, "--db", db, "export", "--phase", "nope", "--out", out2); code != 2 {
		t.Fatalf("bad phase: exit %d", code)
	}
	// the CSV written through the link is described beside the link
	if ents, _ := os.ReadDir(dir); len(ents) != 3 || ents[0].Name() != "datapackage.json" {
		t.Fatalf("files left behind: %v", ents)
	}
	if code, _, e := run(t, "--db", db, "analyze", "--layer", "x", "--tiers", "0"); code != 2 || !strings.Contains(e, "--tiers 0") {
		t.Fatalf("--tiers 0: %d %s", code, e)
	}
}
