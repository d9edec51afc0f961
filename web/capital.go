package web

import (
	"context"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/capital"
	"github.com/budgetlens/budgetlens/capital/placement"
	"github.com/budgetlens/budgetlens/capital/projects"
	"github.com/budgetlens/budgetlens/office"
)

// ---- capital plans: answer types (issue 12) ----

// CapitalPlanRow is a capital plan.
type CapitalPlanRow struct {
	Plan      string           `json:"plan"`
	Projects  int              `json:"projects"`
	Total     analysis.Dollars `json:"total"`
	Years     string           `json:"years"`
	AreaLayer string           `json:"area_layer"`
	Scenarios int              `json:"scenarios"`
	Skipped   int              `json:"skipped_rows"`
	Released  bool             `json:"released"`
	Source    string           `json:"source"`
	SHA256    string           `json:"sha256"`
}

// CapitalProjectRow is one project of a plan.
type CapitalProjectRow struct {
	ID       string           `json:"id"`
	Line     int              `json:"line"`
	Name     string           `json:"name"`
	Category string           `json:"category"`
	Total    analysis.Dollars `json:"total"`
	Place    string           `json:"place"`
	Areas    string           `json:"areas"`
	Text     string           `json:"place_text"`
}

// CapitalAreaRow is one area's placed dollars.
type CapitalAreaRow struct {
	ID          string           `json:"id"`
	Name        string           `json:"name"`
	Residents   float64          `json:"residents"`
	NeedScore   budget.Num       `json:"need_score"`
	Tier        int              `json:"tier"`
	Dollars     analysis.Dollars `json:"dollars"`
	PerResident budget.Num       `json:"per_resident"`
}

// CapitalScenarioRow is a saved scenario with its equity figures.
type CapitalScenarioRow struct {
	Scenario              string           `json:"scenario"`
	Settings              string           `json:"settings"`
	Status                string           `json:"status"`
	Optimal               bool             `json:"optimal"`
	Projects              int              `json:"projects"`
	Cost                  analysis.Dollars `json:"cost"`
	Objective             float64          `json:"objective"`
	HighNeedShare         float64          `json:"high_need_share"`
	TopTierDollarShare    float64          `json:"top_tier_dollar_share"`
	TopTierResidentShare  float64          `json:"top_tier_resident_share"`
	ConcentrationIndex    budget.Num       `json:"concentration_index"`
	Placed                analysis.Dollars `json:"placed"`
	Citywide              analysis.Dollars `json:"citywide"`
	SavedBy               string           `json:"saved_by"`
	Saved                 string           `json:"saved"`
	Note                  string           `json:"note"`
	Need                  string           `json:"need"`
	Layer                 string           `json:"layer"`
	TopTierPerResident    budget.Num       `json:"top_tier_per_resident"`
	BottomTierPerResident budget.Num       `json:"bottom_tier_per_resident"`
}

// CapitalScenario is a saved scenario: what was asked, the plan, and every
// project left out with its reason.
type CapitalScenario struct {
	Plan      string           `json:"plan"`
	Scenario  string           `json:"scenario"`
	Settings  []string         `json:"settings"`
	Status    string           `json:"status"`
	Optimal   bool             `json:"optimal"`
	Selected  []string         `json:"selected"`
	Objective float64          `json:"objective"`
	Bound     float64          `json:"bound"`
	Gap       float64          `json:"gap"`
	Cost      analysis.Dollars `json:"cost"`
	Equity    projects.Equity  `json:"equity"`
	LeftOut   []CapitalLeftOut `json:"left_out"`
}

// CapitalLeftOut is a project a scenario leaves out and why.
type CapitalLeftOut struct {
	ID     string             `json:"id"`
	Name   string             `json:"name"`
	Code   capital.ReasonCode `json:"code"`
	Reason string             `json:"reason"`
}

// ---- data ----

// capitalPlans lists the plans the view sees.
func (v *view) capitalPlans(ctx context.Context) ([]projects.PlanInfo, error) {
	return cached(ctx, v, "capital-plans", func() ([]projects.PlanInfo, error) { return v.o.CapitalPlans(context.WithoutCancel(ctx)) })
}

// pickPlan resolves ?plan= (default: the first plan) to a plan the view
// sees (not found otherwise).
func (v *view) pickPlan(ctx context.Context, name string) (projects.PlanInfo, error) {
	ps, err := v.capitalPlans(ctx)
	if err != nil {
		return projects.PlanInfo{}, err
	}
	for _, p := range ps {
		if name == "" || p.Name == name {
			return p, nil
		}
	}
	return projects.PlanInfo{}, budget.Errorf(budget.ENOTFOUND, "no such plan")
}

// capitalAnalysis is where a plan's dollars went on a layer, cached.
func (v *view) capitalAnalysis(ctx context.Context, plan, layer string) (*placement.Analysis, error) {
	return cached(ctx, v, "capital|"+plan+"|"+layer, func() (*placement.Analysis, error) {
		return v.o.AnalyzeCapital(context.WithoutCancel(ctx), office.CapitalNeedOptions{Plan: plan, Layer: layer, Tiers: 5})
	})
}

