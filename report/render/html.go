package render

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/budgetlens/budgetlens/report"
)

//go:embed templates/report.html.tmpl templates/report.css
var templateFS embed.FS

var pageTemplate = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{"sentence": sentence}).ParseFS(templateFS, "templates/report.html.tmpl"))

// sentence starts s with a capital letter and ends it with a full stop
// unless it already ends with one (or with "?", "!", ":" or a closing
// bracket or quote after a stop), so that list items and banner parts
// written as clauses read as sentences.
func sentence(s string) string {
	t := strings.TrimRight(s, " ")
	if t == "" {
		return t
	}
	if r, n := utf8.DecodeRuneInString(t); unicode.IsLower(r) {
		t = string(unicode.ToUpper(r)) + t[n:]
	}
	switch t[len(t)-1] {
	case '.', '?', '!', ':':
		return t
	}
	if strings.HasSuffix(t, ".)") || strings.HasSuffix(t, ".”") {
		return t
	}
	return t + "."
}

var stylesheet = func() template.CSS {
	b, err := templateFS.ReadFile("templates/report.css")
	if err != nil {
		panic(err)
	}
	return template.CSS(b)
}()

// page is what the template sees.
type page struct {
	*report.Document
	CSS      template.CSS
	Figures  []figureView
	Sections []sectionView
}

type figureView struct {
	Key, Label, Text, Raw, Note string
	Synthetic                   bool
}

type sectionView struct {
	ID, Title, Intro string
	Blocks           []blockView
}

// blockView is one rendered block; exactly one of its parts is set.
type blockView struct {
	Paragraph string
	Note      *report.Note
	Table     *tableView
	Figure    *figureBlock
}

type figureBlock struct {
	ID, Title, Note, Description string
	Synthetic                    bool
	SVG                          template.HTML
	Data                         *tableView
}

type tableView struct {
	Title, Sheet, Workbook, Note string
	Synthetic                    bool
	Wide                         bool // many columns: set smaller in print
	Short                        bool // few rows: kept on one page with its caption
	Head                         []cellView
	Rows                         [][]cellView
}

type cellView struct {
	Text, Class string
}

// RenderHTML writes the document as one self-contained HTML page: embedded
// CSS (with a print stylesheet), inline SVG charts, no script and no external
// resource. The same Document always gives the same bytes.
func RenderHTML(w io.Writer, d *report.Document) error {
	if err := d.Validate(); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, buildPage(d)); err != nil {
		return fmt.Errorf("report: rendering HTML: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func buildPage(d *report.Document) *page {
	p := &page{Document: d, CSS: stylesheet}
	for _, f := range d.Headline {
		raw := ""
		if !f.Missing {
			raw = strconv.FormatFloat(f.Value, 'f', -1, 64)
		}
		p.Figures = append(p.Figures, figureView{Key: f.Key, Label: f.Label, Text: f.Text(), Raw: raw, Note: f.Note, Synthetic: f.Synthetic})
	}
	plan := sheetPlan(d)
	next := 0
	fig := 0
	for _, s := range d.Sections {
		sv := sectionView{ID: s.ID, Title: s.Title, Intro: s.Intro}
		for _, b := range s.Blocks {
			var bv blockView
			switch x := b.(type) {
			case *report.Paragraph:
				bv.Paragraph = x.Text
			case *report.Note:
				bv.Note = x
			case *report.Table:
				bv.Table = newTableView(plan[next], d.Workbook)
				next++
			default:
				fig++
				id := fmt.Sprintf("fig%d", fig)
				fb := &figureBlock{ID: id, Data: newTableView(plan[next], d.Workbook)}
				next++
				switch c := x.(type) {
				case *report.Choropleth:
					fb.Title, fb.Note, fb.Description, fb.Synthetic, fb.SVG = c.Title, c.Note, c.Description, c.Synthetic, mapSVG(c, id)
				case *report.CurveChart:
					fb.Title, fb.Note, fb.Description, fb.Synthetic, fb.SVG = c.Title, c.Note, c.Description, c.Synthetic, curveSVG(c, id)
				case *report.BarChart:
					fb.Title, fb.Note, fb.Description, fb.Synthetic, fb.SVG = c.Title, c.Note, c.Description, c.Synthetic, barSVG(c, id)
				}
				bv.Figure = fb
			}
			sv.Blocks = append(sv.Blocks, bv)
		}
		p.Sections = append(p.Sections, sv)
	}
	return p
}

func newTableView(e sheetEntry, workbook string) *tableView {
	t := e.table
	tv := &tableView{Title: t.Title, Sheet: e.sheet, Workbook: workbook, Note: t.Note, Synthetic: t.Synthetic, Wide: len(t.Columns) >= 9, Short: len(t.Rows) <= 16}
	for _, c := range t.Columns {
		tv.Head = append(tv.Head, cellView{Text: c.Label, Class: kindClass(c.Kind)})
	}
	for _, row := range t.Rows {
		cells := make([]cellView, len(row))
		for j, v := range row {
			cells[j] = cellView{Text: report.CellText(v, t.Columns[j]), Class: kindClass(t.Columns[j].Kind)}
		}
		tv.Rows = append(tv.Rows, cells)
	}
	return tv
}

func kindClass(k report.Kind) string {
	if k == report.KindText || k == "" {
		return "t"
	}
	return "n"
}
