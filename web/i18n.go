package web

import (
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"golang.org/x/text/language"
)

// Languages the pages are written in; the first is the default.
var languages = []language.Tag{language.English, language.Spanish}

var langMatcher = language.NewMatcher(languages)

// lang picks the page language: ?lang= first, then Accept-Language, else
// English. It returns "en" or "es".
func lang(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == "en" || l == "es" {
		return l
	}
	_, idx, conf := langMatcher.Match(parseAccept(r.Header.Get("Accept-Language"))...)
	if conf == language.No {
		return "en"
	}
	if idx == 1 {
		return "es"
	}
	return "en"
}

func parseAccept(h string) []language.Tag {
	tags, _, err := language.ParseAcceptLanguage(h)
	if err != nil {
		return nil
	}
	return tags
}

// T is the message catalogue of one language.
type T struct {
	Lang string
}

// Get returns the message of key, formatted with args; a key missing from
// the language falls back to English, and a key missing from both is
// shown as itself (tests check that none is).
func (t T) Get(key string, args ...any) string {
	m, ok := catalogue[t.Lang][key]
	if !ok {
		m, ok = catalogue["en"][key]
	}
	if !ok {
		return key
	}
	if len(args) == 0 {
		return m
	}
	return fmt.Sprintf(m, args...)
}

// Unit is a measure's unit (as measures and published sets name it, in
// English) in the page's language; a unit the catalogue does not know is
// shown as it is (a city's own).
func (t T) Unit(u string) string {
	if m, ok := catalogue[t.Lang]["unit."+u]; ok {
		return m
	}
	return u
}

// Number formats v with d decimals and thousands separators of the
// language (en 1,234.5; es 1.234,5, as the CLDR's "es").
func (t T) Number(v float64, d int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	s := fmt.Sprintf("%.*f", d, math.Abs(v))
	intPart, frac, _ := strings.Cut(s, ".")
	grp, dec := ",", "."
	if t.Lang == "es" {
		grp, dec = ".", ","
	}
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 && !(t.Lang == "es" && len(intPart) == 4) {
			b.WriteString(grp)
		}
		b.WriteRune(c)
	}
	out := b.String()
	if frac != "" {
		out += dec + frac
	}
	if v < 0 && strings.Trim(out, "0.,") != "" {
		out = "−" + out
	}
	return out
}

// Money formats dollars: $1.2 B, $345.6 M above a million, else whole
// dollars (es: 1,2 mil M US$ is avoided; "$" is kept in both).
func (t T) Money(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	a := math.Abs(v)
	sign := ""
	if v < 0 {
		sign = "−"
	}
	switch {
	case a >= 1e9:
		return sign + "$" + t.Number(a/1e9, 2) + " " + t.Get("unit.billion")
	case a >= 1e6:
		return sign + "$" + t.Number(a/1e6, 1) + " " + t.Get("unit.million")
	}
	return sign + "$" + t.Number(a, 0)
}

// Percent formats a share (0.195 -> 19.5%; es 19,5 %).
func (t T) Percent(v float64, d int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	if t.Lang == "es" {
		return t.Number(v*100, d) + " %"
	}
	return t.Number(v*100, d) + "%"
}

// Date formats a date in words (en "4 December 2026"; es "4 de diciembre de 2026").
func (t T) Date(d time.Time) string {
	if d.IsZero() {
		return "—"
	}
	m := t.Get("month." + strings.ToLower(d.Month().String()))
	if t.Lang == "es" {
		return fmt.Sprintf("%d de %s de %d", d.Day(), m, d.Year())
	}
	return fmt.Sprintf("%d %s %d", d.Day(), m, d.Year())
}

