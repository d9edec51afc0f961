package office

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/attribute"
	"github.com/budgetlens/budgetlens/budget"
)

// Exploration is where a phase's dollars went, kept in the shape a person
// browses them: by department > program > account, and by area, with the
// attribution rule that placed each dollar and the dollars that reached the
// areas of the highest need tier. It is built by the same attribution as
// Analyze (same rules, areas, populations and demand) and holds sums, not
// placements, so it stays small for any layer.
type Exploration struct {
	FiscalYear budget.FiscalYear
	Phase      budget.Phase
	Layer      string
	Tiers      int
	// Rows are the line items summed by department, program and account.
	Rows []ExploreRow
	// Areas are, by position in the layer, the dollars placed in each area
	// by department and rule, and the requests placed there.
	Areas []AreaDollars
}

// ExploreRow is the dollars of one (department, program, account).
type ExploreRow struct {
	Department, Program, Account budget.Code
	Total                        int64 // cents of the line items
	Attributed                   int64 // cents placed in areas
	TopTier                      int64 // cents placed in areas of the highest need tier
	// Rules are the cents by "rule (method)"; unattributed cents are under
	// "rule (not attributable)".
	Rules map[string]int64
	// Evidence is the placed cents by evidence class (location, service,
	// proxy, assumed: attribute.EvidenceClasses).
	Evidence map[string]int64
}

// AreaDollars is one area's placed dollars.
type AreaDollars struct {
	AreaID string
	Tier   int
	// ByDept is the area's cents by department code and rule.
	ByDept []DeptRuleCents
	// Requests are the budget requests of the phase with cents placed in
	// the area, largest first.
	Requests []AreaRequest
}

// DeptRuleCents is the cents a department placed in an area by one rule.
type DeptRuleCents struct {
	Department budget.Code
	Rule       string
	Method     string
	Cents      int64
}

// AreaRequest is the part of a budget request's change placed in an area.
type AreaRequest struct {
	Key         string
	Department  budget.Code
	Program     string
	Description string
	Change      int64 // the request's whole change in the phase, cents
	InArea      int64 // the cents of it placed in the area
	Method      string
}

// Explore attributes a phase's line items and requests to the areas of a
// layer and sums them for browsing (see Exploration). Reps is ignored: no
// interval is computed.
func (o *Office) Explore(ctx context.Context, opt AnalyzeOptions) (*Exploration, error) {
	opt.Reps, opt.Compare, opt.Save = 0, false, false
	in, err := o.PrepareAnalysis(ctx, opt)
	if err != nil {
		return nil, err
	}
	tiers := opt.Tiers
	if tiers <= 0 {
		tiers = 5
	}
	fr, err := analysis.BuildFrame(in.Layer, in.Index, in.Run, in.Small, in.Groups, tiers)
	if err != nil {
		return nil, err
	}
	// the areas as the analysis prepares them: sites, groups, demand and
	// the residents outside every area place the dollars as it does
	areas := analysis.AreasOf(in, fr)
	att, err := attribute.Attribute(analysis.LineItems(in.Items), in.Rules, areas)
	if err != nil {
		return nil, err
	}
	x := &Exploration{FiscalYear: in.FiscalYear, Phase: in.Phase, Layer: in.Layer.Name, Tiers: fr.Tiers, Areas: make([]AreaDollars, len(in.Layer.Areas))}
	for i, a := range in.Layer.Areas {
		x.Areas[i] = AreaDollars{AreaID: a.ID, Tier: fr.Tier[i]}
	}
	x.sumItems(in, att, fr.Tier)
	if err := x.placeRequests(in, areas); err != nil {
		return nil, err
	}
	return x, nil
}

type exploreKey struct{ dept, prog, acct string }

func (x *Exploration) sumItems(in *analysis.Input, att *attribute.Result, tier []int) {
	rows := map[exploreKey]*ExploreRow{}
	byID := map[string]exploreKey{}
	var order []exploreKey
	for i := range in.Items {
		l := &in.Items[i]
		k := exploreKey{l.Department.Code, l.Program.Code, l.Account.Code}
		r := rows[k]
		if r == nil {
			r = &ExploreRow{Department: l.Department, Program: l.Program, Account: l.Account, Rules: map[string]int64{}, Evidence: map[string]int64{}}
			rows[k] = r
			order = append(order, k)
		}
		r.Total += l.AmountCents
		byID[fmt.Sprintf("%s#%d", l.Key, l.Line)] = k
	}
	type cell struct {
		dept, rule, method string
	}
	perArea := make([]map[cell]int64, len(x.Areas))
	deptName := map[string]budget.Code{}
	for _, p := range att.Placements {
		k, ok := byID[p.Item]
		if !ok {
			continue
		}
		r := rows[k]
		r.Attributed += p.Cents
		if tier[p.Area] == x.Tiers && x.Tiers > 0 {
			r.TopTier += p.Cents
		}
		r.Rules[p.Rule+" ("+p.Method+")"] += p.Cents
		r.Evidence[p.Evidence] += p.Cents
		if perArea[p.Area] == nil {
			perArea[p.Area] = map[cell]int64{}
		}
		perArea[p.Area][cell{k.dept, p.Rule, p.Method}] += p.Cents
		deptName[k.dept] = r.Department
	}
	for _, u := range att.Unattributed {
		if k, ok := byID[u.Item]; ok {
			rows[k].Rules[u.Rule+" ("+attribute.NotAttributable+")"] += u.Cents
		}
	}
	for _, k := range order {
		x.Rows = append(x.Rows, *rows[k])
	}
	for i, m := range perArea {
		for c, cents := range m {
			x.Areas[i].ByDept = append(x.Areas[i].ByDept, DeptRuleCents{Department: deptName[c.dept], Rule: c.rule, Method: c.method, Cents: cents})
		}
		sort.Slice(x.Areas[i].ByDept, func(a, b int) bool {
			p, q := x.Areas[i].ByDept[a], x.Areas[i].ByDept[b]
			if p.Cents != q.Cents {
				return p.Cents > q.Cents
			}
			return p.Department.Code+p.Rule < q.Department.Code+q.Rule
		})
	}
}

