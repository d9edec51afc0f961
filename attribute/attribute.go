// Package attribute places every dollar of a budget in areas of a layer,
// following a YAML rules file that says, per department, fund, program,
// account or request, how: by the item's geometry, by the district codes on
// the item, per capita, in proportion to service demand, in proportion to an
// area attribute, or not at all (kept and reported as not attributable).
//
// Amounts are integer cents. Every item's cents are split among areas (and
// the not-attributable remainder) by largest remainders, so that for every
// item, every department and overall
//
//	attributed + not attributable = total
//
// holds to the cent.
package attribute

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/geo"
	"github.com/paulmach/orb"
)

// Item is one amount to place: a budget line item, a budget request or a
// capital project. Codes and names are matched by the rules.
type Item struct {
	ID                       string
	DeptCode, DeptName       string
	FundCode, FundName       string
	ProgramCode, ProgramName string
	AccountCode, AccountName string
	Request                  string // budget request id or description
	Cents                    int64
	// Geom is the item's location (point, line, polygon), nil when unknown.
	Geom orb.Geometry
	// AreaCodes are district codes as written on the row: "5", "5, 11",
	// "1, 5, 9, 10, 11 & 14", "5:60, 11:40" (stated shares), "CW" (citywide).
	AreaCodes string
	// OwnCodes marks AreaCodes as the row's own data (a budget row's
	// district column): such items are placed by their codes before any
	// rule is consulted (rule OwnCodesRule, method OwnAreaCodes).
	// AreaLayer names the layer whose ids the codes are ("" = the layer
	// being placed in).
	OwnCodes  bool
	AreaLayer string
}

func (it *Item) level(l int) (code, name string) {
	switch l {
	case 0:
		return it.DeptCode, it.DeptName
	case 1:
		return it.FundCode, it.FundName
	case 2:
		return it.ProgramCode, it.ProgramName
	case 3:
		return it.AccountCode, it.AccountName
	case 4:
		return it.Request, ""
	}
	return "", ""
}

// Dept is the department key of the item: its code, else its name.
func (it *Item) Dept() string {
	if it.DeptCode != "" {
		return it.DeptCode
	}
	return it.DeptName
}

// Areas is the layer the items are placed in, with what the methods weigh.
type Areas struct {
	Layer *geo.Layer
	Index *geo.Index // for geometry; may be nil when no rule uses geometry
	// Population per area (per_capita; area_codes "CW").
	Population []float64
	// Assets holds per_asset attributes per area by name. Missing names are
	// read from the layer's area attributes (numbers; blank = 0); "area_km2"
	// is computed from the geometry (or, for point-only areas, from their
	// land-area attribute) when no such attribute exists.
	Assets map[string][]float64
	// Demand holds service-event counts per area by request type (per_demand).
	Demand map[string][]float64
	// Codes maps a district code to the areas it covers with the fraction of
	// the code's amount each gets (a crosswalk). NewAreas maps each area's id
	// to itself, so a council-district layer needs nothing more.
	Codes map[string][]geo.Share
	// LayerCodes maps the area ids of other layers (by layer name) to the
	// areas of this one, for items whose own codes are of another layer
	// (see CodesOfLayer).
	LayerCodes map[string]map[string][]geo.Share
	// Outside is the number of the city's residents who live in no area of
	// the layer (a layer that does not cover the whole city, such as
	// neighbourhood councils). Per-resident placing gives their share to
	// nobody: it stays not attributable with OutsideReason, so that a
	// dollar per resident means the same on every layer.
	Outside       float64
	OutsideReason string
	// SitesOutside is, per attribute set by AddSites, the weight of the
	// sites outside every area: per_asset leaves that share unplaced.
	SitesOutside map[string]float64
	// SyntheticDemand marks Demand as synthetic (generated, not observed):
	// dollars placed by it are assumed, never service evidence.
	SyntheticDemand bool
}