// catalogue holds every text of the pages, by language and key.
var catalogue = map[string]map[string]string{
	"en": {
		"chart.bars": "%d bars; the values are in the table that follows.", "chart.periods": "%d periods; the values and intervals are in the table that follows.",
		"unit.requests": "requests", "unit.per 1,000 residents": "per 1,000 residents", "unit.days": "days", "unit.share": "share", "unit.minutes": "minutes", "unit.incidents": "incidents", "unit.score": "score",
		"ev.title": "What the placed dollars rest on", "ev.lead": "Every placed dollar says what places it: its own place (a site, a project, a district the budget names), measured service (requests, incidents, park acres), a proxy (population, land area) or an assumption. The headline from location and service evidence alone stands beside that of every placed dollar, as in the council report.",
		"ev.location": "Location (the dollars' own place)", "ev.service": "Measured service (requests, incidents, park acres)", "ev.proxy": "Proxies (population, land area, residents in poverty)",
		"ev.assumed": "Assumptions", "ev.unattributed": "Not placed in areas", "ev.short.location": "Location", "ev.short.service": "Service", "ev.short.proxy": "Proxy",
		"ev.short.assumed": "Assumed", "ev.short.unattributed": "Not placed", "ev.chart": "The phase's dollars by evidence class", "ev.caption": "The phase's dollars by evidence class (%s)",
		"ev.class": "Evidence", "ev.amount": "Dollars", "ev.placed_share": "Share of placed", "ev.phase_share": "Share of the phase", "ev.total": "Phase total",
		"ev.strong_h": "Dollars placed by location and service evidence alone", "ev.all_h": "All placed dollars (proxies and assumptions included)",
		"ev.placed": "Placed", "ev.of_placed": "of all placed", "ev.ci_need": "Concentration index by need", "ev.top_share": "Share reaching the highest-need tier",
		"ev.headline": "The headline as weaker evidence is added", "ev.steps_col": "Placed dollars counted", "ev.per_resident": "Per resident", "ev.ci": "Concentration index", "ev.top": "To highest-need tier",
		"ev.step.0": "location evidence only", "ev.step.1": "location and service evidence", "ev.step.2": "with proxies added", "ev.step.3": "all placed dollars (with assumptions)", "budget.evidence": "Evidence",
		"nav.measures": "Performance", "meas.score": "Roll-up score against targets (1 = targets met)", "meas.score_unit": "mean of the measures' scores",
		"meas.title": "Service performance by area", "meas.lead": "Whether the city's services are as fast and as present where need is highest: service measures from the stored requests, measures published by area, and scores against targets, by area and need tier, with 95% intervals.",
		"meas.none": "No service requests or published measures are stored yet.", "meas.measure": "Measure", "meas.view": "Show", "meas.view.value": "Value", "meas.view.gap": "Difference from the city",
		"meas.period": "Compare by", "meas.period.year": "year", "meas.period.fiscal_year": "fiscal year", "meas.period.quarter": "fiscal quarter", "meas.period.month": "month", "meas.period.all": "all together",
		"meas.group.service": "Service requests", "meas.group.published": "Published by area", "meas.group.score": "Scores against targets",
		"meas.data": "Data", "meas.derived": "DERIVED: these figures were derived from published shares, not published as counts by the City.",
		"meas.city": "City as a whole", "meas.map": "Map of the measure", "meas.trend": "Lowest- and highest-need tiers over time",
		"meas.trend_chart": "%s by need tier, %s, with 95%% intervals", "meas.tier_low": "Lowest-need tier", "meas.tier_high": "Highest-need tier",
		"meas.period_col": "Period", "meas.coverage": "Data", "meas.interval": "95% interval", "meas.gap": "Gap (highest − lowest)", "meas.reading": "Reading",
		"meas.all_gaps": "every measure's gaps", "meas.value": "Value", "meas.programs": "The city's program measures beside their dollars (citywide)",
		"meas.programs_note": "CITYWIDE: the budget publishes these measures per program, not by area. Cost per unit is the program's budget divided by the units it counts; a program with several measures shares its dollars, so costs are not additive.",
		"meas.program":       "Program", "meas.dollars": "Program dollars", "meas.cost_unit": "Cost per unit",
		"meas.verdict.none": "No comparison: a tier has no value.", "meas.verdict.nointerval": "No interval: too few areas with a value.",
		"meas.verdict.nogap": "No gap: the 95% interval of the difference includes zero.", "meas.verdict.higher": "Gap: higher in the highest-need tier (the 95% interval excludes zero);",
		"meas.verdict.lower": "Gap: lower in the highest-need tier (the 95% interval excludes zero);", "meas.verdict.worse": "worse where need is highest.", "meas.verdict.better": "better where need is highest.",
		"nav.review": "Review", "rev.title": "Equity review of budget requests", "rev.lead": "The assessments of %s you may see.",
		"rev.signed": "Signed in as %s (%s)", "rev.signout": "Sign out", "rev.status": "Status", "rev.score": "Score", "rev.decision": "Decision",
		"rev.reviewers": "Reviewers", "rev.due": "Due", "rev.request": "Request", "rev.answers": "Answers", "rev.save": "Save answers",
		"rev.assign": "Assign", "rev.scores": "Scores", "rev.savescores": "Save my scores", "rev.comments": "Comments", "rev.addcomment": "Add comment",
		"rev.history": "History", "rev.count": "%d assessments", "rev.template": "Template", "rev.version": "version %d", "rev.amount": "Change",
		"rev.stale":       "This assessment changed since you opened it (it is now at version %d). Nothing was saved: this is the current version; make your change again.",
		"rev.step.submit": "Submit", "rev.step.return": "Return to the department", "rev.step.start_review": "Start the review", "rev.step.complete": "Complete the review",
		"rev.step.decide": "Record the decision", "rev.step.reopen": "Reopen", "rev.steps": "Next step", "rev.comment": "Comment",
		"rev.checks": "Automatic checks", "rev.checks.run": "Compute the automatic checks", "rev.none": "none",
		"login.title": "Sign in", "login.user": "User name", "login.password": "Password", "login.submit": "Sign in", "login.failed": "The user name or password is wrong.",
		"login.limited": "Too many failed sign-ins: try again later.", "req.score": "Score", "login.sso": "Sign in with the city's single sign-on", "rev.evidence": "Evidence", "rev.upload": "A file (PDF, PNG, JPEG, XLSX, CSV or text; at most %d MiB)", "rev.uploadbtn": "Upload",
		"site.name": "budgetlens", "site.tagline": "Where the budget goes, against need",
		"nav.capital": "Capital",
		"cap.title":   "Capital plans", "cap.lead": "Where each capital plan's dollars go, set against need, and the best plans saved as scenarios: each proven optimal under its budget and equity targets, with a reason for every project left out.",
		"cap.none": "No capital plan is published.", "cap.plan": "Plan", "cap.where": "Where the dollars of %s go",
		"cap.total": "Plan total", "cap.placed": "Placed in areas", "cap.citywide": "Citywide (in no area)", "cap.unplaced": "No known place", "cap.apart": "Reported apart (megaprojects)",
		"cap.top_share": "Highest-need tier's share of placed dollars", "cap.of_residents": "residents: %s",
		"cap.range": "The range is the concentration index over %d ways of counting (need measures and rules for projects coded with several areas): the choices an analyst makes, not a sampling interval, since the areas are every area of the city.",
		"cap.need":  "Need: %s.", "cap.noneed": "none stored for this layer",
		"cap.tiers": "Placed dollars per resident by need tier", "cap.chart": "Placed dollars per resident by need tier: %s", "cap.city": "city",
		"cap.pop_share": "Share of residents", "cap.dollars": "Placed dollars", "cap.dollar_share": "Share of dollars", "cap.per_resident": "Per resident",
		"cap.areas": "Placed dollars by area", "cap.area": "Area", "cap.projects_csv": "projects (CSV)",
		"cap.scenarios": "Scenarios side by side", "cap.scenarios_lead": "Each scenario is the plan of greatest benefit under what was asked; \"optimal\" means proven. Open one to see every project left out and why.",
		"cap.no_scenarios": "No scenario of this plan is saved.", "cap.scenario": "Scenario", "cap.asked": "Asked", "cap.answer": "Answer", "cap.selected": "Projects",
		"cap.cost": "Budgeted dollars", "cap.benefit": "Benefit", "cap.high_need": "High-need share of budgeted dollars", "cap.optimal": "optimal (proven)", "cap.ci": "Concentration index by need (range over the ways of counting)", "cap.ci_short": "Concentration index by need",
		"nav.overview": "Overview", "nav.map": "Map", "nav.budget": "Budget", "nav.requests": "Requests", "nav.methods": "Methods and sources",
		"nav.skip": "Skip to content", "nav.language": "Language", "nav.main": "Main",
		"mode.public": "Public site: released budgets only", "mode.internal": "Internal server: held (unreleased) phases are shown and marked",
		"unit.billion": "B", "unit.million": "M",
		"month.january": "January", "month.february": "February", "month.march": "March", "month.april": "April", "month.may": "May", "month.june": "June",
		"month.july": "July", "month.august": "August", "month.september": "September", "month.october": "October", "month.november": "November", "month.december": "December",
		"phase.proposed": "proposed", "phase.adopted": "adopted", "phase.estimate": "estimate", "phase.actual": "actual",
		"state.held": "held (not public)", "state.released": "released",
		"form.fy_phase": "Fiscal year and phase", "form.layer": "Areas", "form.show": "Show", "form.compare": "Compare with", "form.none": "none",
		"form.measure": "Colour the map by", "form.search": "Find an area by name or number", "form.search_button": "Find",
		"form.department": "Department", "form.category": "Category", "form.text": "Text", "form.all": "all", "form.filter": "Filter",
		"measure.need": "Need score", "measure.per_capita": "Placed dollars per resident", "measure.gap": "Dollars per resident above or below the city average",
		"ov.title": "Overview", "ov.lead": "How much of the %s budget reaches the neighbourhoods that need it most, by %s.",
		"ov.headline": "Headline figures, %s", "ov.verdict": "In plain words", "ov.across": "Across phases and years",
		"ov.phase_total": "Total spending of the phase", "ov.attributed": "Placed in areas", "ov.attributed_share": "Share placed in areas",
		"ov.per_capita": "Placed dollars per resident", "ov.top_share": "Share of placed dollars reaching the highest-need tier",
		"ov.top_pop": "Highest-need tier's share of residents", "ov.ci": "Concentration index by need (range over variants)",
		"ov.ratio": "Per resident, highest vs lowest need tier", "ov.col_phase": "Phase", "ov.tiers": "Dollars per resident by need tier",
		"ov.tier": "Need tier", "ov.tier_areas": "Small areas (tracts)", "ov.tier_pop": "Residents", "ov.tier_pc": "Per resident", "ov.tier_low": "Share of residents", "ov.tier_high": "Share of dollars",
		"ov.tier_chart": "Placed dollars per resident by need tier (residents in fifths by need; each counted with their area's average)", "ov.city_avg": "City average (parity)", "ov.range": "%s to %s over the variants: %s", "lean.toward": "leans toward need", "lean.away": "leans away from need", "lean.none": "no clear lean",
		"ov.synthetic":       "Some dollars are placed by SYNTHETIC service requests made for the demo: the figures show the method, not a finding about the city.",
		"verdict.toward":     "The spending placed in areas leans toward need: under all %d variants of the rules and need measures the concentration index is above zero (from %s to %s; %s with the profile's choices).",
		"verdict.away":       "The spending placed in areas leans away from need: under all %d variants of the rules and need measures the concentration index is below zero (from %s to %s; %s with the profile's choices).",
		"verdict.none":       "The spending placed in areas shows no clear lean toward or away from need: over %d variants of the rules and need measures the concentration index runs from %s to %s (%s with the profile's choices).",
		"verdict.nointerval": "No alternative rules or need measures were given, so how sure the lean is cannot be said (concentration index %s).",
		"verdict.noneed":     "Whether the placed dollars reach need could not be measured: no need index covers these areas.",
		"verdict.tier":       "The highest-need tier holds %s of residents and receives %s of the placed dollars, each resident counted with their area's average.",
		"verdict.cover":      "This covers the %s of the budget that the rules can place in areas; the rest is in no figure.",
		"download":           "Download", "download.csv": "CSV", "download.xlsx": "Excel", "download.geojson": "GeoJSON", "download.json": "JSON",
		"table.data": "Data behind the chart",
		"map.title":  "Map", "map.lead": "Need, dollars per resident or the gap, by area. Select an area on the map, in the list or by search to see its profile.",
		"map.legend": "Legend", "map.nodata": "no data", "map.areas": "Areas", "map.profile": "Area profile", "map.choose": "Choose an area",
		"map.noscript": "The map needs JavaScript; every figure is in the table below and in the downloads.", "map.points": "This layer holds points (census tracts): it shows need only.",
		"map.list": "Areas of the layer", "map.close": "Close",
		"area.title": "%s", "area.need": "Need", "area.need_score": "Need score", "area.need_tier": "Need tier", "area.of": "%d of %d",
		"area.population": "Residents", "area.dollars": "Placed dollars", "area.per_capita": "Per resident", "area.city": "City average per resident",
		"area.small": "Census tracts in the area, most need first", "area.small_id": "Tract", "area.score": "Score", "area.percentile": "Percentile", "area.explanation": "Why",
		"area.by_dept": "Dollars by department and rule", "area.dept": "Department", "area.rule": "Rule", "area.method": "Method", "area.amount": "Amount",
		"area.services": "Service requests", "area.requests_n": "Requests", "area.per1000": "Per 1,000 residents", "area.median": "Median hours to close", "area.p90": "90th percentile hours",
		"area.budget_requests": "Budget requests placing dollars here (largest first; %d in all)", "area.req_change": "Request", "area.in_area": "In this area",
		"area.synthetic": "synthetic", "area.no_services": "No service requests are stored for this layer.", "area.more": "Full profile",
		"budget.title": "Budget explorer", "budget.lead": "Department > program > account. Each row shows the share of its placed dollars reaching the highest-need tier, and the rule that placed most of them.",
		"budget.name": "Name", "budget.code": "Code", "budget.amount": "Amount", "budget.compare": "Compared", "budget.change": "Change", "budget.attributed": "Placed in areas",
		"budget.top_share": "Share in highest-need tier", "budget.rule": "Main rule", "budget.all": "All departments", "budget.chart": "Largest rows of %s",
		"req.title": "Budget requests", "req.lead": "Every request of %s with its effect on the highest-need tier's share of placed dollars (percentage points).",
		"req.desc": "Description", "req.dept": "Department", "req.proposed": "Proposed", "req.adopted": "Adopted", "req.change": "Change in this phase",
		"req.contribution": "Effect on the tier's share (points)", "req.status": "Assessment", "req.count": "%d requests", "req.next": "Next page", "req.first": "First page",
		"methods.title": "Methods and sources", "methods.profile": "City profile", "methods.layers": "Area layers", "methods.need": "Need index",
		"methods.rules": "Attribution rules", "methods.sources": "Data sources, versions and hashes", "methods.phases": "Budget phases",
		"methods.version": "budgetlens version %s", "methods.kind": "Kind", "methods.name": "Name", "methods.detail": "Detail", "methods.hash": "SHA-256", "methods.ver": "Version",
		"methods.fy": "Fiscal year", "methods.phase": "Phase", "methods.state": "State", "methods.by": "By", "methods.at": "When",
		"methods.spec": "Specification", "methods.rule": "Rule", "methods.match": "Applies to", "methods.rule_method": "Method",
		"err.title": "Something went wrong", "err.404": "There is nothing here. The page may have moved, or the budget it showed is not published.", "err.back": "Back to the overview",
		"api": "API (OpenAPI)",
	},
	"es": {
		"chart.bars": "%d barras; los valores están en la tabla que sigue.", "chart.periods": "%d periodos; los valores y sus intervalos están en la tabla que sigue.",
		"unit.requests": "solicitudes", "unit.per 1,000 residents": "por cada 1.000 habitantes", "unit.days": "días", "unit.share": "proporción", "unit.minutes": "minutos", "unit.incidents": "incidentes", "unit.score": "puntuación",
		"ev.title": "En qué se basan los dólares ubicados", "ev.lead": "Cada dólar ubicado dice qué lo ubica: su propio lugar (un sitio, un proyecto, un distrito que nombra el presupuesto), el servicio medido (solicitudes, incidentes, acres de parque), un indicador sustituto (población, superficie) o un supuesto. El resultado con solo evidencia de lugar y de servicio figura junto al de todos los dólares ubicados, como en el informe al concejo.",
		"ev.location": "Lugar (el propio lugar de los dólares)", "ev.service": "Servicio medido (solicitudes, incidentes, acres de parque)", "ev.proxy": "Indicadores sustitutos (población, superficie, residentes en pobreza)",
		"ev.assumed": "Supuestos", "ev.unattributed": "No ubicados en áreas", "ev.short.location": "Lugar", "ev.short.service": "Servicio", "ev.short.proxy": "Sustituto",
		"ev.short.assumed": "Supuesto", "ev.short.unattributed": "No ubicados", "ev.chart": "Los dólares de la fase por clase de evidencia", "ev.caption": "Los dólares de la fase por clase de evidencia (%s)",
		"ev.class": "Evidencia", "ev.amount": "Dólares", "ev.placed_share": "Parte de lo ubicado", "ev.phase_share": "Parte de la fase", "ev.total": "Total de la fase",
		"ev.strong_h": "Dólares ubicados solo por evidencia de lugar y de servicio", "ev.all_h": "Todos los dólares ubicados (con sustitutos y supuestos)",
		"ev.placed": "Ubicados", "ev.of_placed": "de todo lo ubicado", "ev.ci_need": "Índice de concentración por necesidad", "ev.top_share": "Parte que llega al nivel de mayor necesidad",
		"ev.headline": "El resultado a medida que se añade evidencia más débil", "ev.steps_col": "Dólares ubicados contados", "ev.per_resident": "Por residente", "ev.ci": "Índice de concentración", "ev.top": "Al nivel de mayor necesidad",
		"ev.step.0": "solo evidencia de lugar", "ev.step.1": "evidencia de lugar y de servicio", "ev.step.2": "con indicadores sustitutos", "ev.step.3": "todos los dólares ubicados (con supuestos)", "budget.evidence": "Evidencia",
		"nav.measures": "Desempeño", "meas.score": "Puntuación agregada frente a las metas (1 = metas cumplidas)", "meas.score_unit": "media de las puntuaciones de las medidas",
		"meas.title": "Desempeño de los servicios por área", "meas.lead": "Si los servicios de la ciudad son tan rápidos y tan presentes donde la necesidad es mayor: medidas de servicio de las solicitudes guardadas, medidas publicadas por área y puntuaciones frente a las metas, por área y nivel de necesidad, con intervalos del 95 %.",
		"meas.none": "Todavía no hay solicitudes de servicio ni medidas publicadas guardadas.", "meas.measure": "Medida", "meas.view": "Mostrar", "meas.view.value": "Valor", "meas.view.gap": "Diferencia con la ciudad",
		"meas.period": "Comparar por", "meas.period.year": "año", "meas.period.fiscal_year": "año fiscal", "meas.period.quarter": "trimestre fiscal", "meas.period.month": "mes", "meas.period.all": "todo junto",
		"meas.group.service": "Solicitudes de servicio", "meas.group.published": "Publicadas por área", "meas.group.score": "Puntuaciones frente a las metas",
		"meas.data": "Datos", "meas.derived": "DERIVADO: estas cifras se derivaron de porcentajes publicados; la Ciudad no las publicó como conteos.",
		"meas.city": "La ciudad en conjunto", "meas.map": "Mapa de la medida", "meas.trend": "Niveles de menor y mayor necesidad en el tiempo",
		"meas.trend_chart": "%s por nivel de necesidad, %s, con intervalos del 95 %%", "meas.tier_low": "Nivel de menor necesidad", "meas.tier_high": "Nivel de mayor necesidad",
		"meas.period_col": "Periodo", "meas.coverage": "Datos", "meas.interval": "Intervalo del 95 %", "meas.gap": "Brecha (mayor − menor)", "meas.reading": "Lectura",
		"meas.all_gaps": "brechas de todas las medidas", "meas.value": "Valor", "meas.programs": "Medidas de programa de la ciudad junto a sus dólares (toda la ciudad)",
		"meas.programs_note": "TODA LA CIUDAD: el presupuesto publica estas medidas por programa, no por área. El costo por unidad es el presupuesto del programa dividido entre las unidades que cuenta; un programa con varias medidas comparte sus dólares, así que los costos no se suman.",
		"meas.program":       "Programa", "meas.dollars": "Dólares del programa", "meas.cost_unit": "Costo por unidad",
		"meas.verdict.none": "Sin comparación: un nivel no tiene valor.", "meas.verdict.nointerval": "Sin intervalo: muy pocas áreas con valor.",
		"meas.verdict.nogap": "Sin brecha: el intervalo del 95 % de la diferencia incluye el cero.", "meas.verdict.higher": "Brecha: mayor en el nivel de mayor necesidad (el intervalo del 95 % excluye el cero);",
		"meas.verdict.lower": "Brecha: menor en el nivel de mayor necesidad (el intervalo del 95 % excluye el cero);", "meas.verdict.worse": "peor donde la necesidad es mayor.", "meas.verdict.better": "mejor donde la necesidad es mayor.",
		"nav.review": "Revisión", "rev.title": "Revisión de equidad de las solicitudes", "rev.lead": "Las evaluaciones de %s que usted puede ver.",
		"rev.signed": "Sesión de %s (%s)", "rev.signout": "Cerrar sesión", "rev.status": "Estado", "rev.score": "Puntuación", "rev.decision": "Decisión",
		"rev.reviewers": "Revisores", "rev.due": "Vence", "rev.request": "Solicitud", "rev.answers": "Respuestas", "rev.save": "Guardar respuestas",
		"rev.assign": "Asignar", "rev.scores": "Puntuaciones", "rev.savescores": "Guardar mis puntuaciones", "rev.comments": "Comentarios", "rev.addcomment": "Añadir comentario",
		"rev.history": "Historial", "rev.count": "%d evaluaciones", "rev.template": "Plantilla", "rev.version": "versión %d", "rev.amount": "Cambio",
		"rev.stale":       "Esta evaluación cambió desde que la abrió (ahora está en la versión %d). No se guardó nada: esta es la versión actual; haga su cambio de nuevo.",
		"rev.step.submit": "Enviar", "rev.step.return": "Devolver al departamento", "rev.step.start_review": "Iniciar la revisión", "rev.step.complete": "Completar la revisión",
		"rev.step.decide": "Registrar la decisión", "rev.step.reopen": "Reabrir", "rev.steps": "Siguiente paso", "rev.comment": "Comentario",
		"rev.checks": "Comprobaciones automáticas", "rev.checks.run": "Calcular las comprobaciones automáticas", "rev.none": "ninguno",
		"login.title": "Iniciar sesión", "login.user": "Usuario", "login.password": "Contraseña", "login.submit": "Entrar", "login.failed": "El usuario o la contraseña no son correctos.",
		"login.limited": "Demasiados intentos fallidos: inténtelo más tarde.", "req.score": "Puntuación", "login.sso": "Entrar con el inicio de sesión único de la ciudad", "rev.evidence": "Evidencia", "rev.upload": "Un archivo (PDF, PNG, JPEG, XLSX, CSV o texto; como máximo %d MiB)", "rev.uploadbtn": "Subir",
		"site.name": "budgetlens", "site.tagline": "Adónde va el presupuesto, frente a la necesidad",
		"nav.capital": "Capital",
		"cap.title":   "Planes de capital", "cap.lead": "Adónde van los dólares de cada plan de capital, frente a la necesidad, y los mejores planes guardados como escenarios: cada uno demostrado óptimo con su presupuesto y sus metas de equidad, con una razón para cada proyecto que queda fuera.",
		"cap.none": "No hay ningún plan de capital publicado.", "cap.plan": "Plan", "cap.where": "Adónde van los dólares de %s",
		"cap.total": "Total del plan", "cap.placed": "Asignado a áreas", "cap.citywide": "Para toda la ciudad (en ningún área)", "cap.unplaced": "Sin lugar conocido", "cap.apart": "Presentado aparte (megaproyectos)",
		"cap.top_share": "Parte de los dólares asignados del nivel de mayor necesidad", "cap.of_residents": "residentes: %s",
		"cap.range": "El rango es el índice de concentración en %d formas de contar (medidas de necesidad y reglas para proyectos con varias áreas): decisiones del analista, no un intervalo de muestreo, pues las áreas son todas las de la ciudad.",
		"cap.need":  "Necesidad: %s.", "cap.noneed": "ninguna guardada para esta capa",
		"cap.tiers": "Dólares asignados por residente según nivel de necesidad", "cap.chart": "Dólares asignados por residente según nivel de necesidad: %s", "cap.city": "ciudad",
		"cap.pop_share": "Parte de los residentes", "cap.dollars": "Dólares asignados", "cap.dollar_share": "Parte de los dólares", "cap.per_resident": "Por residente",
		"cap.areas": "Dólares asignados por área", "cap.area": "Área", "cap.projects_csv": "proyectos (CSV)",
		"cap.scenarios": "Escenarios lado a lado", "cap.scenarios_lead": "Cada escenario es el plan de mayor beneficio con lo que se pidió; «óptimo» significa demostrado. Abra uno para ver cada proyecto que queda fuera y por qué.",
		"cap.no_scenarios": "No hay escenarios guardados de este plan.", "cap.scenario": "Escenario", "cap.asked": "Pedido", "cap.answer": "Respuesta", "cap.selected": "Proyectos",
		"cap.cost": "Dólares presupuestados", "cap.benefit": "Beneficio", "cap.high_need": "Parte de mayor necesidad de los dólares presupuestados", "cap.optimal": "óptimo (demostrado)", "cap.ci": "Índice de concentración por necesidad (rango según la forma de contar)", "cap.ci_short": "Índice de concentración por necesidad",
		"nav.overview": "Resumen", "nav.map": "Mapa", "nav.budget": "Presupuesto", "nav.requests": "Solicitudes", "nav.methods": "Métodos y fuentes",
		"nav.skip": "Ir al contenido", "nav.language": "Idioma", "nav.main": "Principal",
		"mode.public": "Sitio público: solo presupuestos publicados", "mode.internal": "Servidor interno: las fases retenidas (no publicadas) se muestran y se marcan",
		"unit.billion": "mil M", "unit.million": "M",
		"month.january": "enero", "month.february": "febrero", "month.march": "marzo", "month.april": "abril", "month.may": "mayo", "month.june": "junio",
		"month.july": "julio", "month.august": "agosto", "month.september": "septiembre", "month.october": "octubre", "month.november": "noviembre", "month.december": "diciembre",
		"phase.proposed": "propuesto", "phase.adopted": "aprobado", "phase.estimate": "estimado", "phase.actual": "ejecutado",
		"state.held": "retenida (no pública)", "state.released": "publicada",
		"form.fy_phase": "Año fiscal y fase", "form.layer": "Áreas", "form.show": "Mostrar", "form.compare": "Comparar con", "form.none": "ninguna",
		"form.measure": "Colorear el mapa por", "form.search": "Buscar un área por nombre o número", "form.search_button": "Buscar",
		"form.department": "Departamento", "form.category": "Categoría", "form.text": "Texto", "form.all": "todos", "form.filter": "Filtrar",
		"measure.need": "Índice de necesidad", "measure.per_capita": "Dólares asignados por residente", "measure.gap": "Dólares por residente sobre o bajo el promedio de la ciudad",
		"ov.title": "Resumen", "ov.lead": "Cuánto del presupuesto %s llega a los barrios que más lo necesitan, por %s.",
		"ov.headline": "Cifras principales, %s", "ov.verdict": "En pocas palabras", "ov.across": "Por fases y años",
		"ov.phase_total": "Gasto total de la fase", "ov.attributed": "Asignado a áreas", "ov.attributed_share": "Parte asignada a áreas",
		"ov.per_capita": "Dólares asignados por residente", "ov.top_share": "Parte de los dólares asignados en el nivel de mayor necesidad",
		"ov.top_pop": "Parte de los residentes en el nivel de mayor necesidad", "ov.ci": "Índice de concentración por necesidad (rango entre variantes)",
		"ov.ratio": "Por residente, nivel de mayor frente a menor necesidad", "ov.col_phase": "Fase", "ov.tiers": "Dólares por residente según nivel de necesidad",
		"ov.tier": "Nivel de necesidad", "ov.tier_areas": "Áreas pequeñas (secciones censales)", "ov.tier_pop": "Residentes", "ov.tier_pc": "Por residente", "ov.tier_low": "Parte de los residentes", "ov.tier_high": "Parte de los dólares",
		"ov.tier_chart": "Dólares asignados por residente según nivel de necesidad (residentes en quintos según necesidad; cada uno con el promedio de su área)", "ov.city_avg": "Promedio de la ciudad (paridad)", "ov.range": "%s a %s entre las variantes: %s", "lean.toward": "se inclina hacia la necesidad", "lean.away": "se aleja de la necesidad", "lean.none": "sin inclinación clara",
		"ov.synthetic":       "Parte de los dólares se asigna según solicitudes de servicio SINTÉTICAS creadas para la demostración: las cifras muestran el método, no un hallazgo sobre la ciudad.",
		"verdict.toward":     "El gasto asignado a áreas se inclina hacia la necesidad: en las %d variantes de reglas y medidas de necesidad el índice de concentración es positivo (de %s a %s; %s con las opciones del perfil).",
		"verdict.away":       "El gasto asignado a áreas se aleja de la necesidad: en las %d variantes de reglas y medidas de necesidad el índice de concentración es negativo (de %s a %s; %s con las opciones del perfil).",
		"verdict.none":       "El gasto asignado a áreas no muestra una inclinación clara hacia la necesidad ni en contra: en %d variantes de reglas y medidas de necesidad el índice de concentración va de %s a %s (%s con las opciones del perfil).",
		"verdict.nointerval": "No se dieron reglas ni medidas de necesidad alternativas, así que no se puede decir con qué seguridad (índice de concentración %s).",
		"verdict.noneed":     "No se pudo medir si los dólares asignados llegan a la necesidad: ningún índice de necesidad cubre estas áreas.",
		"verdict.tier":       "El nivel de mayor necesidad tiene el %s de los residentes y recibe el %s de los dólares asignados, cada residente con el promedio de su área.",
		"verdict.cover":      "Esto cubre el %s del presupuesto que las reglas pueden asignar a áreas; el resto no entra en ninguna cifra.",
		"download":           "Descargar", "download.csv": "CSV", "download.xlsx": "Excel", "download.geojson": "GeoJSON", "download.json": "JSON",
		"table.data": "Datos del gráfico",
		"map.title":  "Mapa", "map.lead": "Necesidad, dólares por residente o la diferencia, por área. Seleccione un área en el mapa, en la lista o con la búsqueda para ver su perfil.",
		"map.legend": "Leyenda", "map.nodata": "sin datos", "map.areas": "Áreas", "map.profile": "Perfil del área", "map.choose": "Elija un área",
		"map.noscript": "El mapa necesita JavaScript; todas las cifras están en la tabla de abajo y en las descargas.", "map.points": "Esta capa contiene puntos (secciones censales): solo muestra la necesidad.",
		"map.list": "Áreas de la capa", "map.close": "Cerrar",
		"area.title": "%s", "area.need": "Necesidad", "area.need_score": "Índice de necesidad", "area.need_tier": "Nivel de necesidad", "area.of": "%d de %d",
		"area.population": "Residentes", "area.dollars": "Dólares asignados", "area.per_capita": "Por residente", "area.city": "Promedio de la ciudad por residente",
		"area.small": "Secciones censales del área, de mayor a menor necesidad", "area.small_id": "Sección", "area.score": "Índice", "area.percentile": "Percentil", "area.explanation": "Por qué",
		"area.by_dept": "Dólares por departamento y regla", "area.dept": "Departamento", "area.rule": "Regla", "area.method": "Método", "area.amount": "Monto",
		"area.services": "Solicitudes de servicio", "area.requests_n": "Solicitudes", "area.per1000": "Por cada 1.000 residentes", "area.median": "Mediana de horas hasta el cierre", "area.p90": "Percentil 90 de horas",
		"area.budget_requests": "Solicitudes presupuestarias que asignan dólares aquí (de mayor a menor; %d en total)", "area.req_change": "Solicitud", "area.in_area": "En esta área",
		"area.synthetic": "sintéticas", "area.no_services": "No hay solicitudes de servicio guardadas para esta capa.", "area.more": "Perfil completo",
		"budget.title": "Explorador del presupuesto", "budget.lead": "Departamento > programa > cuenta. Cada fila muestra la parte de sus dólares asignados que llega al nivel de mayor necesidad y la regla que asignó la mayoría.",
		"budget.name": "Nombre", "budget.code": "Código", "budget.amount": "Monto", "budget.compare": "Comparado", "budget.change": "Cambio", "budget.attributed": "Asignado a áreas",
		"budget.top_share": "Parte en el nivel de mayor necesidad", "budget.rule": "Regla principal", "budget.all": "Todos los departamentos", "budget.chart": "Filas mayores de %s",
		"req.title": "Solicitudes presupuestarias", "req.lead": "Cada solicitud de %s con su efecto en la parte de los dólares asignados que recibe el nivel de mayor necesidad (puntos porcentuales).",
		"req.desc": "Descripción", "req.dept": "Departamento", "req.proposed": "Propuesto", "req.adopted": "Aprobado", "req.change": "Cambio en esta fase",
		"req.contribution": "Efecto en la parte del nivel (puntos)", "req.status": "Evaluación", "req.count": "%d solicitudes", "req.next": "Página siguiente", "req.first": "Primera página",
		"methods.title": "Métodos y fuentes", "methods.profile": "Perfil de la ciudad", "methods.layers": "Capas de áreas", "methods.need": "Índice de necesidad",
		"methods.rules": "Reglas de asignación", "methods.sources": "Fuentes de datos, versiones y huellas", "methods.phases": "Fases del presupuesto",
		"methods.version": "budgetlens versión %s", "methods.kind": "Tipo", "methods.name": "Nombre", "methods.detail": "Detalle", "methods.hash": "SHA-256", "methods.ver": "Versión",
		"methods.fy": "Año fiscal", "methods.phase": "Fase", "methods.state": "Estado", "methods.by": "Por", "methods.at": "Cuándo",
		"methods.spec": "Especificación", "methods.rule": "Regla", "methods.match": "Se aplica a", "methods.rule_method": "Método",
		"err.title": "Algo salió mal", "err.404": "Aquí no hay nada. La página pudo cambiar de lugar, o el presupuesto que mostraba no está publicado.", "err.back": "Volver al resumen",
		"api": "API (OpenAPI)",
	},
}
