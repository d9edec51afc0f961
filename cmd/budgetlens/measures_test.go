package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/budgetlens/budgetlens/city"
	"github.com/budgetlens/budgetlens/internal/fixture"
	"github.com/budgetlens/budgetlens/measures"
)

// layerStore is a store with the council districts and neighbourhood
// councils and the LA profile saved.
func layerStore(t *testing.T) string {
	t.Helper()
	db := tempDB(t)
	for _, c := range [][]string{
		{"geo", "import", "--layer", "council_districts", "--id-field", "District", "--name-field", "District_Name", fixture.Data(t, "la/boundaries/council_districts_2025.geojson")},
		{"geo", "import", "--layer", "neighborhood_councils", "--id-field", "Name", "--name-field", "Name", fixture.Data(t, "la/boundaries/neighborhood_councils_2025.geojson")},
		{"profile", "save", "la"},
	} {
		if code, _, errOut := run(t, append([]string{"--db", db}, c...)...); code != 0 {
			t.Fatalf("%v: %d %s", c, code, errOut)
		}
	}
	return db
}

// TestEventsImportIdempotent: the 2018 sample stores 10,000 requests;
// importing it again adds none; a copy in which one request has since
// closed and one is new updates one and adds one, in the same store.
func TestEventsImportIdempotent(t *testing.T) {
	t.Parallel()
	db := layerStore(t)
	sample := fixture.Data(t, "la/services/la_myla311_sample_2018-01-01_to_01-04.csv")
	code, out, errOut := run(t, "--db", db, "events", "import", sample)
	if code != 0 || !strings.Contains(out, "10,000 rows read, 10,000 requests added, 0 updated, 0 unchanged") || !strings.Contains(out, "4 days of January 2018") {
		t.Fatalf("first import: %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "layer neighborhood_councils: 8,772 placed by coordinates, 859 by area code, 369 not placed") {
		t.Fatalf("placement report: %s", out)
	}
	code, out, _ = run(t, "--db", db, "events", "import", sample)
	if code != 0 || !strings.Contains(out, "0 requests added, 0 updated, 10,000 unchanged") {
		t.Fatalf("second import: %d %s", code, out)
	}
	// a layer imported after the requests has them placed at once
	if code, _, errOut := run(t, "--db", db, "geo", "import", "--layer", "lafd_districts", fixture.Data(t, "la/fire/lafd_first_in_districts.geojson")); code != 0 {
		t.Fatalf("geo import: %s", errOut)
	}
	code, out, errOut = run(t, "--db", db, "measures", "table", "--layer", "lafd_districts", "--format", "csv", "--measures", "requests")
	if code != 0 || strings.Count(out, "\n") < 90 {
		t.Fatalf("measures by LAFD district: %d %s %s", code, out, errOut)
	}
	// the old name of --run still works, warns on stderr, changes nothing on stdout
	_, aliasOut, aliasErr := run(t, "--db", db, "measures", "table", "--layer", "lafd_districts", "--format", "csv", "--measures", "requests", "--need-run", "0")
	if aliasOut != out || !strings.Contains(aliasErr, "--need-run is deprecated and will be removed: use --run") {
		t.Fatalf("measures table --need-run: %s\n%s", aliasOut, aliasErr)
	}
	// --delimiter
	_, semiOut, _ := run(t, "--db", db, "measures", "table", "--layer", "lafd_districts", "--format", "csv", "--measures", "requests", "--delimiter", ";")
	if semiOut != strings.ReplaceAll(out, ",", ";") {
		t.Fatalf("measures table --delimiter ';': %.300s", semiOut)
	}
	// one request closed later than written, one new
	b, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	old := lines[1]
	lines[1] = strings.Replace(old, "01/06/2018 10:18:29 AM,Y", "01/09/2018 10:18:29 AM,Y", 1)
	if lines[1] == old {
		t.Fatal("the test's edit did not apply")
	}
	lines = append(lines[:len(lines)-1], strings.Replace(old, "1-870704814", "1-999999999", 1), "")
	edited := filepath.Join(t.TempDir(), "edited.csv")
	if err := os.WriteFile(edited, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = run(t, "--db", db, "events", "import", edited)
	if code != 0 || !strings.Contains(out, "10,001 rows read, 1 requests added, 1 updated, 9,999 unchanged") {
		t.Fatalf("edited import: %d %s %s", code, out, errOut)
	}
	code, out, _ = run(t, "--db", db, "events", "ls", "--format", "json")
	var imps []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &imps) != nil || len(imps) != 3 {
		t.Fatalf("events ls: %d %s", code, out)
	}
	// a file with a bad row stores nothing
	bad := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(bad, []byte(lines[0]+"\n"+strings.Replace(lines[3], "01/01/2018", "31/31/2018", 1)+"\n"), 0o644)
	code, _, errOut = run(t, "--db", db, "events", "import", bad)
	if code != 2 || !strings.Contains(errOut, "bad.csv:2") {
		t.Fatalf("bad file: %d %s", code, errOut)
	}
	if _, out, _ = run(t, "--db", db, "events", "ls", "--format", "json"); json.Unmarshal([]byte(out), &imps) != nil || len(imps) != 3 {
		t.Fatalf("a failed import was recorded: %s", out)
	}
}

// tableColumns is the contract of measures table --by request_type.
const tableColumns = "area_id,request_type,requests,closed,median_days,p90_days,on_time_share,per_1000"

// measureRow is one row of measures table read back.
type measureRow struct {
	requests, closed int
	median, p90      float64
	onTime           float64 // NaN: no closed request of a type with a service level
}

func readMeasureTable(t *testing.T, out string) map[[2]string]measureRow {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) < 2 {
		t.Fatalf("measures table csv: %v\n%s", err, out)
	}
	if got := strings.Join(recs[0], ","); got != tableColumns {
		t.Fatalf("columns %q, want %q", got, tableColumns)
	}
	rows := map[[2]string]measureRow{}
	for _, r := range recs[1:] {
		var m measureRow
		m.requests, _ = strconv.Atoi(r[2])
		m.closed, _ = strconv.Atoi(r[3])
		m.median, m.p90, m.onTime = math.NaN(), math.NaN(), math.NaN()
		if r[4] != "" {
			m.median, _ = strconv.ParseFloat(r[4], 64)
			m.p90, _ = strconv.ParseFloat(r[5], 64)
		}
		if r[6] != "" {
			m.onTime, _ = strconv.ParseFloat(r[6], 64)
		}
		rows[[2]string{r[0], r[1]}] = m
	}
	return rows
}

