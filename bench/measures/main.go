// Command measures benchmarks budgetlens' service measures against a DuckDB
// SQL version of the same measures, on the same machine in the same run
// (bench/measures/run.sh). Every request it makes is SYNTHETIC (labelled in
// its number and source).
//
//	measures -step prepare -dir D -rows N   store with 3 layers, N requests over 4 years (not timed)
//	measures -step import  -dir D           import the requests (parse, place in 3 layers, store) and
//	                                        compute 20 measures by area x type x month for each layer
//	measures -step measures -dir D          the same measures in a new process, which reads the
//	                                        months back from the file (as budgetlens measures table
//	                                        after budgetlens events import; the import step's
//	                                        process answers from what its import kept)
//	measures -step daily   -dir D           a day's 10,000 rows: import and update every measure
//	measures -step sql     -dir D           the same measures in DuckDB SQL (read_csv, SQL)
//	measures -step ratio   -dir D           the ratios of this run: budgetlens against DuckDB SQL
//
// Each step prints one JSON line of timings and keeps it in D/STEP.json;
// run.sh runs each under /usr/bin/time for its peak memory.
package main

import (
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/budgetlens/budgetlens/city"
	"github.com/budgetlens/budgetlens/events"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/measures"
	"github.com/budgetlens/budgetlens/office"
	"github.com/budgetlens/budgetlens/store/duckdb"
)

var (
	step  = flag.String("step", "", "prepare, import, daily, sql or ratio")
	dir   = flag.String("dir", "/tmp/budgetlens-bench-measures", "working directory")
	rows  = flag.Int("rows", 10_000_000, "synthetic requests over four years")
	seed  = flag.Uint64("seed", 2024, "seed of the synthetic requests")
	daily = flag.Int("daily", 10_000, "rows of the daily increment")
	data  = flag.String("data", "testdata", "the repository's testdata folder (layers)")
	prof  = flag.String("cpuprofile", "", "write a CPU profile of the step")
	mprof = flag.String("memprofile", "", "write a heap profile after the import (import step)")
	// the synthetic files as before 2026-12-05: rows in no time order, a
	// day's request numbers from 1 (real exports are in creation order and
	// LA's numbers follow creation time; kept to compare with older runs)
	unordered = flag.Bool("unordered", false, "synthetic files in no time order, a day's numbers from 1 (as before 2026-12-05)")
)

// goSysMB is the memory the Go runtime holds from the system (the rest of
// the peak is DuckDB's).
func goSysMB() int {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int(m.Sys >> 20)
}

// layers are the three layers the requests are placed in.
var layers = []struct{ file, name, id, nameField string }{
	{"la/boundaries/council_districts_2025.geojson", "council_districts", "District", "District_Name"},
	{"la/boundaries/neighborhood_councils_2025.geojson", "neighborhood_councils", "Name", "Name"},
	{"la/fire/lafd_first_in_districts.geojson", "lafd_districts", "", "name"},
}

func main() {
	flag.Parse()
	ctx := context.Background()
	if *prof != "" {
		f, err := os.Create(*prof)
		if err == nil {
			pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
	}
	var err error
	switch *step {
	case "prepare":
		err = prepare(ctx)
	case "import":
		err = importStep(ctx)
	case "measures":
		err = measuresStep(ctx)
	case "daily":
		err = dailyStep(ctx)
	case "sql":
		err = sqlStep(ctx)
	case "ratio":
		err = ratioStep()
	default:
		err = fmt.Errorf("give -step prepare, import, daily, sql or ratio")
	}
	if err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "bench/measures:", err)
		os.Exit(1)
	}
}

func storePath() string { return filepath.Join(*dir, "store.duckdb") }
func bigFile() string {
	if *unordered {
		return filepath.Join(*dir, "synthetic-myla311-4-years.csv")
	}
	return filepath.Join(*dir, "synthetic-myla311-4-years-in-order.csv")
}
func dailyFile() string            { return filepath.Join(*dir, "synthetic-myla311-one-day.csv") }
func placeFile() string            { return filepath.Join(*dir, "placements.csv") }
func secs(d time.Duration) float64 { return math.Round(d.Seconds()*1000) / 1000 }

