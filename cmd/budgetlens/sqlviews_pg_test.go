package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/budgetlens/budgetlens/internal/fixture"
	"github.com/jackc/pgx/v5"
)

// TestPostgresSQLViewsAgreeWithTheCLI is TestSQLViewsAgreeWithTheCLI on
// the PostgreSQL store (migrations 080 and 081 there): through psql's
// protocol, v_line_items and v_totals add up to totals to the cent with
// fiscal_year as the CLI writes it and amounts NUMERIC(18,2);
// v_analysis_areas holds the saved analysis's areas with analyze's
// amounts; every table, view and column of the schema carries a comment.
func TestPostgresSQLViewsAgreeWithTheCLI(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(fixture.Root(), "testdata", "maplebay")
	db := pgURL(t)
	mustRunPG(t, "--db", db, "geo", "import", "--layer", "districts", filepath.Join(dir, "districts.geojson"), "--id-column", "id", "--population-column", "pop")
	mustRunPG(t, "--db", db, "import", filepath.Join(dir, "budget.csv"), "--fy", "2024-25", "--phase", "adopted", "--department", "dept", "--amount", "amount", "--area", "district", "--layer", "districts")
	var totals []struct {
		Code   string  `json:"department_code"`
		Name   string  `json:"department"`
		Amount float64 `json:"amount"`
	}
	if err := json.Unmarshal([]byte(mustRunPG(t, "--db", db, "totals", "--fy", "2024-25", "--phase", "adopted", "--format", "json")), &totals); err != nil {
		t.Fatal(err)
	}
	var res struct {
		Areas []struct {
			ID     string  `json:"area_id"`
			Amount float64 `json:"amount"`
		} `json:"areas"`
	}
	if err := json.Unmarshal([]byte(mustRunPG(t, "--db", db, "analyze", "--fy", "2024-25", "--phase", "adopted", "--layer", "districts", "--save", "--format", "json", "--reps", "0")), &res); err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	want := map[string]float64{}
	for _, r := range totals {
		want[r.Code+"|"+r.Name] = r.Amount
	}
	for _, view := range []string{"v_line_items", "v_totals"} {
		rows, err := conn.Query(ctx, `SELECT coalesce(department_code, '') || '|' || coalesce(department, ''), sum(amount)::text, pg_typeof(sum(amount))::text, min(fiscal_year), min(unit) FROM `+view+`
			WHERE fiscal_year = '2024-25' AND phase = 'adopted' AND kind = 'expenditure' GROUP BY 1`)
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
			if got := cents(t, sum); got != int64(want[code]*100+0.5) || fy != "2024-25" || unit != "USD" || typ != "numeric" {
				t.Errorf("%s department %s: %s (%s) in %s %s; totals says %.2f", view, code, sum, typ, fy, unit, want[code])
			}
		}
		rows.Close()
		if n != len(want) || n == 0 {
			t.Errorf("%s: %d departments, totals lists %d", view, n, len(want))
		}
	}
	for col, want := range map[string]string{"v_line_items.amount": "numeric(18,2)", "v_line_items.positions": "numeric(18,4)", "v_totals.amount": "numeric(18,2)",
		"v_analysis_areas.amount": "numeric(18,2)", "v_line_items.fiscal_year": "text"} {
		var typ string
		if err := conn.QueryRow(ctx, `SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = split_part($1, '.', 1)::regclass AND attname = split_part($1, '.', 2)`, col).Scan(&typ); err != nil || typ != want {
			t.Errorf("%s is %s (%v), want %s", col, typ, err, want)
		}
	}

	placed := map[string]float64{}
	for _, a := range res.Areas {
		placed[a.ID] = a.Amount
	}
	rows, err := conn.Query(ctx, `SELECT area_id, amount::text, fiscal_year, layer FROM v_analysis_areas`)
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
	var label string
	if err := conn.QueryRow(ctx, `SELECT bl_fiscal_year(2021, 7) || ' ' || bl_fiscal_year(2021, 1) || ' ' || bl_fiscal_year(2099, NULL)`).Scan(&label); err != nil || label != "2021-22 2021 2099-00" {
		t.Errorf("bl_fiscal_year: %q %v", label, err)
	}
	checkPostgresComments(t, conn)
}

// checkPostgresComments fails for every table, view, column and function
// of the store's schema without a comment (migration 081).
func checkPostgresComments(t *testing.T, conn *pgx.Conn) {
	t.Helper()
	ctx := context.Background()
	rows, err := conn.Query(ctx, `
		SELECT c.relname FROM pg_class c
		WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'v', 'm', 'p')
		  AND coalesce(obj_description(c.oid, 'pg_class'), '') = ''
		UNION ALL
		SELECT c.relname || '.' || a.attname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
		WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'v', 'm', 'p') AND a.attnum > 0 AND NOT a.attisdropped
		  AND coalesce(col_description(c.oid, a.attnum), '') = ''
		UNION ALL
		SELECT p.proname || '()' FROM pg_proc p
		WHERE p.pronamespace = current_schema()::regnamespace AND coalesce(obj_description(p.oid, 'pg_proc'), '') = ''
		ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		t.Errorf("%s has no comment (add it to store/postgres/migrations/081_comments.sql's successor)", name)
	}
	var tables int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
		AND obj_description(c.oid, 'pg_class') <> ''`).Scan(&tables); err != nil || tables < 25 {
		t.Errorf("%d commented tables (%v): the catalogue query found too few to mean anything", tables, err)
	}
}