// TestMeasuresTableAgreesWithPostGIS stores the 2018 portal sample and the
// 2022 API-schema sample (each in its own store), writes measures table by
// neighbourhood council and request type, and recomputes every row in
// PostGIS from the raw file: ST_Covers for the point (the first council in
// layer order where councils overlap), the council's name for a request
// without coordinates or outside every council, the closing time parsed by
// PostgreSQL (ClosedDate, else UpdatedDate of a Closed request; a closing
// written before the creation counts as 0 days) and percentile_disc, which
// is the nearest-rank quantile, and the on-time share from the profile's
// service levels counted in SQL (onTimeSQL). Counts, closed requests,
// median, 90th percentile and on-time share must agree for every row. The columns are checked without
// PostgreSQL; the recomputation runs when BUDGETLENS_TEST_PG is set
// (scripts/test.sh starts a server).
func TestMeasuresTableAgreesWithPostGIS(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		file      string
		sr, typ   string
		created   string
		closed    string
		updated   string
		status    string
		lat, lon  string
		ncname    string
		pgFormat  string
		wantTypes int
	}{
		{"la_myla311_sample_2018-01-01_to_01-04.csv", "SRNumber", "RequestType", "CreatedDate", "ClosedDate", "UpdatedDate", "Status", "Latitude", "Longitude", "NCName", "MM/DD/YYYY HH12:MI:SS AM", 12},
		{"la_myla311_sample_2022-09-19_to_09-23.csv", "srnumber", "typeName", "createdDate", "closedDate", "", "", "latitude", "longitude", "councilName", `YYYY-MM-DD"T"HH24:MI:SS`, 12},
	} {
		t.Run(c.file, func(t *testing.T) {
			t.Parallel()
			db := layerStore(t)
			sample := fixture.Data(t, "la/services/"+c.file)
			if code, _, errOut := run(t, "--db", db, "events", "import", sample); code != 0 {
				t.Fatalf("import: %s", errOut)
			}
			code, out, errOut := run(t, "--db", db, "measures", "table", "--layer", "neighborhood_councils", "--by", "request_type", "--format", "csv")
			if code != 0 || !strings.Contains(errOut, "service requests made over") {
				t.Fatalf("measures table: %d %s", code, errOut)
			}
			ours := readMeasureTable(t, out)
			types := map[string]bool{}
			for k := range ours {
				types[k[1]] = true
			}
			if len(types) < c.wantTypes-1 {
				t.Fatalf("%d request types: %v", len(types), types)
			}
			dsn := os.Getenv("BUDGETLENS_TEST_PG")
			if dsn == "" {
				t.Skip("BUDGETLENS_TEST_PG is not set: the PostGIS recomputation did not run (scripts/test.sh sets it)")
			}
			if _, err := exec.LookPath("psql"); err != nil {
				t.Skip("psql is not installed")
			}
			// the store's LA profile names the 311 API's types as the
			// portal does (Graffiti is Graffiti Removal): rename, one to one
			la, err := city.Builtin("la")
			if err != nil {
				t.Fatal(err)
			}
			raw := postgisTable(t, dsn, sample, c.sr, c.typ, c.created, c.closed, c.updated, c.status, c.lat, c.lon, c.ncname, c.pgFormat, onTimeSQL(la.Services))
			theirs := map[[2]string]measureRow{}
			for k, v := range raw {
				k[1] = la.Services.Canonical(k[1])
				if _, dup := theirs[k]; dup {
					t.Fatalf("two types of the file are one type of the profile: %v", k)
				}
				theirs[k] = v
			}
			compareTables(t, ours, theirs)
		})
	}
}