// emit prints a step's result as one JSON line and keeps it in
// D/STEP.json for the ratio step.
func emit(v map[string]any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	fmt.Println(string(b))
	return os.WriteFile(filepath.Join(*dir, fmt.Sprint(v["step"])+".json"), b, 0o644)
}

// openOffice opens the store with the LA profile.
func openOffice(ctx context.Context) (*office.Office, error) {
	s, err := duckdb.Open(storePath())
	if err != nil {
		return nil, err
	}
	s.CacheEvents(duckdb.DefaultEventCache) // as the command line opens it
	p, err := city.Builtin("la")
	if err != nil {
		return nil, err
	}
	return office.New(ctx, s, p)
}

// prepare makes a fresh store with the three layers and the synthetic
// file (kept between runs when it has the rows asked for).
func prepare(ctx context.Context) error {
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	for _, p := range []string{storePath(), storePath() + ".wal"} {
		os.Remove(p)
	}
	o, err := openOffice(ctx)
	if err != nil {
		return err
	}
	defer o.Store.Close()
	for _, l := range layers {
		if _, _, err := o.ImportLayer(ctx, filepath.Join(*data, l.file), geo.ImportOptions{Layer: l.name, IDField: l.id, NameField: l.nameField}); err != nil {
			return err
		}
	}
	if fi, err := os.Stat(bigFile()); err == nil && fi.Size() > int64(*rows)*100 {
		return emit(map[string]any{"step": "prepare", "file": bigFile(), "kept": true})
	}
	places, err := office.New(ctx, o.Store, o.City)
	if err != nil {
		return err
	}
	pl, err := places.GeneratorPlaces(ctx, office.PlacesOptions{County: "037", CodesLayer: "council_districts"})
	if err != nil {
		return err
	}
	f, err := os.Create(bigFile())
	if err != nil {
		return err
	}
	start := time.Now()
	rep, err := events.Generate(f, events.GenOptions{Rows: *rows, Seed: *seed, Places: pl, Year: 2014, Years: 4, NoCoordsShare: 0.02, InOrder: !*unordered})
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return emit(map[string]any{"step": "prepare", "rows": rep.Rows, "open": rep.Open, "seconds": secs(time.Since(start)), "synthetic": true})
}

// compute computes every measure by area x type x month for each layer
// over the months from..to, and returns the cells computed.
func compute(ctx context.Context, o *office.Office, from, to string) (int, error) {
	all := o.MeasureDefinitions()
	ids := make([]string, len(all))
	for i, d := range all {
		ids[i] = d.ID
	}
	names := make([]string, len(layers))
	for i, l := range layers {
		names[i] = l.name
	}
	ts, err := o.MeasureTables(ctx, office.MeasureOptions{By: []string{"request_type"}, Period: "month", Events: "synthetic", Measures: ids, From: from, To: to}, names)
	if err != nil {
		return 0, err
	}
	cells := 0
	for _, t := range ts {
		cells += len(t.Rows)
	}
	return cells, nil
}

func importStep(ctx context.Context) error {
	o, err := openOffice(ctx)
	if err != nil {
		return err
	}
	defer o.Store.Close()
	start := time.Now()
	rep, err := o.ImportEvents(ctx, office.EventImportOptions{File: bigFile()})
	if err != nil {
		return err
	}
	imported := time.Since(start)
	goImport := goSysMB()
	if *mprof != "" {
		if f, err := os.Create(*mprof); err == nil {
			pprof.WriteHeapProfile(f)
			f.Close()
		}
	}
	t1 := time.Now()
	cells, err := compute(ctx, o, "", "")
	if err != nil {
		return err
	}
	measured := time.Since(t1)
	return emit(map[string]any{"step": "import", "go_sys_mb_import": goImport, "go_sys_mb": goSysMB(), "rows": rep.Rows, "added": rep.Added, "synthetic": rep.Synthetic, "coverage": rep.Coverage,
		"layers": len(rep.Placed), "measures": len(o.MeasureDefinitions()), "cells": cells, "import_seconds": secs(imported),
		"measures_seconds": secs(measured), "total_seconds": secs(time.Since(start)), "cores": runtime.GOMAXPROCS(0)})
}

