package web

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/measures"
	"github.com/budgetlens/budgetlens/office"
)

// MeasureDefRow is a measure the dashboard offers.
type MeasureDefRow struct {
	Key     string `json:"key"`
	Name    string `json:"name"`
	Unit    string `json:"unit"`
	Kind    string `json:"kind"`
	Label   string `json:"label"`
	Derived bool   `json:"derived"`
}

// MeasureAreaRow is one area's value of a measure and its gap from the
// city's value.
type MeasureAreaRow struct {
	AreaID   string   `json:"area_id"`
	Name     string   `json:"name"`
	NeedTier int      `json:"need_tier"`
	Value    *float64 `json:"value"`
	Gap      *float64 `json:"gap_from_city"`
	City     *float64 `json:"city"`
}

// MeasureGapRow is one measure's comparison of the highest- and
// lowest-need tiers in one period.
type MeasureGapRow struct {
	Set                      string   `json:"set"`
	Measure                  string   `json:"measure"`
	Name                     string   `json:"name"`
	Unit                     string   `json:"unit"`
	Period                   string   `json:"period"`
	Coverage                 string   `json:"coverage"`
	Lowest                   *float64 `json:"lowest_need_tier"`
	Highest                  *float64 `json:"highest_need_tier"`
	Gap                      *float64 `json:"gap"`
	GapLow                   *float64 `json:"gap_low"`
	GapHigh                  *float64 `json:"gap_high"`
	Significant              bool     `json:"gap_significant"`
	Concentration            *float64 `json:"concentration_index"`
	ConcentrationLow         *float64 `json:"concentration_low"`
	ConcentrationHigh        *float64 `json:"concentration_high"`
	ConcentrationSignificant bool     `json:"concentration_significant"`
	Verdict                  string   `json:"verdict"`
}

// MeasureTierRow is one tier's value of a measure in one period, with its
// interval.
type MeasureTierRow struct {
	Measure  string   `json:"measure"`
	Period   string   `json:"period"`
	Coverage string   `json:"coverage"`
	Tier     int      `json:"tier"`
	Label    string   `json:"label"`
	Areas    int      `json:"areas"`
	Value    *float64 `json:"value"`
	Low      *float64 `json:"low"`
	High     *float64 `json:"high"`
}

// ScoreRow is one roll-up score: of the city, a department or an area.
type ScoreRow struct {
	Level    string   `json:"level"`
	Name     string   `json:"name"`
	AreaID   string   `json:"area_id"`
	Period   string   `json:"period"`
	Coverage string   `json:"coverage"`
	Score    *float64 `json:"score"`
	Measures int      `json:"measures"`
}

// ProgramRow is one value of a program measure beside its program's
// dollars (citywide).
type ProgramRow struct {
	Department  string   `json:"department"`
	Program     string   `json:"program"`
	ProgramName string   `json:"program_name"`
	Measure     string   `json:"measure"`
	Name        string   `json:"name"`
	Unit        string   `json:"unit"`
	FiscalYear  string   `json:"fiscal_year"`
	Phase       string   `json:"phase"`
	Value       float64  `json:"value"`
	Dollars     *float64 `json:"program_dollars"`
	CostPerUnit *float64 `json:"cost_per_unit"`
}

var (
	pMeasure = param{Name: "measure", In: "query", Desc: "measure key: a service measure id, set/measure for a published one, or score (see /api/measures; default: the first)"}
	pPeriod  = param{Name: "period", In: "query", Desc: "compare by year (default), fiscal_year, quarter, month or all", Enum: []string{"year", "fiscal_year", "quarter", "month", "all"}}
)

// measureParams reads layer, measure and period, with their defaults.
func (s *Server) measureParams(r *http.Request) (*view, string, string, string, error) {
	v, err := s.viewOf(r)
	if err != nil {
		return nil, "", "", "", err
	}
	q := r.URL.Query()
	layer, err := v.pickLayer(r.Context(), q.Get("layer"))
	if err != nil {
		return nil, "", "", "", err
	}
	if ok, _ := v.isMoneyLayer(r.Context(), layer); !ok {
		return nil, "", "", "", budget.Errorf(budget.EINVALID, "layer %s holds points: measures are by a layer of areas", layer)
	}
	period := q.Get("period")
	if period == "" {
		period = "year"
	}
	if _, err := measures.ParsePeriod(period); err != nil {
		return nil, "", "", "", err
	}
	key := q.Get("measure")
	choices, err := v.measureChoices(r.Context())
	if err != nil {
		return nil, "", "", "", err
	}
	if key == "" && len(choices) > 0 {
		key = choices[0].Key
	}
	if key != "" && !hasChoice(choices, key) {
		return nil, "", "", "", budget.Errorf(budget.ENOTFOUND, "no measure")
	}
	return v, layer, key, period, nil
}