// capitalQuery reads ?plan= and ?layer= (default: the plan's area layer,
// else the reporting layer).
func (s *Server) capitalQuery(r *http.Request) (*view, projects.PlanInfo, string, error) {
	v, err := s.viewOf(r)
	if err != nil {
		return nil, projects.PlanInfo{}, "", err
	}
	ctx := r.Context()
	name := r.PathValue("plan")
	if name == "" {
		name = r.URL.Query().Get("plan")
	}
	p, err := v.pickPlan(ctx, name)
	if err != nil {
		return nil, p, "", err
	}
	layer := r.URL.Query().Get("layer")
	if layer == "" {
		layer = p.AreaLayer
	}
	if layer, err = v.pickLayer(ctx, layer); err != nil {
		return nil, p, "", err
	}
	return v, p, layer, nil
}

func planRow(p projects.PlanInfo) CapitalPlanRow {
	return CapitalPlanRow{Plan: p.Name, Projects: p.Projects, Total: analysis.Dollars(p.TotalCents), Years: strings.Join(p.Years, " "), AreaLayer: p.AreaLayer,
		Scenarios: p.Scenarios, Skipped: p.Skipped, Released: p.Released, Source: p.Source, SHA256: p.SHA256}
}

func areaRowsOf(a *placement.Analysis) []CapitalAreaRow {
	rows := make([]CapitalAreaRow, 0, len(a.Areas))
	for _, ar := range a.Areas {
		rows = append(rows, CapitalAreaRow{ID: ar.ID, Name: ar.Name, Residents: ar.Population, NeedScore: ar.NeedScore, Tier: ar.Tier, Dollars: ar.Dollars, PerResident: ar.PerResident})
	}
	return rows
}

func scenarioRowsOf(list []projects.ScenarioInfo) []CapitalScenarioRow {
	rows := make([]CapitalScenarioRow, 0, len(list))
	for _, s := range list {
		e := s.Equity
		row := CapitalScenarioRow{Scenario: s.Name, Settings: strings.Join(s.Settings, "; "), Status: s.Status, Optimal: s.Optimal, Projects: s.Selected,
			Cost: analysis.Dollars(s.CostCents), Objective: s.Objective, HighNeedShare: e.HighNeedShare, TopTierDollarShare: e.TopTierDollarShare,
			TopTierResidentShare: e.TopTierPopulationShare, ConcentrationIndex: budget.Num(math.NaN()), Placed: analysis.Dollars(e.PlacedCents),
			Citywide: analysis.Dollars(e.CitywideCents), SavedBy: s.By, Saved: s.Saved.UTC().Format(time.RFC3339), Note: s.Note, Need: e.Need, Layer: e.Layer,
			TopTierPerResident: budget.Num(math.NaN()), BottomTierPerResident: budget.Num(math.NaN())}
		if e.Valid {
			row.ConcentrationIndex = budget.Num(e.Concentration)
		}
		if n := len(e.PerResident); n > 0 {
			row.BottomTierPerResident, row.TopTierPerResident = budget.Num(e.PerResident[0]), budget.Num(e.PerResident[n-1])
		}
		rows = append(rows, row)
	}
	return rows
}

// ---- API ----

func (s *Server) apiCapitalPlans(w http.ResponseWriter, r *http.Request) error {
	v, err := s.viewOf(r)
	if err != nil {
		return err
	}
	ps, err := v.capitalPlans(r.Context())
	if err != nil {
		return err
	}
	rows := make([]CapitalPlanRow, 0, len(ps))
	for _, p := range ps {
		rows = append(rows, planRow(p))
	}
	return s.sendTable(w, r, &table{name: "capital-plans", rows: rows})
}

func (s *Server) apiCapitalProjects(w http.ResponseWriter, r *http.Request) error {
	v, p, _, err := s.capitalQuery(r)
	if err != nil {
		return err
	}
	plan, err := cached(r.Context(), v, "capital-plan|"+p.Name, func() (*projects.Plan, error) { return v.o.CapitalPlan(context.WithoutCancel(r.Context()), p.Name) })
	if err != nil {
		return err
	}
	rows := make([]CapitalProjectRow, 0, len(plan.Projects))
	for _, pr := range plan.Projects {
		place := string(pr.Place.Kind)
		if pr.Place.Geometry != nil {
			place = pr.Place.Geometry.GeoJSONType()
		}
		rows = append(rows, CapitalProjectRow{ID: pr.ID, Line: pr.Line, Name: pr.Name, Category: pr.Category, Total: analysis.Dollars(pr.Total()), Place: place,
			Areas: strings.Join(pr.Place.Areas, ","), Text: pr.Place.Text})
	}
	return s.sendTable(w, r, &table{name: "capital-projects-" + p.Name, rows: rows})
}