// compareTables requires equal rows: counts exactly, quantiles to a
// millisecond (days are seconds / 86400).
func compareTables(t *testing.T, ours, theirs map[[2]string]measureRow) {
	t.Helper()
	if len(ours) != len(theirs) {
		t.Errorf("%d rows, PostGIS %d", len(ours), len(theirs))
	}
	n := 0
	for k, w := range theirs {
		g, ok := ours[k]
		if !ok {
			t.Errorf("row %v missing (PostGIS: %+v)", k, w)
			continue
		}
		same := func(a, b float64) bool { return math.IsNaN(a) && math.IsNaN(b) || math.Abs(a-b) < 1e-9 }
		if g.requests != w.requests || g.closed != w.closed || !same(g.median, w.median) || !same(g.p90, w.p90) || !same(g.onTime, w.onTime) {
			t.Errorf("row %v: ours %+v, PostGIS %+v", k, g, w)
		}
		n++
	}
	if n < 100 {
		t.Fatalf("only %d rows compared", n)
	}
}

// onTimeSQL is the on-time test of a closed request in PostgreSQL, from
// the profile's service levels written out independently of the measures
// package: calendar days as seconds, working days by counting weekdays
// with generate_series (the deadline is the end of the n-th weekday after
// the day the request was made). NULL for a type without a level.
func onTimeSQL(sv *measures.Services) string {
	var b strings.Builder
	b.WriteString("CASE")
	for _, rt := range sv.RequestTypes {
		if rt.OnTime == nil {
			continue
		}
		names := []string{"$n$" + rt.Name + "$n$"}
		for _, a := range rt.Aliases {
			names = append(names, "$n$"+a+"$n$")
		}
		var cond string
		if n := rt.OnTime.WorkingDays; n > 0 {
			cond = fmt.Sprintf(`c + make_interval(secs => secs::float8) < (SELECT d FROM generate_series(c::date + 1, c::date + %d, interval '1 day') d
				WHERE extract(isodow FROM d) < 6 ORDER BY d OFFSET %d LIMIT 1) + interval '1 day'`, 3*n+7, n-1)
		} else {
			cond = fmt.Sprintf("secs <= %g", rt.OnTime.Days*86400)
		}
		fmt.Fprintf(&b, " WHEN type IN (%s) THEN (%s)::int", strings.Join(names, ", "), cond)
	}
	b.WriteString(" END")
	return b.String()
}