// NewAreas prepares a layer: populations from the layer, and each area's id
// (and the id without leading zeros) as a code for that area alone.
func NewAreas(l *geo.Layer, ix *geo.Index) *Areas {
	a := &Areas{Layer: l, Index: ix, Population: make([]float64, len(l.Areas)),
		Assets: map[string][]float64{}, Demand: map[string][]float64{}, Codes: map[string][]geo.Share{}}
	for i, ar := range l.Areas {
		a.Population[i] = ar.Population
		a.Codes[normCode(ar.ID)] = []geo.Share{{Area: i, Fraction: 1}}
	}
	return a
}

// normCode is the key of a code or area id: geo.IDKey (spaces and leading
// zeros do not count, "05" = "5"), without letter case ("cw" = "CW").
func normCode(c string) string { return strings.ToUpper(geo.IDKey(c)) }

// codesOf returns the code map codes of a layer are read in: the layer's
// own ids (layer "" or its own name), or those of another layer mapped in
// LayerCodes; ok is false when that layer cannot be placed in this one.
func (a *Areas) codesOf(layer string) (map[string][]geo.Share, bool) {
	if layer == "" || layer == a.Layer.Name {
		return a.Codes, true
	}
	m, ok := a.LayerCodes[layer]
	return m, ok
}

// asset returns the weights of a per_asset attribute.
func (a *Areas) asset(name string) ([]float64, error) {
	if v, ok := a.Assets[name]; ok {
		return v, nil
	}
	v := make([]float64, len(a.Layer.Areas))
	found := false
	for i, ar := range a.Layer.Areas {
		s, ok := ar.Attrs[name]
		if !ok {
			continue
		}
		found = true
		s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
		if s == "" {
			continue
		}
		x, err := strconv.ParseFloat(s, 64)
		if err != nil || x < 0 {
			return nil, fmt.Errorf("area %s: attribute %s = %q is not a non-negative number", ar.ID, name, s)
		}
		v[i] = x
	}
	if !found && name == "area_km2" {
		for i := range a.Layer.Areas {
			v[i] = landKM2(&a.Layer.Areas[i])
		}
		found = true
	}
	if !found {
		return nil, fmt.Errorf("no area of layer %s has attribute %q", a.Layer.Name, name)
	}
	if a.Assets == nil {
		a.Assets = map[string][]float64{}
	}
	a.Assets[name] = v
	return v, nil
}

// landKM2 is an area's size in km²: from its polygon, or, for an area known
// only by its point (a tract interior point), from its land-area attribute
// (ALAND20 or ALAND in m², LandSqMile in square miles, land_km2); 0 when none.
func landKM2(ar *geo.Area) float64 {
	if len(ar.Geom) > 0 {
		return areaKM2(ar.Geom)
	}
	for _, c := range []struct {
		key    string
		factor float64
	}{{"ALAND20", 1e-6}, {"ALAND", 1e-6}, {"LandSqMile", 2.589988110336}, {"land_km2", 1}} {
		if s, ok := ar.Attrs[c.key]; ok {
			if x, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(s), ",", ""), 64); err == nil && x >= 0 {
				return x * c.factor
			}
		}
	}
	return 0
}

// areaKM2 is the area of a WGS84 multipolygon in km² (geo.AreaKM2).
func areaKM2(mp orb.MultiPolygon) float64 { return geo.AreaKM2(mp) }

// Placement is the part of an item placed in one area.
type Placement struct {
	Item   string `json:"item"`
	Dept   string `json:"dept"`
	Area   int    `json:"-"`
	AreaID string `json:"area_id"`
	Cents  int64  `json:"cents"`
	Rule   string `json:"rule"`
	Method string `json:"method"`
	// Class is the item's class (Operating unless a class names it).
	Class string `json:"class"`
	// Evidence is what the placement rests on (EvidenceClasses).
	Evidence string `json:"evidence"`
}

// Unattributed is the part of an item that no area receives, and why.
type Unattributed struct {
	Item   string `json:"item"`
	Dept   string `json:"dept"`
	Cents  int64  `json:"cents"`
	Rule   string `json:"rule"`
	Method string `json:"method"`
	Reason string `json:"reason"`
	Class  string `json:"class"`
}