func (s *Server) apiCapitalAnalysis(w http.ResponseWriter, r *http.Request) error {
	v, p, layer, err := s.capitalQuery(r)
	if err != nil {
		return err
	}
	a, err := v.capitalAnalysis(r.Context(), p.Name, layer)
	if err != nil {
		return err
	}
	return s.sendJSON(w, r, a)
}

func (s *Server) apiCapitalAreas(w http.ResponseWriter, r *http.Request) error {
	v, p, layer, err := s.capitalQuery(r)
	if err != nil {
		return err
	}
	a, err := v.capitalAnalysis(r.Context(), p.Name, layer)
	if err != nil {
		return err
	}
	return s.sendTable(w, r, &table{name: "capital-areas-" + p.Name, rows: areaRowsOf(a)})
}

func (s *Server) apiCapitalScenarios(w http.ResponseWriter, r *http.Request) error {
	v, p, _, err := s.capitalQuery(r)
	if err != nil {
		return err
	}
	list, err := v.o.CapitalScenarios(r.Context(), p.Name)
	if err != nil {
		return err
	}
	return s.sendTable(w, r, &table{name: "capital-scenarios-" + p.Name, rows: scenarioRowsOf(list)})
}

func (s *Server) apiCapitalScenario(w http.ResponseWriter, r *http.Request) error {
	v, p, _, err := s.capitalQuery(r)
	if err != nil {
		return err
	}
	sc, err := v.o.Store.CapitalScenario(r.Context(), p.Name, r.PathValue("scenario"))
	if err != nil {
		return err
	}
	out := CapitalScenario{Plan: p.Name, Scenario: sc.Name, Settings: sc.Settings, Status: string(sc.Result.Status), Optimal: sc.Result.Optimal,
		Selected: append([]string{}, sc.Result.Selected...), Objective: sc.Result.Objective, Bound: sc.Result.Bound, Gap: sc.Result.Gap,
		Cost: analysis.Dollars(sc.Result.Figures.Cost), Equity: sc.Equity, LeftOut: []CapitalLeftOut{}}
	names := map[string]string{}
	for _, mp := range sc.Model.Projects {
		names[mp.ID] = mp.Name
	}
	for _, rs := range sc.Result.Reasons {
		out.LeftOut = append(out.LeftOut, CapitalLeftOut{ID: rs.Project, Name: names[rs.Project], Code: rs.Code, Reason: rs.Text})
	}
	return s.sendJSON(w, r, out)
}

// ---- page ----

// capitalPage is the capital page's data.
type capitalPage struct {
	Plans     []CapitalPlanRow
	Plan      string
	Layers    []layerInfo
	Layer     string
	Analysis  *placement.Analysis
	Scenarios []CapitalScenarioRow
	Chart     template.HTML
	APIQuery  string
}

func (s *Server) pageCapital(w http.ResponseWriter, r *http.Request) error {
	t := T{Lang: lang(r)}
	v, err := s.viewOf(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	ps, err := v.capitalPlans(ctx)
	if err != nil {
		return err
	}
	pd := &capitalPage{}
	for _, p := range ps {
		pd.Plans = append(pd.Plans, planRow(p))
	}
	if len(ps) == 0 {
		return s.render(w, r, "capital", t.Get("cap.title"), "capital", pd)
	}
	v, p, layer, err := s.capitalQuery(r)
	if err != nil {
		return err
	}
	pd.Plan, pd.Layer = p.Name, layer
	if pd.Layers, err = v.layers(ctx); err != nil {
		return err
	}
	if pd.Analysis, err = v.capitalAnalysis(ctx, p.Name, layer); err != nil {
		return err
	}
	list, err := v.o.CapitalScenarios(ctx, p.Name)
	if err != nil {
		return err
	}
	pd.Scenarios = scenarioRowsOf(list)
	pd.APIQuery = fmt.Sprintf("layer=%s", layer)
	var bars []bar
	for _, tr := range pd.Analysis.NeedTiers {
		bars = append(bars, bar{Label: tierLabel(t, tr.Tier, pd.Analysis.Tiers), Value: float64(tr.PerResident), Low: math.NaN(), High: math.NaN()})
	}
	if len(bars) > 0 {
		ref := math.NaN()
		if pop := totalResidents(pd.Analysis); pop > 0 {
			ref = pd.Analysis.Totals.Placed.Float() / pop
		}
		pd.Chart = barChart(t, "capital-tiers", t.Get("cap.chart", p.Name), bars, ref, t.Get("cap.city"), func(x float64) string { return "$" + t.Number(x, 0) })
	}
	return s.render(w, r, "capital", t.Get("cap.title"), "capital", pd)
}

func totalResidents(a *placement.Analysis) float64 {
	var n float64
	for _, ar := range a.Areas {
		n += ar.Population
	}
	return n
}