// placeRequests places the phase's change of each request with the same
// rules and areas, as the analysis' request contributions do.
func (x *Exploration) placeRequests(in *analysis.Input, areas *attribute.Areas) error {
	var items []attribute.Item
	reqs := map[string]budget.Request{}
	for _, r := range in.Requests {
		c := r.AdoptedCents
		if in.Phase == budget.Proposed {
			c = r.ProposedCents
		}
		if c == nil || *c == 0 {
			continue
		}
		id := fmt.Sprintf("%s#%d", r.Key, r.Line)
		items = append(items, attribute.Item{ID: id, DeptCode: r.Department.Code, DeptName: r.Department.Name,
			FundCode: r.Fund.Code, FundName: r.Fund.Name, ProgramCode: r.Program.Code, ProgramName: r.Program.Name,
			AccountCode: r.Account.Code, AccountName: r.Account.Name, Cents: *c})
		reqs[id] = r
	}
	if len(items) == 0 {
		return nil
	}
	ra, err := attribute.Attribute(items, in.Rules, areas)
	if err != nil {
		return err
	}
	for _, p := range ra.Placements {
		r := reqs[p.Item]
		ch := r.AdoptedCents
		if in.Phase == budget.Proposed {
			ch = r.ProposedCents
		}
		a := &x.Areas[p.Area]
		a.Requests = append(a.Requests, AreaRequest{Key: p.Item, Department: r.Department, Program: r.Program.Name,
			Description: strings.TrimSpace(r.Description), Change: *ch, InArea: p.Cents, Method: p.Method})
	}
	for i := range x.Areas {
		rs := x.Areas[i].Requests
		sort.Slice(rs, func(a, b int) bool {
			if abs64(rs[a].InArea) != abs64(rs[b].InArea) {
				return abs64(rs[a].InArea) > abs64(rs[b].InArea)
			}
			return rs[a].Key < rs[b].Key
		})
	}
	return nil
}

func abs64(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// ExploreLevel sums the rows one level below a node of the department >
// program > account tree: departments when dept is "", the programs of
// dept when prog is "", else the accounts of that program. Rows are in
// code order.
func (x *Exploration) ExploreLevel(dept, prog string) []ExploreRow {
	groups := map[string]*ExploreRow{}
	var keys []string
	for _, r := range x.Rows {
		var k string
		g := ExploreRow{Rules: map[string]int64{}, Evidence: map[string]int64{}}
		switch {
		case dept == "":
			k, g.Department = r.Department.Code, r.Department
		case r.Department.Code != dept:
			continue
		case prog == "":
			k, g.Department, g.Program = r.Program.Code, r.Department, r.Program
		case r.Program.Code != prog:
			continue
		default:
			k, g.Department, g.Program, g.Account = r.Account.Code, r.Department, r.Program, r.Account
		}
		a := groups[k]
		if a == nil {
			a = &g
			groups[k] = a
			keys = append(keys, k)
		}
		a.Total += r.Total
		a.Attributed += r.Attributed
		a.TopTier += r.TopTier
		for rule, c := range r.Rules {
			a.Rules[rule] += c
		}
		for e, c := range r.Evidence {
			a.Evidence[e] += c
		}
	}
	sort.Strings(keys)
	out := make([]ExploreRow, len(keys))
	for i, k := range keys {
		out[i] = *groups[k]
	}
	return out
}

// MainRule is the rule that placed (or left unplaced) most of the row's
// dollars, and how many rules touched it.
func (r ExploreRow) MainRule() (string, int) {
	best, bestC := "", int64(-1)
	for rule, c := range r.Rules {
		if abs64(c) > bestC || (abs64(c) == bestC && rule < best) {
			best, bestC = rule, abs64(c)
		}
	}
	return best, len(r.Rules)
}

// Area returns an area's dollars by its id.
func (x *Exploration) Area(id string) (AreaDollars, bool) {
	for _, a := range x.Areas {
		if a.AreaID == id {
			return a, true
		}
	}
	return AreaDollars{}, false
}
