package web

import (
	"context"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/attribute"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/need"
	"github.com/budgetlens/budgetlens/office"
	"github.com/budgetlens/budgetlens/report"
)

// ---- row and answer types (their json tags are the API's field names and
// the CSV/XLSX column names; the OpenAPI schemas are generated from them) ----

// PhaseRow is a budget phase and its release state.
type PhaseRow struct {
	Jurisdiction string `json:"jurisdiction"`
	FiscalYear   string `json:"fiscal_year"`
	Phase        string `json:"phase"`
	Released     bool   `json:"released"`
	By           string `json:"by"`
	At           string `json:"at"`
}

// Status answers the health and readiness probes.
type Status struct {
	Status string `json:"status"`
	Detail string `json:"detail,omitempty"`
}

// OverviewPhase is one phase's headline figures.
type OverviewPhase struct {
	FiscalYear      string            `json:"fiscal_year"`
	Phase           string            `json:"phase"`
	PhaseTotal      analysis.Dollars  `json:"phase_total"`
	Attributed      analysis.Dollars  `json:"attributed"`
	AttributedShare budget.Num        `json:"attributed_share"`
	Headline        analysis.Headline `json:"headline"`
	Verdict         []string          `json:"verdict"`
	Synthetic       bool              `json:"synthetic_demand"`
}

// Overview is the headline of every published phase on one layer.
type Overview struct {
	Title  string          `json:"title"`
	Layer  string          `json:"layer"`
	Phases []OverviewPhase `json:"phases"`
}

// TotalRow is a classification total.
type TotalRow struct {
	Code   string           `json:"code"`
	Name   string           `json:"name"`
	Amount analysis.Dollars `json:"amount"`
	Items  int64            `json:"items"`
}

// LineItemRow is one line item.
type LineItemRow struct {
	FiscalYear     string           `json:"fiscal_year"`
	Phase          string           `json:"phase"`
	DepartmentCode string           `json:"department_code"`
	Department     string           `json:"department"`
	ProgramCode    string           `json:"program_code"`
	Program        string           `json:"program"`
	FundCode       string           `json:"fund_code"`
	Fund           string           `json:"fund"`
	AccountCode    string           `json:"account_code"`
	Account        string           `json:"account"`
	Amount         analysis.Dollars `json:"amount"`
	Key            string           `json:"key"`
	Line           int              `json:"line"`
}

// ExplorerRow is one node of department > program > account in a phase,
// with another phase beside it.
type ExplorerRow struct {
	Code         string            `json:"code"`
	Name         string            `json:"name"`
	Level        string            `json:"level"`
	Amount       analysis.Dollars  `json:"amount"`
	Compare      *analysis.Dollars `json:"compare_amount"`
	Change       *analysis.Dollars `json:"change"`
	Attributed   analysis.Dollars  `json:"attributed"`
	TopTier      analysis.Dollars  `json:"top_tier"`
	TopTierShare budget.Num        `json:"top_tier_share"`
	Rule         string            `json:"rule"`
	Rules        int               `json:"rules"`
	// The placed dollars by evidence class: the dollars' own place,
	// measured service, proxies, assumptions (docs/evidence.md).
	Location analysis.Dollars `json:"placed_location"`
	Service  analysis.Dollars `json:"placed_service"`
	Proxy    analysis.Dollars `json:"placed_proxy"`
	Assumed  analysis.Dollars `json:"placed_assumed"`
}

// Evidence lists the row's evidence classes, strongest first.
func (r ExplorerRow) Evidence() []string {
	var out []string
	for _, c := range []struct {
		name string
		d    analysis.Dollars
	}{{attribute.EvidenceLocation, r.Location}, {attribute.EvidenceService, r.Service}, {attribute.EvidenceProxy, r.Proxy}, {attribute.EvidenceAssumed, r.Assumed}} {
		if c.d != 0 {
			out = append(out, c.name)
		}
	}
	return out
}

// RequestRow is one budget request with its effect on the highest-need
// tier's share.
type RequestRow struct {
	Key            string            `json:"key"`
	FiscalYear     string            `json:"fiscal_year"`
	DepartmentCode string            `json:"department_code"`
	Department     string            `json:"department"`
	Program        string            `json:"program"`
	Description    string            `json:"description"`
	Category       string            `json:"category"`
	Proposed       *analysis.Dollars `json:"proposed"`
	Adopted        *analysis.Dollars `json:"adopted"`
	Change         analysis.Dollars  `json:"change"`
	Attributed     analysis.Dollars  `json:"attributed"`
	TopTier        analysis.Dollars  `json:"top_tier"`
	Method         string            `json:"method"`
	Contribution   budget.Num        `json:"contribution"`
	Status         string            `json:"assessment_status"`
	Score          *float64          `json:"assessment_score"`
}

