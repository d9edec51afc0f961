package render

import (
	"fmt"
	"html/template"
	"math"
	"strings"

	"github.com/budgetlens/budgetlens/report"
)

// plot is the pixel frame of a chart's plotting area and its data ranges.
type plot struct {
	x, y, w, h             float64 // pixel frame
	xmin, xmax, ymin, ymax float64
}

func (p plot) px(v float64) float64 { return p.x + (v-p.xmin)/(p.xmax-p.xmin)*p.w }
func (p plot) py(v float64) float64 { return p.y + p.h - (v-p.ymin)/(p.ymax-p.ymin)*p.h }

// SVG renders the curves with axes, the line of equality when Diagonal, and
// a legend below the plot. id must be unique in the HTML page.
func curveSVG(c *report.CurveChart, id string) template.HTML {
	xk, yk := c.XKind, c.YKind
	if xk == "" {
		xk = report.KindNumber
		if c.Diagonal {
			xk = report.KindPercent
		}
	}
	if yk == "" {
		yk = xk
	}
	const width = 520.0
	p := plot{x: 64, y: 16, w: 420, h: 340}
	if c.Diagonal {
		p.xmin, p.xmax, p.ymin, p.ymax = 0, 1, 0, 1
	} else {
		p.xmin, p.ymin, p.xmax, p.ymax = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
		for _, cv := range c.Curves {
			for _, pt := range cv.Points {
				p.xmin, p.xmax = math.Min(p.xmin, pt.X), math.Max(p.xmax, pt.X)
				p.ymin, p.ymax = math.Min(p.ymin, pt.Y), math.Max(p.ymax, pt.Y)
			}
		}
		if math.IsInf(p.xmin, 0) {
			p.xmin, p.xmax, p.ymin, p.ymax = 0, 1, 0, 1
		}
	}
	xt, yt := niceTicks(p.xmin, p.xmax, 5), niceTicks(p.ymin, p.ymax, 5)
	p.xmin, p.xmax = math.Min(p.xmin, xt[0]), math.Max(p.xmax, xt[len(xt)-1])
	p.ymin, p.ymax = math.Min(p.ymin, yt[0]), math.Max(p.ymax, yt[len(yt)-1])
	legendRows := len(c.Curves)
	if c.Diagonal {
		legendRows++
	}
	height := p.y + p.h + 44 + float64(legendRows)*18

	w := &svgWriter{id: id}
	w.open(width, height, c.Title, curveAlt(c))
	axes(w, p, xt, yt, xk, yk, c.XLabel, c.YLabel)
	if c.Diagonal {
		w.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#7f7f7f" stroke-width="1" stroke-dasharray="3 3"/>`,
			num(p.px(0)), num(p.py(0)), num(p.px(1)), num(p.py(1)))
	}
	for i, cv := range c.Curves {
		var d strings.Builder
		for k, pt := range cv.Points {
			cmd := "L"
			if k == 0 {
				cmd = "M"
			}
			fmt.Fprintf(&d, "%s%s %s", cmd, num(p.px(pt.X)), num(p.py(pt.Y)))
		}
		w.printf(`<path d="%s" fill="none" stroke="%s" stroke-width="2"%s><title>%s</title></path>`,
			d.String(), lineColors[i%len(lineColors)], dashAttr(i), esc(cv.Label))
	}
	ly := p.y + p.h + 44
	for i, cv := range c.Curves {
		yy := ly + float64(i)*18
		w.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2"%s/>`, num(p.x), num(yy-4), num(p.x+28), num(yy-4), lineColors[i%len(lineColors)], dashAttr(i))
		w.text(p.x+36, yy, "start", "", cv.Label)
	}
	if c.Diagonal {
		yy := ly + float64(len(c.Curves))*18
		w.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#7f7f7f" stroke-dasharray="3 3"/>`, num(p.x), num(yy-4), num(p.x+28), num(yy-4))
		w.text(p.x+36, yy, "start", "", "Line of equality")
	}
	return w.close()
}

func dashAttr(i int) string {
	if d := lineDashes[i%len(lineDashes)]; d != "" {
		return fmt.Sprintf(` stroke-dasharray="%s"`, d)
	}
	return ""
}

