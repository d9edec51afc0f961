package web

import (
	"net/http"
	"net/url"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/capital/placement"
	"github.com/budgetlens/budgetlens/need"
)

// param documents one parameter of an API route.
type param struct {
	Name     string
	In       string // "query" or "path"
	Desc     string
	Type     string // "string" (default) or "integer"
	Enum     []string
	Required bool
}

// apiDoc documents an API route for the OpenAPI document: either Body (the
// type of a JSON answer) or Row (the row type of a table answer, served as
// JSON, CSV and XLSX, and GeoJSON when Geo).
type apiDoc struct {
	Tag, Summary, Desc string
	Params             []param
	Body               any
	Row                any
	Paged, Geo         bool
	// Request is the type of a JSON request body (POST, PATCH).
	Request any
	// RequestType is its media type (default application/json).
	RequestType string
	// Conflict documents 409 and 412 answers with what changed.
	Conflict bool
	// Status is the success status (default 200).
	Status int
	// Binary answers are a file of its own type (a download).
	Binary bool
}

// route is one GET route: its pattern (Go 1.22 ServeMux syntax), the
// action Authorize is asked about, the handler and, for the API, its
// documentation. Every route is registered here and nowhere else.
type route struct {
	method  string // GET (default), POST, PATCH, DELETE
	pattern string
	action  Action
	page    bool
	doc     *apiDoc
	cache   bool // answers are kept (see respcache.go)
	// private answers are for the signed-in actor alone: never cached
	// (Cache-Control: no-store).
	private bool
	// session: the handler answers 401 without a session although
	// Authorize lets anyone reach it (reading or ending one's session)
	session bool
	handle  func(http.ResponseWriter, *http.Request) error
}

var (
	pFY      = param{Name: "fy", In: "query", Desc: "fiscal year, 2021-22 or FY2021-22 (default: the latest published)"}
	pPhase   = param{Name: "phase", In: "query", Desc: "phase (default: adopted, else the latest of the year)", Enum: []string{"proposed", "adopted", "estimate", "actual"}}
	pLayer   = param{Name: "layer", In: "query", Desc: "area layer (default: the city profile's reporting layer); see /api/layers"}
	pFormat  = param{Name: "format", In: "query", Desc: "json (default), csv or xlsx", Enum: []string{"json", "csv", "xlsx"}}
	pFormatG = param{Name: "format", In: "query", Desc: "json (default), csv, xlsx or geojson", Enum: []string{"json", "csv", "xlsx", "geojson"}}
	pDept    = param{Name: "department", In: "query", Desc: "department code"}
	pLimit   = param{Name: "limit", In: "query", Type: "integer", Desc: "rows per page, 1 to 1000 (default 100)"}
	pCursor  = param{Name: "cursor", In: "query", Desc: "the next_cursor of the previous page"}
)

