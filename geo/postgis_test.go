package geo

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// psql runs SQL through the psql client against $BUDGETLENS_TEST_PG and
// returns its unaligned, tuples-only output.
func psql(t *testing.T, dsn, sql string) string {
	t.Helper()
	cmd := exec.Command("psql", dsn, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-f", "-")
	cmd.Stdin = strings.NewReader(sql)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("psql: %v: %s", err, errb.String())
	}
	return out.String()
}

// TestLocateAgreesWithPostGIS loads the 99 current neighbourhood councils
// into PostGIS and compares ST_Covers with Locate on 100,000 seeded random
// points over Los Angeles. Where PostGIS finds several councils (overlaps)
// Locate must give the first in layer order; points that PostGIS finds on
// an area's boundary are excepted. Runs when BUDGETLENS_TEST_PG is set
// (scripts/test.sh starts a private server) and psql is installed.
func TestLocateAgreesWithPostGIS(t *testing.T) {
	dsn := os.Getenv("BUDGETLENS_TEST_PG")
	if dsn == "" {
		t.Skip("BUDGETLENS_TEST_PG is not set (scripts/test.sh sets it when PostgreSQL and PostGIS are installed)")
	}
	if _, err := exec.LookPath("psql"); err != nil {
		t.Skip("psql is not installed")
	}
	l, _ := readFixture(t, "la/boundaries/neighborhood_councils_2025.geojson", ImportOptions{IDField: "Name"})
	ix := NewIndex(l)
	schema := fmt.Sprintf("geo_test_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9)
	psql(t, dsn, "CREATE EXTENSION IF NOT EXISTS postgis;")
	t.Cleanup(func() { psql(t, dsn, "DROP SCHEMA IF EXISTS "+schema+" CASCADE;") })

	var sql strings.Builder
	fmt.Fprintf(&sql, "CREATE SCHEMA %s;\nCREATE TABLE %s.nc (pos int PRIMARY KEY, geom geometry(MultiPolygon, 4326));\n", schema, schema)
	for i := range l.Areas {
		g := string(appendGeometry(nil, l.Areas[i].Geom))
		fmt.Fprintf(&sql, "INSERT INTO %s.nc VALUES (%d, ST_SetSRID(ST_GeomFromGeoJSON('%s'), 4326));\n", schema, i, g)
	}
	fmt.Fprintf(&sql, "CREATE INDEX ON %s.nc USING gist (geom);\nCREATE TABLE %s.pts (id int PRIMARY KEY, lon float8, lat float8);\n", schema, schema)
	psql(t, dsn, sql.String())

	const n = 100000
	rng := rand.New(rand.NewSource(2026))
	lon, lat := make([]float64, n), make([]float64, n)
	var csvb strings.Builder
	for i := 0; i < n; i++ {
		lon[i] = -118.67 + rng.Float64()*0.52
		lat[i] = 33.70 + rng.Float64()*0.64
		fmt.Fprintf(&csvb, "%d,%s,%s\n", i, strconv.FormatFloat(lon[i], 'g', -1, 64), strconv.FormatFloat(lat[i], 'g', -1, 64))
	}
	ptsFile := filepath.Join(t.TempDir(), "pts.csv")
	if err := os.WriteFile(ptsFile, []byte(csvb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out := psql(t, dsn, fmt.Sprintf(`\copy %s.pts FROM '%s' WITH (FORMAT csv)
SELECT p.id, coalesce(string_agg(n.pos::text, ' ' ORDER BY n.pos), ''),
       bool_or(ST_Intersects(ST_Boundary(n.geom), ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)))
FROM %s.pts p LEFT JOIN %s.nc n ON ST_Covers(n.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326))
GROUP BY p.id ORDER BY p.id;
`, schema, ptsFile, schema, schema))
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != n {
		t.Fatalf("PostGIS returned %d rows for %d points", len(lines), n)
	}
	inside, multi, onBoundary, mismatches := 0, 0, 0, 0
	for _, line := range lines {
		f := strings.Split(line, "|")
		id, _ := strconv.Atoi(f[0])
		if f[2] == "t" {
			onBoundary++
			continue
		}
		want := -1
		if f[1] != "" {
			ps := strings.Fields(f[1])
			want, _ = strconv.Atoi(ps[0])
			inside++
			if len(ps) > 1 {
				multi++
			}
		}
		got, ok := ix.Locate(lon[id], lat[id])
		if !ok {
			got = -1
		}
		if got != want {
			mismatches++
			if mismatches <= 5 {
				t.Errorf("point %d (%v, %v): Locate %d, PostGIS ST_Covers %s", id, lon[id], lat[id], got, f[1])
			}
		}
	}
	t.Logf("%d points: %d inside a council (%d in two or more, %.2f%% of those inside), %d on a boundary (excepted), %d mismatches",
		n, inside, multi, 100*float64(multi)/float64(max(inside, 1)), onBoundary, mismatches)
	if mismatches > 0 {
		t.Fatalf("%d of %d points disagree with PostGIS", mismatches, n)
	}
	if inside < n/5 {
		t.Fatalf("only %d points inside: the comparison is too weak", inside)
	}
}
