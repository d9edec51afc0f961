package main

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/attribute"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/events"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/need"
	"github.com/budgetlens/budgetlens/store/duckdb"
	"github.com/spf13/cobra"
)

func init() { register(newAnalyzeCmd) }

// analyzeOpts are the flags shared by analyze and report.
type analyzeOpts struct {
	fy, phase, layer, jurisdiction, rules, eventsFile, groupsFile string
	projectsCSV, projectsGeoJSON                                  string
	run                                                           int64
	tiers, reps                                                   int
	seed                                                          uint64
}

func (o *analyzeOpts) add(cmd *cobra.Command, defaultPhase string) {
	cmd.Flags().StringVar(&o.fy, "fy", "", "fiscal year: 2021-22 (default: the latest in the store)")
	cmd.Flags().StringVar(&o.phase, "phase", defaultPhase, "phase: proposed, adopted, estimate or actual")
	cmd.Flags().StringVar(&o.layer, "layer", "council_districts", "area layer (budgetlens geo ls)")
	cmd.Flags().StringVar(&o.jurisdiction, "jurisdiction", "", "jurisdiction id (default all)")
	cmd.Flags().StringVar(&o.rules, "rules", "", "attribution rules YAML (default: the embedded "+strings.Join(attribute.Embedded(), ", ")+")")
	cmd.Flags().Int64Var(&o.run, "run", 0, "need-index run id (default: the latest run whose areas can be placed in the layer)")
	cmd.Flags().StringVar(&o.eventsFile, "events", "", "MyLA311-style service-request CSV to summarise per area (optional)")
	cmd.Flags().StringVar(&o.groupsFile, "groups", "", "ACS race/ethnicity/poverty tract table for population groups (optional)")
	cmd.Flags().StringVar(&o.projectsCSV, "projects", "", "capital projects CSV (LADOT funded-projects layout) to place by location (optional)")
	cmd.Flags().StringVar(&o.projectsGeoJSON, "projects-geojson", "", "their geometries (default: the CSV's name with .geojson)")
	cmd.Flags().IntVar(&o.tiers, "tiers", 5, "number of need tiers")
	cmd.Flags().IntVar(&o.reps, "reps", 999, "bootstrap replicates and LISA permutations (0 = none)")
	cmd.Flags().Uint64Var(&o.seed, "seed", analysis.DefaultSeed, "seed of the bootstraps and permutations")
}