// dailyStep writes a day's rows (new requests of the day after the last
// one, and closings of requests made in the 30 days before it), imports
// them and computes every measure of the months they touch, then checks
// that these equal a full computation of those months.
func dailyStep(ctx context.Context) error {
	o, err := openOffice(ctx)
	if err != nil {
		return err
	}
	defer o.Store.Close()
	touched, err := writeDaily(ctx, o)
	if err != nil {
		return err
	}
	// the store as a day after its import: on disk. Run straight after the
	// import step (whose checkpoint leaves 440 MB in the page cache), the
	// day's commit waited 0.3 s for the kernel to write them, a cost of
	// running the steps back to back (bench/RESULTS.md, 2026-12-05 11:45-12:40)
	syscall.Sync()
	start := time.Now()
	rep, err := o.ImportEvents(ctx, office.EventImportOptions{File: dailyFile()})
	if err != nil {
		return err
	}
	imported := time.Since(start)
	t1 := time.Now()
	cells, err := compute(ctx, o, touched, "")
	if err != nil {
		return err
	}
	measured := time.Since(t1)
	total := time.Since(start)
	// the same months computed from the whole store must be equal
	ok, err := sameAsFull(ctx, o, touched)
	if err != nil {
		return err
	}
	return emit(map[string]any{"step": "daily", "rows": rep.Rows, "added": rep.Added, "updated": rep.Updated, "months_written": rep.Months,
		"cells_updated": cells, "import_seconds": secs(imported), "measures_seconds": secs(measured), "total_seconds": secs(total), "equal_to_full": ok})
}

// writeDaily writes the day's file and returns the first month it touches.
func writeDaily(ctx context.Context, o *office.Office) (string, error) {
	st, err := o.Store.EventStats(ctx)
	if err != nil {
		return "", err
	}
	day := time.Date(st.Last.Year(), st.Last.Month(), st.Last.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1)
	updates := *daily / 5
	db := o.Store.(*duckdb.Store).DB()
	rs, err := db.QueryContext(ctx, `SELECT request_id, request_type, created, lon, lat, coalesce(cd, '') FROM service_requests
		WHERE closed IS NULL AND created >= ? ORDER BY seq LIMIT ?`, day.AddDate(0, 0, -30), updates)
	if err != nil {
		return "", err
	}
	type old struct {
		id, typ, cd string
		created     time.Time
		lon, lat    sql.NullFloat64
	}
	var olds []old
	for rs.Next() {
		var x old
		if err := rs.Scan(&x.id, &x.typ, &x.created, &x.lon, &x.lat, &x.cd); err != nil {
			return "", err
		}
		olds = append(olds, x)
	}
	rs.Close()
	pl, err := o.GeneratorPlaces(ctx, office.PlacesOptions{County: "037", CodesLayer: "council_districts"})
	if err != nil {
		return "", err
	}
	number := int(st.Requests) + 1 // the day's numbers follow the store's
	if *unordered {
		number = 1
	}
	f, err := os.Create(dailyFile())
	if err != nil {
		return "", err
	}
	if _, err := events.Generate(f, events.GenOptions{Rows: *daily - len(olds), Seed: *seed + 1, Places: pl, Start: day, Span: 24 * time.Hour, InOrder: !*unordered,
		FirstNumber: number}); err != nil {
		return "", err
	}
	w := csv.NewWriter(f)
	first := measures.MonthOf(day)
	for _, x := range olds {
		closed := day.Add(10 * time.Hour).Format("2006-01-02 15:04:05")
		row := make([]string, len(events.Header))
		set := func(col, v string) {
			for i, h := range events.Header {
				if h == col {
					row[i] = v
				}
			}
		}
		set("SRNumber", x.id)
		set("CreatedDate", x.created.UTC().Format("2006-01-02 15:04:05"))
		set("UpdatedDate", closed)
		set("ClosedDate", closed)
		set("RequestType", x.typ)
		set("Status", "Closed")
		set("RequestSource", events.SyntheticSource)
		set("CD", x.cd)
		if x.lat.Valid {
			set("Latitude", fmt.Sprint(x.lat.Float64))
			set("Longitude", fmt.Sprint(x.lon.Float64))
		}
		w.Write(row)
		first = min(first, measures.MonthOf(x.created))
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return "", err
	}
	return first.String(), f.Close()
}

