package web

import (
	"strings"
	"testing"
)

// TestMeasuresInSpanish: the performance page in Spanish names the
// measures (the shipped ones, Los Angeles' own and LAFD's published ones),
// their units and the need tiers in Spanish, and the layer by its title;
// the English page asked for after it is still in English (the measure
// list the server keeps is not changed by a page in another language).
func TestMeasuresInSpanish(t *testing.T) {
	_, ts := newTestServer(t, false)
	_, es := get(t, ts, "/measures?lang=es&measure=per_1000&layer=council_districts")
	page := string(es)
	for _, want := range []string{
		"Solicitudes por cada 1.000 habitantes (por cada 1.000 habitantes)", // the shipped measure and its unit
		"Grafiti: mediana de días hasta el cierre",                          // Los Angeles' profile
		"Tiempo medio de viaje a emergencias médicas",                       // LAFD's published set
		"Incidentes de emergencias médicas por cada 1.000 habitantes",
		"Nivel 1 (menor necesidad)", "Nivel 5 (mayor necesidad)", // the chart's tiers
		"barras; los valores están en la tabla que sigue",
		"Solicitudes por cada 1.000 habitantes, council districts</caption>", // the layer's title, not its id
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the Spanish page lacks %q", want)
		}
	}
	for _, notWant := range []string{"Tier 1 (lowest need)", "Requests per 1,000 residents", "bars; the values", ", council_districts</caption>"} {
		if strings.Contains(page, notWant) {
			t.Errorf("the Spanish page shows %q", notWant)
		}
	}
	_, en := get(t, ts, "/measures?measure=per_1000&layer=council_districts")
	if p := string(en); !strings.Contains(p, "Requests per 1,000 residents (per 1,000 residents)") || strings.Contains(p, "Solicitudes") || !strings.Contains(p, "Tier 1 (lowest need)") {
		t.Errorf("the English page after the Spanish one is not in English")
	}
	_, ov := get(t, ts, "/?lang=es&layer=council_districts")
	if p := string(ov); !strings.Contains(p, "por council districts.") || !strings.Contains(p, `<th scope="row">Nivel 1 (menor necesidad)</th>`) || strings.Contains(p, "no need score") {
		t.Errorf("the Spanish overview names the layer by its id or the tiers in English")
	}
	// captions name the layer by its title on every page
	for _, path := range []string{"/?layer=council_districts", "/map?layer=council_districts", "/budget?layer=council_districts"} {
		_, b := get(t, ts, path)
		for _, id := range []string{" council_districts</caption>", "(council_districts)</caption>", ": council_districts, FY"} {
			if i := strings.Index(string(b), id); i >= 0 {
				t.Errorf("%s: a caption names the layer by its id: %q", path, b[max(0, i-80):i+len(id)])
			}
		}
	}
}
