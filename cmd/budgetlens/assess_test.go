package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/internal/fixture"
	"github.com/budgetlens/budgetlens/store/duckdb"
)

func runIn(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := executeIn(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// assessStore imports LA's FY2021-22 Sec4 requests and creates their
// assessments.
func assessStore(t *testing.T) string {
	t.Helper()
	req := fixture.Data(t, "la/budget/FY21-22/Budget_Requests_Detail_Sec4_2122_Adopted.csv")
	db := tempDB(t)
	if code, _, e := run(t, "--db", db, "import", req); code != 0 {
		t.Fatalf("import: %s", e)
	}
	code, out, e := run(t, "--db", db, "assess", "bulk-create", "--fy", "2021-22", "--phase", "proposed", "--as", "ana")
	if code != 0 || !strings.HasPrefix(out, "216 requests: 216 assessments created, 0 existed already") {
		t.Fatalf("bulk-create: %d %q %s", code, out, e)
	}
	return db
}

func TestAssessCLI(t *testing.T) {
	db := assessStore(t)
	if _, out, _ := run(t, "--db", db, "assess", "bulk-create", "--fy", "2021-22", "--phase", "proposed"); !strings.Contains(out, "0 assessments created, 216 existed already") {
		t.Fatalf("second bulk-create: %q", out)
	}
	code, out, e := run(t, "--db", db, "assess", "coverage", "--fy", "2021-22", "--phase", "proposed", "--format", "json")
	var cov []struct {
		Department      *string  `json:"department"`
		Requests        *int     `json:"requests"`
		Assessed        *int     `json:"assessed"`
		Dollars         *float64 `json:"dollars"`
		DollarsAssessed *float64 `json:"dollars_assessed"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &cov) != nil || len(cov) == 0 {
		t.Fatalf("coverage: %d %s %s", code, out, e)
	}
	total := 0
	for _, c := range cov {
		if c.Department == nil || c.Requests == nil || c.Assessed == nil || c.Dollars == nil || c.DollarsAssessed == nil || *c.Assessed != *c.Requests || *c.DollarsAssessed != *c.Dollars {
			t.Fatalf("coverage row %+v", c)
		}
		total += *c.Requests
	}
	if total != 216 {
		t.Fatalf("coverage counts %d requests, want 216", total)
	}
	dept := *cov[0].Department
	if code, out, e := runIn(t, "analyst-password\n", "--db", db, "user", "add", "--role", "analyst", "ana"); code != 0 || !strings.Contains(out, "added user ana (analyst)") {
		t.Fatalf("user add: %d %s %s", code, out, e)
	}
	if code, _, e := runIn(t, "submitter-pw\n", "--db", db, "user", "add", "--role", "submitter", "--department", dept, "sam"); code != 0 {
		t.Fatalf("submitter: %s", e)
	}
	for _, bad := range [][]string{
		{"user", "add", "--role", "submitter", "bob"},                       // no department
		{"user", "add", "--role", "submitter", "--department", "ZZ", "bob"}, // no such department
		{"user", "add", "--role", "boss", "bob"},
		{"user", "add", "--role", "analyst", "ana"}, // exists
	} {
		if code, _, _ := runIn(t, "a-long-password\n", append([]string{"--db", db}, bad...)...); code == 0 {
			t.Errorf("%v accepted", bad)
		}
	}
	if code, _, e := runIn(t, "short\n", "--db", db, "user", "add", "--role", "analyst", "al"); code != 2 || !strings.Contains(e, "password") {
		t.Fatalf("short password: %d %s", code, e)
	}
	_, out, _ = run(t, "--db", db, "user", "ls", "--format", "json")
	if strings.Contains(out, "argon2") || !strings.Contains(out, `"sam"`) {
		t.Fatalf("user ls: %s", out)
	}
	_, out, _ = run(t, "--db", db, "assess", "ls", "--fy", "2021-22", "--phase", "proposed", "--department", dept, "--format", "json")
	var ls []struct{ ID int64 }
	json.Unmarshal([]byte(out), &ls)
	if len(ls) != *cov[0].Requests {
		t.Fatalf("ls: %d rows", len(ls))
	}
	id := func() string { b, _ := json.Marshal(ls[0].ID); return string(b) }()
	if code, _, e := run(t, "--db", db, "assess", "answer", id, `{"purpose": "Keeps the senior centres open", "benefits": "Seniors in low-income districts"}`, "--as", "sam"); code != 0 {
		t.Fatalf("answer: %s", e)
	}
	if code, _, e := run(t, "--db", db, "assess", "answer", id, `{"purpose": "stale"}`, "--version", "1", "--as", "sam"); code == 0 || !strings.Contains(e, "version 2, not 1") {
		t.Fatalf("stale answer: %d %s", code, e)
	}
	if code, out, e := run(t, "--db", db, "assess", "show", id); code != 0 || !strings.Contains(out, "Keeps the senior centres open") || !strings.Contains(out, "[purpose, text]") {
		t.Fatalf("show: %s %s", out, e)
	}
	dir := t.TempDir()
	csvPath, xlsxPath := filepath.Join(dir, "a.csv"), filepath.Join(dir, "a.xlsx")
	if code, _, e := run(t, "--db", db, "assess", "export", "--fy", "2021-22", "--phase", "proposed", "--out", csvPath); code != 0 {
		t.Fatalf("export csv: %s", e)
	}
	if b, _ := os.ReadFile(csvPath); !strings.HasPrefix(string(b), "id,department,program,request_key") || strings.Count(string(b), "\n") != 217 {
		t.Fatalf("csv: %.200s (%d lines)", b, strings.Count(string(b), "\n"))
	}
	// --delimiter: the CSV file with semicolons; refused for a file that is not CSV
	semiPath := filepath.Join(dir, "semi.csv")
	if code, _, e := run(t, "--db", db, "assess", "export", "--fy", "2021-22", "--phase", "proposed", "--out", semiPath, "--delimiter", ";"); code != 0 {
		t.Fatalf("export csv --delimiter: %s", e)
	}
	if b, _ := os.ReadFile(semiPath); !strings.HasPrefix(string(b), "id;department;program;request_key") || strings.Count(string(b), "\n") != 217 {
		t.Fatalf("csv with ;: %.200s", b)
	}
	if code, _, e := run(t, "--db", db, "assess", "export", "--fy", "2021-22", "--phase", "proposed", "--out", xlsxPath, "--delimiter", ";"); code != 2 || !strings.Contains(e, "--delimiter applies to a CSV file") {
		t.Fatalf("export xlsx --delimiter: %d %s", code, e)
	}
	if _, out, _ := run(t, "--db", db, "assess", "coverage", "--fy", "2021-22", "--phase", "proposed", "--format", "csv", "--delimiter", ";"); !strings.HasPrefix(out, "department;department_name;requests;assessed;dollars;dollars_assessed;") {
		t.Fatalf("coverage --delimiter: %.200s", out)
	}
	if code, _, e := run(t, "--db", db, "assess", "export", "--fy", "2021-22", "--phase", "proposed", "--out", xlsxPath); code != 0 {
		t.Fatalf("export xlsx: %s", e)
	}
	if b, _ := os.ReadFile(xlsxPath); len(b) < 1000 || string(b[:2]) != "PK" {
		t.Fatalf("xlsx: %d bytes", len(b))
	}
	htmlPath := filepath.Join(dir, "a.html")
	if code, _, e := run(t, "--db", db, "assess", "export", "--fy", "2021-22", "--phase", "proposed", "--out", htmlPath); code != 0 {
		t.Fatalf("export html: %s", e)
	}
	if b, _ := os.ReadFile(htmlPath); !strings.Contains(string(b), "Equity review of budget requests") || !strings.Contains(string(b), "216 of 216 requests (100.0% of the dollars they change) have an equity assessment; 0 have a decision.") {
		t.Fatalf("html export lacks the review section")
	}
	if code, _, e := run(t, "--db", db, "assess", "lock", "--fy", "2021-22", "--phase", "proposed"); code != 1 || !strings.Contains(e, "216 requests have no decision yet") {
		t.Fatalf("lock with undecided requests: %d %s", code, e)
	}
	if code, _, e := run(t, "--db", db, "audit", "verify"); code != 0 {
		t.Fatalf("verify: %s", e)
	}
}

// TestAuditVerifyTampering edits and deletes audit_log rows directly in the
// database: verify exits non-zero naming the entry.
func TestAuditVerifyTampering(t *testing.T) {
	db := assessStore(t)
	if code, out, e := run(t, "--db", db, "audit", "verify"); code != 0 || !strings.Contains(out, "intact: 216 entries") {
		t.Fatalf("verify: %d %s %s", code, out, e)
	}
	for _, c := range []struct {
		name, sql, want string
	}{
		{"edit", `UPDATE audit_log SET actor = 'eve' WHERE seq = 5`, "entry 5"},
		{"edit json", `UPDATE audit_log SET after_json = replace(after_json, '"draft"', '"decision"') WHERE seq = 9`, "entry 9"},
		{"delete", `DELETE FROM audit_log WHERE seq = 100`, "entry 100"},
		{"delete first", `DELETE FROM audit_log WHERE seq = 1`, "entry 1"},
		{"delete last", `DELETE FROM audit_log WHERE seq = 216`, "entry 216"},
	} {
		t.Run(c.name, func(t *testing.T) {
			copyDB := filepath.Join(t.TempDir(), "c.duckdb")
			copyFile(t, db, copyDB)
			s, err := duckdb.Open(copyDB)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.DB().Exec(c.sql); err != nil {
				t.Fatal(err)
			}
			s.Close()
			code, _, e := run(t, "--db", copyDB, "audit", "verify")
			if code == 0 || !strings.Contains(e, c.want) {
				t.Fatalf("verify after %s: exit %d, %q; want non-zero naming %s", c.sql, code, e, c.want)
			}
		})
	}
}