// sameAsFull compares the measures of the months from `from` computed
// alone with the same months of a computation over every month.
func sameAsFull(ctx context.Context, o *office.Office, from string) (bool, error) {
	// the full computation reads the file: a second Store on it that
	// keeps nothing decoded (o's store may answer from its cache)
	fs, err := duckdb.Open(storePath())
	if err != nil {
		return false, err
	}
	defer fs.Close()
	fo, err := office.New(ctx, fs, o.City)
	if err != nil {
		return false, err
	}
	for _, l := range layers[:1] {
		opt := office.MeasureOptions{Layer: l.name, By: []string{"request_type"}, Period: "month", Events: "synthetic", Measures: []string{"median_days", "backlog", "backlog_age_days", "repeat_share", "on_time_share"}}
		full, err := fo.MeasureTable(ctx, opt)
		if err != nil {
			return false, err
		}
		opt.From = from
		part, err := o.MeasureTable(ctx, opt)
		if err != nil {
			return false, err
		}
		want := map[string]string{}
		for _, r := range full.Rows {
			if r.Period >= from {
				b, _ := json.Marshal(r)
				want[r.AreaID+"|"+r.Type+"|"+r.Period] = string(b)
			}
		}
		for _, r := range part.Rows {
			b, _ := json.Marshal(r)
			if want[r.AreaID+"|"+r.Type+"|"+r.Period] != string(b) {
				return false, nil
			}
			delete(want, r.AreaID+"|"+r.Type+"|"+r.Period)
		}
		if len(want) != 0 {
			return false, nil
		}
	}
	return true, nil
}