// Totals is the accounting of a department or of everything.
type Totals struct {
	Dept         string `json:"dept,omitempty"`
	Total        int64  `json:"total_cents"`
	Attributed   int64  `json:"attributed_cents"`
	Unattributed int64  `json:"unattributed_cents"`
	// AttributedShare = Attributed / Total (0 when Total is 0); with negative
	// items it can leave [0, 1].
	AttributedShare float64 `json:"attributed_share"`
	// ByMethod is the attributed cents per method actually used (a fallback
	// counts under the fallback method).
	ByMethod map[string]int64 `json:"by_method"`
	// ByEvidence is the attributed cents per evidence class.
	ByEvidence map[string]int64 `json:"by_evidence"`
}

func (t *Totals) finish() {
	if t.Total != 0 {
		t.AttributedShare = float64(t.Attributed) / float64(t.Total)
	}
}

// Result is the attribution of a set of items.
type Result struct {
	Rules        string         `json:"rules"`
	RulesVersion int            `json:"rules_version"`
	RulesHash    string         `json:"rules_hash"`
	Layer        string         `json:"layer"`
	Placements   []Placement    `json:"placements"`
	Unattributed []Unattributed `json:"unattributed"`
	Departments  []Totals       `json:"departments"`
	Total        Totals         `json:"total"`
	// ByArea is the attributed cents per area, by position in the layer.
	ByArea []int64 `json:"by_area"`
	// Fallbacks lists, per rule and reason, the items a rule placed with its
	// fallback method because its own could not (sorted by rule, reason).
	Fallbacks []Fallback `json:"fallbacks"`
	// ByClass is the cents of every item by class (Operating and the
	// rules' classes), placed or not.
	ByClass map[string]int64 `json:"by_class"`
	// ByAreaClass is the attributed cents per area (by position in the
	// layer) of each class that placed any.
	ByAreaClass map[string][]int64 `json:"-"`
	// ByAreaEvidence is the attributed cents of operating spending per
	// area (by position in the layer) of each evidence class that placed
	// any.
	ByAreaEvidence map[string][]int64 `json:"-"`
}

// classRule is the rule an excluded class stands for: nothing placed.
func classRule(c *Class) *Rule {
	return &Rule{Name: "class: " + c.Name, Method: NotAttributable, Reason: c.Reason}
}

// Fallback says that a rule's fallback placed some items, and why.
type Fallback struct {
	Rule     string `json:"rule"`
	Method   string `json:"method"`
	Fallback string `json:"fallback"`
	Reason   string `json:"reason"`
	Items    int    `json:"items"`
	Cents    int64  `json:"cents"`
}

// Attribute places every item. It never drops an amount: what no area
// receives is listed in Unattributed with the reason. Items of zero cents
// produce nothing but are counted. The departments are sorted by key.
func Attribute(items []Item, rules *Rules, areas *Areas) (*Result, error) {
	return attribute(items, rules, areas, true)
}

// Sums is Attribute without the list of placements: the totals, the cents
// by area and by area and class, the unattributed parts and the fallbacks,
// for callers that place the same items many times (rule variants) and
// need only the sums.
func Sums(items []Item, rules *Rules, areas *Areas) (*Result, error) {
	return attribute(items, rules, areas, false)
}

func attribute(items []Item, rules *Rules, areas *Areas, keep bool) (*Result, error) {
	return attributeWith(items, rules, areas, keep, nil)
}

