package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/budgetlens/budgetlens/internal/fixture"
	"github.com/budgetlens/budgetlens/need"
	"github.com/budgetlens/budgetlens/store/duckdb"
)

func TestEventsGenerateAndSummarize(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	dir := t.TempDir()
	districts := fixture.Data(t, "la/boundaries/council_districts_2025.geojson")
	tracts := fixture.Data(t, "la/tracts/ca_tracts2020_points_pop_mhi_dwr_eda_2023.csv")
	if code, _, errOut := run(t, "--db", db, "geo", "import", "--layer", "council_districts", "--id-field", "District", districts); code != 0 {
		t.Fatalf("geo import: %d %s", code, errOut)
	}
	out := filepath.Join(dir, "req.csv")
	args := []string{"--db", db, "events", "generate", "--out", out, "--rows", "20000", "--seed", "9", "--tracts", tracts, "--codes-layer", "council_districts"}
	if code, _, errOut := run(t, args...); code != 0 || !strings.Contains(errOut, "SYNTHETIC") {
		t.Fatalf("generate: %d %s", code, errOut)
	}
	first, _ := os.ReadFile(out)
	if code, _, _ := run(t, args...); code != 0 {
		t.Fatal("second generate failed")
	}
	if second, _ := os.ReadFile(out); string(first) != string(second) {
		t.Error("same seed gave different files")
	}
	code, stdout, errOut := run(t, "--db", db, "events", "summarize", "--layer", "council_districts", "--in", out, "--format", "json")
	if code != 0 {
		t.Fatalf("summarize: %d %s", code, errOut)
	}
	var s struct {
		Layer     string
		Rows      int
		Located   int
		ByCode    int `json:"by_code"`
		Unplaced  int
		Synthetic int
		Areas     []struct {
			AreaID string `json:"area_id"`
			Count  int
		}
	}
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		t.Fatal(err)
	}
	sum := 0
	for _, a := range s.Areas {
		sum += a.Count
	}
	if s.Layer != "council_districts" || s.Rows != 20000 || s.Synthetic != 20000 || len(s.Areas) != 15 || sum != s.Located+s.ByCode || s.Unplaced != 0 || s.ByCode == 0 {
		t.Errorf("summary: %+v (areas sum %d)", s, sum)
	}
	code, stdout, errOut = run(t, "--db", db, "events", "summarize", "--layer", "council_districts", "--in", out)
	if code != 0 || !strings.Contains(stdout, "median_hours") || !strings.Contains(errOut, "SYNTHETIC DATA") {
		t.Errorf("table: %d %q %q", code, stdout[:min(200, len(stdout))], errOut)
	}
}

