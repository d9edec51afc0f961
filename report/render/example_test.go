package render_test

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/budgetlens/budgetlens/report"
	"github.com/budgetlens/budgetlens/report/render"
	"github.com/paulmach/orb"
)

// An analysis fills a Document and renders it. WriteAll writes
// report.html, report.xlsx and report.pdf in a directory.
func Example() {
	square := func(x float64) orb.Polygon {
		return orb.Polygon{{{x, 34}, {x + 0.1, 34}, {x + 0.1, 34.1}, {x, 34.1}, {x, 34}}}
	}
	doc := &report.Document{
		Title:      "Equity assessment",
		FiscalYear: "2021-22",
		Phase:      "proposed",
		Version:    "0.1.0",
		Headline: []report.Figure{
			{Key: "attributed_share", Label: "Dollars placed in areas", Value: 0.4321, Kind: report.KindPercent},
			{Key: "total", Label: "Total", Value: 10_712_345_678, Kind: report.KindMoney},
		},
		Sections: []report.Section{{ID: "maps", Title: "Maps", Blocks: []report.Block{
			&report.Choropleth{Name: "Per capita", Title: "Spending per resident", Kind: report.KindDollars, Areas: []report.MapArea{
				{ID: "1", Geometry: square(-118.3), Value: 410},
				{ID: "2", Geometry: square(-118.2), Value: 275},
				{ID: "3", Geometry: square(-118.1), Missing: true},
			}},
		}}},
	}
	var html bytes.Buffer
	if err := render.RenderHTML(&html, doc); err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range doc.Headline {
		fmt.Println(f.Label+":", f.Text())
	}
	fmt.Println(strings.Contains(html.String(), "<svg"), strings.Contains(html.String(), "3: no data"))
	// Output:
	// Dollars placed in areas: 43.2%
	// Total: $10.7 B
	// true true
}