func attributeWith(items []Item, rules *Rules, areas *Areas, keep bool, m *Matching) (*Result, error) {
	res := &Result{Rules: rules.Name, RulesVersion: rules.Version, RulesHash: rules.Hash, Layer: areas.Layer.Name,
		ByArea: make([]int64, len(areas.Layer.Areas)), ByClass: map[string]int64{}, ByAreaClass: map[string][]int64{}, ByAreaEvidence: map[string][]int64{}}
	depts := map[string]*Totals{}
	fallbacks := map[string]*Fallback{}
	pooled := map[string]*pool{}
	res.Total.ByMethod = map[string]int64{}
	res.Total.ByEvidence = map[string]int64{}
	for i := range items {
		it := &items[i]
		var cls *Class
		var ru *Rule
		if m != nil {
			cls, ru = m.of(rules, i)
		} else {
			cls, ru = rules.Classify(it), rules.Select(it)
		}
		class := Operating
		if cls != nil {
			class = cls.Name
		}
		res.ByClass[class] += it.Cents
		d := depts[it.Dept()]
		if d == nil {
			d = &Totals{Dept: it.Dept(), ByMethod: map[string]int64{}, ByEvidence: map[string]int64{}}
			depts[it.Dept()] = d
		}
		d.Total += it.Cents
		res.Total.Total += it.Cents
		if it.Cents == 0 {
			continue
		}
		if it.OwnCodes && strings.TrimSpace(it.AreaCodes) != "" {
			ru = ownCodesRule
		}
		if cls != nil && cls.Kind == ClassExcluded {
			ru = classRule(cls) // classification comes before place
		}
		pl, un, why, err := place(it, ru, areas, pooled, class)
		if err != nil {
			return nil, fmt.Errorf("attribute: item %s (rule %q): %w", it.ID, ru.Name, err)
		}
		if why != "" {
			k := ru.Name + "\x00" + why
			fb := fallbacks[k]
			if fb == nil {
				fb = &Fallback{Rule: ru.Name, Method: ru.Method, Fallback: ru.Fallback, Reason: why}
				fallbacks[k] = fb
			}
			fb.Items++
			fb.Cents += it.Cents
		}
		byArea := res.ByAreaClass[class]
		if byArea == nil && len(pl) > 0 {
			byArea = make([]int64, len(res.ByArea))
			res.ByAreaClass[class] = byArea
		}
		for _, p := range pl {
			p.Class = class
			if keep {
				res.Placements = append(res.Placements, p)
			}
			byArea[p.Area] += p.Cents
			res.ByArea[p.Area] += p.Cents
			if class == Operating {
				ev := res.ByAreaEvidence[p.Evidence]
				if ev == nil {
					ev = make([]int64, len(res.ByArea))
					res.ByAreaEvidence[p.Evidence] = ev
				}
				ev[p.Area] += p.Cents
			}
			d.Attributed += p.Cents
			d.ByMethod[p.Method] += p.Cents
			d.ByEvidence[p.Evidence] += p.Cents
			res.Total.Attributed += p.Cents
			res.Total.ByMethod[p.Method] += p.Cents
			res.Total.ByEvidence[p.Evidence] += p.Cents
		}
		for _, u := range un {
			u.Class = class
			res.Unattributed = append(res.Unattributed, u)
			d.Unattributed += u.Cents
			res.Total.Unattributed += u.Cents
		}
	}
	for _, d := range depts {
		d.finish()
		res.Departments = append(res.Departments, *d)
	}
	sort.Slice(res.Departments, func(i, j int) bool { return res.Departments[i].Dept < res.Departments[j].Dept })
	res.Fallbacks = []Fallback{}
	for _, fb := range fallbacks {
		res.Fallbacks = append(res.Fallbacks, *fb)
	}
	sort.Slice(res.Fallbacks, func(i, j int) bool {
		a, b := res.Fallbacks[i], res.Fallbacks[j]
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Reason < b.Reason
	})
	res.Total.finish()
	return res, nil
}

