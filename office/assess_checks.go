package office

import (
	"context"
	"fmt"
	"math"

	"github.com/budgetlens/budgetlens/assess"
	"github.com/budgetlens/budgetlens/budget"
)

// Check is an automatic check computed from the data beside a request's
// answers. Status is "ok", "attention" or "not_available" (the data to
// compute it is not stored; Text says which).
type Check struct {
	ID     string   `json:"id"`
	Label  string   `json:"label"`
	Status string   `json:"status"`
	Value  *float64 `json:"value"`
	Text   string   `json:"text"`
}

// Checks computes a request's automatic checks:
//
//   - high_need_share: the share (percent) of the request's dollars placed
//     in areas that falls in the highest need tier, by the city's
//     attribution rules on the reporting layer (the explorer's placement);
//     compared with the tier's share of the phase's placed dollars.
//   - measure: whether a performance measure of the request's program is
//     published for the fiscal year (LA publishes measures by program, not
//     by area: a measure by area needs its own data and says so).
//   - past_reach: the share of the program's adopted spending of the year
//     before that was placed in the highest need tier.
//
// A check whose data is missing is "not_available" with the reason; it
// never fails the others.
func (o *Office) Checks(ctx context.Context, a assess.Assessment) []Check {
	fy := budget.FiscalYear{Start: a.FYStart, StartMonth: 7}
	return []Check{o.highNeedCheck(ctx, a, fy), o.measureCheck(ctx, a, fy), o.pastReachCheck(ctx, a, fy)}
}

func sharePct(num, den int64) *float64 {
	if den == 0 {
		return nil
	}
	v := math.Round(float64(num)/float64(den)*1000) / 10
	return &v
}

func (o *Office) highNeedCheck(ctx context.Context, a assess.Assessment, fy budget.FiscalYear) Check {
	c := Check{ID: "high_need_share", Label: "Share of the request's placed dollars in the highest-need tier", Status: "not_available"}
	x, err := o.Explore(ctx, AnalyzeOptions{FiscalYear: fy.Label(), Phase: string(a.Phase)})
	if err != nil {
		c.Text = "no analysis of this phase can be made: " + err.Error()
		return c
	}
	if x.Tiers == 0 {
		c.Text = "no need index is stored for the reporting layer"
		return c
	}
	var in, top, allIn, allTop int64
	for _, ar := range x.Areas {
		for _, r := range ar.Requests {
			allIn += abs64(r.InArea)
			if ar.Tier == x.Tiers {
				allTop += abs64(r.InArea)
			}
			if r.Key == a.RequestKey {
				in += abs64(r.InArea)
				if ar.Tier == x.Tiers {
					top += abs64(r.InArea)
				}
			}
		}
	}
	if in == 0 {
		c.Text = "the request has no place: its dollars are not attributable to areas by the city's rules"
		return c
	}
	c.Value = sharePct(top, in)
	c.Status = "ok"
	base := sharePct(allTop, allIn)
	if base != nil && *c.Value < *base {
		c.Status = "attention"
	}
	c.Text = fmt.Sprintf("%.1f%% of its placed dollars are in the highest of %d need tiers (all requests of the phase: %.1f%%)", *c.Value, x.Tiers, deref(base))
	return c
}

func deref(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

func (o *Office) measureCheck(ctx context.Context, a assess.Assessment, fy budget.FiscalYear) Check {
	c := Check{ID: "measure", Label: "A performance measure is attached", Status: "attention"}
	ms, err := o.Store.Measures(ctx, budget.Filter{Jurisdiction: a.Jurisdiction, FiscalYear: &fy, Department: a.Department.Code, Program: a.Program.Code})
	if err != nil {
		c.Status, c.Text = "not_available", err.Error()
		return c
	}
	names := map[string]bool{}
	for _, m := range ms {
		names[m.Measure.Code+m.Measure.Name] = true
	}
	n := float64(len(names))
	c.Value = &n
	if len(names) == 0 {
		c.Text = fmt.Sprintf("no performance measure of program %s is published for %s", a.Program.Code, fy)
		return c
	}
	c.Status = "ok"
	c.Text = fmt.Sprintf("%d performance measures of program %s are published for %s (by program, not by area)", len(names), a.Program.Code, fy)
	return c
}

func (o *Office) pastReachCheck(ctx context.Context, a assess.Assessment, fy budget.FiscalYear) Check {
	prev := budget.FiscalYear{Start: fy.Start - 1, StartMonth: fy.StartMonth}
	c := Check{ID: "past_reach", Label: "The program's past spending reached the highest-need tier", Status: "not_available"}
	x, err := o.Explore(ctx, AnalyzeOptions{FiscalYear: prev.Label(), Phase: string(budget.Adopted)})
	if err != nil {
		c.Text = fmt.Sprintf("the %s adopted budget cannot be analysed: %v", prev, err)
		return c
	}
	if x.Tiers == 0 {
		c.Text = "no need index is stored for the reporting layer"
		return c
	}
	var att, top, allAtt, allTop int64
	for _, r := range x.Rows {
		allAtt += r.Attributed
		allTop += r.TopTier
		if r.Department.Code == a.Department.Code && r.Program.Code == a.Program.Code {
			att += r.Attributed
			top += r.TopTier
		}
	}
	if att == 0 {
		c.Text = fmt.Sprintf("none of program %s's %s spending is placed in areas", a.Program.Code, prev)
		return c
	}
	c.Value = sharePct(top, att)
	c.Status = "ok"
	base := sharePct(allTop, allAtt)
	if base != nil && *c.Value < *base {
		c.Status = "attention"
	}
	c.Text = fmt.Sprintf("%.1f%% of the program's placed %s adopted dollars were in the highest-need tier (whole budget: %.1f%%)", *c.Value, prev, deref(base))
	return c
}
