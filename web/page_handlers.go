package web

import (
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strings"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/budget"
)

// verdict writes the plain-words summary of a result in the page language:
// the verdict read from the range of the concentration index over the
// variants of rules and need measures (as analysis.Verdict, which the API
// returns), the highest-need tier's shares, and how much of the budget it
// covers.
func verdict(t T, r *analysis.Result) []string {
	h := r.Headline
	ci := func(n budget.Num) string { return signedNum(t, n) }
	var out []string
	n := 0
	if r.Concentr != nil {
		n = len(r.Concentr.Variants)
	}
	switch {
	case h.Concentration.Missing():
		out = append(out, t.Get("verdict.noneed"))
	case n <= 1:
		out = append(out, t.Get("verdict.nointerval", ci(h.Concentration)))
	case h.Verdict == analysis.LeansToward:
		out = append(out, t.Get("verdict.toward", n, ci(h.ConcentrationMin), ci(h.ConcentrationMax), ci(h.Concentration)))
	case h.Verdict == analysis.LeansAway:
		out = append(out, t.Get("verdict.away", n, ci(h.ConcentrationMin), ci(h.ConcentrationMax), ci(h.Concentration)))
	default:
		out = append(out, t.Get("verdict.none", n, ci(h.ConcentrationMin), ci(h.ConcentrationMax), ci(h.Concentration)))
	}
	if !h.TopTierSpendShare.Missing() {
		out = append(out, t.Get("verdict.tier", t.Percent(float64(h.TopTierPopShare), 1), t.Percent(float64(h.TopTierSpendShare), 1)))
	}
	out = append(out, t.Get("verdict.cover", t.Percent(float64(r.Totals.AttributedShare), 1)))
	return out
}

// leanKey is the message key of a verdict.
func leanKey(v string) string {
	switch v {
	case analysis.LeansToward:
		return "lean.toward"
	case analysis.LeansAway:
		return "lean.away"
	}
	return "lean.none"
}

// signedNum writes an index with 3 digits and its sign (+0.045, −0.017).
func signedNum(t T, n budget.Num) string {
	s := t.Number(float64(n), 3)
	if !n.Missing() && n > 0 && strings.Trim(s, "0.,") != "" {
		s = "+" + s
	}
	return s
}

// overviewPage is the overview's data.
type overviewPage struct {
	Phases  []phaseOption
	Layers  []layerInfo
	Layer   string
	Cur     phaseRef
	Result  *analysis.Result
	Verdict []string
	// Range is the concentration index's range over the variants and the
	// verdict read from it, in the page language ("−0.096 to +0.062; no
	// clear lean").
	Range     string
	Synthetic bool
	Rows      []OverviewPhase
	Chart     template.HTML
	Title     string
}

