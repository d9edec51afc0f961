// Package report is the council report as a document: headline figures,
// ordered sections of paragraphs, tables, maps and charts, sources and
// caveats, with the number formats every rendering shares. It renders
// nothing and imports no renderer: report/render writes a Document as HTML
// (with SVG maps and charts) and XLSX, report/pdf prints it with headless
// Chromium. It knows nothing of stores, budgets or metrics, so any front end
// can build a Document and any Document can be tested with plain values.
//
// Every output is deterministic: the same Document gives byte-identical HTML
// and XLSX, because nothing is read from the clock or from map iteration. The
// time the analysis ran, if wanted, belongs in Document.Generated, written by
// the caller from its inputs.
package report

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// Document is one assessment, ready to render. Sections render in order.
type Document struct {
	Title        string // e.g. "Equity assessment of the FY2021-22 Proposed Budget"
	Subtitle     string
	Jurisdiction string // e.g. "City of Los Angeles"
	FiscalYear   string // e.g. "2021-22"
	Phase        string // e.g. "proposed"
	// Generated describes the run deterministically, for example
	// "inputs sha256 3f2a…; budgetlens 0.1.0". Never a wall-clock time unless
	// the caller wants outputs that differ between runs.
	Generated string
	Version   string // budgetlens version that produced the numbers

	// Summary is the executive summary in plain sentences, shown before the
	// headline numbers: the first says whether spending reaches need and how
	// sure the result is; the rest say what limits it.
	Summary   []string
	Headline  []Figure  // executive-summary numbers, shown first and on the XLSX Summary sheet
	Sections  []Section // ordered: summary, maps, curves, tiers, departments, requests, methods, caveats
	Sources   []Source  // inputs with versions and hashes (HTML methods section and XLSX Sources sheet)
	Caveats   []string  // shown in their own section, after the last Section
	Synthetic []string  // what is synthetic; shown in a banner at the top and in the caveats

	// Workbook is the file name of the companion XLSX (e.g. "report.xlsx").
	// When set, every table in the HTML links to it and names its sheet.
	// WriteAll sets it.
	Workbook string
}

// Figure is one headline number. Value is raw (dollars, a fraction for a
// percent, a count); the renderer formats it by Kind, identically in HTML and
// XLSX (see Format).
type Figure struct {
	Key     string // stable identifier, e.g. "attributed_share"; unique in a Document
	Label   string
	Value   float64
	Kind    Kind
	Digits  int // digits after the point; 0 for the kind's default, NoDigits for none
	Missing bool
	Note    string
	// Synthetic marks a figure computed from synthetic data (e.g. the
	// demo's service requests); it carries the SYNTHETIC label.
	Synthetic bool
}

// Text returns the figure formatted for people, as both HTML and XLSX show it.
func (f Figure) Text() string {
	if f.Missing {
		return MissingText
	}
	return Format(f.Value, f.Kind, f.Digits)
}

// Section is a titled part of the report. ID is used as the HTML anchor and
// must be unique, lower case letters, digits and '-'.
type Section struct {
	ID     string
	Title  string
	Intro  string
	Blocks []Block
}

// Block is one element of a section: *Paragraph, *Note, *Table,
// *Choropleth, *CurveChart or *BarChart.
type Block interface{ block() }

// Paragraph is plain text; blank lines are not interpreted.
type Paragraph struct{ Text string }

// NoteKind says how a Note is styled.
type NoteKind string

// Note kinds.
const (
	NoteInfo      NoteKind = "info"
	NoteCaveat    NoteKind = "caveat"
	NoteSynthetic NoteKind = "synthetic" // labels synthetic data wherever it appears
)

// Note is a boxed remark: information, a caveat or a synthetic-data label.
type Note struct {
	Kind NoteKind
	Text string
}

// Source is one input of the assessment.
type Source struct {
	Name        string
	Version     string
	File        string
	SHA256      string
	License     string // licence or attribution, e.g. "City of Los Angeles, public domain"
	Synthetic   bool
	Description string
}

// Kind is how a number is shown. Percent values are fractions (0.123 shows
// as 12.3%).
type Kind string

// Column and figure kinds.
const (
	KindText    Kind = "text"
	KindInt     Kind = "int"
	KindMoney   Kind = "money"   // dollars, shown compactly: $1.23 M
	KindDollars Kind = "dollars" // dollars, shown in full: $1,234,567
	KindPercent Kind = "percent" // fraction shown as a percentage
	KindRatio   Kind = "ratio"   // e.g. a representation ratio, 1.23
	KindNumber  Kind = "number"
)

// Column describes one table column.
type Column struct {
	Key    string
	Label  string
	Kind   Kind
	Digits int // digits after the point; 0 for the kind's default, NoDigits for none
}

// Table is a table of the report and one sheet of the workbook. Name is the
// sheet name (at most 31 characters, unique; cleaned if needed). Each row
// has one cell per column: string for text, a number (float64, int, int64)
// for numeric kinds, or nil for missing (shown as "–", left empty in XLSX).
type Table struct {
	Name    string
	Title   string
	Columns []Column
	Rows    [][]any
	Note    string
	// Synthetic marks tables built from synthetic data; they carry the label.
	Synthetic bool
}