// axes draws grid lines, tick labels and axis titles.
func axes(w *svgWriter, p plot, xt, yt []float64, xk, yk report.Kind, xl, yl string) {
	w.printf(`<g class="axes" stroke="#e0e0e0" stroke-width="1">`)
	for _, v := range yt {
		w.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s"/>`, num(p.x), num(p.py(v)), num(p.x+p.w), num(p.py(v)))
	}
	for _, v := range xt {
		w.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s"/>`, num(p.px(v)), num(p.y), num(p.px(v)), num(p.y+p.h))
	}
	w.printf(`</g><rect x="%s" y="%s" width="%s" height="%s" fill="none" stroke="#444"/>`, num(p.x), num(p.y), num(p.w), num(p.h))
	w.printf(`<g fill="#333">`)
	for _, v := range yt {
		w.text(p.x-6, p.py(v)+4, "end", "", axisFormat(v, yk, yt[1]-yt[0]))
	}
	for _, v := range xt {
		w.text(p.px(v), p.y+p.h+15, "middle", "", axisFormat(v, xk, xt[1]-xt[0]))
	}
	w.text(p.x+p.w/2, p.y+p.h+32, "middle", "", xl)
	w.printf(`<text transform="translate(14 %s) rotate(-90)" text-anchor="middle">%s</text></g>`, num(p.y+p.h/2), esc(yl))
}

func curveAlt(c *report.CurveChart) string {
	var parts []string
	if c.Description != "" {
		parts = append(parts, c.Description)
	}
	for _, cv := range c.Curves {
		parts = append(parts, fmt.Sprintf("%s: %d points.", cv.Label, len(cv.Points)))
	}
	return strings.Join(parts, " ") + " The points are listed in the table that follows the chart."
}

