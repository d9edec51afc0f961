package main

import (
	"database/sql"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/budgetlens/budgetlens/internal/fixture"
)

// TestSQLViewsAgreeWithTheCLI opens a store built by the CLI with Go's
// database/sql, as an analyst's SQL client would (read-only, while nothing
// else writes it), and checks the analyst views against the CLI:
// v_line_items and v_totals add up to totals to the cent with fiscal_year
// as the CLI writes it; v_analysis_areas holds the saved analysis's areas
// with the amounts analyze prints; every table carries a comment.
func TestSQLViewsAgreeWithTheCLI(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(fixture.Root(), "testdata", "maplebay")
	db := tempDB(t)
	mustRun(t, "--db", db, "geo", "import", "--layer", "districts", filepath.Join(dir, "districts.geojson"), "--id-column", "id", "--population-column", "pop")
	mustRun(t, "--db", db, "import", filepath.Join(dir, "budget.csv"), "--fy", "2024-25", "--phase", "adopted", "--department", "dept", "--amount", "amount", "--area", "district", "--layer", "districts")
	var totals []struct {
		Code   string  `json:"department_code"`
		Name   string  `json:"department"`
		Amount float64 `json:"amount"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, "--db", db, "totals", "--fy", "2024-25", "--phase", "adopted", "--format", "json")), &totals); err != nil {
		t.Fatal(err)
	}
	var res struct {
		Areas []struct {
			ID     string  `json:"area_id"`
			Amount float64 `json:"amount"`
		} `json:"areas"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, "--db", db, "analyze", "--fy", "2024-25", "--phase", "adopted", "--layer", "districts", "--save", "--format", "json", "--reps", "0")), &res); err != nil {
		t.Fatal(err)
	}

	conn, err := sql.Open("duckdb", db+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	want := map[string]float64{}
	for _, r := range totals {
		want[r.Code+"|"+r.Name] = r.Amount
	}
	for _, view := range []string{"v_line_items", "v_totals"} {
		rows, err := conn.Query(`SELECT coalesce(department_code, '') || '|' || coalesce(department, ''), CAST(sum(amount) AS VARCHAR), typeof(sum(amount)), min(fiscal_year), min(unit) FROM ` + view + `
			WHERE fiscal_year = '2024-25' AND phase = 'adopted' AND kind = 'expenditure' GROUP BY ALL`)
		if err != nil {
			t.Fatalf("%s: %v", view, err)
		}
		n := 0
		for rows.Next() {
			var code, sum, typ, fy, unit string
			if err := rows.Scan(&code, &sum, &typ, &fy, &unit); err != nil {
				t.Fatal(err)
			}
			n++
			if got := cents(t, sum); got != int64(want[code]*100+0.5) || fy != "2024-25" || unit != "USD" {
				t.Errorf("%s department %s: %s (%s) in %s %s; totals says %.2f", view, code, sum, typ, fy, unit, want[code])
			}
		}
		rows.Close()
		if n != len(want) || n == 0 {
			t.Errorf("%s: %d departments, totals lists %d", view, n, len(want))
		}
	}
	var typ string
	if err := conn.QueryRow(`SELECT typeof(amount) FROM v_line_items LIMIT 1`).Scan(&typ); err != nil || typ != "DECIMAL(18,2)" {
		t.Errorf("v_line_items.amount is %s (%v), not DECIMAL(18,2)", typ, err)
	}

	placed := map[string]float64{}
	for _, a := range res.Areas {
		placed[a.ID] = a.Amount
	}
	rows, err := conn.Query(`SELECT area_id, CAST(amount AS VARCHAR), fiscal_year, layer FROM v_analysis_areas`)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		var id, amount, fy, layer string
		if err := rows.Scan(&id, &amount, &fy, &layer); err != nil {
			t.Fatal(err)
		}
		n++
		if cents(t, amount) != int64(placed[id]*100+0.5) || fy != "2024-25" || layer != "districts" {
			t.Errorf("v_analysis_areas %s: %s in %s %s; analyze says %.2f", id, amount, fy, layer, placed[id])
		}
	}
	rows.Close()
	if n != len(res.Areas) || n == 0 {
		t.Errorf("v_analysis_areas: %d rows for %d areas", n, len(res.Areas))
	}

	var bare int
	if err := conn.QueryRow(`SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND coalesce(comment, '') = ''`).Scan(&bare); err != nil || bare != 0 {
		t.Errorf("%d tables without a comment (%v)", bare, err)
	}
}
