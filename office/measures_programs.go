package office

import (
	"context"
	"regexp"
	"sort"

	"github.com/budgetlens/budgetlens/budget"
)

// ProgramsOptions select the city's own program measures.
type ProgramsOptions struct {
	Jurisdiction string
	Department   string // a department code; "" all
}

// ProgramValue is a program measure's value in one fiscal year and phase
// (actual, estimate, or the adopted budget's target), with the program's
// dollars of the same year and phase and the cost per unit when the
// measure counts units of service.
type ProgramValue struct {
	FiscalYear  string   `json:"fiscal_year"`
	Phase       string   `json:"phase"`
	Value       float64  `json:"value"`
	Dollars     *float64 `json:"program_dollars"`
	CostPerUnit *float64 `json:"cost_per_unit"`
}

// ProgramMeasure is one of the city's program measures with its values.
type ProgramMeasure struct {
	Department     string `json:"department"`
	DepartmentName string `json:"department_name"`
	Program        string `json:"program"`
	ProgramName    string `json:"program_name"`
	Measure        string `json:"measure"`
	Name           string `json:"name"`
	Unit           string `json:"unit"`
	// Count says the measure counts units of service ("Number of meals",
	// "Sewer Miles Cleaned"; not a rate, share, average, time or money), the
	// only measures a cost per unit is given for.
	Count  bool           `json:"counts_units"`
	Values []ProgramValue `json:"values"`
	// Change is the last actual against the first actual (a fraction), nil
	// with fewer than two actuals.
	Change *float64 `json:"actual_change"`
	// FirstActual and LastActual name the years Change compares.
	FirstActual string `json:"first_actual,omitempty"`
	LastActual  string `json:"last_actual,omitempty"`
}

// ProgramsResult lists the program measures.
type ProgramsResult struct {
	Measures []ProgramMeasure `json:"measures"`
	Note     string           `json:"note"`
}

// ProgramsNote says plainly what the program measures are.
const ProgramsNote = "These are the city's own program measures as its budget publishes them: CITYWIDE figures per program, not by area, so they say nothing about who in the city is served. Cost per unit is the program's whole budget of the same year and phase divided by the units it counts; a program with several measures shares those dollars, so costs per unit are not additive and are given only for measures that count units of service."

// notUnits recognises measures that do not count units of service: rates,
// shares, averages, times and money.
var notUnits = regexp.MustCompile(`(?i)\b(percent|percentage|rate|ratio|average|avg|time|days|hours|minutes|revenue|value|dollars|cost|score|index|millions)\b`)

// ProgramMeasures lists the city's budget performance measures (every
// stored year and phase: actuals, estimates, adopted targets) beside the
// dollars of their programs, with the cost per unit of service and the
// change between the first and last actuals. Values of the same measure,
// year and phase imported from two files are read once (the later file).
func (o *Office) ProgramMeasures(ctx context.Context, opt ProgramsOptions) (*ProgramsResult, error) {
	ms, err := o.Store.Measures(ctx, budget.Filter{Jurisdiction: opt.Jurisdiction, Department: opt.Department})
	if err != nil {
		return nil, err
	}
	res := &ProgramsResult{Measures: []ProgramMeasure{}, Note: ProgramsNote}
	if len(ms) == 0 {
		return res, nil
	}
	type key struct{ dept, prog, measure string }
	byKey := map[key]*ProgramMeasure{}
	type vkey struct {
		key
		fy    int
		phase budget.Phase
	}
	seen := map[vkey]int{}
	for _, m := range ms {
		k := key{m.Department.Code, m.Program.Code, m.Measure.Code}
		pm := byKey[k]
		if pm == nil {
			pm = &ProgramMeasure{Department: m.Department.Code, DepartmentName: m.Department.Name, Program: m.Program.Code, ProgramName: m.Program.Name,
				Measure: m.Measure.Code, Name: m.Measure.Name, Unit: m.Unit}
			pm.Count = !notUnits.MatchString(pm.Name) && !notUnits.MatchString(pm.Unit)
			byKey[k] = pm
		}
		vk := vkey{k, m.FiscalYear.Start, m.Phase}
		v := ProgramValue{FiscalYear: m.FiscalYear.Label(), Phase: string(m.Phase), Value: m.Value}
		if i, ok := seen[vk]; ok {
			pm.Values[i] = v
			continue
		}
		seen[vk] = len(pm.Values)
		pm.Values = append(pm.Values, v)
	}
	pms := make([]*ProgramMeasure, 0, len(byKey))
	for _, pm := range byKey {
		pms = append(pms, pm)
	}
	if err := o.programDollars(ctx, opt.Jurisdiction, pms); err != nil {
		return nil, err
	}
	for _, pm := range pms {
		pm.trend()
		res.Measures = append(res.Measures, *pm)
	}
	sort.Slice(res.Measures, func(i, j int) bool {
		a, b := res.Measures[i], res.Measures[j]
		if a.Department != b.Department {
			return a.Department < b.Department
		}
		if a.Program != b.Program {
			return a.Program < b.Program
		}
		return a.Measure < b.Measure
	})
	return res, nil
}