func (s *Server) register() {
	api := func(pattern string, doc *apiDoc, h func(http.ResponseWriter, *http.Request) error) {
		s.add(&route{pattern: pattern, action: ActionRead, doc: doc, handle: h, cache: true})
	}
	page := func(pattern string, h func(http.ResponseWriter, *http.Request) error) {
		s.add(&route{pattern: pattern, action: ActionRead, page: true, handle: h, cache: true})
	}
	s.add(&route{pattern: "/healthz", action: ActionOperate, doc: &apiDoc{Tag: "operations", Summary: "Liveness: the process answers", Body: Status{}}, handle: s.apiHealth})
	s.add(&route{pattern: "/readyz", action: ActionOperate, doc: &apiDoc{Tag: "operations", Summary: "Readiness: the store answers and the first analyses are computed (503 until then)", Body: Status{}}, handle: s.apiReady})
	api("/api/openapi.json", &apiDoc{Tag: "operations", Summary: "This document (OpenAPI 3.1)", Body: map[string]any{}}, s.apiOpenAPI)
	api("/api/phases", &apiDoc{Tag: "budgets", Summary: "Budget phases and their release state (the public server lists released phases only)", Row: PhaseRow{}, Params: []param{pFormat}}, s.apiPhases)
	api("/api/overview", &apiDoc{Tag: "analyses", Summary: "Headline figures with intervals and a plain-words verdict, for every phase and year", Body: Overview{}, Params: []param{pLayer}}, s.apiOverview)
	api("/api/analysis", &apiDoc{Tag: "analyses", Summary: "The equity analysis of a phase by a layer (every table of the council report)", Body: analysis.Result{}, Params: []param{pFY, pPhase, pLayer}}, s.apiAnalysis)
	api("/api/budget/totals", &apiDoc{Tag: "budgets", Summary: "Totals of a phase by department, program, fund or account", Row: TotalRow{},
		Params: []param{pFY, pPhase, {Name: "by", In: "query", Desc: "level (default department)", Enum: []string{"department", "program", "fund", "account", "org_unit", "source_fund", "function"}},
			{Name: "kind", In: "query", Desc: "line-item kind (default expenditure)", Enum: []string{"expenditure", "revenue", "positions"}}, pDept, pFormat}}, s.apiTotals)
	api("/api/budget/line-items", &apiDoc{Tag: "budgets", Summary: "Line items of a phase, filtered, sorted and paged by cursor", Row: LineItemRow{}, Paged: true,
		Params: []param{pFY, pPhase, pDept, {Name: "program", In: "query", Desc: "program code"}, {Name: "fund", In: "query", Desc: "fund code"},
			{Name: "account", In: "query", Desc: "account code"}, {Name: "q", In: "query", Desc: "text in a department, program, fund or account name or code"},
			{Name: "sort", In: "query", Desc: "sort key; a leading - sorts descending", Enum: []string{"department", "-department", "program", "-program", "fund", "-fund", "account", "-account", "amount", "-amount"}},
			pLimit, pCursor, pFormat}}, s.apiLineItems)
	api("/api/budget/explorer", &apiDoc{Tag: "budgets", Summary: "Department > program > account of a phase against another, with each row's share reaching the highest-need tier and its attribution rule", Row: ExplorerRow{},
		Params: []param{pFY, pPhase, pLayer, pDept, {Name: "program", In: "query", Desc: "program code (with department): list its accounts"},
			{Name: "compare", In: "query", Desc: "the phase to compare with", Enum: []string{"proposed", "adopted", "estimate", "actual"}},
			{Name: "compare_fy", In: "query", Desc: "fiscal year of the compared phase (default: the same)"}, pFormat}}, s.apiExplorer)
	api("/api/requests", &apiDoc{Tag: "budgets", Summary: "Budget requests of a fiscal year with their effect on the highest-need tier's share of placed dollars", Row: RequestRow{}, Paged: true,
		Params: []param{pFY, pPhase, pLayer, pDept, {Name: "category", In: "query", Desc: "request category as the city writes it"},
			{Name: "q", In: "query", Desc: "text in the description, department or program"},
			{Name: "sort", In: "query", Desc: "order (default contribution)", Enum: []string{"contribution", "change", "department"}}, pLimit,
			{Name: "cursor", In: "query", Desc: "the next_cursor of the previous page"}, pFormat}}, s.apiRequests)
	api("/api/layers", &apiDoc{Tag: "areas", Summary: "Area layers", Row: layerInfo{}, Params: []param{pFormat}}, s.apiLayers)
	api("/api/layers/{layer}/areas", &apiDoc{Tag: "areas", Summary: "Areas of a layer with need and the phase's dollars (GeoJSON simplified per zoom)", Row: AreaValueRow{}, Geo: true,
		Params: []param{{Name: "layer", In: "path", Required: true, Desc: "layer name"}, pFY, pPhase,
			{Name: "zoom", In: "query", Type: "integer", Desc: "web-map zoom level 6 to 16 for the GeoJSON's simplification (default 10)"}, pFormatG}}, s.apiAreas)
	api("/api/layers/{layer}/areas/{id}", &apiDoc{Tag: "areas", Summary: "One area: need and its explanation, dollars by department and rule, services, requests", Body: AreaProfile{},
		Params: []param{{Name: "layer", In: "path", Required: true, Desc: "layer name"}, {Name: "id", In: "path", Required: true, Desc: "area id"}, pFY, pPhase}}, s.apiArea)
	api("/api/need-runs", &apiDoc{Tag: "need", Summary: "Need-index runs", Row: NeedRunRow{}, Params: []param{pFormat}}, s.apiNeedRuns)
	api("/api/need-runs/{id}/areas", &apiDoc{Tag: "need", Summary: "Every area of a need run: score, percentile, rank, tier", Row: NeedAreaRow{},
		Params: []param{{Name: "id", In: "path", Required: true, Type: "integer", Desc: "run id"}, pFormat}}, s.apiNeedAreas)
	api("/api/need-runs/{id}/areas/{area}", &apiDoc{Tag: "need", Summary: "Why an area has its need score: indicators, contributions and a sentence", Body: need.Explanation{},
		Params: []param{{Name: "id", In: "path", Required: true, Type: "integer", Desc: "run id"}, {Name: "area", In: "path", Required: true, Desc: "area id"}}}, s.apiNeedExplain)
	api("/api/services", &apiDoc{Tag: "areas", Summary: "Service requests by area: count, rate per 1,000 residents, response times", Row: ServiceRow{}, Params: []param{pFY, pPhase, pLayer, pFormat}}, s.apiServices)
	api("/api/sources", &apiDoc{Tag: "operations", Summary: "Data sources with versions and content hashes", Row: SourceRow{}, Params: []param{pFormat}}, s.apiSources)
	api("/api/search", &apiDoc{Tag: "areas", Summary: "Find areas by name or id", Row: SearchRow{},
		Params: []param{{Name: "q", In: "query", Desc: "text of a name or an id (empty: every area)"}, {Name: "layer", In: "query", Desc: "limit to a layer"},
			{Name: "limit", In: "query", Type: "integer", Desc: "at most this many (1 to 500, default 20)"}, pFormat}}, s.apiSearch)

	api("/api/measures", &apiDoc{Tag: "measures", Summary: "The measures the dashboard offers: service measures, measures published by area, the roll-up score", Row: MeasureDefRow{}, Params: []param{pFormat}}, s.apiMeasures)
	api("/api/measures/areas", &apiDoc{Tag: "measures", Summary: "A measure by area, with the city's value and each area's gap from it (GeoJSON for the map)", Row: MeasureAreaRow{}, Geo: true,
		Params: []param{pLayer, pMeasure, {Name: "zoom", In: "query", Type: "integer", Desc: "web-map zoom level 6 to 16 for the GeoJSON's simplification (default 10)"}, pFormatG}}, s.apiMeasureAreas)
	api("/api/measures/gaps", &apiDoc{Tag: "measures", Summary: "Every measure in the highest- against the lowest-need tier, per period, with bootstrap intervals and the concentration index by need", Row: MeasureGapRow{},
		Params: []param{pLayer, pPeriod, pFormat}}, s.apiMeasureGaps)
	api("/api/measures/tiers", &apiDoc{Tag: "measures", Summary: "A measure by need tier and period, with 95% intervals (the trend chart)", Row: MeasureTierRow{},
		Params: []param{pLayer, pMeasure, pPeriod, pFormat}}, s.apiMeasureTiers)
	api("/api/measures/scores", &apiDoc{Tag: "measures", Summary: "Scores against targets rolled up for the city, each department and each area (CityScore idea)", Row: ScoreRow{},
		Params: []param{pLayer, {Name: "period", In: "query", Desc: "roll up by year, fiscal_year, quarter, month or all (default)", Enum: []string{"year", "fiscal_year", "quarter", "month", "all"}}, pFormat}}, s.apiMeasureScores)
	api("/api/measures/programs", &apiDoc{Tag: "measures", Summary: "The city's program measures (citywide) beside their programs' dollars, with cost per unit", Row: ProgramRow{},
		Params: []param{pDept, pFormat}}, s.apiPrograms)

	pPlan := param{Name: "plan", In: "path", Required: true, Desc: "capital plan (see /api/capital/plans)"}
	pCapLayer := param{Name: "layer", In: "query", Desc: "area layer (default: the plan's area layer, else the reporting layer)"}
	api("/api/capital/plans", &apiDoc{Tag: "capital", Summary: "Capital plans (the public server lists released plans only)", Row: CapitalPlanRow{}, Params: []param{pFormat}}, s.apiCapitalPlans)
	api("/api/capital/plans/{plan}/projects", &apiDoc{Tag: "capital", Summary: "A plan's projects with their costs and places", Row: CapitalProjectRow{}, Params: []param{pPlan, pFormat}}, s.apiCapitalProjects)
	api("/api/capital/plans/{plan}/analysis", &apiDoc{Tag: "capital", Summary: "Where a plan's dollars went: per area and year, per resident, by need tier, the concentration index with its range over need measures and split rules; totals placed + citywide + unplaced + apart = total",
		Body: placement.Analysis{}, Params: []param{pPlan, pCapLayer}}, s.apiCapitalAnalysis)
	api("/api/capital/plans/{plan}/areas", &apiDoc{Tag: "capital", Summary: "A plan's placed dollars by area", Row: CapitalAreaRow{}, Params: []param{pPlan, pCapLayer, pFormat}}, s.apiCapitalAreas)
	api("/api/capital/plans/{plan}/scenarios", &apiDoc{Tag: "capital", Summary: "A plan's saved scenarios with their equity figures side by side", Row: CapitalScenarioRow{}, Params: []param{pPlan, pFormat}}, s.apiCapitalScenarios)
	api("/api/capital/plans/{plan}/scenarios/{scenario}", &apiDoc{Tag: "capital", Summary: "A saved scenario: what was asked, the plan (proven optimal or its gap) and every project left out with its reason", Body: CapitalScenario{},
		Params: []param{pPlan, {Name: "scenario", In: "path", Required: true, Desc: "scenario name"}}}, s.apiCapitalScenario)

	page("/{$}", s.pageOverview)
	page("/measures", s.pageMeasures)
	page("/capital", s.pageCapital)
	page("/map", s.pageMap)
	page("/budget", s.pageBudget)
	page("/requests", s.pageRequests)
	page("/methods", s.pageMethods)
	page("/areas/{layer}/{id}", s.pageArea)
	s.registerReview()
	s.registerReviewPages()
	s.add(&route{pattern: "/static/{path...}", action: ActionRead, handle: s.static})
	s.add(&route{pattern: "/favicon.ico", action: ActionRead, handle: s.favicon})
	s.mux.HandleFunc("/", s.notFound)
}

