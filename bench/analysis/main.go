// Command bench/analysis times the attribution and metrics stage of the
// demo (1,000,000 synthetic MyLA311 requests located in the council
// districts, CES 3.0 tracts placed by their points, every FY2021-22 proposed
// line item attributed by the LA rules, per-capita spending, need tiers and
// the concentration index with a 999-replicate bootstrap) and runs the
// equivalent geopandas script (geopandas_stage.py) on the same input files in
// the same run, printing both times, the ratio and the largest difference
// between the two attributions.
//
// Usage: go run ./bench/analysis [-rows 1000000] [-python /usr/bin/python3]
package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"github.com/budgetlens/budgetlens/city"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/attribute"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/events"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/ingest"
	"github.com/budgetlens/budgetlens/internal/fixture"
	"github.com/budgetlens/budgetlens/need"
)

func main() {
	rows := flag.Int("rows", 1_000_000, "synthetic service requests")
	py := flag.String("python", "/usr/bin/python3", "python with geopandas (Debian python3-geopandas)")
	work := flag.String("dir", "", "work directory (default: a temporary one, removed)")
	flag.Parse()
	if err := run(*rows, *py, *work); err != nil {
		fmt.Fprintln(os.Stderr, "bench/analysis:", err)
		os.Exit(1)
	}
}

func data(rel string) string {
	p := filepath.Join(fixture.Root(), "testdata", rel)
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return filepath.Join(fixture.SharedDir(), rel)
}

