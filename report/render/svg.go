package render

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/report"
)

// fontFamily lists fonts installed with Debian's fonts-dejavu and
// fonts-liberation, so the PDF looks the same offline.
const fontFamily = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"

// svgWriter accumulates SVG markup. Every piece of text goes through esc.
type svgWriter struct {
	b  strings.Builder
	id string // prefix for element ids, unique in the document
}

func (w *svgWriter) printf(format string, args ...any) { fmt.Fprintf(&w.b, format, args...) }

// open writes the <svg> element with its accessible title and description.
func (w *svgWriter) open(width, height float64, title, desc string) {
	w.printf(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" width="%s" height="%s" role="img" aria-labelledby="%s-t %s-d" font-family="%s" font-size="11">`,
		num(width), num(height), num(width), num(height), w.id, w.id, fontFamily)
	w.printf(`<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, w.id, esc(title), w.id, esc(desc))
}

func (w *svgWriter) text(x, y float64, anchor, class, s string) {
	w.printf(`<text x="%s" y="%s" text-anchor="%s" class="%s">%s</text>`, num(x), num(y), anchor, class, esc(s))
}

func (w *svgWriter) close() template.HTML {
	w.b.WriteString(`</svg>`)
	return template.HTML(w.b.String()) // all text was escaped by esc
}

// esc escapes text for XML content and attribute values.
func esc(s string) string { return template.HTMLEscapeString(s) }

// num formats a coordinate with at most one digit after the point.
func num(v float64) string {
	r := math.Round(v*10) / 10
	if r == 0 {
		return "0"
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// niceTicks returns about n evenly spaced round tick values (steps of 1, 2
// or 5 times a power of ten) covering [lo, hi].
func niceTicks(lo, hi float64, n int) []float64 {
	if hi < lo {
		lo, hi = hi, lo
	}
	if hi == lo {
		if lo == 0 {
			hi = 1
		} else {
			lo, hi = math.Min(0, lo), math.Max(0, hi)
			if lo == hi {
				hi = lo + 1
			}
		}
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	// ticks are k·step, rounded to the decimals of step so that 3 × 0.2
	// is 0.6 and not 0.6000000000000001
	scale := math.Pow(10, math.Max(0, -math.Floor(math.Log10(step))))
	tick := func(k float64) float64 { return math.Round(k*step*scale) / scale }
	var ticks []float64
	for k := math.Floor(lo/step + 1e-9); len(ticks) < 2 || ticks[len(ticks)-1] < hi-step*1e-6; k++ {
		ticks = append(ticks, tick(k))
		if len(ticks) > 50 {
			break
		}
	}
	return ticks
}

// axisFormat formats a tick value compactly by kind.
func axisFormat(v float64, k report.Kind, step float64) string {
	switch k {
	case report.KindPercent:
		d := 0
		if step*100 < 1 {
			d = 1
		}
		if d == 0 {
			d = report.NoDigits
		}
		return report.Format(v, report.KindPercent, d)
	case report.KindMoney, report.KindDollars:
		// whole dollars below $100,000 ("$1,500", not "$1.50 K"), so that
		// per-resident axes read like the tables; scaled above
		if math.Abs(v) < 100_000 && step >= 1 {
			return report.Format(v, report.KindDollars, 0)
		}
		return report.Format(v, report.KindMoney, 0)
	}
	d := 0
	for s := step; s < 1 && d < 4; s *= 10 {
		d++
	}
	if d == 0 {
		d = report.NoDigits
	}
	return report.Format(v, report.KindNumber, d)
}

// Okabe–Ito colours (distinguishable with every common colour-vision
// deficiency), with dash patterns so that curves differ without colour too.
var lineColors = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"}
var lineDashes = []string{"", "7 3", "2 3", "9 3 2 3", "4 4", "1 2", "12 4"}
