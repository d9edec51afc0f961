package web

import (
	"fmt"
	"html/template"
	"math"
	"strings"
)

// bar is one bar of a chart: a label, a value and an optional interval.
type bar struct {
	Label     string
	Value     float64
	Low, High float64 // NaN when there is no interval
}

// barChart draws horizontal bars (with interval whiskers and an optional
// reference line) as accessible SVG: role img, a title and a description
// saying the values are in the table beside it. Colours are from the
// Okabe-Ito palette (safe for colour-blind readers); no style attributes
// (the CSP forbids inline styles). Values are written with format.
func barChart(t T, id, title string, bars []bar, ref float64, refLabel string, format func(float64) string) template.HTML {
	const width, labelW, rowH, top = 640.0, 220.0, 28.0, 28.0
	plotW := width - labelW - 110
	lo, hi := 0.0, 0.0
	for _, b := range bars {
		for _, v := range []float64{b.Value, b.Low, b.High} {
			if !math.IsNaN(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if !math.IsNaN(ref) {
		lo, hi = math.Min(lo, ref), math.Max(hi, ref)
	}
	if hi == lo {
		hi = lo + 1
	}
	x := func(v float64) float64 { return labelW + (v-lo)/(hi-lo)*plotW }
	height := top + float64(len(bars))*rowH + 16
	var b strings.Builder
	esc := template.HTMLEscapeString
	fmt.Fprintf(&b, `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" role="img" aria-labelledby="%s-t %s-d">`, width, height, id, id)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(title), id, esc(t.Get("chart.bars", len(bars))))
	zero := x(0)
	for i, br := range bars {
		y := top + float64(i)*rowH
		label := br.Label
		if r := []rune(label); len(r) > 30 {
			label = string(r[:29]) + "…"
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end" class="chart-label">%s</text>`, labelW-8, y+rowH/2+4, esc(label))
		if math.IsNaN(br.Value) {
			continue
		}
		x0, x1 := zero, x(br.Value)
		if x1 < x0 {
			x0, x1 = x1, x0
		}
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#0072B2"><title>%s: %s</title></rect>`, x0, y+6, math.Max(x1-x0, 1), rowH-12, esc(br.Label), esc(format(br.Value)))
		end := math.Max(x(br.Value), zero)
		if !math.IsNaN(br.Low) && !math.IsNaN(br.High) {
			l, h, m := x(br.Low), x(br.High), y+rowH/2
			fmt.Fprintf(&b, `<path d="M%.1f %.1fH%.1fM%.1f %.1fV%.1fM%.1f %.1fV%.1f" stroke="#000000" stroke-width="1.5" fill="none"/>`, l, m, h, l, m-6, m+6, h, m-6, m+6)
			end = math.Max(end, h)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="chart-value">%s</text>`, end+6, y+rowH/2+4, esc(format(br.Value)))
	}
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#444444"/>`, zero, top-4, zero, height-16)
	if !math.IsNaN(ref) {
		rx := x(ref)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#D55E00" stroke-width="2" stroke-dasharray="6 3"/>`, rx, top-6, rx, height-16)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" class="chart-ref">%s: %s</text>`, rx, top-12, esc(refLabel), esc(format(ref)))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every text above went through esc
}