func newAnalyzeCmd() *cobra.Command {
	var o analyzeOpts
	var format string
	var save, list, compare bool
	cmd := &cobra.Command{
		Use:   "analyze",
		Short: "Measure whether a budget phase's spending reaches need, area by area",
		Long: `analyze places every dollar of a phase's expenditure line items in the areas of a
layer with the attribution rules, joins each area's population and need (the need
run's tracts aggregated to the layer, population-weighted), and reports per-capita
spending by area and by need tier, the top tier's share of dollars against its share
of population, the concentration index of per-capita spending ranked by need with a
bootstrap interval, and the accounting: attributed + unattributed = phase total, to
the cent. --format json prints the whole result (areas, totals, tiers, departments,
requests, provenance with input hashes).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(func(s *duckdb.Store) error {
				ctx := context.Background()
				if list {
					infos, err := s.Analyses(ctx)
					if err != nil {
						return err
					}
					if format == "json" {
						return writeJSON(cmd.OutOrStdout(), infos)
					}
					tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
					fmt.Fprintln(tw, "id\tfiscal year\tphase\tlayer\tneed run\tinputs sha256")
					for _, a := range infos {
						fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\n", a.ID, a.FiscalYear, a.Phase, a.Layer, a.NeedRun, a.InputsHash)
					}
					return tw.Flush()
				}
				in, err := prepareAnalysis(ctx, s, &o)
				if err != nil {
					return err
				}
				res, err := analysis.Analyze(in)
				if err != nil {
					return err
				}
				if compare {
					if res.Comparisons, err = comparisons(ctx, s, in, res); err != nil {
						return err
					}
				}
				if save {
					if _, err := s.SaveAnalysis(ctx, analysis.NewRecord(res)); err != nil {
						return err
					}
				}
				return writeAnalysis(cmd.OutOrStdout(), cmd.ErrOrStderr(), format, res)
			})
		},
	}
	o.add(cmd, "adopted")
	cmd.Flags().BoolVar(&save, "save", false, "store the result (with its input hashes) in the store")
	cmd.Flags().BoolVar(&list, "list", false, "list the stored analyses instead")
	cmd.Flags().BoolVar(&compare, "compare", false, "add the other phase of the year and last year's adopted budget (comparisons)")
	addFormatFlag(cmd, &format)
	return cmd
}

// prepareAnalysis gathers the analysis inputs from the store, with defaults
// for a store built by hand, and says what is missing otherwise.
func prepareAnalysis(ctx context.Context, s *duckdb.Store, o *analyzeOpts) (*analysis.Input, error) {
	ph, err := budget.ParsePhase(o.phase)
	if err != nil {
		return nil, err
	}
	var fy budget.FiscalYear
	if o.fy != "" {
		if fy, err = budget.ParseFiscalYear(o.fy); err != nil {
			return nil, err
		}
	} else {
		sl, err := s.FiscalYearsPhases(ctx, o.jurisdiction)
		if err != nil {
			return nil, err
		}
		found := false
		for _, x := range sl {
			if x.Phase == ph {
				fy, found = x.FiscalYear, true
			}
		}
		if !found {
			return nil, budget.Errorf(budget.EINVALID, "no %s line items in the store: import a budget first (budgetlens import FILE)", ph)
		}
	}
	layer, err := s.Layer(ctx, o.layer)
	if err != nil {
		if budget.ErrorCode(err) == budget.ENOTFOUND {
			return nil, budget.Errorf(budget.EINVALID, "no layer %q in the store (have: %s); import one with budgetlens geo import FILE --layer %s", o.layer, layerNames(ctx, s), o.layer)
		}
		return nil, err
	}
	ix := geo.NewIndex(layer)
	run, small, err := pickRun(ctx, s, o.run, layer)
	if err != nil {
		return nil, err
	}
	var rules *attribute.Rules
	if o.rules != "" {
		b, err := readInput(o.rules, "--rules")
		if err != nil {
			return nil, err
		}
		if rules, err = attribute.ParseRules(b, o.rules); err != nil {
			return nil, err
		}
	} else if rules, err = attribute.LoadEmbedded("la_demo"); err != nil {
		return nil, err
	}
	f := budget.Filter{Jurisdiction: o.jurisdiction, FiscalYear: &fy, Phase: ph, Kind: budget.Expenditure}
	items, err := s.LineItems(ctx, f)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, budget.Errorf(budget.EINVALID, "no %s expenditure line items for %s in the store: import the budget files (budgetlens import FILE)", ph, fy)
	}
	total, err := s.PhaseTotal(ctx, f)
	if err != nil {
		return nil, err
	}
	reqs, err := s.Requests(ctx, budget.Filter{Jurisdiction: o.jurisdiction, FiscalYear: &fy})
	if err != nil {
		return nil, err
	}
	in := &analysis.Input{Jurisdiction: o.jurisdiction, FiscalYear: fy, Phase: ph, Items: items, PhaseTotal: total, Requests: reqs,
		Layer: layer, Index: ix, Run: run, Small: small, Rules: rules, Tiers: o.tiers, Reps: o.reps, Perms: o.reps, Seed: o.seed}
	if o.reps == 0 {
		in.Reps, in.Perms = -1, -1
	}
	runs, err := s.ImportRuns(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range runs {
		if r.Kind == "" || strings.Contains(r.Dataset, "expenditures") || strings.Contains(r.Dataset, "requests") {
			in.Inputs = append(in.Inputs, analysis.Source{Role: "budget " + r.Dataset, Name: filepath.Base(r.SourceFile), SHA256: r.ContentHash})
		}
	}
	addLayer := func(l *geo.Layer) {
		if l == nil {
			return
		}
		name := "stored layer " + l.Name
		if l.Source != "" {
			name += " (from " + filepath.Base(l.Source) + ")"
		}
		in.Inputs = append(in.Inputs, analysis.Source{Role: "area layer (sha256 of its GeoJSON)", Name: name, SHA256: layerHash(l)})
	}
	addLayer(layer)
	addLayer(small)
	if o.eventsFile != "" {
		sum, hash, err := summarizeEvents(o.eventsFile, layer, ix)
		if err != nil {
			return nil, err
		}
		in.Events, in.EventsSource = sum, o.eventsFile
		in.EventsSynthetic = sum.Synthetic > 0
		in.Inputs = append(in.Inputs, analysis.Source{Role: "service requests", Name: filepath.Base(o.eventsFile), SHA256: hash, Synthetic: in.EventsSynthetic})
	} else if d, err := s.Dataset(ctx, "demand", layer.Name); err == nil {
		ids := make([]string, len(layer.Areas))
		for i, a := range layer.Areas {
			ids[i] = a.ID
		}
		if in.Demand, err = d.Demand(ids); err != nil {
			return nil, err
		}
		in.EventsSynthetic, in.EventsSource = d.Synthetic, d.Source
		in.Inputs = append(in.Inputs, analysis.Source{Role: "service demand", Name: d.Source, SHA256: d.SHA256, Synthetic: d.Synthetic})
	}
	if o.groupsFile != "" {
		if in.Groups, err = analysis.ReadGroupCounts(o.groupsFile); err != nil {
			return nil, err
		}
	} else if d, err := s.Dataset(ctx, "groups", "acs"); err == nil {
		var g analysis.GroupCounts
		if err := json.Unmarshal(d.Body, &g); err != nil {
			return nil, err
		}
		in.Groups = &g
	}
	if o.projectsCSV != "" {
		gj := o.projectsGeoJSON
		if gj == "" {
			gj = strings.TrimSuffix(o.projectsCSV, filepath.Ext(o.projectsCSV)) + ".geojson"
		}
		if in.Projects, err = attribute.ReadProjects(o.projectsCSV, gj, 0); err != nil {
			return nil, err
		}
		in.ProjectsSource = filepath.Base(o.projectsCSV)
		for _, f := range []string{o.projectsCSV, gj} {
			h, err := fileSHA256(f)
			if err != nil {
				return nil, err
			}
			in.Inputs = append(in.Inputs, analysis.Source{Role: "capital projects", Name: filepath.Base(f), SHA256: h})
		}
	}
	if layer.Name != "tracts" && (small == nil || small.Name != layer.Name) {
		units, e1 := s.Layer(ctx, "neighborhood_councils")
		dists, e2 := s.Layer(ctx, "council_districts")
		if e1 == nil && e2 == nil {
			in.Units, in.Districts = units, dists
			for _, l := range []*geo.Layer{units, dists} {
				if l.Name != layer.Name {
					addLayer(l)
				}
			}
			if d, err := s.Dataset(ctx, "demand", units.Name); err == nil {
				ids := make([]string, len(units.Areas))
				for i, a := range units.Areas {
					ids[i] = a.ID
				}
				if in.UnitsDemand, err = d.Demand(ids); err != nil {
					return nil, err
				}
			}
		}
	}
	return in, nil
}

func layerNames(ctx context.Context, s *duckdb.Store) string {
	ls, err := s.Layers(ctx)
	if err != nil || len(ls) == 0 {
		return "none"
	}
	var n []string
	for _, l := range ls {
		n = append(n, l.Layer)
	}
	return strings.Join(n, ", ")
}

// layerHash is the sha256 of the layer as GeoJSON (its stored content).
func layerHash(l *geo.Layer) string {
	h := newHasher()
	geo.WriteGeoJSON(h, l)
	return h.sum()
}

// pickRun returns the need run to use and, when its areas are not the
// layer's own, the stored layer of its areas (their points place them).
func pickRun(ctx context.Context, s *duckdb.Store, id int64, layer *geo.Layer) (*need.Run, *geo.Layer, error) {
	try := func(r *need.Run) (*geo.Layer, bool) {
		if r.Layer == layer.Name {
			return nil, true
		}
		if r.Layer == "" {
			return nil, false
		}
		small, err := s.Layer(ctx, r.Layer)
		if err != nil {
			return nil, false
		}
		return small, true
	}
	if id != 0 {
		r, err := s.Run(ctx, id)
		if err != nil {
			return nil, nil, err
		}
		small, ok := try(r)
		if !ok {
			return nil, nil, budget.Errorf(budget.EINVALID, "need run %d is over layer %q, which is not stored: import its areas (points or polygons) with budgetlens geo import FILE --layer %s", id, r.Layer, r.Layer)
		}
		return r, small, nil
	}
	infos, err := s.Runs(ctx)
	if err != nil {
		return nil, nil, err
	}
	for i := len(infos) - 1; i >= 0; i-- {
		r, err := s.Run(ctx, infos[i].ID)
		if err != nil {
			return nil, nil, err
		}
		if small, ok := try(r); ok {
			return r, small, nil
		}
	}
	if len(infos) == 0 {
		return nil, nil, budget.Errorf(budget.EINVALID, "no need-index run in the store: build one with budgetlens index run --preset ces3 --indicators FILE --layer tracts, and import the tracts' points with budgetlens geo import FILE --layer tracts")
	}
	return nil, nil, budget.Errorf(budget.EINVALID, "no need run can be placed in layer %s: a run must be over that layer or over a stored layer of small areas (give index run --layer NAME and import NAME with budgetlens geo import)", layer.Name)
}

// summarizeEvents streams a service-request file through the layer.
func summarizeEvents(path string, layer *geo.Layer, ix *geo.Index) (*events.Summary, string, error) {
	f, err := openCSVInput(path, "--events")
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	h := newHasher()
	ids := make([]string, len(layer.Areas))
	pop := make([]float64, len(layer.Areas))
	codes := map[string]int{}
	for i, a := range layer.Areas {
		ids[i], pop[i] = a.ID, a.Population
		codes[a.ID] = i
	}
	s, err := events.Summarize(io.TeeReader(f, h), path, events.Options{Locator: ix, AreaIDs: ids, Population: pop, CodeColumn: events.ColCD, Codes: codes, Lenient: true})
	if err != nil {
		return nil, "", err
	}
	return s, h.sum(), nil
}

func anum(n analysis.Num, digits int) string {
	if n.Missing() {
		return ""
	}
	return strconv.FormatFloat(float64(n), 'f', digits, 64)
}

// writeAnalysis prints the result: JSON (everything), CSV (one row per
// area and nothing else, so the file feeds metrics, Excel and GIS joins as
// it is; the totals go to errw) or a table.
func writeAnalysis(w, errw io.Writer, format string, r *analysis.Result) error {
	switch format {
	case "json":
		return writeJSON(w, r)
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write([]string{"area_id", "name", "population", "amount", "per_capita", "need_score", "need_tier", "spend_share", "pop_share", "gap", "lisa_cluster"})
		for _, a := range r.Areas {
			cw.Write([]string{a.AreaID, a.Name, strconv.FormatFloat(a.Population, 'f', -1, 64), analysis.FormatCents(int64(a.Amount)), anum(a.PerCapita, 4),
				anum(a.NeedScore, 4), strconv.Itoa(a.NeedTier), anum(a.SpendShare, 6), anum(a.PopShare, 6), anum(a.Gap, 6), a.LISA})
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		fmt.Fprintf(errw, "totals (dollars): attributed %s, unattributed %s, phase %s\n", analysis.FormatCents(int64(r.Totals.Attributed)),
			analysis.FormatCents(int64(r.Totals.Unattributed)), analysis.FormatCents(int64(r.Totals.PhaseTotal)))
		return nil
	case "table":
		fmt.Fprintf(w, "%s %s on layer %s (need run %d, %s %s; rules %s)\n\n", r.FiscalYear, r.Phase, r.Layer, r.Provenance.NeedRun,
			r.Provenance.NeedSpec, r.Provenance.NeedVersion, r.Provenance.Rules)
		rows := append([]analysis.AreaRow{}, r.Areas...)
		sort.SliceStable(rows, func(i, j int) bool { return rows[i].NeedTier > rows[j].NeedTier })
		// area ids left, numbers right with thousands separators
		table := [][]string{{"area", "population", "amount", "per capita", "need score", "tier"}}
		for _, a := range rows {
			table = append(table, []string{a.AreaID, groupDigits(strconv.FormatFloat(a.Population, 'f', 0, 64)), groupDigits(analysis.FormatCents(int64(a.Amount))),
				groupDigits(anum(a.PerCapita, 2)), anum(a.NeedScore, 2), strconv.Itoa(a.NeedTier)})
		}
		if err := writeAligned(w, table, map[int]bool{1: true, 2: true, 3: true, 4: true, 5: true}); err != nil {
			return err
		}
		t := r.Totals
		tot := [][]string{
			{"attributed", groupDigits(analysis.FormatCents(int64(t.Attributed))), "(" + anum(t.AttributedShare*100, 1) + "%)"},
			{"unattributed", groupDigits(analysis.FormatCents(int64(t.Unattributed))), ""},
			{"phase total", groupDigits(analysis.FormatCents(int64(t.PhaseTotal))), ""},
		}
		fmt.Fprintln(w)
		if err := writeAligned(w, tot, map[int]bool{1: true}); err != nil {
			return err
		}
		h := r.Headline
		ci := ""
		if !h.ConcentrationLow.Missing() && !h.ConcentrationHigh.Missing() {
			ci = fmt.Sprintf(" [95%% interval %s, %s]", anum(h.ConcentrationLow, 3), anum(h.ConcentrationHigh, 3))
		}
		fmt.Fprintf(w, "top need tier: %s%% of attributed dollars, %s%% of residents; concentration index %s%s\n",
			anum(h.TopTierSpendShare*100, 1), anum(h.TopTierPopShare*100, 1), anum(h.Concentration, 3), ci)
		for _, c := range r.Comparisons {
			fmt.Fprintf(w, "%s %-8s total %s, attributed %s%%, top tier %s%% of dollars, concentration %s\n", c.FiscalYear, c.Phase,
				analysis.FormatCents(int64(c.PhaseTotal)), anum(c.AttributedShare*100, 1), anum(c.TopTierSpendShare*100, 1), anum(c.Concentration, 3))
		}
		for _, n := range r.Notes {
			fmt.Fprintln(w, "note:", n)
		}
		return nil
	}
	return budget.Errorf(budget.EINVALID, "unknown format %q: use table, json or csv", format)
}

// hasher is a sha256 writer.
type hasher struct{ h hash.Hash }

func newHasher() *hasher                      { return &hasher{sha256.New()} }
func (h *hasher) Write(p []byte) (int, error) { return h.h.Write(p) }
func (h *hasher) sum() string                 { return hex.EncodeToString(h.h.Sum(nil)) }

func fileSHA256(path string) (string, error) {
	f, err := openInput(path, "--projects")
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := newHasher()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return h.sum(), nil
}