// key is the route's method and pattern, as the router knows it.
func (rt *route) key() string { return rt.method + " " + rt.pattern }

// add registers a route behind Authorize. An actor without a session who
// is refused is told to sign in (401); a signed-in actor is refused (403).
func (s *Server) add(rt *route) {
	if rt.method == "" {
		rt.method = http.MethodGet
	}
	s.routes = append(s.routes, rt)
	s.mux.HandleFunc(rt.key(), func(w http.ResponseWriter, r *http.Request) {
		a := actorOf(r)
		if err := Authorize(a, rt.action, Object{Route: rt.key()}, nil); err != nil {
			if !a.SignedIn() {
				err = &httpError{status: http.StatusUnauthorized, detail: "sign in first: POST /api/session with your user name and password"}
			}
			if rt.page && !a.SignedIn() {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.problem(w, r, err)
			return
		}
		if rt.private {
			w.Header().Set("Cache-Control", "no-store")
		}
		h := rt.handle
		if rt.cache {
			h = func(w http.ResponseWriter, r *http.Request) error { return s.cachedRoute(w, r, rt.handle) }
		}
		if err := h(w, r); err != nil {
			if rt.page {
				s.pageError(w, r, err)
			} else {
				s.problem(w, r, err)
			}
		}
	})
}

// notFound answers every other path and method: 405 for a method other
// than GET or HEAD (nothing here changes state yet), else 404.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		s.problem(w, r, &httpError{status: http.StatusMethodNotAllowed, detail: "only GET and HEAD are served"})
		return
	}
	if len(r.URL.Path) > 4 && r.URL.Path[:5] == "/api/" {
		s.problem(w, r, &httpError{status: http.StatusNotFound, detail: "nothing is published at " + r.URL.Path + " with these parameters"})
		return
	}
	s.pageError(w, r, &httpError{status: http.StatusNotFound, detail: "not found"})
}