// curveTable returns the curves' points as a table (curve, x, y).
func curveTable(c *report.CurveChart) *report.Table {
	xk, yk := c.XKind, c.YKind
	if xk == "" {
		xk = report.KindNumber
		if c.Diagonal {
			xk = report.KindPercent
		}
	}
	if yk == "" {
		yk = xk
	}
	t := &report.Table{Name: c.Name, Title: c.Title, Synthetic: c.Synthetic, Note: c.Note, Columns: []report.Column{
		{Key: "curve", Label: "Curve", Kind: report.KindText},
		{Key: "x", Label: orDefault(c.XLabel, "x"), Kind: xk, Digits: 2},
		{Key: "y", Label: orDefault(c.YLabel, "y"), Kind: yk, Digits: 2}}}
	for _, cv := range c.Curves {
		for _, pt := range cv.Points {
			t.Rows = append(t.Rows, []any{cv.Label, pt.X, pt.Y})
		}
	}
	return t
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// SVG renders horizontal bars with interval whiskers and the reference line.
// id must be unique in the HTML page.
func barSVG(c *report.BarChart, id string) template.HTML {
	const width, labelW, rowH = 620.0, 190.0, 26.0
	p := plot{x: labelW, y: 26, w: width - labelW - 90, h: float64(len(c.Bars)) * rowH}
	if p.h == 0 {
		p.h = rowH
	}
	p.xmin, p.xmax = 0, 0
	if c.Dots {
		p.xmin, p.xmax = math.Inf(1), math.Inf(-1)
	}
	for _, b := range c.Bars {
		if b.Missing {
			continue
		}
		p.xmin, p.xmax = math.Min(p.xmin, b.Value), math.Max(p.xmax, b.Value)
		if b.HasInterval {
			p.xmin, p.xmax = math.Min(p.xmin, math.Min(b.Low, b.High)), math.Max(p.xmax, math.Max(b.Low, b.High))
		}
	}
	if c.Reference != nil {
		p.xmin, p.xmax = math.Min(p.xmin, *c.Reference), math.Max(p.xmax, *c.Reference)
	}
	if math.IsInf(p.xmin, 0) {
		p.xmin, p.xmax = 0, 1
	}
	xt := niceTicks(p.xmin, p.xmax, 5)
	p.xmin, p.xmax = math.Min(p.xmin, xt[0]), math.Max(p.xmax, xt[len(xt)-1])
	p.ymin, p.ymax = 0, 1
	height := p.y + p.h + 42

	w := &svgWriter{id: id}
	w.open(width, height, c.Title, barAlt(c))
	w.printf(`<g stroke="#e0e0e0">`)
	for _, v := range xt {
		w.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s"/>`, num(p.px(v)), num(p.y), num(p.px(v)), num(p.y+p.h))
	}
	w.printf(`</g><g fill="#333">`)
	for _, v := range xt {
		w.text(p.px(v), p.y+p.h+15, "middle", "", axisFormat(v, c.Kind, xt[1]-xt[0]))
	}
	w.text(p.x+p.w/2, p.y+p.h+32, "middle", "", c.ValueLabel)
	w.printf(`</g>`)
	zero := p.px(0)
	if c.Dots {
		zero = p.px(math.Max(p.xmin, math.Min(0, p.xmax)))
	}
	var values []string
	for i, b := range c.Bars {
		yy := p.y + float64(i)*rowH
		w.text(labelW-8, yy+rowH/2+4, "end", "", truncate(b.Label, 30))
		if b.Missing {
			w.text(zero+4, yy+rowH/2+4, "start", "", "no data")
			continue
		}
		x0, x1 := zero, p.px(b.Value)
		if x1 < x0 {
			x0, x1 = x1, x0
		}
		tip := fmt.Sprintf("%s: %s", b.Label, report.Format(b.Value, c.Kind, c.Digits))
		if b.HasInterval {
			tip += fmt.Sprintf(" (interval %s to %s)", report.Format(b.Low, c.Kind, c.Digits), report.Format(b.High, c.Kind, c.Digits))
		}
		if !c.Dots {
			w.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="#5b8db8"><title>%s</title></rect>`, num(x0), num(yy+5), num(math.Max(x1-x0, 0.5)), num(rowH-10), esc(tip))
		}
		end := math.Max(p.px(b.Value), zero)
		if c.Dots {
			end = p.px(b.Value) + 4
		}
		if b.HasInterval {
			lo, hi := p.px(b.Low), p.px(b.High)
			mid := yy + rowH/2
			w.printf(`<path d="M%s %sH%sM%s %sV%sM%s %sV%s" stroke="#1a1a1a" stroke-width="1.5" fill="none"/>`,
				num(lo), num(mid), num(hi), num(lo), num(mid-5), num(mid+5), num(hi), num(mid-5), num(mid+5))
			end = math.Max(end, math.Max(lo, hi))
		}
		if c.Dots {
			w.printf(`<circle cx="%s" cy="%s" r="4.5" fill="#1f4e79" stroke="#ffffff" stroke-width="1"><title>%s</title></circle>`, num(p.px(b.Value)), num(yy+rowH/2), esc(tip))
		}
		// drawn last, with a white halo, to stay readable over the lines
		values = append(values, fmt.Sprintf(`<text x="%s" y="%s" stroke="#ffffff" stroke-width="3" paint-order="stroke">%s</text>`,
			num(end+5), num(yy+rowH/2+4), esc(report.Format(b.Value, c.Kind, c.Digits))))
	}
	if !c.Dots || (p.xmin <= 0 && p.xmax >= 0) {
		w.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#444"/>`, num(zero), num(p.y), num(zero), num(p.y+p.h))
	}
	if c.Reference != nil {
		x := p.px(*c.Reference)
		w.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#D55E00" stroke-width="1.5" stroke-dasharray="5 3"/>`, num(x), num(p.y-4), num(x), num(p.y+p.h))
		w.printf(`<text x="%s" y="%s" text-anchor="middle" fill="#A04000">%s</text>`, num(x), num(p.y-9),
			esc(orDefault(c.ReferenceLabel, "Reference")+": "+report.Format(*c.Reference, c.Kind, c.Digits)))
	}
	for _, v := range values {
		w.b.WriteString(v)
	}
	return w.close()
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func barAlt(c *report.BarChart) string {
	s := c.Description
	if s != "" {
		s += " "
	}
	s += fmt.Sprintf("%d bars", len(c.Bars))
	if c.Reference != nil {
		s += fmt.Sprintf("; reference line at %s", report.Format(*c.Reference, c.Kind, c.Digits))
	}
	return s + ". The values are listed in the table that follows the chart."
}

// barTable returns the bars as a table (label, value, low, high).
func barTable(c *report.BarChart) *report.Table {
	t := &report.Table{Name: c.Name, Title: c.Title, Synthetic: c.Synthetic, Note: c.Note, Columns: []report.Column{
		{Key: "label", Label: "Label", Kind: report.KindText},
		{Key: "value", Label: orDefault(c.ValueLabel, "Value"), Kind: c.Kind, Digits: c.Digits},
		{Key: "low", Label: "Interval low", Kind: c.Kind, Digits: c.Digits},
		{Key: "high", Label: "Interval high", Kind: c.Kind, Digits: c.Digits}}}
	for _, b := range c.Bars {
		var v, lo, hi any
		if !b.Missing {
			v = b.Value
			if b.HasInterval {
				lo, hi = b.Low, b.High
			}
		}
		t.Rows = append(t.Rows, []any{b.Label, v, lo, hi})
	}
	return t
}