// postgisTable loads the raw columns of the file into PostGIS with the
// neighbourhood councils and computes the table there.
func postgisTable(t *testing.T, dsn, file, sr, typ, created, closed, updated, status, lat, lon, ncname, format, onTime string) map[[2]string]measureRow {
	t.Helper()
	cols, rows := fixture.ReadCSV(t, file)
	get := func(r []string, name string) string {
		if name == "" {
			return ""
		}
		i, ok := cols[name]
		if !ok {
			t.Fatalf("%s has no column %s", file, name)
		}
		return r[i]
	}
	dir := t.TempDir()
	evFile := filepath.Join(dir, "ev.csv")
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	for _, r := range rows {
		w.Write([]string{get(r, sr), get(r, typ), get(r, created), get(r, closed), get(r, updated), get(r, status), get(r, lat), get(r, lon), get(r, ncname)})
	}
	w.Flush()
	if err := os.WriteFile(evFile, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	schema := fmt.Sprintf("measures_test_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9)
	nc := fixture.Data(t, "la/boundaries/neighborhood_councils_2025.geojson")
	gj, err := os.ReadFile(nc)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Features []struct {
			Properties map[string]any  `json:"properties"`
			Geometry   json.RawMessage `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(gj, &doc); err != nil {
		t.Fatal(err)
	}
	var sql strings.Builder
	fmt.Fprintf(&sql, "CREATE EXTENSION IF NOT EXISTS postgis;\nCREATE SCHEMA %s;\nCREATE TABLE %s.nc (pos int, id text, geom geometry(MultiPolygon, 4326));\n", schema, schema)
	for i, f := range doc.Features {
		fmt.Fprintf(&sql, "INSERT INTO %s.nc VALUES (%d, $q$%s$q$, ST_Multi(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON($g$%s$g$), 4326))));\n", schema, i, f.Properties["Name"], string(f.Geometry))
	}
	fmt.Fprintf(&sql, "CREATE INDEX ON %s.nc USING gist (geom);\n", schema)
	fmt.Fprintf(&sql, "CREATE TABLE %s.ev (sr text, type text, created text, closed text, updated text, status text, lat text, lon text, ncname text);\n", schema)
	fmt.Fprintf(&sql, "\\copy %s.ev FROM '%s' WITH (FORMAT csv)\n", schema, evFile)
	norm := func(x string) string {
		return fmt.Sprintf(`regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(' ' || upper(coalesce(%s, '')) || ' ', ' NEIGHBORHOOD COUNCIL ', ' ', 'g'), ' COMMUNITY COUNCIL ', ' ', 'g'), ' NC ', ' ', 'g'), ' CC ', ' ', 'g'), '[^A-Z0-9]', '', 'g')`, x)
	}
	fmt.Fprintf(&sql, `WITH e AS (
  SELECT sr, type, to_timestamp(created, '%[2]s')::timestamp AS c,
         coalesce(nullif(closed, ''), CASE WHEN status = 'Closed' THEN nullif(updated, '') END) AS cl,
         nullif(lat, '')::float8 AS lat, nullif(lon, '')::float8 AS lon, %[3]s AS ncn
  FROM %[1]s.ev),