// place splits one item according to its rule.
// why, when not empty, says why the rule's own method gave way to its
// fallback (the fallback placed the item).
//
// Items a rule places by the same weights (per resident, per asset, per
// demand) are split as one pool per rule, method and class: each item gets
// the split of the running total less what the items before it got, so the
// rule's dollars in each area are the largest-remainder split of its total
// (within a cent), not the sum of every item's rounding. An item can then
// get a cent less than nothing in an area where its neighbours rounded up.
func place(it *Item, ru *Rule, areas *Areas, pooled map[string]*pool, class string) (pl []Placement, un []Unattributed, why string, err error) {
	p, err := weights(it, ru, ru.Method, areas)
	if err != nil {
		return nil, nil, "", err
	}
	if p.w == nil && ru.Fallback != "" && p.method != NotAttributable {
		why = p.reason
		if p, err = weights(it, ru, ru.Fallback, areas); err != nil {
			return nil, nil, "", err
		}
		if p.w == nil {
			if why != "" {
				p.reason = why + "; fallback " + ru.Fallback + ": " + p.reason
			}
			why = ""
		}
	}
	if p.w == nil {
		return nil, []Unattributed{{Item: it.ID, Dept: it.Dept(), Cents: it.Cents, Rule: ru.Name, Method: p.method, Reason: p.reason}}, "", nil
	}
	var parts []int64
	var restCents int64
	switch {
	case p.method == PerCapita || p.method == PerAsset || p.method == PerDemand || p.pooled:
		parts, restCents = splitPooled(pooled, ru.Name+"\x00"+p.method+"\x00"+class, it.Cents, p.w, p.rest)
	default:
		parts, restCents = SplitCents(it.Cents, p.w, p.rest)
	}
	ev := p.evidence
	if ev == "" {
		ev = evidenceOf(ru, p.method, areas)
	}
	for a, c := range parts {
		if c != 0 {
			pl = append(pl, Placement{Item: it.ID, Dept: it.Dept(), Area: a, AreaID: areas.Layer.Areas[a].ID, Cents: c, Rule: ru.Name, Method: p.method, Evidence: ev})
		}
	}
	if restCents != 0 {
		un = append(un, Unattributed{Item: it.ID, Dept: it.Dept(), Cents: restCents, Rule: ru.Name, Method: p.method, Reason: p.restReason})
	}
	return pl, un, why, nil
}

// pool is what a rule has placed so far by one method: the running total
// and its split.
type pool struct {
	total int64
	parts []int64
	rest  int64
}

// split returns an item's parts as the split of the pool's running total
// less the parts before it.
func splitPooled(m map[string]*pool, key string, cents int64, w []float64, rest float64) ([]int64, int64) {
	p := m[key]
	if p == nil || len(p.parts) != len(w) {
		p = &pool{parts: make([]int64, len(w))}
		m[key] = p
	}
	p.total += cents
	all, allRest := SplitCents(p.total, w, rest)
	out := make([]int64, len(w))
	for i := range all {
		out[i] = all[i] - p.parts[i]
	}
	r := allRest - p.rest
	p.parts, p.rest = all, allRest
	return out, r
}

// placing is how a method places an item: the weight of each area (w nil
// when the method cannot place any of the item; reason then says why), the
// weight of the part left unattributed with its reason, and the method
// reported.
type placing struct {
	w          []float64
	rest       float64
	restReason string
	method     string
	reason     string
	// evidence overrides the class of the method (citywide codes are
	// spread per resident: a proxy)
	evidence string
	// pooled: the weights are the rule's, the same for every item (the
	// rule's own codes), so its dollars are split as one pool
	pooled bool
}

// cannot is a placing that places nothing, for the reason given.
func cannot(method, reason string) placing { return placing{method: method, reason: reason} }

// weights returns how a method places an item.
func weights(it *Item, ru *Rule, method string, areas *Areas) (placing, error) {
	switch method {
	case NotAttributable:
		reason := ru.Reason
		if reason == "" {
			reason = "not attributable by rule " + ru.Name
		}
		return cannot(method, reason), nil
	case PerCapita:
		if positive(areas.Population) {
			return placing{w: areas.Population, method: method, rest: areas.outside(), restReason: areas.OutsideReason}, nil
		}
		return cannot(method, "no area has a population"), nil
	case PerAsset:
		v, err := areas.asset(ru.Attribute)
		if err != nil {
			return cannot(method, err.Error()), nil
		}
		if positive(v) {
			p := placing{w: v, method: method}
			if out := areas.SitesOutside[ru.Attribute]; out > 0 {
				// the dollars of sites outside every area stay unplaced
				p.rest, p.restReason = out, fmt.Sprintf("the share of the %s sites outside every area of layer %s", ru.Attribute, areas.Layer.Name)
			}
			return p, nil
		}
		return cannot(method, "attribute "+ru.Attribute+" is zero in every area"), nil
	case PerDemand:
		return byDemand(ru, areas), nil
	case Geometry:
		return byGeometry(it, ru, areas)
	case AreaCodes, OwnAreaCodes:
		return byCodes(it, ru, method, areas), nil
	}
	return placing{method: method}, fmt.Errorf("unknown method %q", method)
}