func hasChoice(cs []office.MeasureChoice, key string) bool {
	for _, c := range cs {
		if c.Key == key {
			return true
		}
	}
	return false
}

// measureChoices are the measures of the view, cached.
func (v *view) measureChoices(ctx context.Context) ([]office.MeasureChoice, error) {
	return cached(ctx, v, "measure-choices", func() ([]office.MeasureChoice, error) {
		return v.o.MeasureChoices(context.WithoutCancel(ctx))
	})
}

// measureMap is a measure by area, cached.
func (v *view) measureMap(ctx context.Context, layer, key string) (*office.MeasureMap, error) {
	return cached(ctx, v, "measure-map|"+layer+"|"+key, func() (*office.MeasureMap, error) {
		return v.o.MeasureMapOf(context.WithoutCancel(ctx), layer, key)
	})
}

// measureTrend is a measure's tier comparison by period, cached.
func (v *view) measureTrend(ctx context.Context, layer, key, period string) ([]measures.Gap, error) {
	type trend struct {
		gaps []measures.Gap
	}
	t, err := cached(ctx, v, "measure-trend|"+layer+"|"+key+"|"+period, func() (trend, error) {
		g, _, err := v.o.MeasureTrend(context.WithoutCancel(ctx), layer, key, period, v.s.opt.Reps)
		return trend{g}, err
	})
	return t.gaps, err
}

func (s *Server) apiMeasures(w http.ResponseWriter, r *http.Request) error {
	v, err := s.viewOf(r)
	if err != nil {
		return err
	}
	cs, err := v.measureChoices(r.Context())
	if err != nil {
		return err
	}
	rows := []MeasureDefRow{}
	for _, c := range cs {
		rows = append(rows, MeasureDefRow{Key: c.Key, Name: c.Name, Unit: c.Unit, Kind: c.Kind, Label: c.Label, Derived: c.Derived})
	}
	return s.sendTable(w, r, &table{name: "measures", rows: rows})
}

func (s *Server) apiMeasureAreas(w http.ResponseWriter, r *http.Request) error {
	v, layer, key, _, err := s.measureParams(r)
	if err != nil {
		return err
	}
	rows := []MeasureAreaRow{}
	if key != "" {
		m, err := v.measureMap(r.Context(), layer, key)
		if err != nil {
			return err
		}
		for _, a := range m.Areas {
			rows = append(rows, MeasureAreaRow{AreaID: a.AreaID, Name: a.Name, NeedTier: a.NeedTier, Value: a.Value, Gap: a.Gap, City: m.City})
		}
	}
	t := &table{name: "measure-" + safeName(key) + "-" + layer, rows: rows}
	t.geojson = func(w io.Writer) error {
		zoom, err := intParam(r, "zoom", 10)
		if err != nil {
			return err
		}
		// measures span many months: the lines as stored, as office's
		// measures use them
		l, err := cached(r.Context(), v, "display-stored|"+layer+"|"+strconv.Itoa(zoom), func() (*geo.Layer, error) {
			return v.o.DisplayLayer(context.WithoutCancel(r.Context()), layer, zoom)
		})
		if err != nil {
			return err
		}
		by := map[string]MeasureAreaRow{}
		for _, x := range rows {
			by[x.AreaID] = x
		}
		return writeGeoJSON(w, l, func(a *geo.Area) any {
			if x, ok := by[a.ID]; ok {
				return x
			}
			return MeasureAreaRow{AreaID: a.ID, Name: a.Name}
		})
	}
	return s.sendTable(w, r, t)
}

// safeName keeps letters, digits, - and _ of a name for a file name.
func safeName(s string) string {
	var b bytes.Buffer
	for _, c := range s {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' {
			b.WriteRune(c)
		} else {
			b.WriteByte('-')
		}
	}
	return b.String()
}

func gapRowOf(set string, g *measures.Gap) MeasureGapRow {
	lo, hi := g.Tiers[0], g.Tiers[len(g.Tiers)-1]
	return MeasureGapRow{Set: set, Measure: g.Measure, Name: g.Name, Unit: g.Unit, Period: g.Period, Coverage: g.Coverage, Lowest: lo.Value, Highest: hi.Value,
		Gap: g.Gap, GapLow: g.GapLow, GapHigh: g.GapHigh, Significant: g.Significant, Concentration: g.Concentration, ConcentrationLow: g.ConcentrationLow,
		ConcentrationHigh: g.ConcentrationHigh, ConcentrationSignificant: g.ConcentrationSignificant, Verdict: g.Verdict}
}