// programDollars sets each value's program dollars (expenditure line items
// of the program, same fiscal year and phase) and cost per unit.
func (o *Office) programDollars(ctx context.Context, j string, pms []*ProgramMeasure) error {
	type slice struct {
		fy    string
		phase string
	}
	totals := map[slice]map[string]float64{}
	for _, pm := range pms {
		for i := range pm.Values {
			v := &pm.Values[i]
			s := slice{v.FiscalYear, v.Phase}
			t, ok := totals[s]
			if !ok {
				var err error
				if t, err = o.programTotals(ctx, j, v.FiscalYear, v.Phase); err != nil {
					return err
				}
				totals[s] = t
			}
			d, ok := t[pm.Program]
			if !ok {
				continue
			}
			v.Dollars = &d
			if pm.Count && v.Value > 0 {
				c := d / v.Value
				v.CostPerUnit = &c
			}
		}
	}
	return nil
}

// programTotals are the expenditure dollars of each program in a fiscal
// year and phase (none stored: empty).
func (o *Office) programTotals(ctx context.Context, j, fy, phase string) (map[string]float64, error) {
	f, err := budget.ParseFiscalYear(fy)
	if err != nil {
		return nil, err
	}
	ph, err := budget.ParsePhase(phase)
	if err != nil {
		return nil, err
	}
	ts, err := o.Store.Totals(ctx, budget.Filter{Jurisdiction: j, FiscalYear: &f, Phase: ph, Kind: budget.Expenditure}, budget.LevelProgram)
	if err != nil {
		return nil, err
	}
	out := map[string]float64{}
	for _, t := range ts {
		out[t.Code] = float64(t.AmountCents) / 100
	}
	return out, nil
}

// trend orders the values by year and phase and compares the first and
// last actuals.
func (pm *ProgramMeasure) trend() {
	order := map[string]int{}
	for i, p := range budget.Phases {
		order[string(p)] = i
	}
	sort.SliceStable(pm.Values, func(i, j int) bool {
		a, b := pm.Values[i], pm.Values[j]
		if a.FiscalYear != b.FiscalYear {
			return a.FiscalYear < b.FiscalYear
		}
		return order[a.Phase] < order[b.Phase]
	})
	var acts []ProgramValue
	for _, v := range pm.Values {
		if v.Phase == string(budget.Actual) {
			acts = append(acts, v)
		}
	}
	if len(acts) < 2 || acts[0].Value == 0 {
		return
	}
	c := acts[len(acts)-1].Value/acts[0].Value - 1
	pm.Change, pm.FirstActual, pm.LastActual = &c, acts[0].FiscalYear, acts[len(acts)-1].FiscalYear
}