// byDemand weights the areas by their service events of the rule's types
// (all types when it names none).
func byDemand(ru *Rule, areas *Areas) placing {
	n := len(areas.Layer.Areas)
	v := make([]float64, n)
	types := ru.EventTypes
	if len(types) == 0 {
		for t := range areas.Demand {
			types = append(types, t)
		}
	}
	for _, t := range types {
		for i, c := range areas.Demand[t] {
			if i < n {
				v[i] += c
			}
		}
	}
	if positive(v) {
		return placing{w: v, method: PerDemand}
	}
	return cannot(PerDemand, fmt.Sprintf("no service events of types %s in any area", strings.Join(types, ", ")))
}

// byGeometry apportions the item's geometry among the areas; the part
// outside every area stays unattributed. A geometry wholly outside falls
// back to the item's area codes when it has some.
func byGeometry(it *Item, ru *Rule, areas *Areas) (placing, error) {
	if it.Geom == nil {
		return cannot(Geometry, "the item has no geometry"), nil
	}
	if areas.Index == nil {
		return cannot(Geometry, "no spatial index for layer "+areas.Layer.Name), nil
	}
	w := make([]float64, len(areas.Layer.Areas))
	var f float64
	for _, s := range areas.Index.Apportion(it.Geom) {
		w[s.Area] += s.Fraction
		f += s.Fraction
	}
	if !(f > 0) {
		if strings.TrimSpace(it.AreaCodes) != "" {
			return weights(it, ru, AreaCodes, areas)
		}
		return cannot(Geometry, "the geometry lies outside every area of layer "+areas.Layer.Name), nil
	}
	return placing{w: w, rest: math.Max(0, 1-f), restReason: "part of the geometry lies outside layer " + areas.Layer.Name, method: Geometry}, nil
}

// byCodes places the item by its district codes ("5, 11", "CW", stated
// shares): each code's share goes to the areas the code covers; codes no
// area has stay unattributed, with their names.
func byCodes(it *Item, ru *Rule, method string, areas *Areas) placing {
	text, layer, whose := it.AreaCodes, it.AreaLayer, "the row's"
	ruleCodes := method == AreaCodes && ru.Codes != "" && strings.TrimSpace(it.AreaCodes) == ""
	if ruleCodes {
		text, layer, whose = ru.Codes, ru.CodesLayer, fmt.Sprintf("rule %s's", ru.Name)
	}
	byCode, ok := areas.codesOf(layer)
	if !ok {
		return cannot(method, fmt.Sprintf("%s area codes are of layer %s, which cannot be placed in layer %s (import layer %s)", whose, layer, areas.Layer.Name, layer))
	}
	codes, err := ParseAreaCodes(text)
	if err != nil {
		return cannot(method, err.Error())
	}
	if len(codes) == 0 {
		return cannot(method, "the item has no area codes")
	}
	if len(codes) == 1 && codes[0].Citywide {
		p, _ := weights(it, ru, PerCapita, areas)
		p.method, p.evidence = method, EvidenceProxy
		return p
	}
	applyStatedShares(codes, ru.Shares)
	w := make([]float64, len(areas.Layer.Areas))
	var rest float64
	var unknown []string
	outsideRest := false
	for _, c := range codes {
		if c.Citywide {
			if tp := sum(areas.Population); tp > 0 {
				out := areas.outside()
				for i, p := range areas.Population {
					w[i] += c.Share * p / (tp + out)
				}
				if out > 0 {
					rest += c.Share * out / (tp + out)
					outsideRest = true
				}
			} else {
				rest += c.Share
				unknown = append(unknown, "CW (no area has a population)")
			}
			continue
		}
		xs, ok := byCode[normCode(c.Code)]
		if !ok {
			rest += c.Share
			unknown = append(unknown, c.Code)
			continue
		}
		for _, s := range xs {
			w[s.Area] += c.Share * s.Fraction
		}
	}
	if !positive(w) {
		return cannot(method, fmt.Sprintf("no area of layer %s has code %s", areas.Layer.Name, strings.Join(unknown, ", ")))
	}
	p := placing{w: w, rest: rest, method: method, pooled: ruleCodes}
	if !ruleCodes && ru.Codes != "" && ru.Evidence == "" {
		p.evidence = EvidenceLocation // the row's own codes, not the rule's
	}
	var why []string
	if len(unknown) > 0 {
		why = append(why, fmt.Sprintf("area code %s is not in layer %s", strings.Join(unknown, ", "), areas.Layer.Name))
	}
	if outsideRest {
		why = append(why, areas.OutsideReason)
	}
	p.restReason = strings.Join(why, "; ")
	return p
}

