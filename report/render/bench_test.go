package render

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/budgetlens/budgetlens/report"
	"github.com/paulmach/orb"
)

// bigDocument is the sample plus what the demo adds: a point map of every
// tract in the city's box and a 2,000-row table of 8 columns.
func bigDocument(b *testing.B) *report.Document {
	d := sampleDocument(b)
	districts := readDistricts(b)
	var box orb.Bound
	var backdrop []orb.Geometry
	for i, a := range districts {
		if i == 0 {
			box = a.Geometry.Bound()
		}
		box = box.Union(a.Geometry.Bound())
		backdrop = append(backdrop, a.Geometry)
	}
	tracts := readTractPoints(b, box)
	t := &report.Table{Name: "Big", Title: "2,000 rows", Columns: []report.Column{{Label: "ID"}, {Label: "a", Kind: report.KindMoney}, {Label: "b", Kind: report.KindDollars},
		{Label: "c", Kind: report.KindPercent}, {Label: "d", Kind: report.KindInt}, {Label: "e", Kind: report.KindRatio}, {Label: "f", Kind: report.KindNumber}, {Label: "g"}}}
	for i := 0; i < 2000; i++ {
		f := float64(i)
		t.Rows = append(t.Rows, []any{fmt.Sprint(i), f * 1e5, f * 123.45, f / 2000, i, f / 1000, f * 3.3, "text"})
	}
	d.Sections = append(d.Sections, report.Section{ID: "big", Title: "Big", Blocks: []report.Block{
		&report.Choropleth{Name: "Tracts", Title: "Tracts", Areas: tracts, Kind: report.KindMoney, Backdrop: backdrop}, t}})
	return d
}

func BenchmarkRenderHTML(b *testing.B) {
	d := bigDocument(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var buf bytes.Buffer
		if err := RenderHTML(&buf, d); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(buf.Len()), "bytes")
	}
}

func BenchmarkRenderXLSX(b *testing.B) {
	d := bigDocument(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var buf bytes.Buffer
		if err := RenderXLSX(&buf, d); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(buf.Len()), "bytes")
	}
}