func (s *Server) pageOverview(w http.ResponseWriter, r *http.Request) error {
	v, err := s.viewOf(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	t := T{Lang: lang(r)}
	p, err := pagePhase(r, v)
	if err != nil {
		return err
	}
	layer, err := v.pickLayer(ctx, r.URL.Query().Get("layer"))
	if err != nil {
		return err
	}
	if ok, _ := v.isMoneyLayer(ctx, layer); !ok {
		return budget.Errorf(budget.ENOTFOUND, "no such layer")
	}
	a, err := v.analysis(ctx, p, layer)
	if err != nil {
		return err
	}
	ov, err := v.overview(ctx, layer)
	if err != nil {
		return err
	}
	pd := &overviewPage{Layer: layer, Cur: p, Result: a.Result, Verdict: verdict(t, a.Result), Synthetic: a.Input.EventsSynthetic, Rows: ov.Phases, Title: ov.Title}
	if h := a.Result.Headline; !h.ConcentrationMin.Missing() && h.ConcentrationMin != h.ConcentrationMax {
		pd.Range = t.Get("ov.range", signedNum(t, h.ConcentrationMin), signedNum(t, h.ConcentrationMax), t.Get(leanKey(h.Verdict)))
	}
	if pd.Phases, err = s.phaseOptions(r, v, p); err != nil {
		return err
	}
	ls, err := v.layers(ctx)
	if err != nil {
		return err
	}
	for _, l := range ls {
		if ok, _ := v.isMoneyLayer(ctx, l.Layer); ok {
			pd.Layers = append(pd.Layers, l)
		}
	}
	var bars []bar
	for _, tr := range a.Result.TierRows {
		bars = append(bars, bar{Label: tierLabel(t, tr.Tier, a.Result.Tiers), Value: float64(tr.PerCapita), Low: math.NaN(), High: math.NaN()})
	}
	pd.Chart = barChart(t, "tiers", t.Get("ov.tier_chart"), bars, float64(a.Result.City.PerCapita), t.Get("ov.city_avg"), func(x float64) string { return "$" + t.Number(x, 0) })
	return s.render(w, r, "overview", t.Get("ov.title"), "overview", pd)
}

// tierLabel names a need tier in the page language.
func tierLabel(t T, tier, n int) string {
	if t.Lang == "es" {
		switch {
		case tier <= 0:
			return "sin índice"
		case tier == n && n > 1:
			return fmt.Sprintf("Nivel %d (mayor necesidad)", tier)
		case tier == 1 && n > 1:
			return "Nivel 1 (menor necesidad)"
		}
		return fmt.Sprintf("Nivel %d", tier)
	}
	return analysis.TierLabel(tier, n)
}

// mapPage is the map's data.
type mapPage struct {
	Phases  []phaseOption
	Layers  []layerInfo
	Layer   string
	Cur     phaseRef
	Measure string
	Money   bool
	Rows    []AreaValueRow
	GeoURL  string
	Area    string
	// Evidence is what the placed dollars rest on (nil for a layer
	// without dollars).
	Evidence *evidencePanel
}

func (s *Server) pageMap(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	v, err := s.viewOf(r)
	if err != nil {
		return err
	}
	p, err := pagePhase(r, v)
	if err != nil {
		return err
	}
	layer, err := v.pickLayer(ctx, q.Get("layer"))
	if err != nil {
		return err
	}
	_, _, rows, err := s.areaRows(withQuery(r, "fy", p.FY.Label(), "phase", string(p.Phase)), layer)
	if err != nil {
		return err
	}
	money, _ := v.isMoneyLayer(ctx, layer)
	measure := q.Get("measure")
	switch measure {
	case "need", "per_capita", "gap":
	default:
		measure = "need"
	}
	if !money {
		measure = "need"
	}
	pd := &mapPage{Layer: layer, Cur: p, Measure: measure, Money: money, Rows: rows, Area: q.Get("area"),
		GeoURL: fmt.Sprintf("/api/layers/%s/areas?format=geojson&fy=%s&phase=%s&zoom=11", urlPathEscape(layer), p.FY.Label(), p.Phase)}
	if money {
		a, err := v.analysis(ctx, p, layer)
		if err != nil {
			return err
		}
		pd.Evidence = newEvidencePanel(T{Lang: lang(r)}, a.Result)
	}
	if pd.Phases, err = s.phaseOptions(r, v, p); err != nil {
		return err
	}
	if pd.Layers, err = v.layers(ctx); err != nil {
		return err
	}
	return s.render(w, r, "map", T{Lang: lang(r)}.Get("map.title"), "map", pd)
}

// withQuery returns r with query values set.
func withQuery(r *http.Request, kv ...string) *http.Request {
	r2 := r.Clone(r.Context())
	q := r2.URL.Query()
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	r2.URL.RawQuery = q.Encode()
	return r2
}

// areaPage is an area profile's data.
type areaPage struct {
	Prof *AreaProfile
	Cur  phaseRef
}

func (s *Server) pageArea(w http.ResponseWriter, r *http.Request) error {
	v, err := s.viewOf(r)
	if err != nil {
		return err
	}
	p, err := pagePhase(r, v)
	if err != nil {
		return err
	}
	prof, err := s.areaProfile(withQuery(r, "fy", p.FY.Label(), "phase", string(p.Phase)), r.PathValue("layer"), r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.render(w, r, "area", prof.Name, "map", &areaPage{Prof: prof, Cur: p})
}

// budgetPage is the explorer's data.
type budgetPage struct {
	Phases  []phaseOption
	Cur     phaseRef
	Compare *phaseRef
	Dept    string
	Prog    string
	Crumbs  []crumb
	Rows    []ExplorerRow
	Chart   template.HTML
	Layer   string
	// LayerTitle is the layer's name for people (captions).
	LayerTitle string
	CmpVal     string
	APIURL     string
	Level      string
	// Evidence is what the phase's placed dollars rest on, by the default
	// layer (nil without one).
	Evidence *evidencePanel
}

type crumb struct{ Label, Href string }

func (s *Server) pageBudget(w http.ResponseWriter, r *http.Request) error {
	v, err := s.viewOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	t := T{Lang: lang(r)}
	p, err := pagePhase(r, v)
	if err != nil {
		return err
	}
	cmp := q.Get("compare")
	kv := []string{"fy", p.FY.Label(), "phase", string(p.Phase)}
	if cmp != "" {
		cfy, cph, _ := strings.Cut(cmp, " ")
		kv = append(kv, "compare", cph, "compare_fy", cfy)
	}
	_, _, cref, rows, err := s.explorerRows(withQuery(r, kv...))
	if err != nil {
		return err
	}
	layer, _ := v.defaultLayer(r.Context())
	pd := &budgetPage{Cur: p, Compare: cref, Dept: q.Get("department"), Prog: q.Get("program"), Rows: rows, Layer: layer, LayerTitle: layer, CmpVal: cmp}
	if ls, err := v.layers(r.Context()); err == nil {
		pd.LayerTitle = layerTitle(ls, layer)
	}
	if ok, _ := v.isMoneyLayer(r.Context(), layer); ok && pd.Dept == "" {
		a, err := v.analysis(r.Context(), p, layer)
		if err != nil {
			return err
		}
		pd.Evidence = newEvidencePanel(t, a.Result)
	}
	if pd.Phases, err = s.phaseOptions(r, v, p); err != nil {
		return err
	}
	pd.Level = "department"
	if pd.Dept != "" {
		pd.Level = "program"
		if pd.Prog != "" {
			pd.Level = "account"
		}
	}
	apiQ := fmt.Sprintf("fy=%s&phase=%s&department=%s&program=%s", p.FY.Label(), p.Phase, pd.Dept, pd.Prog)
	if cref != nil {
		apiQ += fmt.Sprintf("&compare=%s&compare_fy=%s", cref.Phase, cref.FY.Label())
	}
	pd.APIURL = "/api/budget/explorer?" + apiQ
	// the largest rows as a chart
	top := append([]ExplorerRow{}, rows...)
	sortByAmount(top)
	if len(top) > 12 {
		top = top[:12]
	}
	var bars []bar
	for _, x := range top {
		bars = append(bars, bar{Label: x.Name, Value: x.Amount.Float(), Low: math.NaN(), High: math.NaN()})
	}
	title := t.Get("budget.all")
	if len(rows) > 0 && pd.Dept != "" {
		title = rows[0].Name
	}
	pd.Chart = barChart(t, "explorer", t.Get("budget.chart", title), bars, math.NaN(), "", t.Money)
	return s.render(w, r, "budget", t.Get("budget.title"), "budget", pd)
}

func sortByAmount(rows []ExplorerRow) {
	for i := 1; i < len(rows); i++ {
		for j := i; j > 0 && rows[j].Amount > rows[j-1].Amount; j-- {
			rows[j], rows[j-1] = rows[j-1], rows[j]
		}
	}
}

// requestsPage is the requests page's data.
type requestsPage struct {
	Phases     []phaseOption
	Cur        phaseRef
	Rows       []RequestRow
	Total      int
	Next       string
	Dept, Text string
	Category   string
	Categories []string
	APIQuery   string
}

func (s *Server) pageRequests(w http.ResponseWriter, r *http.Request) error {
	v, err := s.viewOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p, err := pagePhase(r, v)
	if err != nil {
		return err
	}
	_, rows, err := s.requestRows(withQuery(r, "fy", p.FY.Label(), "phase", string(p.Phase)))
	if err != nil {
		return err
	}
	pd := &requestsPage{Cur: p, Total: len(rows), Dept: q.Get("department"), Text: q.Get("q"), Category: q.Get("category")}
	if v.o.City != nil {
		pd.Categories = v.o.City.RequestCategories
	}
	rq := withQuery(r, "limit", "50")
	page, next, err := paginate(rq, rows)
	if err != nil {
		return err
	}
	pd.Rows, pd.Next = page, next
	pd.APIQuery = fmt.Sprintf("fy=%s&phase=%s&department=%s&category=%s&q=%s", p.FY.Label(), p.Phase, pd.Dept, pd.Category, pd.Text)
	if pd.Phases, err = s.phaseOptions(r, v, p); err != nil {
		return err
	}
	return s.render(w, r, "requests", T{Lang: lang(r)}.Get("req.title"), "requests", pd)
}

// methodsPage is the methods page's data.
type methodsPage struct {
	City    string
	Profile string
	Layers  []layerInfo
	Need    []NeedRunRow
	Spec    string
	Rules   []ruleRow
	Sources []SourceRow
	Phases  []PhaseRow
	Version string
}

type ruleRow struct{ Name, Match, Method, Note string }

func (s *Server) pageMethods(w http.ResponseWriter, r *http.Request) error {
	v, err := s.viewOf(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	pd := &methodsPage{Version: budget.Version}
	if c := v.o.City; c != nil {
		pd.City = c.Name
		if c.Need != nil {
			pd.Profile = c.Need.Label + " (" + c.Need.Preset + ")"
		}
		if rs := c.Rules(); rs != nil {
			for _, ru := range rs.Rules {
				pd.Rules = append(pd.Rules, ruleRow{Name: ru.Name, Match: matchText(ru.Match), Method: ru.Method, Note: ru.Fallback})
			}
		}
	}
	if pd.Layers, err = v.layers(ctx); err != nil {
		return err
	}
	runs, err := v.o.Store.Runs(ctx)
	if err != nil {
		return err
	}
	for _, x := range runs {
		pd.Need = append(pd.Need, NeedRunRow{ID: x.ID, Spec: x.Spec, SpecVersion: x.SpecVersion, SpecSHA256: x.SpecHash, Layer: x.Layer, Areas: x.Areas})
	}
	if len(runs) > 0 {
		if run, err := v.o.Store.Run(ctx, runs[len(runs)-1].ID); err == nil {
			pd.Spec = run.SpecYAML
		}
	}
	if pd.Sources, err = s.sourceRows(r); err != nil {
		return err
	}
	ps, err := v.o.Phases(ctx)
	if err != nil {
		return err
	}
	for _, x := range ps {
		row := PhaseRow{Jurisdiction: x.Jurisdiction, FiscalYear: x.FiscalYear.Label(), Phase: string(x.Phase), Released: x.Released, By: x.By}
		if !x.At.IsZero() {
			row.At = T{Lang: lang(r)}.Date(x.At)
		}
		pd.Phases = append(pd.Phases, row)
	}
	return s.render(w, r, "methods", T{Lang: lang(r)}.Get("methods.title"), "methods", pd)
}

// matchText writes a rule's match as "department: 82, Bureau of Sanitation".
func matchText[L ~[]string](m map[string]L) string {
	var parts []string
	for _, k := range sortedKeys(m) {
		parts = append(parts, k+": "+strings.Join(m[k], ", "))
	}
	return strings.Join(parts, "; ")
}
