package office

import (
	"context"
	"math"
	"sort"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/measures"
)

// MeasureChoice is a measure the dashboard can map: a service measure
// (its id), a published one ("set/measure") or the roll-up score
// ("score").
type MeasureChoice struct {
	Key     string `json:"key"`
	Name    string `json:"name"`
	Unit    string `json:"unit"`
	Kind    string `json:"kind"` // service, published, score
	Label   string `json:"label"`
	Derived bool   `json:"derived"`
	// Names is the name in other languages, by code (es), when the
	// measure's definition gives them.
	Names map[string]string `json:"names,omitempty"`
}

// MeasureChoices lists what the dashboard offers: every service measure
// (when requests are stored), every published measure and the score.
func (o *Office) MeasureChoices(ctx context.Context) ([]MeasureChoice, error) {
	var out []MeasureChoice
	st, err := o.Store.EventStats(ctx)
	if err != nil {
		return nil, err
	}
	if st.Requests > 0 {
		set, err := o.eventSet(ctx, "")
		if err != nil {
			return nil, err
		}
		label, err := o.eventLabel(ctx, set)
		if err != nil {
			return nil, err
		}
		for _, m := range o.measureSet().Measures {
			if m.Kind == measures.KindCount || m.Kind == measures.KindBacklog {
				continue
			}
			out = append(out, MeasureChoice{Key: m.ID, Name: m.Name, Unit: m.Unit(), Kind: "service", Label: label, Names: m.Names})
		}
	}
	sets, err := o.Store.PublishedSets(ctx)
	if err != nil {
		return nil, err
	}
	// the names in other languages of a set that ships with budgetlens are
	// its spec's (the store keeps a measure's name, unit and kind)
	shipped := map[string]map[string]string{}
	if specs, err := measures.PublishedSpecs(); err == nil {
		for _, sp := range specs {
			for _, c := range sp.Measures {
				shipped[sp.Name+"/"+c.ID] = c.Names
			}
		}
	}
	for _, s := range sets {
		for _, m := range s.Measures {
			if m.Names == nil {
				m.Names = shipped[s.Name+"/"+m.ID]
			}
			unit, name, names := m.Unit, m.Name, m.Names
			if m.Kind == measures.PublishedCount {
				unit, name = "per 1,000 residents", m.Name+" per 1,000 residents"
				if es := m.Names["es"]; es != "" {
					names = map[string]string{"es": es + " por cada 1.000 habitantes"}
				}
			}
			out = append(out, MeasureChoice{Key: s.Name + "/" + m.ID, Name: name, Unit: unit, Kind: "published", Label: s.Label(), Derived: s.Derived, Names: names})
		}
	}
	if len(out) > 0 {
		out = append(out, MeasureChoice{Key: "score", Name: "Roll-up score (1 = targets met)", Unit: "score", Kind: "score"})
	}
	return out, nil
}

// MeasureAreaValue is one area's value of a mapped measure.
type MeasureAreaValue struct {
	AreaID   string   `json:"area_id"`
	Name     string   `json:"name"`
	NeedTier int      `json:"need_tier"`
	Value    *float64 `json:"value"`
	// Gap is the value minus the city's.
	Gap *float64 `json:"gap"`
}

// MeasureMap is a measure by area with the city's value. For a service
// measure the city is the layer's areas pooled (the requests placed in
// them over their residents), so that Gap (value - city) is not shifted by
// requests no area holds; for a published measure it is the publisher's
// areas together (weighted by their events; a count per 1,000 residents of
// the layer); for the score, the city's score.
type MeasureMap struct {
	Layer  string             `json:"layer"`
	Choice MeasureChoice      `json:"measure"`
	City   *float64           `json:"city"`
	Areas  []MeasureAreaValue `json:"areas"`
	Label  string             `json:"label"`
}