// Point is a point of a curve.
type Point struct{ X, Y float64 }

// Curve is one line of a CurveChart.
type Curve struct {
	Label  string
	Points []Point
}

// CurveChart draws Lorenz and concentration curves (or any lines). With
// Diagonal, both axes run from 0 to 1 and the line of equality is drawn.
type CurveChart struct {
	Name        string // sheet name of its data
	Title       string
	Description string // text alternative: what the chart shows and how to read it
	Curves      []Curve
	Diagonal    bool
	XLabel      string
	YLabel      string
	XKind       Kind // axis number format; default percent with Diagonal, number otherwise
	YKind       Kind
	Note        string
	Synthetic   bool
}

// Bar is one bar with an optional interval (Low ≤ Value ≤ High expected but
// not required: whiskers are drawn from Low to High).
type Bar struct {
	Label       string
	Value       float64
	Low, High   float64
	HasInterval bool
	Missing     bool
}

// BarChart draws horizontal bars with interval whiskers and an optional
// reference line (e.g. the citywide per-capita amount).
type BarChart struct {
	Name           string
	Title          string
	Description    string
	Bars           []Bar
	Kind           Kind
	Digits         int
	Reference      *float64
	ReferenceLabel string
	ValueLabel     string // axis title
	// Dots draws a dot per value instead of a bar from zero, and the axis
	// covers the data only (for ratios around a reference such as 1).
	Dots      bool
	Note      string
	Synthetic bool
}

// MapArea is one area of a choropleth. Geometry is WGS84 (lon, lat): an
// orb.Polygon or orb.MultiPolygon, or an orb.Point for areas known only by
// an interior point (census tracts in the demo), drawn as a dot of the
// class colour over the polygons.
type MapArea struct {
	ID       string
	Name     string
	Label    string // text written on the map when Choropleth.Labels; default ID
	Geometry orb.Geometry
	Value    float64
	Missing  bool
}

// ClassMethod says how a choropleth's class breaks are found.
type ClassMethod string

// Class methods.
const (
	ClassQuantile      ClassMethod = "quantile"
	ClassEqualInterval ClassMethod = "equal-interval"
	ClassManual        ClassMethod = "manual"
)

// PaletteKind is sequential (need, spending) or diverging (a gap around a
// midpoint).
type PaletteKind string

// Palette kinds.
const (
	Sequential PaletteKind = "sequential"
	Diverging  PaletteKind = "diverging"
)

// Choropleth is a map of areas shaded by class of value.
type Choropleth struct {
	Name        string
	Title       string
	Description string
	Areas       []MapArea
	Kind        Kind // how values are formatted in the legend and tooltips
	Digits      int
	Method      ClassMethod // default quantile
	Classes     int         // number of classes, 2..7; default 5
	Breaks      []float64   // upper bounds of all classes but the last, for ClassManual
	Palette     PaletteKind // default sequential
	Midpoint    float64     // centre of a diverging palette (usually 0)
	Labels      bool        // write each area's Label (default ID) on the map
	// Extent, when set, is the lon/lat box the map shows; by default it is
	// found from the areas, leaving out far-away fragments (see extent).
	Extent *orb.Bound
	// Backdrop holds polygons drawn unfilled in grey under the areas, e.g.
	// council districts under tract points. They extend the map's extent.
	Backdrop []orb.Geometry
	// Overlay holds features drawn over the areas, such as capital
	// projects: points as dots, lines as strokes, polygons outlined. They
	// do not extend the map's extent (a feature outside it is not drawn);
	// OverlayLabel names them in the legend.
	Overlay      []Mark
	OverlayLabel string
	Note         string
	Synthetic    bool
}

// Mark is one feature of a choropleth's overlay: a Point, MultiPoint,
// LineString, MultiLineString, Polygon or MultiPolygon in WGS84, with the
// label shown when pointed at.
type Mark struct {
	Label    string
	Geometry orb.Geometry
}

func (*Paragraph) block()  {}
func (*Note) block()       {}
func (*Table) block()      {}
func (*Choropleth) block() {}
func (*CurveChart) block() {}
func (*BarChart) block()   {}

// finite reports whether v is neither NaN nor infinite.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// cellFloat returns a numeric cell as float64; ok is false for nil and
// non-numbers.
func cellFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	case uint:
		return float64(x), true
	case uint64:
		return float64(x), true
	}
	return 0, false
}

// CellText formats a cell of column c for people.
func CellText(v any, c Column) string {
	if v == nil {
		return MissingText
	}
	if c.Kind == KindText || c.Kind == "" {
		return fmt.Sprint(v)
	}
	f, ok := cellFloat(v)
	if !ok {
		return fmt.Sprint(v)
	}
	if !finite(f) {
		return MissingText
	}
	return Format(f, c.Kind, c.Digits)
}