d AS (
  SELECT *, CASE WHEN cl IS NULL THEN NULL ELSE greatest(extract(epoch FROM to_timestamp(cl, '%[2]s')::timestamp - c), 0) END AS secs,
         (SELECT n.id FROM %[1]s.nc n WHERE lat IS NOT NULL AND NOT (lat = 0 AND lon = 0)
            AND ST_Covers(n.geom, ST_SetSRID(ST_MakePoint(lon, lat), 4326)) ORDER BY n.pos LIMIT 1) AS by_point
  FROM e),
p AS (
  SELECT *, coalesce(by_point, (SELECT n.id FROM %[1]s.nc n WHERE ncn <> '' AND %[4]s = ncn ORDER BY n.pos LIMIT 1)) AS area FROM d)
SELECT area, type, count(*), count(secs),
       coalesce(percentile_disc(0.5) WITHIN GROUP (ORDER BY secs)::text, ''), coalesce(percentile_disc(0.9) WITHIN GROUP (ORDER BY secs)::text, ''),
       coalesce(avg(CASE WHEN secs IS NOT NULL THEN %[5]s END)::text, '')
FROM p WHERE area IS NOT NULL GROUP BY area, type;
DROP SCHEMA %[1]s CASCADE;
`, schema, format, norm("ncname"), norm("n.id"), onTime)
	cmd := exec.Command("psql", dsn, "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-f", "-")
	cmd.Stdin = strings.NewReader(sql.String())
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		exec.Command("psql", dsn, "-X", "-q", "-c", "DROP SCHEMA IF EXISTS "+schema+" CASCADE").Run()
		t.Fatalf("psql: %v: %s", err, errb.String())
	}
	res := map[[2]string]measureRow{}
	for _, line := range strings.Split(strings.TrimRight(out.String(), "\n"), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 7 {
			t.Fatalf("psql line %q", line)
		}
		var m measureRow
		m.requests, _ = strconv.Atoi(f[2])
		m.closed, _ = strconv.Atoi(f[3])
		m.median, m.p90, m.onTime = math.NaN(), math.NaN(), math.NaN()
		if f[4] != "" {
			a, _ := strconv.ParseFloat(f[4], 64)
			b, _ := strconv.ParseFloat(f[5], 64)
			m.median, m.p90 = a/86400, b/86400
		}
		if f[6] != "" {
			m.onTime, _ = strconv.ParseFloat(f[6], 64)
		}
		res[[2]string{f[0], f[1]}] = m
	}
	return res
}

// TestPublishedGapsByYear follows the check on a copy of the demo
// store: the LAFD districts imported with geo import, the response metrics
// with measures import-published, then measures gaps by council district
// lists EMS travel time by need tier for each year (2013 to 2016 in full,
// January-February 2017), each with its interval and whether it is a gap.
func TestPublishedGapsByYear(t *testing.T) {
	dir := sharedDemo(t)
	db := filepath.Join(t.TempDir(), "copy.duckdb")
	copyFile(t, filepath.Join(dir, "budgetlens.duckdb"), db)
	if code, _, errOut := run(t, "--db", db, "geo", "import", "--layer", "lafd_districts", fixture.Data(t, "la/fire/lafd_first_in_districts.geojson")); code != 0 {
		t.Fatalf("geo import: %s", errOut)
	}
	code, out, errOut := run(t, "--db", db, "measures", "import-published", fixture.Data(t, "la/fire/lafd_first_in_district_response_metrics_2013-01_to_2017-03.csv"), "--layer", "lafd_districts")
	if code != 0 || !strings.Contains(out, "30,600 values") || !strings.Contains(out, "102 matched") || !strings.Contains(out, "510 totals rows") {
		t.Fatalf("import-published: %d %s %s", code, out, errOut)
	}
	code, out, errOut = run(t, "--db", db, "measures", "gaps", "--layer", "council_districts", "--format", "json", "--reps", "199")
	if code != 0 {
		t.Fatalf("gaps: %d %s", code, errOut)
	}
	var res struct {
		Gaps []struct {
			Measure     string   `json:"measure"`
			GapLow      *float64 `json:"gap_low"`
			Significant *bool    `json:"gap_significant"`
		} `json:"gaps"`
		Published []struct {
			Set  string `json:"set"`
			Gaps []struct {
				Measure  string `json:"measure"`
				Period   string `json:"period"`
				Coverage string `json:"coverage"`
				Tiers    []struct {
					Tier  int      `json:"tier"`
					Value *float64 `json:"value"`
					Low   *float64 `json:"low"`
					High  *float64 `json:"high"`
				} `json:"tiers"`
				Gap         *float64 `json:"gap"`
				GapLow      *float64 `json:"gap_low"`
				GapHigh     *float64 `json:"gap_high"`
				Significant *bool    `json:"gap_significant"`
			} `json:"gaps"`
		} `json:"published"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Gaps) == 0 || res.Gaps[0].Significant == nil {
		t.Fatalf("no service-request gaps: %s", out[:min(len(out), 500)])
	}
	years := map[string]string{}
	for _, p := range res.Published {
		if p.Set != "lafd_response" {
			continue
		}
		for _, g := range p.Gaps {
			if g.Measure != "ems_travel_minutes" {
				continue
			}
			if len(g.Tiers) != 5 || g.Gap == nil || g.GapLow == nil || g.GapHigh == nil || g.Significant == nil || *g.GapLow > *g.Gap || *g.GapHigh < *g.Gap {
				t.Fatalf("EMS travel %s: %+v", g.Period, g)
			}
			for _, tr := range g.Tiers {
				if tr.Value == nil || tr.Low == nil || tr.High == nil || *tr.Value < 3 || *tr.Value > 6 {
					t.Fatalf("EMS travel %s tier %d: %+v", g.Period, tr.Tier, tr)
				}
			}
			years[g.Period] = g.Coverage
		}
	}
	want := map[string]string{"2013": "12 months, January 2013 to December 2013", "2016": "12 months, January 2016 to December 2016", "2017": "2 months, January 2017 to February 2017"}
	for y, cov := range want {
		if years[y] != cov {
			t.Errorf("year %s: %q, want %q (all: %v)", y, years[y], cov, years)
		}
	}
	if len(years) != 5 {
		t.Errorf("years %v", years)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestCityPer1000: measures table --by city gives requests per 1,000
// residents of the whole city (every stored request over the residents of
// every area of the layer), where it used to be empty; the population is
// recovered independently from each area's row (requests / per_1000).
func TestCityPer1000(t *testing.T) {
	dir := sharedDemo(t)
	db := filepath.Join(dir, "budgetlens.duckdb")
	table := func(by string) [][]string {
		code, out, errOut := run(t, "--db", db, "measures", "table", "--layer", "council_districts", "--by", by, "--measures", "per_1000", "--format", "csv")
		if code != 0 {
			t.Fatalf("measures table --by %s: %d %s", by, code, errOut)
		}
		recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil || len(recs) < 2 {
			t.Fatalf("--by %s: %v\n%s", by, err, out)
		}
		return recs
	}
	pop := 0.0
	for _, r := range table("area")[1:] {
		n, _ := strconv.ParseFloat(r[1], 64)
		rate, err := strconv.ParseFloat(r[3], 64)
		if err != nil || rate <= 0 {
			t.Fatalf("area row %v: no per_1000", r)
		}
		pop += n / rate * 1000
	}
	city := table("city")
	if got := strings.Join(city[0], ","); got != "requests,closed,per_1000" {
		t.Fatalf("columns %s", got)
	}
	n, _ := strconv.ParseFloat(city[1][0], 64)
	got, err := strconv.ParseFloat(city[1][2], 64)
	if err != nil {
		t.Fatalf("citywide per_1000 %q: %v", city[1][2], err)
	}
	if want := n / pop * 1000; math.Abs(got-want) > 1e-9*want {
		t.Fatalf("citywide per_1000 %v, want %v (%v requests over %.0f residents)", got, want, n, pop)
	}
}