// AreaValueRow is one area of a layer with its need and dollars.
type AreaValueRow struct {
	AreaID       string           `json:"area_id"`
	Name         string           `json:"name"`
	Population   float64          `json:"population"`
	NeedScore    budget.Num       `json:"need_score"`
	NeedTier     int              `json:"need_tier"`
	Amount       analysis.Dollars `json:"amount"`
	PerCapita    budget.Num       `json:"per_capita"`
	PerCapitaGap budget.Num       `json:"per_capita_gap"`
	Requests     *int             `json:"service_requests"`
	PerThousand  budget.Num       `json:"requests_per_1000"`
}

// AreaProfile is everything about one area.
type AreaProfile struct {
	Layer        string           `json:"layer"`
	AreaID       string           `json:"area_id"`
	Name         string           `json:"name"`
	FiscalYear   string           `json:"fiscal_year"`
	Phase        string           `json:"phase"`
	Population   float64          `json:"population"`
	NeedScore    budget.Num       `json:"need_score"`
	NeedTier     int              `json:"need_tier"`
	Tiers        int              `json:"tiers"`
	Amount       analysis.Dollars `json:"amount"`
	PerCapita    budget.Num       `json:"per_capita"`
	CityPerCap   budget.Num       `json:"city_per_capita"`
	SmallAreas   []SmallAreaRow   `json:"need_small_areas"`
	Departments  []AreaDeptRow    `json:"dollars_by_department"`
	Services     *AreaServices    `json:"services"`
	Requests     []AreaRequestRow `json:"requests"`
	RequestCount int              `json:"requests_count"`
}

// SmallAreaRow is a small area of the need run inside the area.
type SmallAreaRow struct {
	ID          string     `json:"id"`
	Population  float64    `json:"population"`
	Score       budget.Num `json:"score"`
	Percentile  budget.Num `json:"percentile"`
	Tier        string     `json:"tier"`
	Explanation string     `json:"explanation"`
}

// AreaDeptRow is the dollars a department placed in the area by one rule.
type AreaDeptRow struct {
	DepartmentCode string           `json:"department_code"`
	Department     string           `json:"department"`
	Rule           string           `json:"rule"`
	Method         string           `json:"method"`
	Amount         analysis.Dollars `json:"amount"`
}

// AreaServices are the service requests of the area.
type AreaServices struct {
	Requests    int        `json:"requests"`
	PerThousand budget.Num `json:"per_1000"`
	MedianHours budget.Num `json:"median_hours"`
	P90Hours    budget.Num `json:"p90_hours"`
	Synthetic   bool       `json:"synthetic"`
	Source      string     `json:"source"`
}

// AreaRequestRow is the part of a budget request placed in the area.
type AreaRequestRow struct {
	Key         string           `json:"key"`
	Department  string           `json:"department"`
	Program     string           `json:"program"`
	Description string           `json:"description"`
	Change      analysis.Dollars `json:"change"`
	InArea      analysis.Dollars `json:"in_area"`
	Method      string           `json:"method"`
}

// NeedRunRow is a stored need-index run.
type NeedRunRow struct {
	ID          int64  `json:"id"`
	Spec        string `json:"spec"`
	SpecVersion string `json:"spec_version"`
	SpecSHA256  string `json:"spec_sha256"`
	Layer       string `json:"layer"`
	Areas       int    `json:"areas"`
}

// NeedAreaRow is one area of a need run.
type NeedAreaRow struct {
	AreaID     string     `json:"area_id"`
	Population budget.Num `json:"population"`
	Score      budget.Num `json:"score"`
	Percentile budget.Num `json:"percentile"`
	Rank       int        `json:"rank"`
	Tier       string     `json:"tier"`
}

// ServiceRow is one area's service requests.
type ServiceRow struct {
	AreaID      string     `json:"area_id"`
	Name        string     `json:"name"`
	NeedTier    int        `json:"need_tier"`
	Requests    *int       `json:"requests"`
	PerThousand budget.Num `json:"per_1000"`
	MedianHours budget.Num `json:"median_hours"`
	P90Hours    budget.Num `json:"p90_hours"`
	Synthetic   bool       `json:"synthetic"`
}

// SourceRow is one input with its content hash.
type SourceRow struct {
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	Detail  string `json:"detail"`
	SHA256  string `json:"sha256"`
	Version string `json:"version"`
}

// SearchRow is an area found by name or id.
type SearchRow struct {
	Layer string `json:"layer"`
	ID    string `json:"id"`
	Name  string `json:"name"`
	URL   string `json:"url"`
}

// ---- handlers ----