func TestEventsSummarizeBadInput(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	districts := fixture.Data(t, "la/boundaries/council_districts_2025.geojson")
	if code, _, errOut := run(t, "--db", db, "geo", "import", "--layer", "council_districts", "--id-field", "District", districts); code != 0 {
		t.Fatalf("geo import: %d %s", code, errOut)
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(bad, []byte("SRNumber,CreatedDate,ClosedDate,RequestType,Latitude,Longitude,CD\n"+
		"A1,2016-01-01 10:00:00,,Graffiti Removal,34.05,-118.25,14\n"+
		"A2,yesterday,,Graffiti Removal,34.05,-118.25,14\n"), 0o644)
	code, _, errOut := run(t, "--db", db, "events", "summarize", "--layer", "council_districts", "--in", bad)
	if code != 2 || !strings.Contains(errOut, "bad.csv:3:2") || !strings.Contains(errOut, "CreatedDate") || !strings.Contains(errOut, "yesterday") {
		t.Errorf("strict: exit %d, %q", code, errOut)
	}
	code, stdout, errOut := run(t, "--db", db, "events", "summarize", "--layer", "council_districts", "--in", bad, "--lenient", "--format", "csv")
	if code != 0 || !strings.Contains(errOut, "1 bad") || !strings.Contains(errOut, "bad.csv:3") || !strings.HasPrefix(stdout, "area_id,") {
		t.Errorf("lenient: exit %d, %q %q", code, stdout, errOut)
	}
	if code, _, _ := run(t, "--db", db, "events", "summarize", "--layer", "nope", "--in", bad); code == 0 {
		t.Error("missing layer accepted")
	}
	if code, _, _ := run(t, "events", "generate", "--out", bad, "--rows", "10", "--county", "059"); code != 2 {
		t.Errorf("generate for another county without --tracts: exit %d, want 2", code)
	}
	if code, _, _ := run(t, "events", "generate", "--out", bad, "--rows", "0"); code != 2 {
		t.Errorf("generate 0 rows: exit %d, want 2", code)
	}
	// The brief's plain form works offline with the built-in tracts.
	plain := filepath.Join(t.TempDir(), "plain.csv")
	if code, _, errOut := run(t, "events", "generate", "--out", plain, "--rows", "1000", "--seed", "3"); code != 0 || !strings.Contains(errOut, "2498 places") {
		t.Errorf("plain generate: exit %d, %s", code, errOut)
	}
}

// TestEventsSummarizeByNeedTier stores a need run over the districts (tiers
// by district number, for the test) and checks the per-tier summary.
func TestEventsSummarizeByNeedTier(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	districts := fixture.Data(t, "la/boundaries/council_districts_2025.geojson")
	if code, _, errOut := run(t, "--db", db, "geo", "import", "--layer", "council_districts", "--id-field", "District", districts); code != 0 {
		t.Fatalf("geo import: %d %s", code, errOut)
	}
	st, err := duckdb.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	r := &need.Run{Spec: "test", SpecVersion: "1", Layer: "council_districts", CreatedAt: time.Now().UTC()}
	for i := 1; i <= 15; i++ {
		r.Areas = append(r.Areas, need.AreaResult{ID: strconv.Itoa(i), Tier: []string{"low", "high"}[i%2]})
	}
	if _, err := st.SaveRun(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	st.Close()
	in := fixture.Data(t, "la/services/myla311_sample_2016_100rows.csv")
	code, stdout, errOut := run(t, "--db", db, "events", "summarize", "--layer", "council_districts", "--in", in, "--need-run", "latest", "--format", "json")
	if code != 0 {
		t.Fatalf("summarize: %d %s", code, errOut)
	}
	var s struct {
		Areas []struct {
			AreaID string `json:"area_id"`
			Count  int
		}
		Tiers []struct {
			Tier  string
			Areas int
			Count int
		}
	}
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for _, a := range s.Areas {
		n, _ := strconv.Atoi(a.AreaID)
		want[[]string{"low", "high"}[n%2]] += a.Count
	}
	if len(s.Tiers) != 2 {
		t.Fatalf("tiers %+v", s.Tiers)
	}
	for _, tr := range s.Tiers {
		if tr.Count != want[tr.Tier] || tr.Areas != map[string]int{"low": 7, "high": 8}[tr.Tier] {
			t.Errorf("tier %+v, want %d requests", tr, want[tr.Tier])
		}
	}
	if want["low"]+want["high"] != 100 {
		t.Errorf("areas hold %v", want)
	}
	code, stdout, _ = run(t, "--db", db, "events", "summarize", "--layer", "council_districts", "--in", in, "--need-run", "latest")
	if code != 0 || !strings.Contains(stdout, "need_tier") {
		t.Errorf("table: %d %s", code, stdout)
	}
}

// TestEventsSummarizePointLayer summarises the real sample on a layer of
// points (nearest point within --max-distance).
func TestEventsSummarizePointLayer(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	pts := filepath.Join(t.TempDir(), "pts.csv")
	// Two points: central San Pedro (near sample row 1) and Van Nuys (rows 2-3).
	os.WriteFile(pts, []byte("id,lon,lat,pop\nsp,-118.2856,33.7329,1000\nvn,-118.456,34.188,2000\n"), 0o644)
	if code, _, errOut := run(t, "--db", db, "geo", "import", "--layer", "pts", "--id-field", "id", "--population-field", "pop", pts); code != 0 {
		t.Fatalf("geo import: %d %s", code, errOut)
	}
	in := fixture.Data(t, "la/services/myla311_sample_2016_100rows.csv")
	code, stdout, errOut := run(t, "--db", db, "events", "summarize", "--layer", "pts", "--in", in, "--max-distance", "1500", "--code-column", "", "--format", "csv")
	if code != 0 {
		t.Fatalf("summarize: %d %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], "sp,1000,") || !strings.HasPrefix(lines[2], "vn,2000,") {
		t.Fatalf("output %q", stdout)
	}
	sp, _ := strconv.Atoi(strings.Split(lines[1], ",")[2])
	vn, _ := strconv.Atoi(strings.Split(lines[2], ",")[2])
	if sp < 1 || vn < 2 || !strings.Contains(errOut, "not placed") {
		t.Errorf("san pedro %d, van nuys %d; %s", sp, vn, errOut)
	}
}
