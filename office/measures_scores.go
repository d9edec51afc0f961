package office

import (
	"context"
	"math"
	"sort"
	"strings"

	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/measures"
)

// ScoresOptions select the roll-up of `measures scores`.
type ScoresOptions struct {
	Layer    string
	Period   string // default all
	From, To string
	Events   string
	Tiers    int
	Run      int64
}

// ScoredMeasure is a measure with a target.
type ScoredMeasure struct {
	ID           string  `json:"id"`
	Name         string  `json:"name"`
	Set          string  `json:"set,omitempty"` // the published set, "" for a service measure
	Department   string  `json:"department"`
	Better       string  `json:"better"`
	Target       float64 `json:"target"`
	Source       string  `json:"source,omitempty"`
	Illustrative bool    `json:"illustrative"`
}

// MeasureScore is one measure's value and score in an area or the city.
type MeasureScore struct {
	Measure string  `json:"measure"`
	Value   float64 `json:"value"`
	Score   float64 `json:"score"`
}

// AreaScore is an area's roll-up in one period.
type AreaScore struct {
	AreaID   string         `json:"area_id"`
	Name     string         `json:"name"`
	Period   string         `json:"period"`
	Coverage string         `json:"coverage"`
	Score    *float64       `json:"score"`
	Measures int            `json:"measures"`
	Parts    []MeasureScore `json:"parts"`
}

// GroupScore is a department's or the city's roll-up in one period.
type GroupScore struct {
	Name     string         `json:"name"`
	Period   string         `json:"period"`
	Coverage string         `json:"coverage"`
	Score    *float64       `json:"score"`
	Measures int            `json:"measures"`
	Parts    []MeasureScore `json:"parts"`
}

// ScoresResult is the roll-up of every scored measure.
type ScoresResult struct {
	Layer       string          `json:"layer"`
	Period      string          `json:"period"`
	Label       string          `json:"label"`
	Measures    []ScoredMeasure `json:"measures"`
	City        []GroupScore    `json:"city"`
	Departments []GroupScore    `json:"departments"`
	Areas       []AreaScore     `json:"areas"`
	Notes       []string        `json:"notes"`
}

// department names the department of a service measure: the agency the
// profile gives every type of its filter, else "All service requests".
func (o *Office) department(m *measures.Definition) string {
	sv := o.services()
	dept := ""
	for _, t := range m.Filter.Types {
		a := ""
		if sv != nil {
			for _, rt := range sv.RequestTypes {
				if rt.Name == sv.Canonical(t) {
					a = rt.Agency
				}
			}
		}
		if a == "" || dept != "" && a != dept {
			return "All service requests"
		}
		dept = a
	}
	if dept == "" {
		return "All service requests"
	}
	return dept
}

// scoreAcc gathers the scores of one roll-up.
type scoreAcc struct {
	parts []MeasureScore
	cover []string
}

// add scores a value; cov says when its data are of.
func (a *scoreAcc) add(m string, v float64, target float64, better, cov string) {
	if s, ok := measures.Score(v, target, better); ok {
		a.parts = append(a.parts, MeasureScore{Measure: m, Value: v, Score: s})
		if !contains(a.cover, cov) {
			a.cover = append(a.cover, cov)
		}
	}
}

func (a *scoreAcc) coverage() string { return strings.Join(a.cover, "; ") }

func (a *scoreAcc) score() (*float64, int) {
	var ss []float64
	for _, p := range a.parts {
		ss = append(ss, p.Score)
	}
	v, ok := measures.RollUp(ss)
	if !ok {
		return nil, 0
	}
	return &v, len(ss)
}