func (s *Server) apiHealth(w http.ResponseWriter, r *http.Request) error {
	return s.sendJSON(w, r, Status{Status: "ok"})
}

func (s *Server) apiReady(w http.ResponseWriter, r *http.Request) error {
	ready, err := s.isReady()
	st := Status{Status: "ready"}
	switch {
	case !ready:
		st = Status{Status: "starting", Detail: "computing the first analyses"}
	case err != nil:
		st = Status{Status: "degraded", Detail: "the first analyses failed; pages that need them answer with an error"}
	}
	if _, perr := s.public.Store.PhaseReleases(r.Context()); perr != nil {
		st = Status{Status: "unavailable", Detail: "the store cannot be read"}
	}
	if st.Status != "ready" && st.Status != "degraded" {
		b, _ := json.Marshal(st)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write(append(b, '\n'))
		return nil
	}
	return s.sendJSON(w, r, st)
}

func (s *Server) apiPhases(w http.ResponseWriter, r *http.Request) error {
	v, err := s.viewOf(r)
	if err != nil {
		return err
	}
	ps, err := v.o.Phases(r.Context())
	if err != nil {
		return err
	}
	rows := []PhaseRow{}
	for _, p := range ps {
		row := PhaseRow{Jurisdiction: p.Jurisdiction, FiscalYear: p.FiscalYear.Label(), Phase: string(p.Phase), Released: p.Released, By: p.By}
		if !p.At.IsZero() {
			row.At = p.At.UTC().Format("2006-01-02T15:04:05Z")
		}
		rows = append(rows, row)
	}
	return s.sendTable(w, r, &table{name: "phases", rows: rows})
}

// overview is the headline of every phase the view sees, on a layer.
func (v *view) overview(ctx context.Context, layer string) (*Overview, error) {
	layer, err := v.pickLayer(ctx, layer)
	if err != nil {
		return nil, err
	}
	ps, err := v.phases(ctx)
	if err != nil {
		return nil, err
	}
	ov := &Overview{Layer: layer, Phases: []OverviewPhase{}}
	if v.o.City != nil {
		ov.Title = v.o.City.Title()
	}
	for _, p := range ps {
		a, err := v.analysis(ctx, p, layer)
		if err != nil {
			return nil, err
		}
		res := a.Result
		ov.Phases = append(ov.Phases, OverviewPhase{FiscalYear: p.FY.Label(), Phase: string(p.Phase), PhaseTotal: res.Totals.PhaseTotal,
			Attributed: res.Totals.Attributed, AttributedShare: res.Totals.AttributedShare, Headline: res.Headline,
			Verdict: analysis.Verdict(res, a.Input.EventsSynthetic), Synthetic: a.Input.EventsSynthetic})
	}
	return ov, nil
}

func (s *Server) apiOverview(w http.ResponseWriter, r *http.Request) error {
	v, err := s.viewOf(r)
	if err != nil {
		return err
	}
	ov, err := v.overview(r.Context(), r.URL.Query().Get("layer"))
	if err != nil {
		return err
	}
	return s.sendJSON(w, r, ov)
}

// phaseAndLayer resolves ?fy, ?phase and ?layer.
func (s *Server) phaseAndLayer(r *http.Request) (*view, phaseRef, string, error) {
	v, err := s.viewOf(r)
	if err != nil {
		return nil, phaseRef{}, "", err
	}
	q := r.URL.Query()
	p, err := v.pickPhase(r.Context(), q.Get("fy"), q.Get("phase"))
	if err != nil {
		return nil, p, "", err
	}
	layer, err := v.pickLayer(r.Context(), q.Get("layer"))
	if err != nil {
		return nil, p, "", err
	}
	return v, p, layer, nil
}

func (s *Server) apiAnalysis(w http.ResponseWriter, r *http.Request) error {
	v, p, layer, err := s.phaseAndLayer(r)
	if err != nil {
		return err
	}
	if ok, _ := v.isMoneyLayer(r.Context(), layer); !ok {
		return budget.Errorf(budget.EINVALID, "layer %s holds points (need only): analyse dollars by a layer of areas", layer)
	}
	a, err := v.analysis(r.Context(), p, layer)
	if err != nil {
		return err
	}
	return s.sendJSON(w, r, a.Result)
}