func (s *Server) apiMeasureGaps(w http.ResponseWriter, r *http.Request) error {
	v, layer, _, period, err := s.measureParams(r)
	if err != nil {
		return err
	}
	res, err := cached(r.Context(), v, "measure-gaps|"+layer+"|"+period, func() (*office.GapsResult, error) {
		return v.o.MeasureGaps(context.WithoutCancel(r.Context()), office.GapsOptions{Layer: layer, Period: period, Reps: s.opt.Reps})
	})
	rows := []MeasureGapRow{}
	if budget.ErrorCode(err) == budget.EINVALID {
		return s.sendTable(w, r, &table{name: "measure-gaps-" + layer, rows: rows}) // no need tiers: nothing to compare
	}
	if err != nil {
		return err
	}
	for i := range res.Gaps {
		rows = append(rows, gapRowOf("service requests", &res.Gaps[i]))
	}
	for _, p := range res.Published {
		for i := range p.Gaps {
			rows = append(rows, gapRowOf(p.Set, &p.Gaps[i]))
		}
	}
	return s.sendTable(w, r, &table{name: "measure-gaps-" + layer, rows: rows})
}

func (s *Server) apiMeasureTiers(w http.ResponseWriter, r *http.Request) error {
	v, layer, key, period, err := s.measureParams(r)
	if err != nil {
		return err
	}
	rows := []MeasureTierRow{}
	if key != "" {
		gs, err := v.measureTrend(r.Context(), layer, key, period)
		if err != nil && budget.ErrorCode(err) != budget.EINVALID {
			return err
		}
		for _, g := range gs {
			for _, t := range g.Tiers {
				rows = append(rows, MeasureTierRow{Measure: g.Measure, Period: g.Period, Coverage: g.Coverage, Tier: t.Tier, Label: t.Label, Areas: t.Areas, Value: t.Value, Low: t.Low, High: t.High})
			}
		}
	}
	return s.sendTable(w, r, &table{name: "measure-tiers-" + safeName(key) + "-" + layer, rows: rows})
}

func (s *Server) apiMeasureScores(w http.ResponseWriter, r *http.Request) error {
	v, layer, _, period, err := s.measureParams(r)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("period") == "" {
		period = "all"
	}
	res, err := cached(r.Context(), v, "measure-scores|"+layer+"|"+period, func() (*office.ScoresResult, error) {
		return v.o.MeasureScores(context.WithoutCancel(r.Context()), office.ScoresOptions{Layer: layer, Period: period})
	})
	if err != nil {
		return err
	}
	rows := []ScoreRow{}
	for _, c := range res.City {
		rows = append(rows, ScoreRow{Level: "city", Name: c.Name, Period: c.Period, Coverage: c.Coverage, Score: c.Score, Measures: c.Measures})
	}
	for _, c := range res.Departments {
		rows = append(rows, ScoreRow{Level: "department", Name: c.Name, Period: c.Period, Coverage: c.Coverage, Score: c.Score, Measures: c.Measures})
	}
	for _, a := range res.Areas {
		rows = append(rows, ScoreRow{Level: "area", Name: a.Name, AreaID: a.AreaID, Period: a.Period, Coverage: a.Coverage, Score: a.Score, Measures: a.Measures})
	}
	return s.sendTable(w, r, &table{name: "measure-scores-" + layer, rows: rows})
}

// programRows are the program measures of the view (held phases are not
// in the public view), cached.
func (v *view) programs(ctx context.Context) (*office.ProgramsResult, error) {
	return cached(ctx, v, "programs", func() (*office.ProgramsResult, error) {
		return v.o.ProgramMeasures(context.WithoutCancel(ctx), office.ProgramsOptions{})
	})
}

func (s *Server) apiPrograms(w http.ResponseWriter, r *http.Request) error {
	v, err := s.viewOf(r)
	if err != nil {
		return err
	}
	res, err := v.programs(r.Context())
	if err != nil {
		return err
	}
	dept := r.URL.Query().Get("department")
	rows := []ProgramRow{}
	for _, m := range res.Measures {
		if dept != "" && m.Department != dept {
			continue
		}
		for _, x := range m.Values {
			rows = append(rows, ProgramRow{Department: m.DepartmentName, Program: m.Program, ProgramName: m.ProgramName, Measure: m.Measure, Name: m.Name, Unit: m.Unit,
				FiscalYear: x.FiscalYear, Phase: x.Phase, Value: x.Value, Dollars: x.Dollars, CostPerUnit: x.CostPerUnit})
		}
	}
	return s.sendTable(w, r, &table{name: "program-measures", rows: rows})
}