// MeasureScores scores every measure with a target (the profile's
// targets) against it, per area of the layer, per department and for the
// city, per period, and rolls them up: the mean of the scores (Boston's
// CityScore idea; measures.Score).
func (o *Office) MeasureScores(ctx context.Context, opt ScoresOptions) (*ScoresResult, error) {
	per, err := measures.ParsePeriod(opt.Period)
	if err != nil {
		return nil, err
	}
	l, fr, err := o.areaFrame(ctx, opt.Layer, opt.Tiers, opt.Run)
	if err != nil {
		return nil, err
	}
	res := &ScoresResult{Layer: l.Name, Period: string(per), Measures: []ScoredMeasure{}, City: []GroupScore{}, Departments: []GroupScore{}, Areas: []AreaScore{},
		Notes: []string{"each score is the value against its target (value / target when more is better, target / value when less is better; 1 = target met), capped at 2; a roll-up is the mean of its scores"}}
	sv := o.services()
	areas := map[[2]string]*scoreAcc{} // (area position, period)
	depts := map[[2]string]*scoreAcc{}
	city := map[string]*scoreAcc{}
	get := func(m map[[2]string]*scoreAcc, k [2]string) *scoreAcc {
		if m[k] == nil {
			m[k] = &scoreAcc{}
		}
		return m[k]
	}
	getCity := func(p string) *scoreAcc {
		if city[p] == nil {
			city[p] = &scoreAcc{}
		}
		return city[p]
	}
	var defs []*measures.Definition
	for i := range o.measureSet().Measures {
		m := &o.measureSet().Measures[i]
		if t, ok := sv.TargetFor(m.ID, ""); ok && m.Direction() != "" {
			defs = append(defs, m)
			res.Measures = append(res.Measures, ScoredMeasure{ID: m.ID, Name: m.Name, Department: o.department(m), Better: m.Direction(), Target: t.Value, Source: t.Source, Illustrative: t.Illustrative})
		}
	}
	st, err := o.Store.EventStats(ctx)
	if err != nil {
		return nil, err
	}
	if len(defs) > 0 && st.Requests > 0 {
		mo := MeasureOptions{Layer: l.Name, Period: string(per), From: opt.From, To: opt.To, Events: opt.Events, Tiers: opt.Tiers, Run: opt.Run}
		for _, scope := range []string{"area", "city"} {
			mo.By = []string{scope}
			tq, from, to, err := o.measureQuery(ctx, mo, defs)
			if err != nil {
				return nil, err
			}
			d, release, err := o.measureData(ctx, from, to)
			if err != nil {
				return nil, err
			}
			t, err := measures.Compute(d, tq.q)
			release()
			if err != nil {
				return nil, err
			}
			for i, c := range t.Cells {
				p, cov := t.PeriodLabel(c), "service requests of "+t.Coverage(c.Period)
				for k, m := range defs {
					v := t.Value(k, i)
					if v.Missing {
						continue
					}
					target := res.Measures[k].Target
					if scope == "area" {
						get(areas, [2]string{l.Areas[c.Group].ID, p}).add(m.ID, v.V, target, m.Direction(), cov)
						continue
					}
					getCity(p).add(m.ID, v.V, target, m.Direction(), cov)
					get(depts, [2]string{res.Measures[k].Department, p}).add(m.ID, v.V, target, m.Direction(), cov)
				}
			}
		}
		if res.Label, err = o.eventLabel(ctx, measures.RealEvents); err != nil {
			return nil, err
		}
		if set, _ := o.eventSet(ctx, opt.Events); set == measures.SyntheticEvents {
			res.Label, _ = o.eventLabel(ctx, set)
		}
	}
	if err := o.publishedScores(ctx, per, l, fr.Population, res, get, areas, depts, getCity); err != nil {
		return nil, err
	}
	res.fill(l.Areas, areas, depts, city)
	return res, nil
}