func (s *Server) apiTotals(w http.ResponseWriter, r *http.Request) error {
	v, err := s.viewOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p, err := v.pickPhase(r.Context(), q.Get("fy"), q.Get("phase"))
	if err != nil {
		return err
	}
	by := q.Get("by")
	if by == "" {
		by = "department"
	}
	kind := q.Get("kind")
	if kind == "" {
		kind = string(budget.Expenditure)
	}
	res, err := v.o.Totals(r.Context(), office.BudgetFilter{FiscalYear: p.FY.Label(), Phase: string(p.Phase), Kind: kind, Department: q.Get("department")}, by)
	if err != nil {
		return err
	}
	rows := []TotalRow{}
	for _, t := range res.Rows {
		rows = append(rows, TotalRow{Code: t.Code, Name: t.Name, Amount: analysis.Dollars(t.AmountCents), Items: t.Items})
	}
	return s.sendTable(w, r, &table{name: "totals-" + string(res.Level) + "-" + p.FY.Label() + "-" + string(p.Phase), rows: rows})
}

func intParam(r *http.Request, name string, def int) (int, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, budget.Errorf(budget.EINVALID, "%s %q: give a whole number", name, s)
	}
	return n, nil
}

func (s *Server) apiLineItems(w http.ResponseWriter, r *http.Request) error {
	v, err := s.viewOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p, err := v.pickPhase(r.Context(), q.Get("fy"), q.Get("phase"))
	if err != nil {
		return err
	}
	limit, err := intParam(r, "limit", 100)
	if err != nil {
		return err
	}
	if limit < 1 || limit > 1000 {
		return budget.Errorf(budget.EINVALID, "limit %d: give 1 to 1000 rows per page", limit)
	}
	page, err := v.o.LineItems(r.Context(), office.LineItemQuery{
		Filter: office.BudgetFilter{FiscalYear: p.FY.Label(), Phase: string(p.Phase), Kind: string(budget.Expenditure), Department: q.Get("department"), Program: q.Get("program")},
		Fund:   q.Get("fund"), Account: q.Get("account"), Q: q.Get("q"), Sort: q.Get("sort"), Limit: limit, Cursor: q.Get("cursor")})
	if err != nil {
		return err
	}
	rows := []LineItemRow{}
	for _, l := range page.Items {
		rows = append(rows, LineItemRow{FiscalYear: l.FiscalYear.Label(), Phase: string(l.Phase), DepartmentCode: l.Department.Code, Department: l.Department.Name,
			ProgramCode: l.Program.Code, Program: l.Program.Name, FundCode: l.Fund.Code, Fund: l.Fund.Name, AccountCode: l.Account.Code, Account: l.Account.Name,
			Amount: analysis.Dollars(l.AmountCents), Key: l.Key, Line: l.Line})
	}
	total := page.Total
	return s.sendTable(w, r, &table{name: "line-items-" + p.FY.Label() + "-" + string(p.Phase), rows: rows, next: page.NextCursor, total: &total})
}