func run(rows int, py, work string) error {
	if work == "" {
		d, err := os.MkdirTemp("", "analysisbench")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		work = d
	}
	cdFile := data("la/boundaries/council_districts_2025.geojson")
	cesFile := data("la/need/ces3_results_all_ca_tracts.csv")
	cd, _, err := geo.ReadFile(cdFile, geo.ImportOptions{Layer: "council_districts", IDField: "District"})
	if err != nil {
		return err
	}
	ix := geo.NewIndex(cd)
	// inputs written once, read by both sides
	places, err := events.TractPlaces(data("la/tracts/ca_tracts2020_points_pop_mhi_dwr_eda_2023.csv"), "037")
	if err != nil {
		return err
	}
	var city []events.Place
	for _, p := range places {
		if _, ok := ix.Locate(p.Lon, p.Lat); ok {
			city = append(city, p)
		}
	}
	evFile := filepath.Join(work, "synthetic_myla311.csv")
	f, err := os.Create(evFile)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	if _, err := events.Generate(bw, events.GenOptions{Rows: rows, Seed: 2021, Places: city}); err != nil {
		return err
	}
	bw.Flush()
	f.Close()
	var items []budget.LineItem
	for _, name := range []string{"Expenditures_Sec2_for_2122_Adopted.csv", "Expenditures_Sec4_for_2122_Adopted.csv"} {
		p := data("la/budget/FY21-22/" + name)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		batch, err := ingest.CSV(p, b, ingest.Options{})
		if err != nil {
			return err
		}
		for _, li := range batch.LineItems {
			if li.FiscalYear.Start == 2021 && li.Phase == budget.Adopted && li.Kind == budget.Expenditure {
				items = append(items, li)
			}
		}
	}
	rules, err := laRules()
	if err != nil {
		return err
	}
	itemsFile := filepath.Join(work, "items.csv")
	if err := writeItems(itemsFile, items, rules); err != nil {
		return err
	}
	var total int64
	for _, li := range items {
		total += li.AmountCents
	}
	fmt.Printf("inputs: %d synthetic requests, %d line items ($%s), %d council districts, CES 3.0 tracts; GOMAXPROCS %d\n",
		rows, len(items), analysis.FormatCents(total), len(cd.Areas), runtime.GOMAXPROCS(0))

	// budgetlens: the attribution and metrics stage
	t0 := time.Now()
	ef, err := os.Open(evFile)
	if err != nil {
		return err
	}
	ids := make([]string, len(cd.Areas))
	for i, a := range cd.Areas {
		ids[i] = a.ID
	}
	sum, err := events.Summarize(bufio.NewReaderSize(ef, 1<<20), evFile, events.Options{Locator: ix, AreaIDs: ids})
	ef.Close()
	if err != nil {
		return err
	}
	tEvents := time.Since(t0)
	tab, err := need.ReadTable(cesFile, need.ReadOptions{})
	if err != nil {
		return err
	}
	county, err := analysis.TractPointsTable(tab, "tracts", "Los Angeles")
	if err != nil {
		return err
	}
	score, err := tab.Numbers("CES 3.0 Score")
	if err != nil {
		return err
	}
	runNeed := &need.Run{Layer: "tracts", TopTier: "top"}
	for i, id := range tab.Areas {
		runNeed.Areas = append(runNeed.Areas, need.AreaResult{ID: strings.TrimSpace(id), Score: need.Num(score[i]), Population: need.NaN})
	}
	res, err := analysis.Analyze(&analysis.Input{FiscalYear: budget.FiscalYear{Start: 2021}, Phase: budget.Adopted, Items: items, PhaseTotal: total,
		Layer: cd, Index: ix, Run: runNeed, Small: county, Rules: rules, Events: sum, Tiers: 5, Perms: -1, Seed: analysis.DefaultSeed, NoEnsemble: true})
	if err != nil {
		return err
	}
	tGo := time.Since(t0)
	fmt.Printf("budgetlens: events %.3f s, attribution + metrics %.3f s, total %.3f s\n", tEvents.Seconds(), (tGo - tEvents).Seconds(), tGo.Seconds())
	fmt.Printf("budgetlens: attributed $%s of $%s; concentration index %.4f\n", analysis.FormatCents(int64(res.Totals.Attributed)),
		analysis.FormatCents(total), res.Headline.Concentration)

	// geopandas on the same files
	script := filepath.Join(fixture.Root(), "bench", "analysis", "geopandas_stage.py")
	out := filepath.Join(work, "geopandas.json")
	cmd := exec.Command(py, script, evFile, cdFile, cesFile, itemsFile, out)
	cmd.Stderr = os.Stderr
	t1 := time.Now()
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("geopandas script: %w (install Debian python3-geopandas)", err)
	}
	tPy := time.Since(t1)
	var pr struct {
		Seconds       map[string]float64 `json:"seconds"`
		ByArea        map[string]float64 `json:"by_area"`
		Attributed    float64            `json:"attributed"`
		Concentration float64            `json:"concentration_index"`
	}
	b, err := os.ReadFile(out)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, &pr); err != nil {
		return err
	}
	fmt.Printf("geopandas: %v (whole process %.3f s)\n", pr.Seconds, tPy.Seconds())
	var maxDiff float64
	for _, a := range res.Areas {
		d := math.Abs(a.Amount.Float() - pr.ByArea[a.AreaID])
		maxDiff = math.Max(maxDiff, d)
	}
	fmt.Printf("agreement: attributed $%.2f (geopandas) vs $%s; largest difference in one district $%.2f; concentration index %.6f vs %.6f\n",
		pr.Attributed, analysis.FormatCents(int64(res.Totals.Attributed)), maxDiff, pr.Concentration, float64(res.Headline.Concentration))
	fmt.Printf("ratio geopandas / budgetlens (stage): %.1fx\n", pr.Seconds["total"]/tGo.Seconds())
	return nil
}

// writeItems writes each item with the rule the LA rules select for it, so
// that the script applies the same methods: id, dept, cents, method,
// event_types (|-separated), attribute, fallback.
func writeItems(path string, items []budget.LineItem, rules *attribute.Rules) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := csv.NewWriter(f)
	w.Write([]string{"id", "dept", "cents", "method", "event_types", "attribute", "fallback"})
	for i, it := range analysis.LineItems(items) {
		r := rules.Select(&it)
		w.Write([]string{strconv.Itoa(i), it.Dept(), strconv.FormatInt(it.Cents, 10), r.Method, strings.Join(r.EventTypes, "|"), r.Attribute, r.Fallback})
	}
	w.Flush()
	return w.Error()
}

// laRules returns the attribution rules of the Los Angeles city profile.
func laRules() (*attribute.Rules, error) {
	p, err := city.Builtin("la")
	if err != nil {
		return nil, err
	}
	return p.Rules(), nil
}