// publishedScores adds the published measures with targets, carried to
// the layer.
func (o *Office) publishedScores(ctx context.Context, per measures.Period, l *geo.Layer, pop []float64, res *ScoresResult,
	get func(map[[2]string]*scoreAcc, [2]string) *scoreAcc, areas, depts map[[2]string]*scoreAcc, getCity func(string) *scoreAcc) error {
	sv := o.services()
	infos, err := o.Store.PublishedSets(ctx)
	if err != nil {
		return err
	}
	cal := measures.Calendar{Period: per, FiscalStart: o.fiscalStart()}
	for _, info := range infos {
		var scored []measures.PublishedMeasure
		var targets []measures.Target
		for _, m := range info.Measures {
			if t, ok := sv.PublishedTarget(info.Name, m.ID); ok && m.Better != "" {
				scored, targets = append(scored, m), append(targets, t)
			}
		}
		if len(scored) == 0 {
			continue
		}
		set, err := o.Store.PublishedSet(ctx, info.Name)
		if err != nil {
			return err
		}
		carry, err := o.carry(ctx, set, l)
		if err != nil {
			return err
		}
		dept := set.Department
		if dept == "" {
			dept = set.Name
		}
		for k, m := range scored {
			t := targets[k]
			res.Measures = append(res.Measures, ScoredMeasure{ID: m.ID, Name: m.Name, Set: set.Name, Department: dept, Better: m.Better, Target: t.Value, Source: t.Source, Illustrative: t.Illustrative})
			vals, err := measures.PublishedAreaValues(set, m.ID, carry, cal, measures.WeightByEvents, pop)
			if err != nil {
				return err
			}
			covs, err := publishedCoverage(set, m.ID, cal)
			if err != nil {
				return err
			}
			for label, vs := range vals {
				for a, v := range vs {
					if !math.IsNaN(v) {
						get(areas, [2]string{l.Areas[a].ID, label}).add(m.ID, v, t.Value, m.Better, covs[label])
					}
				}
			}
			cityVals, err := measures.PublishedCityValues(set, m.ID, cal, measures.WeightByEvents)
			if err != nil {
				return err
			}
			for label, v := range cityVals {
				getCity(label).add(m.ID, v, t.Value, m.Better, covs[label])
				get(depts, [2]string{dept, label}).add(m.ID, v, t.Value, m.Better, covs[label])
			}
		}
		res.Label = joinLabel(res.Label, set.Label())
	}
	return nil
}

func joinLabel(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// fill turns the accumulated scores into sorted rows.
func (r *ScoresResult) fill(layerAreas []geo.Area, areas, depts map[[2]string]*scoreAcc, city map[string]*scoreAcc) {
	name := map[string]string{}
	order := map[string]int{}
	for i, a := range layerAreas {
		name[a.ID], order[a.ID] = a.Name, i
	}
	for k, acc := range areas {
		s, n := acc.score()
		r.Areas = append(r.Areas, AreaScore{AreaID: k[0], Name: name[k[0]], Period: k[1], Coverage: acc.coverage(), Score: s, Measures: n, Parts: acc.parts})
	}
	sort.Slice(r.Areas, func(i, j int) bool {
		a, b := r.Areas[i], r.Areas[j]
		if a.Period != b.Period {
			return a.Period < b.Period
		}
		return order[a.AreaID] < order[b.AreaID]
	})
	for k, acc := range depts {
		s, n := acc.score()
		r.Departments = append(r.Departments, GroupScore{Name: k[0], Period: k[1], Coverage: acc.coverage(), Score: s, Measures: n, Parts: acc.parts})
	}
	sort.Slice(r.Departments, func(i, j int) bool {
		a, b := r.Departments[i], r.Departments[j]
		if a.Period != b.Period {
			return a.Period < b.Period
		}
		return a.Name < b.Name
	})
	for p, acc := range city {
		s, n := acc.score()
		r.City = append(r.City, GroupScore{Name: "City", Period: p, Coverage: acc.coverage(), Score: s, Measures: n, Parts: acc.parts})
	}
	sort.Slice(r.City, func(i, j int) bool { return r.City[i].Period < r.City[j].Period })
	for _, m := range r.Measures {
		if m.Illustrative {
			r.Notes = append(r.Notes, "ILLUSTRATIVE targets (not the city's) stand behind some scores: "+illustrativeList(r.Measures))
			break
		}
	}
}

func illustrativeList(ms []ScoredMeasure) string {
	var ids []string
	for _, m := range ms {
		if m.Illustrative {
			ids = append(ids, m.ID)
		}
	}
	return strings.Join(ids, ", ")
}

// publishedCoverage says which months each period of a published measure
// holds, with the set's label ("LAFD ...: 12 months, January 2013 to
// December 2013").
func publishedCoverage(set *measures.PublishedSet, measure string, cal measures.Calendar) (map[string]string, error) {
	ps, err := set.Periods(measure, cal, measures.WeightByEvents)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	name := set.Name
	if set.Derived {
		name = "DERIVED " + name
	}
	for i := range ps {
		out[ps[i].Label] = name + " of " + ps[i].Coverage()
	}
	return out, nil
}