// outside is the residents in no area (0 unless positive and finite).
func (a *Areas) outside() float64 {
	if a.Outside > 0 && !math.IsInf(a.Outside, 0) {
		return a.Outside
	}
	return 0
}

func positive(v []float64) bool {
	for _, x := range v {
		if x > 0 {
			return true
		}
	}
	return false
}

func sum(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s
}

// SplitCents divides cents among weights (w_i >= 0) and a remainder of
// weight rest, by largest remainders (Hamilton's method): each part gets the
// floor of its exact quota |cents| x w_i / W (W = sum w + rest); the cents
// left over go one each to the largest fractional parts, ties to the lower
// position and the remainder last. Negative amounts are split as their
// absolute value and negated. The parts and the remainder always sum to
// cents exactly. Weights that are negative or not finite count as 0.
func SplitCents(cents int64, w []float64, rest float64) (parts []int64, restCents int64) {
	parts = make([]int64, len(w))
	sign := int64(1)
	c := cents
	if c < 0 {
		sign, c = -1, -c
	}
	clean := func(x float64) float64 {
		if x > 0 && !math.IsInf(x, 0) {
			return x
		}
		return 0
	}
	total := clean(rest)
	for _, x := range w {
		total += clean(x)
	}
	if total == 0 {
		return parts, cents
	}
	type rem struct {
		pos  int
		frac float64
	}
	rems := make([]rem, 0, len(w)+1)
	var given int64
	quota := func(pos int, x float64) {
		q := float64(c) * (x / total)
		f := math.Floor(q)
		v := int64(f)
		if v > c {
			v = c
		}
		if pos < len(w) {
			parts[pos] = v
		} else {
			restCents = v
		}
		given += v
		rems = append(rems, rem{pos, q - f})
	}
	for i, x := range w {
		quota(i, clean(x))
	}
	quota(len(w), clean(rest))
	sort.SliceStable(rems, func(i, j int) bool { return rems[i].frac > rems[j].frac })
	// Floating error can make the floors sum past c by a cent; take it back
	// from the smallest remainders first.
	for k := len(rems) - 1; given > c && k >= 0; k-- {
		p := rems[k].pos
		if p < len(w) && parts[p] > 0 {
			parts[p]--
			given--
		} else if p == len(w) && restCents > 0 {
			restCents--
			given--
		}
	}
	for k := 0; given < c; k = (k + 1) % len(rems) {
		p := rems[k].pos
		if p < len(w) {
			if clean(w[p]) == 0 {
				continue
			}
			parts[p]++
		} else {
			if clean(rest) == 0 {
				continue
			}
			restCents++
		}
		given++
	}
	for i := range parts {
		parts[i] *= sign
	}
	return parts, restCents * sign
}
