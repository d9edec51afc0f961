package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"time"

	"github.com/budgetlens/budgetlens"
	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/attribute"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/events"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/ingest"
	"github.com/budgetlens/budgetlens/need"
	"github.com/budgetlens/budgetlens/report"
	"github.com/budgetlens/budgetlens/store/duckdb"
	"github.com/spf13/cobra"
)

func init() { register(newDemoCmd) }

// demoOpts configure the demo.
type demoOpts struct {
	dir     string
	rows    int
	seed    uint64
	noServe bool
	noPDF   bool
	reps    int
	timings bool
	cpuProf string
}

func newDemoCmd() *cobra.Command {
	var o demoOpts
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Build the Los Angeles FY2021-22 demo store, analyse it and write the council report",
		Long: `demo builds budgetlens-demo/budgetlens.duckdb (under the current directory; --dir to
change) from the data shipped inside the binary: the LA FY2021-22 budget and budget
requests, the 2025 council districts and neighbourhood councils, CalEnviroScreen 3.0
(recomputed statewide) as the need index over LA census tracts placed by their
points, ACS 2015-19 population groups, and about 1,000,000 SYNTHETIC MyLA311 service
requests generated from a seed and weighted by tract population. It attributes
every dollar, analyses the proposed budget by council district and writes
report.html, report.xlsx and (with Chromium) report.pdf. There is no dashboard
yet: --no-serve is accepted and the command stops after the files.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.cpuProf != "" {
				f, err := os.Create(o.cpuProf)
				if err != nil {
					return err
				}
				defer f.Close()
				if err := pprof.StartCPUProfile(f); err != nil {
					return err
				}
				defer pprof.StopCPUProfile()
			}
			_, err := runDemo(context.Background(), cmd.OutOrStdout(), &o)
			return err
		},
	}
	cmd.Flags().StringVar(&o.dir, "dir", "budgetlens-demo", "directory of the demo store and reports")
	cmd.Flags().IntVar(&o.rows, "requests", 1_000_000, "number of synthetic service requests")
	cmd.Flags().Uint64Var(&o.seed, "seed", 2021, "seed of the synthetic service requests")
	cmd.Flags().BoolVar(&o.noServe, "no-serve", false, "stop after writing the files (there is no dashboard yet, so the demo always stops)")
	cmd.Flags().BoolVar(&o.noPDF, "no-pdf", false, "skip the PDF")
	cmd.Flags().IntVar(&o.reps, "reps", 999, "bootstrap replicates and LISA permutations")
	cmd.Flags().BoolVar(&o.timings, "timings", false, "print the time of each stage")
	cmd.Flags().StringVar(&o.cpuProf, "cpuprofile", "", "write a CPU profile to FILE")
	cmd.Flags().MarkHidden("cpuprofile")
	return cmd
}

// demoResult is what runDemo made.
type demoResult struct {
	Written report.Written
	Result  *analysis.Result
	Stages  []stage
}

type stage struct {
	Name    string
	Seconds float64
}

// demoFiles are extracted to DIR/data so that users can see the inputs.
var demoFiles = []string{
	budgetlens.DemoExpendituresSec2, budgetlens.DemoExpendituresSec4, budgetlens.DemoRequestsSec2, budgetlens.DemoRequestsSec4,
	budgetlens.DemoCouncilDistricts, budgetlens.DemoNeighborhoods, budgetlens.DemoCES3, budgetlens.DemoACSRace, budgetlens.DemoTractPoints,
	budgetlens.DemoProjectsCSV, budgetlens.DemoProjectsGeoJSON,
}

func runDemo(ctx context.Context, w io.Writer, o *demoOpts) (*demoResult, error) {
	out := &demoResult{}
	t0 := time.Now()
	b := &demoBuild{ctx: ctx, o: o}
	defer b.close()
	for _, st := range []struct {
		name string
		run  func() error
	}{
		{"import budget", func() error { return b.extractAndImport() }},
		{"import geography", b.geography},
		{"need index", b.needIndex},
		{"synthetic service requests (generate + locate)", b.serviceRequests},
		{"attribution and metrics", b.analyse},
		{"comparisons (proposed, adopted, last year)", b.compare},
		{"report (HTML, XLSX, PDF)", func() error { return b.writeReport(w) }},
	} {
		if err := st.run(); err != nil {
			return nil, err
		}
		now := time.Now()
		out.Stages = append(out.Stages, stage{st.name, now.Sub(t0).Seconds()})
		t0 = now
	}
	out.Written, out.Result = b.written, b.res
	printHeadline(w, b.doc, b.written)
	if o.timings {
		for _, st := range out.Stages {
			fmt.Fprintf(w, "stage %-50s %6.2f s\n", st.Name, st.Seconds)
		}
	}
	return out, nil
}

// demoBuild holds what the demo's stages hand to each other.
type demoBuild struct {
	ctx          context.Context
	o            *demoOpts
	s            *duckdb.Store
	path, hashes map[string]string // embedded name -> extracted path, sha256
	cd, nc       *geo.Layer
	cdIx, ncIx   *geo.Index
	tracts       *geo.Layer
	ces          *need.Table
	evs          []*events.Summary
	evSource     string
	in           *analysis.Input
	res          *analysis.Result
	cmp          []analysis.CompareRow
	doc          *report.Document
	written      report.Written
}

func (b *demoBuild) close() {
	if b.s != nil {
		b.s.Close()
	}
}

// extractAndImport writes the embedded files to DIR/data, creates the store
// from scratch and imports the budget files.
func (b *demoBuild) extractAndImport() error {
	dataDir := filepath.Join(b.o.dir, "data")
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return err
	}
	dbPath := filepath.Join(b.o.dir, "budgetlens.duckdb")
	for _, p := range []string{dbPath, dbPath + ".wal"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	b.path, b.hashes = map[string]string{}, map[string]string{}
	for _, f := range demoFiles {
		data, err := budgetlens.DemoFS.ReadFile(f)
		if err != nil {
			return err
		}
		p := filepath.Join(dataDir, filepath.Base(f))
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
		h := sha256.Sum256(data)
		b.path[f], b.hashes[f] = p, hex.EncodeToString(h[:])
	}
	s, err := duckdb.Open(dbPath)
	if err != nil {
		return err
	}
	b.s = s
	for _, f := range demoFiles[:4] {
		data, _ := budgetlens.DemoFS.ReadFile(f)
		batch, err := ingest.CSV(b.path[f], data, ingest.Options{})
		if err != nil {
			return err
		}
		if _, err := s.ImportBatch(b.ctx, batch); err != nil {
			return err
		}
	}
	return nil
}

// geography stores the districts, the neighbourhood councils and the CES
// 3.0 tracts whose point lies in a district.
func (b *demoBuild) geography() error {
	var err error
	if b.cd, _, err = geo.ReadFile(b.path[budgetlens.DemoCouncilDistricts], geo.ImportOptions{Layer: "council_districts", IDField: "District", NameField: "District_Name"}); err != nil {
		return err
	}
	if b.nc, _, err = geo.ReadFile(b.path[budgetlens.DemoNeighborhoods], geo.ImportOptions{Layer: "neighborhood_councils", IDField: "Name", NameField: "Name"}); err != nil {
		return err
	}
	b.cdIx, b.ncIx = geo.NewIndex(b.cd), geo.NewIndex(b.nc)
	if b.ces, err = need.ReadTable(b.path[budgetlens.DemoCES3], need.ReadOptions{}); err != nil {
		return err
	}
	county, err := analysis.TractPointsTable(b.ces, "tracts", "Los Angeles")
	if err != nil {
		return err
	}
	b.tracts = analysis.Within(county, b.cdIx, "tracts")
	for _, l := range []*geo.Layer{b.cd, b.nc, b.tracts} {
		if err := b.s.SaveLayer(b.ctx, l); err != nil {
			return err
		}
	}
	return nil
}

// needIndex recomputes CES 3.0 from the raw indicators over all California
// tracts (statewide percentiles), stores the run for the city's tracts, and
// stores the ACS population groups.
func (b *demoBuild) needIndex() error {
	spec, err := need.Preset("ces3")
	if err != nil {
		return err
	}
	nres, err := need.Compute(spec, b.ces, need.Options{})
	if err != nil {
		return err
	}
	run := need.NewRun(nres, []need.Input{{Role: "indicators", File: filepath.Base(b.path[budgetlens.DemoCES3]), Hash: b.ces.Hash}}, "tracts", false)
	inCity := map[string]bool{}
	for _, a := range b.tracts.Areas {
		inCity[a.ID] = true
	}
	kept := run.Areas[:0]
	for _, a := range run.Areas {
		if inCity[a.ID] {
			kept = append(kept, a)
		}
	}
	run.Areas = kept
	if _, err := b.s.SaveRun(b.ctx, run); err != nil {
		return err
	}
	groups, err := analysis.ReadGroupCounts(b.path[budgetlens.DemoACSRace])
	if err != nil {
		return err
	}
	groups.Source = filepath.Base(groups.Source)
	gb, err := json.Marshal(groups)
	if err != nil {
		return err
	}
	return b.s.SaveDataset(b.ctx, &analysis.Dataset{Kind: "groups", Name: "acs", Source: groups.Source, SHA256: groups.Hash, Body: gb})
}

// serviceRequests generates the synthetic requests, locates them in both
// layers at once and stores the demand per layer.
func (b *demoBuild) serviceRequests() error {
	evs, evHash, err := demoEvents(b.path[budgetlens.DemoTractPoints], b.cd, b.nc, b.cdIx, b.ncIx, b.o.rows, b.o.seed)
	if err != nil {
		return err
	}
	b.evs = evs
	b.evSource = fmt.Sprintf("SYNTHETIC MyLA311 requests (%d rows, seed %d)", b.o.rows, b.o.seed)
	for k, l := range []*geo.Layer{b.cd, b.nc} {
		ids := make([]string, len(l.Areas))
		for i, a := range l.Areas {
			ids[i] = a.ID
		}
		ds, err := analysis.DemandDataset(l.Name, ids, analysis.DemandOf(evs[k], l), b.evSource, evHash, true)
		if err != nil {
			return err
		}
		if err := b.s.SaveDataset(b.ctx, ds); err != nil {
			return err
		}
	}
	return nil
}

// analyse runs the analysis of the proposed budget by council district
// with the requests, the projects and the live event summary, and stores it.
func (b *demoBuild) analyse() error {
	ao := &analyzeOpts{fy: "2021-22", phase: "proposed", layer: "council_districts", tiers: 5, reps: b.o.reps, seed: analysis.DefaultSeed}
	in, err := prepareAnalysis(b.ctx, b.s, ao)
	if err != nil {
		return err
	}
	in.Events, in.EventsSource, in.EventsSynthetic = b.evs[0], b.evSource, true
	projects, err := attribute.ReadProjects(b.path[budgetlens.DemoProjectsCSV], b.path[budgetlens.DemoProjectsGeoJSON], 0)
	if err != nil {
		return err
	}
	in.Projects, in.ProjectsSource = projects, "the LADOT funded-projects database"
	for _, f := range []string{budgetlens.DemoProjectsCSV, budgetlens.DemoProjectsGeoJSON} {
		in.Inputs = append(in.Inputs, analysis.Source{Role: "capital projects", Name: filepath.Base(b.path[f]), SHA256: b.hashes[f]})
	}
	for i := range in.Inputs {
		if in.Inputs[i].Role == "service demand" {
			in.Inputs[i].Role = "service requests"
		}
	}
	if b.res, err = analysis.Analyze(in); err != nil {
		return err
	}
	b.in = in
	_, err = b.s.SaveAnalysis(b.ctx, analysis.NewRecord(b.res))
	return err
}

func (b *demoBuild) compare() error {
	var err error
	b.cmp, err = comparisons(b.ctx, b.s, b.in, b.res)
	return err
}

func (b *demoBuild) writeReport(w io.Writer) error {
	dopt := demoDocOptions(b.cd, b.cmp)
	dopt.NeedPoints, dopt.SyntheticDemand = analysis.NeedPointsMap(b.in.Run, b.in.Small), true
	b.doc = analysis.Document(b.res, dopt)
	var err error
	b.written, err = writeReports(b.ctx, w, b.doc, b.o.dir, "report", b.o.noPDF)
	return err
}

// demoDocOptions describe the demo's inputs for the report.
func demoDocOptions(cd *geo.Layer, cmp []analysis.CompareRow) analysis.DocOptions {
	return analysis.DocOptions{
		Jurisdiction: "City of Los Angeles", Layer: cd, Comparisons: cmp,
		Synthetic: []string{"the service requests (MyLA311 schema) are generated for the demo from a seed, weighted by census-tract population; they are not City data, and their counts place the sanitation, street-lighting and graffiti dollars"},
		Caveats: []string{
			"Need is CalEnviroScreen 3.0 (2018) recomputed statewide from its published indicators; tracts are the 2010 census tracts whose CES point lies in a council district, with CES's population.",
			"No street-mile or park-acre layer ships with the demo: land area stands in for street miles and parks fall back to population (see the rules).",
			"The LADOT active-transportation project database (2016) is not part of the FY2021-22 line items; it is placed apart, by project location, and its regional megaprojects (Metro-led, 95% of its dollars) are listed, not placed, because they would swamp any per-resident figure.",
		},
		Sources: []report.Source{
			{File: "Expenditures_Sec2_for_2122_Adopted.csv", Name: "LA FY2021-22 expenditures (Section 2)", Version: "FY2021-22", License: "City of Los Angeles open data"},
			{File: "Expenditures_Sec4_for_2122_Adopted.csv", Name: "LA FY2021-22 expenditures (Section 4)", Version: "FY2021-22", License: "City of Los Angeles open data"},
			{File: "Budget_Requests_Detail_Sec2_2122_Adopted.csv", Name: "LA FY2021-22 budget requests (Section 2)", Version: "FY2021-22", License: "City of Los Angeles open data"},
			{File: "Budget_Requests_Detail_Sec4_2122_Adopted.csv", Name: "LA FY2021-22 budget requests (Section 4)", Version: "FY2021-22", License: "City of Los Angeles open data"},
			{File: "stored layer council_districts (from council_districts_2025.geojson)", Name: "Council districts (2021 lines)", Version: "2025", License: "City of Los Angeles GeoHub via hackforla/district-files"},
			{File: "stored layer neighborhood_councils (from neighborhood_councils_2025.geojson)", Name: "Neighbourhood councils", Version: "2025", License: "EmpowerLA via hackforla/district-files"},
			{File: "stored layer tracts (from ces3_results_all_ca_tracts.csv)", Name: "Census tracts of the city (CES 3.0 points and population)", Version: "2010 tracts", License: "CalEPA/OEHHA public data"},
			{File: "ladot_atd_projects_funded.csv", Name: "LADOT funded active-transportation projects", Version: "2016", License: "Apache-2.0"},
			{File: "ladot_atd_projects_funded.geojson", Name: "LADOT funded projects (geometries)", Version: "2016", License: "Apache-2.0"},
			{File: "ces3_results_all_ca_tracts.csv", Name: "CalEnviroScreen 3.0 results", Version: "3.0 (June 2018)", License: "CalEPA/OEHHA public data"},
			{File: "acs2019_race_poverty_gini_all_ca_tracts.csv", Name: "ACS 2015-19 poverty by race/ethnicity (B17020)", Version: "2015-2019", License: "U.S. Census Bureau"},
		},
	}
}

// comparisons analyses the other phases of the year and last year's
// adopted budget with the main analysis' layer, need run, rules and demand
// (no intervals, no requests), in time order.
func comparisons(ctx context.Context, s *duckdb.Store, base *analysis.Input, main *analysis.Result) ([]analysis.CompareRow, error) {
	fy := base.FiscalYear
	sl, err := s.FiscalYearsPhases(ctx, base.Jurisdiction)
	if err != nil {
		return nil, err
	}
	var rs []*analysis.Result
	seen := map[string]bool{}
	for _, x := range sl {
		if x.FiscalYear.String() != fy.String() && x.FiscalYear.String() != prevFY(fy) {
			continue
		}
		if x.Phase != budget.Proposed && x.Phase != budget.Adopted {
			continue
		}
		key := x.FiscalYear.String() + string(x.Phase)
		if seen[key] {
			continue
		}
		seen[key] = true
		if x.FiscalYear.String() == main.FiscalYear && string(x.Phase) == main.Phase {
			rs = append(rs, main)
			continue
		}
		in := *base
		xfy := x.FiscalYear
		f := budget.Filter{Jurisdiction: base.Jurisdiction, FiscalYear: &xfy, Phase: x.Phase, Kind: budget.Expenditure}
		if in.Items, err = s.LineItems(ctx, f); err != nil {
			return nil, err
		}
		if in.PhaseTotal, err = s.PhaseTotal(ctx, f); err != nil {
			return nil, err
		}
		in.FiscalYear, in.Phase = x.FiscalYear, x.Phase
		in.Requests, in.Units, in.Districts, in.Events, in.Projects = nil, nil, nil, nil, nil
		in.Reps, in.Perms = -1, -1
		if in.Demand == nil && base.Events != nil {
			in.Demand = analysis.DemandOf(base.Events, base.Layer)
		}
		r, err := analysis.Analyze(&in)
		if err != nil {
			return nil, err
		}
		rs = append(rs, r)
	}
	return analysis.Compare(rs...), nil
}

func prevFY(fy budget.FiscalYear) string {
	p, err := budget.ParseFiscalYear(fmt.Sprintf("%d-%02d", fy.Start-1, fy.Start%100))
	if err != nil {
		return ""
	}
	return p.String()
}

// writeReports writes base.html, base.xlsx and base.pdf; a missing Chromium
// is reported, not fatal.
func writeReports(ctx context.Context, w io.Writer, doc *report.Document, dir, base string, noPDF bool) (report.Written, error) {
	if noPDF {
		doc.Workbook = base + ".xlsx"
		var wr report.Written
		for _, ext := range []string{".html", ".xlsx"} {
			p := filepath.Join(dir, base+ext)
			if err := report.WriteFile(ctx, doc, p, report.PDFOptions{}); err != nil {
				return wr, err
			}
			if ext == ".html" {
				wr.HTML = p
			} else {
				wr.XLSX = p
			}
		}
		return wr, nil
	}
	wr, err := report.WriteAll(ctx, doc, dir, base, report.PDFOptions{})
	if err != nil {
		var cm *report.ChromiumMissingError
		if wr.HTML != "" && wr.XLSX != "" {
			if errors.As(err, &cm) {
				fmt.Fprintf(w, "PDF not written: %v\n", err)
			} else {
				fmt.Fprintf(w, "PDF not written: %v\n", err)
			}
			return wr, nil
		}
		return wr, err
	}
	return wr, nil
}

func printHeadline(w io.Writer, doc *report.Document, wr report.Written) {
	fmt.Fprintf(w, "%s\n", doc.Title)
	for _, f := range doc.Headline {
		fmt.Fprintf(w, "  %-84s %s\n", f.Label, f.Text())
	}
	if len(doc.Synthetic) > 0 {
		fmt.Fprintln(w, "  (service requests are SYNTHETIC, generated for the demo)")
	}
	for _, p := range []string{wr.HTML, wr.XLSX, wr.PDF} {
		if p != "" {
			fmt.Fprintln(w, "wrote", p)
		}
	}
}

// pairLocator places a point in a council district and a neighbourhood
// council at once: area k = (cd+1)*(nNC+1) + (nc+1), with -1 for "none".
type pairLocator struct {
	cd, nc *geo.Index
	nNC    int
}

func (p pairLocator) Locate(lon, lat float64) (int, bool) {
	c, ok1 := p.cd.Locate(lon, lat)
	n, ok2 := p.nc.Locate(lon, lat)
	if !ok1 && !ok2 {
		return 0, false
	}
	if !ok1 {
		c = -1
	}
	if !ok2 {
		n = -1
	}
	return (c+1)*(p.nNC+1) + (n + 1), true
}

// demoEvents generates the synthetic requests into a pipe, summarises them
// per (district, council) pair in one pass and folds the pairs into one
// summary per layer (response-time sketches merged, not averaged).
func demoEvents(pointsFile string, cd, nc *geo.Layer, cdIx, ncIx *geo.Index, rows int, seed uint64) ([]*events.Summary, string, error) {
	places, err := events.TractPlaces(pointsFile, "037")
	if err != nil {
		return nil, "", err
	}
	var city []events.Place
	for _, p := range places {
		if _, ok := cdIx.Locate(p.Lon, p.Lat); ok {
			city = append(city, p)
		}
	}
	loc := pairLocator{cdIx, ncIx, len(nc.Areas)}
	n := (len(cd.Areas) + 1) * (len(nc.Areas) + 1)
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprint(i)
	}
	pr, pw := io.Pipe()
	h := sha256.New()
	go func() {
		_, err := events.Generate(io.MultiWriter(pw, h), events.GenOptions{Rows: rows, Seed: seed, Places: city})
		pw.CloseWithError(err)
	}()
	sum, err := events.Summarize(pr, "synthetic-myla311.csv", events.Options{Locator: loc, AreaIDs: ids})
	pr.Close()
	if err != nil {
		return nil, "", err
	}
	fold := func(l *geo.Layer, of func(k int) int) (*events.Summary, error) {
		tier := make([]string, len(sum.Areas))
		byType := make([]map[string]int, len(l.Areas))
		for i := range byType {
			byType[i] = map[string]int{}
		}
		for i, a := range sum.Areas {
			var k int
			fmt.Sscan(a.AreaID, &k)
			pos := of(k)
			if pos < 0 {
				continue
			}
			tier[i] = l.Areas[pos].ID
			for t, c := range a.ByType {
				byType[pos][t] += c
			}
		}
		order := make([]string, len(l.Areas))
		for i, a := range l.Areas {
			order[i] = a.ID
		}
		ts, err := sum.ByTier(tier, order)
		if err != nil {
			return nil, err
		}
		out := &events.Summary{File: sum.File, Rows: sum.Rows, Located: sum.Located, ByCode: sum.ByCode, Unplaced: sum.Unplaced, Open: sum.Open,
			Total: sum.Total, Types: sum.Types, Synthetic: sum.Synthetic}
		for _, t := range ts {
			pos, ok := l.Index(t.Tier)
			if !ok {
				continue
			}
			out.Areas = append(out.Areas, events.AreaSummary{AreaID: t.Tier, Stats: t.Stats, ByType: byType[pos]})
		}
		return out, nil
	}
	cdSum, err := fold(cd, func(k int) int { return k/(len(nc.Areas)+1) - 1 })
	if err != nil {
		return nil, "", err
	}
	ncSum, err := fold(nc, func(k int) int { return k%(len(nc.Areas)+1) - 1 })
	if err != nil {
		return nil, "", err
	}
	// points in a council but outside every district (and vice versa) stay
	// in the other layer's summary; the unplaced count is per layer
	cdSum.Unplaced += countOutside(cdSum)
	ncSum.Unplaced += countOutside(ncSum)
	return []*events.Summary{cdSum, ncSum}, hex.EncodeToString(h.Sum(nil)), nil
}

func countOutside(s *events.Summary) int {
	placed := 0
	for _, a := range s.Areas {
		placed += a.Count
	}
	d := s.Located + s.ByCode - placed
	s.Located -= d
	return d
}