func fptr(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// MeasureMapOf computes a measure (MeasureChoice key) by area of a layer
// over all the data, with the city's value and each area's gap from it.
func (o *Office) MeasureMapOf(ctx context.Context, layer, key string) (*MeasureMap, error) {
	choices, err := o.MeasureChoices(ctx)
	if err != nil {
		return nil, err
	}
	var ch *MeasureChoice
	for i := range choices {
		if choices[i].Key == key {
			ch = &choices[i]
		}
	}
	if ch == nil {
		return nil, budget.Errorf(budget.ENOTFOUND, "no measure %q", key)
	}
	l, fr, err := o.areaFrame(ctx, layer, 5, 0)
	if err != nil {
		return nil, err
	}
	out := &MeasureMap{Layer: l.Name, Choice: *ch, Label: ch.Label}
	vals := make([]float64, len(l.Areas))
	for i := range vals {
		vals[i] = math.NaN()
	}
	city := math.NaN()
	switch ch.Kind {
	case "service":
		if city, err = o.serviceMap(ctx, l.Name, key, vals); err != nil {
			return nil, err
		}
	case "published":
		if city, err = o.publishedMap(ctx, l, fr.Population, key, vals); err != nil {
			return nil, err
		}
	case "score":
		res, err := o.MeasureScores(ctx, ScoresOptions{Layer: l.Name, Period: "all"})
		if err != nil {
			return nil, err
		}
		at := map[string]int{}
		for i, a := range l.Areas {
			at[a.ID] = i
		}
		for _, a := range res.Areas {
			if a.Score != nil {
				vals[at[a.AreaID]] = *a.Score
			}
		}
		if len(res.City) > 0 && res.City[0].Score != nil {
			city = *res.City[0].Score
		}
		out.Label = res.Label
	}
	out.City = fptr(city)
	for i, a := range l.Areas {
		r := MeasureAreaValue{AreaID: a.ID, Name: a.Name, NeedTier: fr.Tier[i], Value: fptr(vals[i]), Gap: fptr(vals[i] - city)}
		out.Areas = append(out.Areas, r)
	}
	return out, nil
}

// serviceMap fills vals with a service measure by area of the layer and
// returns the city's value: every area of the layer pooled (poolAreas).
func (o *Office) serviceMap(ctx context.Context, layer, id string, vals []float64) (float64, error) {
	defs, err := o.pickMeasures([]string{id})
	if err != nil {
		return 0, err
	}
	city := math.NaN()
	for _, by := range []string{"area", "city"} {
		tq, from, to, err := o.measureQuery(ctx, MeasureOptions{Layer: layer, By: []string{"area"}}, defs)
		if err != nil {
			return 0, err
		}
		if by == "city" {
			poolAreas(&tq.q)
		}
		d, release, err := o.measureData(ctx, from, to)
		if err != nil {
			return 0, err
		}
		t, err := measures.Compute(d, tq.q)
		release()
		if err != nil {
			return 0, err
		}
		for i, c := range t.Cells {
			v := t.Value(0, i)
			if v.Missing {
				continue
			}
			if by == "city" {
				city = v.V
			} else {
				vals[c.Group] = v.V
			}
		}
	}
	return city, nil
}

// poolAreas makes a query by area one group of every area: the city as
// the map's areas make it up (requests placed in the layer, over the
// residents of its areas), so that each area's difference from it is not
// shifted by the requests no area holds.
func poolAreas(q *measures.Query) {
	var pop float64
	for _, p := range q.Population {
		if p > 0 {
			pop += p
		}
	}
	q.Group = make([]int32, q.Groups)
	q.Groups = 1
	q.Population = nil
	if pop > 0 {
		q.Population = []float64{pop}
	}
}

func (o *Office) publishedMap(ctx context.Context, l *geo.Layer, pop []float64, key string, vals []float64) (float64, error) {
	setName, id := publishedKey(key)
	set, err := o.Store.PublishedSet(ctx, setName)
	if err != nil {
		return 0, err
	}
	m, ok := set.Measure(id)
	if !ok {
		return 0, budget.Errorf(budget.ENOTFOUND, "no measure %q", key)
	}
	carry, err := o.carry(ctx, set, l)
	if err != nil {
		return 0, err
	}
	cal := measures.Calendar{Period: measures.AllPeriods}
	av, err := measures.PublishedAreaValues(set, id, carry, cal, measures.WeightByEvents, pop)
	if err != nil {
		return 0, err
	}
	labels := make([]string, 0, len(av))
	for k := range av {
		labels = append(labels, k)
	}
	sort.Strings(labels)
	if len(labels) > 0 {
		copy(vals, av[labels[len(labels)-1]])
	}
	cv, err := measures.PublishedCityValues(set, id, cal, measures.WeightByEvents)
	if err != nil || len(labels) == 0 {
		return math.NaN(), err
	}
	city := cv[labels[len(labels)-1]]
	if m.Kind == measures.PublishedCount {
		total := 0.0
		for _, p := range pop {
			total += p
		}
		if !(total > 0) {
			return math.NaN(), nil
		}
		city = city / total * 1000
	}
	return city, nil
}

// publishedKey splits "set/measure".
func publishedKey(key string) (string, string) {
	set, m, _ := strings.Cut(key, "/")
	return set, m
}

// MeasureTrend compares a measure (MeasureChoice key) between need tiers
// period by period (default year), with intervals: the gaps of that
// measure alone.
func (o *Office) MeasureTrend(ctx context.Context, layer, key, period string, reps int) ([]measures.Gap, string, error) {
	if key == "score" {
		return nil, "", nil
	}
	if set, id := publishedKey(key); id != "" {
		res, err := o.MeasureGaps(ctx, GapsOptions{Layer: layer, Period: period, Reps: reps, NoEvents: true, Set: set})
		if err != nil {
			return nil, "", err
		}
		var out []measures.Gap
		label := ""
		for _, p := range res.Published {
			label = p.Label
			for _, g := range p.Gaps {
				if g.Measure == id {
					out = append(out, g)
				}
			}
		}
		return out, label, nil
	}
	res, err := o.MeasureGaps(ctx, GapsOptions{Layer: layer, Period: period, Reps: reps, NoPublished: true, Measures: []string{key}})
	if err != nil {
		return nil, "", err
	}
	return res.Gaps, res.Label, nil
}
