// Command storetool is the crash trials' helper (bench/store/crash.sh): it
// imports budget files into a store, announcing on stdout when it starts
// writing and when the import is committed, so that the script can kill it
// in between; and it prints a store's state (what an import must not
// change when it is killed) as JSON.
//
//	storetool import -db DB FILE...   (DB: a DuckDB file or a postgres:// URL)
//	storetool state -db DB
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/ingest"
	"github.com/budgetlens/budgetlens/store"
	"github.com/budgetlens/budgetlens/store/duckdb"
	"github.com/budgetlens/budgetlens/store/postgres"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: storetool import|state -db DB [FILE...]")
		os.Exit(2)
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	db := fs.String("db", "", "DuckDB file or postgres:// URL")
	fs.Parse(os.Args[2:])
	ctx := context.Background()
	s, err := open(ctx, *db)
	if err != nil {
		fmt.Fprintln(os.Stderr, "storetool:", err)
		os.Exit(1)
	}
	defer s.Close()
	switch os.Args[1] {
	case "import":
		err = importFiles(ctx, s, fs.Args())
	case "state":
		err = printState(ctx, s)
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "storetool:", err)
		os.Exit(1)
	}
}

func open(ctx context.Context, db string) (store.Store, error) {
	if postgres.IsURL(db) {
		return postgres.Open(ctx, db, postgres.Options{})
	}
	return duckdb.Open(db)
}

func importFiles(ctx context.Context, s store.Store, files []string) error {
	for _, f := range files {
		bs, err := ingest.File(f, ingest.Options{})
		if err != nil {
			return err
		}
		for _, b := range bs {
			fmt.Printf("writing %d rows of %s\n", b.Rows(), f)
			os.Stdout.Sync()
			run, err := s.ImportBatch(ctx, b)
			if err != nil {
				return err
			}
			fmt.Printf("committed run %d\n", run.ID)
			os.Stdout.Sync()
		}
	}
	return nil
}

// state is what a killed import must leave as it was.
type state struct {
	Runs   []int64          `json:"import_runs"`
	Totals map[string]int64 `json:"totals"` // current totals by fiscal year, phase and kind
	Rows   map[string]int64 `json:"rows"`   // every row of the budget tables, superseded or not
}

func printState(ctx context.Context, s store.Store) error {
	st := state{Totals: map[string]int64{}, Rows: map[string]int64{}}
	runs, err := s.ImportRuns(ctx)
	if err != nil {
		return err
	}
	for _, r := range runs {
		st.Runs = append(st.Runs, r.ID)
	}
	slices, err := s.FiscalYearsPhases(ctx, "")
	if err != nil {
		return err
	}
	for _, sl := range slices {
		for _, k := range []budget.Kind{budget.Expenditure, budget.Revenue, budget.Positions} {
			fy := sl.FiscalYear
			n, err := s.PhaseTotal(ctx, budget.Filter{FiscalYear: &fy, Phase: sl.Phase, Kind: k})
			if err != nil {
				return err
			}
			st.Totals[fmt.Sprintf("%s %s %s", fy.Label(), sl.Phase, k)] = n
		}
	}
	for _, table := range []string{"import_runs", "budget_runs", "budget_slices", "line_items", "budget_requests", "performance_measures", "budget_descriptions"} {
		n, err := count(ctx, s, table)
		if err != nil {
			return err
		}
		st.Rows[table] = n
	}
	return json.NewEncoder(os.Stdout).Encode(st)
}

// count counts a table's rows through the store's own connection.
func count(ctx context.Context, s store.Store, table string) (int64, error) {
	var n int64
	q := "SELECT count(*) FROM " + table // table names are the constants above
	switch x := s.(type) {
	case *duckdb.Store:
		return n, x.DB().QueryRowContext(ctx, q).Scan(&n)
	case *postgres.Store:
		return n, x.Pool().QueryRow(ctx, q).Scan(&n)
	}
	return 0, fmt.Errorf("unknown store %T", s)
}