// explorerRows builds the explorer's rows of a node.
func (s *Server) explorerRows(r *http.Request) (*view, phaseRef, *phaseRef, []ExplorerRow, error) {
	v, p, layer, err := s.phaseAndLayer(r)
	if err != nil {
		return nil, p, nil, nil, err
	}
	q := r.URL.Query()
	ctx := r.Context()
	x, err := v.exploration(ctx, p, layer)
	if err != nil {
		return nil, p, nil, nil, err
	}
	dept, prog := q.Get("department"), q.Get("program")
	rows := x.ExploreLevel(dept, prog)
	var cmpRef *phaseRef
	cmp := map[string]int64{}
	if c := q.Get("compare"); c != "" {
		cfy := q.Get("compare_fy")
		if cfy == "" {
			cfy = p.FY.Label()
		}
		cp, err := v.pickPhase(ctx, cfy, c)
		if err != nil {
			return nil, p, nil, nil, err
		}
		cmpRef = &cp
		cx, err := v.exploration(ctx, cp, layer)
		if err != nil {
			return nil, p, nil, nil, err
		}
		for _, cr := range cx.ExploreLevel(dept, prog) {
			cmp[nodeCode(cr, dept, prog)] += cr.Total
		}
	}
	level := "department"
	if dept != "" {
		level = "program"
		if prog != "" {
			level = "account"
		}
	}
	out := []ExplorerRow{}
	for _, er := range rows {
		code := nodeCode(er, dept, prog)
		name := er.Department.Name
		if level == "program" {
			name = er.Program.Name
		} else if level == "account" {
			name = er.Account.Name
		}
		rule, n := er.MainRule()
		row := ExplorerRow{Code: code, Name: name, Level: level, Amount: analysis.Dollars(er.Total), Attributed: analysis.Dollars(er.Attributed),
			TopTier: analysis.Dollars(er.TopTier), TopTierShare: share(er.TopTier, er.Attributed), Rule: rule, Rules: n,
			Location: analysis.Dollars(er.Evidence[attribute.EvidenceLocation]), Service: analysis.Dollars(er.Evidence[attribute.EvidenceService]),
			Proxy: analysis.Dollars(er.Evidence[attribute.EvidenceProxy]), Assumed: analysis.Dollars(er.Evidence[attribute.EvidenceAssumed])}
		if cmpRef != nil {
			c := analysis.Dollars(cmp[code])
			d := analysis.Dollars(er.Total) - c
			row.Compare, row.Change = &c, &d
			delete(cmp, code)
		}
		out = append(out, row)
	}
	for code, c := range cmp { // rows only in the compared phase
		c, d := analysis.Dollars(c), analysis.Dollars(-c)
		out = append(out, ExplorerRow{Code: code, Name: code, Level: level, Compare: &c, Change: &d, TopTierShare: budget.Num(math.NaN())})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return v, p, cmpRef, out, nil
}

func nodeCode(r office.ExploreRow, dept, prog string) string {
	switch {
	case dept == "":
		return r.Department.Code
	case prog == "":
		return r.Program.Code
	}
	return r.Account.Code
}

func share(a, b int64) budget.Num {
	if b == 0 {
		return budget.Num(math.NaN())
	}
	return budget.Num(float64(a) / float64(b))
}

func (s *Server) apiExplorer(w http.ResponseWriter, r *http.Request) error {
	_, p, _, rows, err := s.explorerRows(r)
	if err != nil {
		return err
	}
	return s.sendTable(w, r, &table{name: "budget-" + p.FY.Label() + "-" + string(p.Phase), rows: rows})
}

// requestRows lists the requests of a phase with their contributions.
func (s *Server) requestRows(r *http.Request) (phaseRef, []RequestRow, error) {
	v, p, layer, err := s.phaseAndLayer(r)
	if err != nil {
		return p, nil, err
	}
	ctx := r.Context()
	q := r.URL.Query()
	a, err := v.analysis(ctx, p, layer)
	if err != nil {
		return p, nil, err
	}
	contrib := map[string]analysis.RequestRow{}
	if a.Result.Requests != nil {
		for _, rr := range a.Result.Requests.Rows {
			contrib[rr.Key] = rr
		}
	}
	fy := p.FY
	reqs, err := v.o.Store.Requests(ctx, budget.Filter{FiscalYear: &fy, Department: q.Get("department")})
	if err != nil {
		return p, nil, err
	}
	reviewed, err := reviewState(ctx, v.o, p)
	if err != nil {
		return p, nil, err
	}
	text := strings.ToLower(strings.TrimSpace(q.Get("q")))
	cat := q.Get("category")
	rows := []RequestRow{}
	for _, rq := range reqs {
		if cat != "" && rq.Category != cat {
			continue
		}
		if text != "" && !strings.Contains(strings.ToLower(rq.Description+" "+rq.Department.Name+" "+rq.Program.Name), text) {
			continue
		}
		key := rq.Key + "#" + strconv.Itoa(rq.Line)
		c := contrib[key]
		row := RequestRow{Key: key, FiscalYear: rq.FiscalYear.Label(), DepartmentCode: rq.Department.Code, Department: rq.Department.Name,
			Program: rq.Program.Name, Description: strings.TrimSpace(rq.Description), Category: rq.Category,
			Proposed: dollarsPtr(rq.ProposedCents), Adopted: dollarsPtr(rq.AdoptedCents), Change: c.Change, Attributed: c.Attributed,
			TopTier: c.TopTier, Method: c.Method, Contribution: c.Contribution, Status: "not assessed"}
		if _, ok := contrib[key]; !ok {
			row.Contribution = budget.Num(math.NaN())
		}
		if a, ok := reviewed[key]; ok {
			row.Status, row.Score = a.Status, a.Score
		}
		rows = append(rows, row)
	}
	switch q.Get("sort") {
	case "", "contribution":
		sort.SliceStable(rows, func(i, j int) bool { return absNum(rows[i].Contribution) > absNum(rows[j].Contribution) })
	case "change":
		sort.SliceStable(rows, func(i, j int) bool { return abs(int64(rows[i].Change)) > abs(int64(rows[j].Change)) })
	case "department":
		sort.SliceStable(rows, func(i, j int) bool { return rows[i].DepartmentCode < rows[j].DepartmentCode })
	default:
		return p, nil, budget.Errorf(budget.EINVALID, "sort %q: use contribution, change or department", q.Get("sort"))
	}
	return p, rows, nil
}

func absNum(n budget.Num) float64 {
	if n.Missing() {
		return -1
	}
	return math.Abs(float64(n))
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

func dollarsPtr(c *int64) *analysis.Dollars {
	if c == nil {
		return nil
	}
	d := analysis.Dollars(*c)
	return &d
}

// paginate cuts rows at an offset cursor (the row number, as text).
func paginate[T any](r *http.Request, rows []T) ([]T, string, error) {
	limit, err := intParam(r, "limit", 100)
	if err != nil {
		return nil, "", err
	}
	if limit < 1 || limit > 1000 {
		return nil, "", budget.Errorf(budget.EINVALID, "limit %d: give 1 to 1000 rows per page", limit)
	}
	start := 0
	if c := r.URL.Query().Get("cursor"); c != "" {
		if start, err = strconv.Atoi(c); err != nil || start < 0 || start > len(rows) {
			return nil, "", budget.Errorf(budget.EINVALID, "cursor %q is not one this listing gave: start again without a cursor", c)
		}
	}
	end := min(start+limit, len(rows))
	next := ""
	if end < len(rows) {
		next = strconv.Itoa(end)
	}
	return rows[start:end], next, nil
}

func (s *Server) apiRequests(w http.ResponseWriter, r *http.Request) error {
	p, rows, err := s.requestRows(r)
	if err != nil {
		return err
	}
	total := len(rows)
	if f := r.URL.Query().Get("format"); f == "csv" || f == "xlsx" {
		return s.sendTable(w, r, &table{name: "requests-" + p.FY.Label() + "-" + string(p.Phase), rows: rows})
	}
	page, next, err := paginate(r, rows)
	if err != nil {
		return err
	}
	return s.sendTable(w, r, &table{name: "requests-" + p.FY.Label() + "-" + string(p.Phase), rows: page, next: next, total: &total})
}

func (s *Server) apiLayers(w http.ResponseWriter, r *http.Request) error {
	v, err := s.viewOf(r)
	if err != nil {
		return err
	}
	ls, err := v.layers(r.Context())
	if err != nil {
		return err
	}
	return s.sendTable(w, r, &table{name: "layers", rows: ls})
}

// areaRows are the areas of a layer with need and, for a layer of areas,
// the phase's dollars.
func (s *Server) areaRows(r *http.Request, layer string) (*view, phaseRef, []AreaValueRow, error) {
	v, err := s.viewOf(r)
	if err != nil {
		return nil, phaseRef{}, nil, err
	}
	ctx := r.Context()
	if layer, err = v.pickLayer(ctx, layer); err != nil {
		return nil, phaseRef{}, nil, err
	}
	q := r.URL.Query()
	p, err := v.pickPhase(ctx, q.Get("fy"), q.Get("phase"))
	if err != nil {
		return nil, p, nil, err
	}
	rows := []AreaValueRow{}
	if ok, _ := v.isMoneyLayer(ctx, layer); !ok {
		l, err := v.layer(ctx, layer)
		if err != nil {
			return nil, p, nil, err
		}
		run, err := v.o.Store.LatestRunForLayer(ctx, layer)
		if err != nil && budget.ErrorCode(err) != budget.ENOTFOUND {
			return nil, p, nil, err
		}
		for _, a := range l.Areas {
			row := AreaValueRow{AreaID: a.ID, Name: a.Name, Population: a.Population, NeedScore: budget.Num(math.NaN()), PerCapita: budget.Num(math.NaN()),
				PerCapitaGap: budget.Num(math.NaN()), PerThousand: budget.Num(math.NaN())}
			if run != nil {
				if ar, ok := run.Area(a.ID); ok {
					row.NeedScore = ar.Score
					if !ar.Population.Missing() {
						row.Population = float64(ar.Population)
					}
				}
			}
			rows = append(rows, row)
		}
		return v, p, rows, nil
	}
	a, err := v.analysis(ctx, p, layer)
	if err != nil {
		return nil, p, nil, err
	}
	for _, ar := range a.Result.Areas {
		rows = append(rows, AreaValueRow{AreaID: ar.AreaID, Name: ar.Name, Population: ar.Population, NeedScore: ar.NeedScore, NeedTier: ar.NeedTier,
			Amount: ar.Amount, PerCapita: ar.PerCapita, PerCapitaGap: ar.PerCapitaGap, Requests: ar.Events, PerThousand: ar.EventRate})
	}
	return v, p, rows, nil
}

func (s *Server) apiAreas(w http.ResponseWriter, r *http.Request) error {
	layer := r.PathValue("layer")
	v, p, rows, err := s.areaRows(r, layer)
	if err != nil {
		return err
	}
	t := &table{name: layer + "-" + p.FY.Label() + "-" + string(p.Phase), rows: rows}
	t.geojson = func(w io.Writer) error {
		zoom, err := intParam(r, "zoom", 10)
		if err != nil {
			return err
		}
		l, err := v.displayLayer(r.Context(), layer, p.FY, zoom)
		if err != nil {
			return err
		}
		return writeAreasGeoJSON(w, l, rows)
	}
	return s.sendTable(w, r, t)
}

func (s *Server) apiArea(w http.ResponseWriter, r *http.Request) error {
	prof, err := s.areaProfile(r, r.PathValue("layer"), r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.sendJSON(w, r, prof)
}

// areaProfile gathers an area's need, dollars, services and requests.
func (s *Server) areaProfile(r *http.Request, layer, id string) (*AreaProfile, error) {
	v, p, rows, err := s.areaRows(r, layer)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	var row *AreaValueRow
	for i := range rows {
		if rows[i].AreaID == id {
			row = &rows[i]
		}
	}
	if row == nil {
		return nil, budget.Errorf(budget.ENOTFOUND, "no area %q", id)
	}
	prof := &AreaProfile{Layer: layer, AreaID: id, Name: row.Name, FiscalYear: p.FY.Label(), Phase: string(p.Phase), Population: row.Population,
		NeedScore: row.NeedScore, NeedTier: row.NeedTier, Amount: row.Amount, PerCapita: row.PerCapita, CityPerCap: budget.Num(math.NaN()),
		SmallAreas: []SmallAreaRow{}, Departments: []AreaDeptRow{}, Requests: []AreaRequestRow{}}
	l, err := v.layer(ctx, layer)
	if err != nil {
		return nil, err
	}
	money, _ := v.isMoneyLayer(ctx, layer)
	var runID int64
	if money {
		a, err := v.analysis(ctx, p, layer)
		if err != nil {
			return nil, err
		}
		prof.Tiers, prof.CityPerCap, runID = a.Result.Tiers, a.Result.City.PerCapita, a.Result.Provenance.NeedRun
		if ev := a.Result.Events; ev != nil {
			for _, ar := range a.Result.Areas {
				if ar.AreaID == id && ar.Events != nil {
					prof.Services = &AreaServices{Requests: *ar.Events, PerThousand: ar.EventRate, MedianHours: ar.MedianHours, P90Hours: ar.P90Hours,
						Synthetic: ev.Synthetic, Source: ev.Source}
				}
			}
		}
		x, err := v.exploration(ctx, p, layer)
		if err != nil {
			return nil, err
		}
		if ad, ok := x.Area(id); ok {
			for _, d := range ad.ByDept {
				prof.Departments = append(prof.Departments, AreaDeptRow{DepartmentCode: d.Department.Code, Department: d.Department.Name, Rule: d.Rule, Method: d.Method, Amount: analysis.Dollars(d.Cents)})
			}
			prof.RequestCount = len(ad.Requests)
			for i, rq := range ad.Requests {
				if i == 10 {
					break
				}
				prof.Requests = append(prof.Requests, AreaRequestRow{Key: rq.Key, Department: rq.Department.Name, Program: rq.Program, Description: rq.Description,
					Change: analysis.Dollars(rq.Change), InArea: analysis.Dollars(rq.InArea), Method: rq.Method})
			}
		}
	} else if run, err := v.o.Store.LatestRunForLayer(ctx, layer); err == nil {
		runID = run.ID
	}
	if runID != 0 {
		small, err := v.o.AreaNeed(ctx, runID, l, id)
		if err != nil {
			return nil, err
		}
		for _, sa := range small {
			prof.SmallAreas = append(prof.SmallAreas, SmallAreaRow{ID: sa.ID, Population: sa.Population, Score: budget.Num(sa.Score),
				Percentile: budget.Num(sa.Percentile), Tier: sa.Tier, Explanation: sa.Explanation})
		}
	}
	return prof, nil
}

func (s *Server) apiNeedRuns(w http.ResponseWriter, r *http.Request) error {
	v, err := s.viewOf(r)
	if err != nil {
		return err
	}
	runs, err := v.o.Store.Runs(r.Context())
	if err != nil {
		return err
	}
	rows := []NeedRunRow{}
	for _, x := range runs {
		rows = append(rows, NeedRunRow{ID: x.ID, Spec: x.Spec, SpecVersion: x.SpecVersion, SpecSHA256: x.SpecHash, Layer: x.Layer, Areas: x.Areas})
	}
	return s.sendTable(w, r, &table{name: "need-runs", rows: rows})
}

func (s *Server) needRun(r *http.Request) (*view, *need.Run, error) {
	v, err := s.viewOf(r)
	if err != nil {
		return nil, nil, err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, nil, budget.Errorf(budget.ENOTFOUND, "no run")
	}
	run, err := cached(r.Context(), v, "run|"+strconv.FormatInt(id, 10), func() (*need.Run, error) { return v.o.Store.Run(context.WithoutCancel(r.Context()), id) })
	return v, run, err
}

func (s *Server) apiNeedAreas(w http.ResponseWriter, r *http.Request) error {
	_, run, err := s.needRun(r)
	if err != nil {
		return err
	}
	rows := []NeedAreaRow{}
	for _, a := range run.Areas {
		rows = append(rows, NeedAreaRow{AreaID: a.ID, Population: a.Population, Score: a.Score, Percentile: a.Percentile, Rank: a.Rank, Tier: a.Tier})
	}
	return s.sendTable(w, r, &table{name: "need-run-" + r.PathValue("id"), rows: rows})
}

func (s *Server) apiNeedExplain(w http.ResponseWriter, r *http.Request) error {
	_, run, err := s.needRun(r)
	if err != nil {
		return err
	}
	spec, err := need.ParseSpec(run.Spec, []byte(run.SpecYAML))
	if err != nil {
		return err
	}
	e, ok := need.ExplainRun(run, spec, r.PathValue("area"))
	if !ok {
		return budget.Errorf(budget.ENOTFOUND, "no area")
	}
	return s.sendJSON(w, r, e)
}

func (s *Server) apiServices(w http.ResponseWriter, r *http.Request) error {
	v, p, layer, err := s.phaseAndLayer(r)
	if err != nil {
		return err
	}
	if ok, _ := v.isMoneyLayer(r.Context(), layer); !ok {
		return budget.Errorf(budget.EINVALID, "layer %s holds points: service requests are summarised by a layer of areas", layer)
	}
	a, err := v.analysis(r.Context(), p, layer)
	if err != nil {
		return err
	}
	synthetic := a.Result.Events != nil && a.Result.Events.Synthetic
	rows := []ServiceRow{}
	for _, ar := range a.Result.Areas {
		rows = append(rows, ServiceRow{AreaID: ar.AreaID, Name: ar.Name, NeedTier: ar.NeedTier, Requests: ar.Events, PerThousand: ar.EventRate,
			MedianHours: ar.MedianHours, P90Hours: ar.P90Hours, Synthetic: synthetic})
	}
	return s.sendTable(w, r, &table{name: "services-" + layer, rows: rows})
}

// sourceRows lists the inputs the server's figures rest on.
func (s *Server) sourceRows(r *http.Request) ([]SourceRow, error) {
	v, err := s.viewOf(r)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	rows := []SourceRow{}
	runs, err := v.o.Store.ImportRuns(ctx)
	if err != nil {
		return nil, err
	}
	for _, x := range runs {
		rows = append(rows, SourceRow{Kind: "budget file", Name: baseName(x.SourceFile), Detail: x.Dataset + " (" + x.Profile + ")", SHA256: x.ContentHash, Version: x.Version})
	}
	ls, err := v.layers(ctx)
	if err != nil {
		return nil, err
	}
	for _, l := range ls {
		rows = append(rows, SourceRow{Kind: "area layer", Name: l.Layer, Detail: baseName(l.Source), SHA256: l.SourceSHA256})
	}
	nr, err := v.o.Store.Runs(ctx)
	if err != nil {
		return nil, err
	}
	for _, x := range nr {
		rows = append(rows, SourceRow{Kind: "need index", Name: x.Spec, Detail: "run " + strconv.FormatInt(x.ID, 10) + " over " + x.Layer, SHA256: x.SpecHash, Version: x.SpecVersion})
	}
	if c := v.o.City; c != nil {
		for _, src := range c.Report.Sources {
			rows = append(rows, SourceRow{Kind: "published source", Name: src.Name, Detail: src.File + "; " + src.License, Version: src.Version})
		}
	}
	return rows, nil
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

func (s *Server) apiSources(w http.ResponseWriter, r *http.Request) error {
	rows, err := s.sourceRows(r)
	if err != nil {
		return err
	}
	return s.sendTable(w, r, &table{name: "sources", rows: rows})
}

func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) error {
	v, err := s.viewOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	var layers []string
	if l := q.Get("layer"); l != "" {
		if l, err = v.pickLayer(r.Context(), l); err != nil {
			return err
		}
		layers = []string{l}
	}
	limit, err := intParam(r, "limit", 20)
	if err != nil {
		return err
	}
	if limit < 1 || limit > 500 {
		return budget.Errorf(budget.EINVALID, "limit %d: give 1 to 500", limit)
	}
	ms, err := v.o.SearchAreas(r.Context(), q.Get("q"), layers, limit)
	if err != nil {
		return err
	}
	rows := []SearchRow{}
	for _, m := range ms {
		rows = append(rows, SearchRow{Layer: m.Layer, ID: m.ID, Name: m.Name, URL: "/areas/" + m.Layer + "/" + urlPathEscape(m.ID)})
	}
	return s.sendTable(w, r, &table{name: "search", rows: rows})
}

var _ = report.KindMoney