// sqlStep computes the same measures in DuckDB SQL: the same CSV read with
// read_csv, the placements (DuckDB has no point in polygon without the
// spatial extension, which budgetlens never downloads: they are read from
// a file written from budgetlens' store, not timed), then one GROUP BY per
// layer with quantile_disc for the nearest-rank quantiles, window
// functions for repeats and running sums for the backlog.
func sqlStep(ctx context.Context) error {
	o, err := openOffice(ctx)
	if err != nil {
		return err
	}
	if err := writePlacements(ctx, o); err != nil {
		o.Store.Close()
		return err
	}
	o.Store.Close()
	path := filepath.Join(*dir, "sql.duckdb")
	os.Remove(path)
	os.Remove(path + ".wal")
	db, err := sql.Open("duckdb", path+"?autoinstall_known_extensions=false&autoload_known_extensions=false")
	if err != nil {
		return err
	}
	defer db.Close()
	times := map[string]float64{}
	run := func(name, q string) error {
		t := time.Now()
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		times[name] = secs(time.Since(t))
		return nil
	}
	start := time.Now()
	if err := run("read_csv", fmt.Sprintf(`CREATE TABLE ev AS SELECT SRNumber AS id, RequestType AS typ, RequestSource AS src,
		CAST(CreatedDate AS TIMESTAMP) AS created,
		CAST(coalesce(ClosedDate, CASE WHEN Status = 'Closed' THEN UpdatedDate END) AS TIMESTAMP) AS closed,
		coalesce(upper(regexp_replace(trim(Address), '\s+', ' ', 'g')), printf('%%.5f,%%.5f', CAST(Longitude AS DOUBLE), CAST(Latitude AS DOUBLE))) AS place
		FROM read_csv('%s', header = true, all_varchar = true)`, bigFile())); err != nil {
		return err
	}
	if err := run("placements", fmt.Sprintf(`CREATE TABLE pl AS SELECT * FROM read_csv('%s', header = true)`, placeFile())); err != nil {
		return err
	}
	if err := run("prepare", `CREATE TABLE e AS SELECT ev.*, pl.council_districts, pl.neighborhood_councils, pl.lafd_districts,
		date_trunc('month', created) AS m, date_trunc('month', closed) AS cm,
		CASE WHEN closed < created THEN 0 ELSE epoch(closed) - epoch(created) END AS secs,
		CASE WHEN lag(created) OVER (PARTITION BY typ, place ORDER BY created, id) >= created - INTERVAL 30 DAY THEN 1 ELSE 0 END AS rep
		FROM ev JOIN pl USING (id)`); err != nil {
		return err
	}
	cells := 0
	for _, l := range layers {
		q := measuresSQL(l.name)
		t := time.Now()
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM (`+q+`)`).Scan(&n); err != nil {
			return fmt.Errorf("measures %s: %w", l.name, err)
		}
		times["measures "+l.name] = secs(time.Since(t))
		cells += n
	}
	return emit(map[string]any{"step": "sql", "cells": cells, "total_seconds": secs(time.Since(start)), "stages": times})
}

// measuresSQL is the 20 measures by area x type x month of one layer: a
// row for every (area, type, month) with a request made or a backlog open
// at the month's end (every month of the data, as budgetlens reports it).
func measuresSQL(col string) string {
	onTime := `CASE typ WHEN 'Graffiti Removal' THEN secs <= 2*86400 WHEN 'Bulky Items' THEN secs <= 7*86400 WHEN 'Illegal Dumping Pickup' THEN secs <= 5*86400
		WHEN 'Metal/Household Appliances' THEN secs <= 7*86400 WHEN 'Electronic Waste' THEN secs <= 7*86400 WHEN 'Dead Animal Removal' THEN secs <= 86400 END`
	return fmt.Sprintf(`WITH cells AS (
	SELECT %[1]s AS area, typ, m, count(*) AS requests, count(closed) AS closed,
		quantile_disc(secs, 0.5) AS median_days, quantile_disc(secs, 0.9) AS p90_days,
		avg(CASE WHEN closed IS NOT NULL THEN (%[2]s)::INT END) AS on_time_share,
		count(closed) / count(*) AS share_closed, avg(rep) AS repeat_share,
		avg((src IN ('Mobile App', 'Self Service', 'Website', 'Email', 'Social'))::INT) AS self_service_share,
		quantile_disc(secs, 0.5) FILTER (WHERE typ = 'Bulky Items') AS bulky_median_days,
		avg(CASE WHEN closed IS NOT NULL AND typ = 'Bulky Items' THEN (secs <= 7*86400)::INT END) AS bulky_on_time,
		quantile_disc(secs, 0.5) FILTER (WHERE typ = 'Graffiti Removal') AS graffiti_median_days,
		avg(CASE WHEN closed IS NOT NULL AND typ = 'Graffiti Removal' THEN (secs <= 2*86400)::INT END) AS graffiti_on_time,
		quantile_disc(secs, 0.5) FILTER (WHERE typ = 'Illegal Dumping Pickup') AS dumping_median_days,
		avg(CASE WHEN closed IS NOT NULL AND typ = 'Illegal Dumping Pickup' THEN (secs <= 5*86400)::INT END) AS dumping_on_time,
		quantile_disc(secs, 0.5) FILTER (WHERE typ = 'Homeless Encampment') AS encampment_median_days,
		avg((closed IS NOT NULL)::INT) FILTER (WHERE typ = 'Homeless Encampment') AS encampment_share_closed,
		quantile_disc(secs, 0.5) FILTER (WHERE typ IN ('Single Streetlight Issue', 'Multiple Streetlight Issue')) AS streetlight_median_days
	FROM e WHERE %[1]s >= 0 GROUP BY ALL),
flow AS (
	SELECT area, typ, m, sum(n) AS n, sum(s) AS s FROM (
		SELECT %[1]s AS area, typ, m, 1 AS n, epoch(created) AS s FROM e WHERE %[1]s >= 0
		UNION ALL
		SELECT %[1]s, typ, cm, -1, -epoch(created) FROM e WHERE %[1]s >= 0 AND closed IS NOT NULL) GROUP BY ALL),
grid AS (
	SELECT a.area, a.typ, mm.m FROM (SELECT DISTINCT area, typ FROM flow) a CROSS JOIN (SELECT DISTINCT m FROM e) mm),
backlog AS (
	SELECT g.area, g.typ, g.m, sum(coalesce(f.n, 0)) OVER w AS backlog,
		(sum(coalesce(f.n, 0)) OVER w * epoch(g.m + INTERVAL 1 MONTH) - sum(coalesce(f.s, 0)) OVER w) / nullif(sum(coalesce(f.n, 0)) OVER w, 0) / 86400 AS backlog_age_days
	FROM grid g LEFT JOIN flow f USING (area, typ, m) WINDOW w AS (PARTITION BY g.area, g.typ ORDER BY g.m))
SELECT * FROM cells c FULL JOIN backlog b USING (area, typ, m) WHERE c.requests IS NOT NULL OR b.backlog > 0`, col, onTime)
}

// writePlacements writes each stored request's area in the three layers
// (from the partitions) for the SQL version.
func writePlacements(ctx context.Context, o *office.Office) error {
	f, err := os.Create(placeFile())
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	names := make([]string, len(layers))
	for i, l := range layers {
		names[i] = l.name
	}
	w.Write(append([]string{"id"}, names...))
	ids := map[int64]string{}
	if err := o.Store.EachEvent(ctx, func(e *events.Stored) error {
		ids[e.Seq] = e.ID
		return nil
	}); err != nil {
		return err
	}
	parts, err := o.Store.EventPartitions(ctx, 0, 0)
	if err != nil {
		return err
	}
	for _, p := range parts {
		idx := make([]int, len(layers))
		for k, n := range names {
			idx[k] = p.LayerIndex(n)
		}
		for i, seq := range p.Seq {
			rec := []string{ids[seq]}
			for _, l := range idx {
				rec = append(rec, fmt.Sprint(p.Area[l][i]))
			}
			w.Write(rec)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return f.Close()
}

// ratioStep reads the import and sql steps of this run and prints
// budgetlens' time over DuckDB SQL's, for the measures alone (both from
// stored, placed requests) and end to end (budgetlens: parse, place in 3
// layers, store and compute; SQL: read_csv, join the given placements and
// compute: SQL is not charged for placement). A ratio under 1 means
// budgetlens is faster. The cells computed must agree in number: both
// count the (area, type, month) cells with at least one request.
// measuresStep computes the import step's measures in a new process: the
// months are read back from the file and decoded.
func measuresStep(ctx context.Context) error {
	o, err := openOffice(ctx)
	if err != nil {
		return err
	}
	defer o.Store.Close()
	start := time.Now()
	cells, err := compute(ctx, o, "", "")
	if err != nil {
		return err
	}
	return emit(map[string]any{"step": "measures", "cells": cells, "measures_seconds": secs(time.Since(start)), "go_sys_mb": goSysMB()})
}

func ratioStep() error {
	read := func(name string) (map[string]any, error) {
		b, err := os.ReadFile(filepath.Join(*dir, name+".json"))
		if err != nil {
			return nil, fmt.Errorf("run the %s step first: %w", name, err)
		}
		var v map[string]any
		return v, json.Unmarshal(b, &v)
	}
	imp, err := read("import")
	if err != nil {
		return err
	}
	q, err := read("sql")
	if err != nil {
		return err
	}
	num := func(m map[string]any, k string) float64 { f, _ := m[k].(float64); return f }
	var sqlMeasures float64
	stages, _ := q["stages"].(map[string]any)
	for k, v := range stages {
		if len(k) > 9 && k[:9] == "measures " {
			f, _ := v.(float64)
			sqlMeasures += f
		}
	}
	out := map[string]any{"step": "ratio",
		"budgetlens_measures_seconds": num(imp, "measures_seconds"), "sql_measures_seconds": sqlMeasures,
		"measures_ratio":           round3(num(imp, "measures_seconds") / sqlMeasures),
		"budgetlens_total_seconds": num(imp, "total_seconds"), "sql_total_seconds": num(q, "total_seconds"),
		"total_ratio":      round3(num(imp, "total_seconds") / num(q, "total_seconds")),
		"budgetlens_cells": num(imp, "cells"), "sql_cells": num(q, "cells"),
		"cells_agree": num(imp, "cells") == num(q, "cells"),
	}
	if d, err := read("daily"); err == nil {
		out["daily_total_seconds"] = num(d, "total_seconds")
		out["daily_equal_to_full"] = d["equal_to_full"]
	}
	if m, err := read("measures"); err == nil {
		// a new process: the import, then the measures read from the file
		out["budgetlens_new_process_measures_seconds"] = num(m, "measures_seconds")
		out["new_process_total_ratio"] = round3((num(imp, "import_seconds") + num(m, "measures_seconds")) / num(q, "total_seconds"))
		out["new_process_cells_agree"] = num(m, "cells") == num(q, "cells")
	}
	return emit(out)
}

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }
