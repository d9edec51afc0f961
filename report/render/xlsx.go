package render

import (
	"fmt"
	"io"
	"math"
	"unicode/utf8"

	"github.com/budgetlens/budgetlens/report"
	"github.com/xuri/excelize/v2"
)

// fixedTimestamp is written as the workbook's created and modified time so
// that two renders of the same Document are byte-identical.
const fixedTimestamp = "2000-01-01T00:00:00Z"

// RenderXLSX writes the document as a workbook: a "Summary" sheet with the
// title block, the headline figures (raw value with a number format, and the
// text the HTML shows), caveats, synthetic-data labels and an index of the
// sheets; then one sheet per
// table and per map or chart (its data), in document order, each with a bold
// frozen header row, an autofilter, number formats by column kind and
// column widths fitted to the content; then a "Sources" sheet. The output
// is byte-identical for the same Document.
func RenderXLSX(w io.Writer, d *report.Document) error {
	if err := d.Validate(); err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	x := &xlsxWriter{f: f}
	if err := x.styles(); err != nil {
		return err
	}
	steps := []func(*report.Document) error{x.summary, x.tables, x.sources, x.props}
	for _, step := range steps {
		if err := step(d); err != nil {
			return fmt.Errorf("report: writing XLSX: %w", err)
		}
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("report: writing XLSX: %w", err)
	}
	return nil
}

type xlsxWriter struct {
	f                                *excelize.File
	header, title, bold, wrap, muted int
	kinds                            map[string]int // style per kind and digits
}

func (x *xlsxWriter) styles() error {
	var err error
	mk := func(s *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = x.f.NewStyle(s)
		return id
	}
	border := []excelize.Border{{Type: "bottom", Color: "1F4E79", Style: 2}}
	x.header = mk(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "1A1A1A"}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EEF3F8"}}, Border: border, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	x.title = mk(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14, Color: "1F4E79"}})
	x.bold = mk(&excelize.Style{Font: &excelize.Font{Bold: true}})
	x.wrap = mk(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	x.muted = mk(&excelize.Style{Font: &excelize.Font{Italic: true, Color: "555555"}, Alignment: &excelize.Alignment{WrapText: false}})
	x.kinds = map[string]int{}
	return err
}

// numberFormat is the Excel format of a kind: money and dollars in whole
// dollars (the exact value is kept in the cell), percent with the digits
// the HTML shows.
func numberFormat(k report.Kind, digits int) string {
	d := report.DigitsFor(k, digits)
	frac := ""
	if d > 0 {
		frac = "." + fmt.Sprintf("%0*d", d, 0)
	}
	switch k {
	case report.KindMoney, report.KindDollars:
		return `"$"#,##0;[Red]-"$"#,##0`
	case report.KindPercent:
		return "0" + frac + "%"
	case report.KindInt:
		return "#,##0"
	}
	return "#,##0" + frac
}

func (x *xlsxWriter) kindStyle(k report.Kind, digits int) (int, error) {
	nf := numberFormat(k, digits)
	if id, ok := x.kinds[nf]; ok {
		return id, nil
	}
	id, err := x.f.NewStyle(&excelize.Style{CustomNumFmt: &nf})
	x.kinds[nf] = id
	return id, err
}

func cell(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

func (x *xlsxWriter) set(sheet string, col, row int, v any, style int) error {
	if err := x.f.SetCellValue(sheet, cell(col, row), v); err != nil {
		return err
	}
	if style != 0 {
		return x.f.SetCellStyle(sheet, cell(col, row), cell(col, row), style)
	}
	return nil
}

// Summary sheet layout: the headline table starts at row SummaryHeaderRow,
// with columns Key, Figure, Value, As shown, Note.
const SummaryHeaderRow = 6

func (x *xlsxWriter) summary(d *report.Document) error {
	f, s := x.f, SummarySheet
	if err := f.SetSheetName("Sheet1", s); err != nil {
		return err
	}
	meta := d.Jurisdiction
	for _, part := range []string{fyText(d.FiscalYear), phaseText(d.Phase), "budgetlens " + d.Version} {
		if part != "" {
			if meta != "" {
				meta += " · "
			}
			meta += part
		}
	}
	rows := []struct {
		v     string
		style int
	}{{d.Title, x.title}, {d.Subtitle, 0}, {meta, x.muted}, {d.Generated, x.muted}}
	for i, r := range rows {
		if err := x.set(s, 1, i+1, r.v, r.style); err != nil {
			return err
		}
	}
	hdr := []string{"Key", "Figure", "Value", "As shown", "Note", "Synthetic"}
	for j, h := range hdr {
		if err := x.set(s, j+1, SummaryHeaderRow, h, x.header); err != nil {
			return err
		}
	}
	widths := []int{10, 12, 10, 10, 10, 9}
	for i, fig := range d.Headline {
		r := SummaryHeaderRow + 1 + i
		var val any
		style := 0
		if !fig.Missing {
			val = fig.Value
			var err error
			if style, err = x.kindStyle(fig.Kind, fig.Digits); err != nil {
				return err
			}
		}
		syn := ""
		if fig.Synthetic {
			syn = "SYNTHETIC"
		}
		for j, v := range []any{fig.Key, fig.Label, val, fig.Text(), fig.Note, syn} {
			st := 0
			if j == 2 {
				st = style
			}
			if v == nil || v == "" {
				continue
			}
			if err := x.set(s, j+1, r, v, st); err != nil {
				return err
			}
			widths[j] = max(widths[j], textWidth(fmt.Sprint(v)))
		}
	}
	r := SummaryHeaderRow + len(d.Headline) + 2
	notes := func(title string, items []string) error {
		if len(items) == 0 {
			return nil
		}
		if err := x.set(s, 1, r, title, x.bold); err != nil {
			return err
		}
		r++
		for _, it := range items {
			if err := x.set(s, 1, r, it, 0); err != nil {
				return err
			}
			r++
		}
		r++
		return nil
	}
	syn := make([]string, len(d.Synthetic))
	for i, v := range d.Synthetic {
		syn[i] = "SYNTHETIC: " + v
	}
	if err := notes("In plain words", d.Summary); err != nil {
		return err
	}
	if err := notes("Caveats", d.Caveats); err != nil {
		return err
	}
	if err := notes("Synthetic data", syn); err != nil {
		return err
	}
	var index []string
	for _, e := range sheetPlan(d) {
		entry := e.sheet + ": " + e.table.Title
		if e.table.Synthetic {
			entry += " (SYNTHETIC)"
		}
		index = append(index, entry)
	}
	index = append(index, SourcesSheet+": inputs with versions and SHA-256 hashes")
	if err := notes("Sheets", index); err != nil {
		return err
	}
	widths[0] = min(widths[0], 24)
	return x.widths(s, widths, 60)
}

func fyText(fy string) string {
	if fy == "" {
		return ""
	}
	return "Fiscal year " + fy
}

func phaseText(p string) string {
	if p == "" {
		return ""
	}
	return p + " budget"
}

func (x *xlsxWriter) widths(sheet string, widths []int, maxW int) error {
	for j, w := range widths {
		col, _ := excelize.ColumnNumberToName(j + 1)
		if err := x.f.SetColWidth(sheet, col, col, float64(min(w+2, maxW))); err != nil {
			return err
		}
	}
	return nil
}

// sheetText is a cell as the workbook shows it, for fitting the column:
// money is shown in whole dollars there ("$1,764,411,660"), not scaled as in
// the HTML ("$1.76 B").
func sheetText(v any, c report.Column) string {
	if f, ok := v.(float64); ok && (c.Kind == report.KindMoney || c.Kind == report.KindDollars) && !math.IsNaN(f) && !math.IsInf(f, 0) {
		return report.Format(math.Round(f), report.KindDollars, 0)
	}
	return report.CellText(v, c)
}

// textWidth approximates a column width in characters.
func textWidth(s string) int { return utf8.RuneCountInString(s) }

func (x *xlsxWriter) tables(d *report.Document) error {
	for _, e := range sheetPlan(d) {
		if err := x.table(e); err != nil {
			return fmt.Errorf("sheet %q: %w", e.sheet, err)
		}
	}
	return nil
}

// table writes one sheet: the header on row 1 (frozen, with an autofilter),
// the rows below, then the title, the note and the synthetic label under
// the data, so that the data block stays a clean range for filtering and
// pivoting.
func (x *xlsxWriter) table(e sheetEntry) error {
	f, s, t := x.f, e.sheet, e.table
	if _, err := f.NewSheet(s); err != nil {
		return err
	}
	widths := make([]int, len(t.Columns))
	styles := make([]int, len(t.Columns))
	for j, c := range t.Columns {
		if err := x.set(s, j+1, 1, c.Label, x.header); err != nil {
			return err
		}
		widths[j] = min(textWidth(c.Label), 30)
		if c.Kind != report.KindText && c.Kind != "" {
			var err error
			if styles[j], err = x.kindStyle(c.Kind, c.Digits); err != nil {
				return err
			}
		}
	}
	for i, row := range t.Rows {
		for j, v := range row {
			if v == nil {
				continue
			}
			if err := x.set(s, j+1, i+2, v, styles[j]); err != nil {
				return err
			}
			widths[j] = max(widths[j], textWidth(sheetText(v, t.Columns[j])))
		}
	}
	last := len(t.Rows) + 1
	if err := f.AutoFilter(s, cell(1, 1)+":"+cell(len(t.Columns), last), nil); err != nil {
		return err
	}
	if err := f.SetPanes(s, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	foot := []string{t.Title}
	if e.section != "" {
		foot[0] = e.section + ": " + t.Title
	}
	if t.Note != "" {
		foot = append(foot, t.Note)
	}
	if t.Synthetic {
		foot = append(foot, "SYNTHETIC DATA: built from synthetic inputs; see the Summary sheet.")
	}
	for i, v := range foot {
		if err := x.set(s, 1, last+2+i, v, x.muted); err != nil {
			return err
		}
	}
	return x.widths(s, widths, 50)
}

func (x *xlsxWriter) sources(d *report.Document) error {
	f, s := x.f, SourcesSheet
	if _, err := f.NewSheet(s); err != nil {
		return err
	}
	hdr := []string{"Source", "Version", "File", "SHA-256", "Licence or attribution", "Synthetic", "Description"}
	widths := make([]int, len(hdr))
	for j, h := range hdr {
		if err := x.set(s, j+1, 1, h, x.header); err != nil {
			return err
		}
		widths[j] = len(h)
	}
	for i, src := range d.Sources {
		syn := ""
		if src.Synthetic {
			syn = "SYNTHETIC"
		}
		for j, v := range []string{src.Name, src.Version, src.File, src.SHA256, src.License, syn, src.Description} {
			if v == "" {
				continue
			}
			if err := x.set(s, j+1, i+2, v, 0); err != nil {
				return err
			}
			widths[j] = max(widths[j], textWidth(v))
		}
	}
	if err := f.SetPanes(s, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := x.set(s, 1, len(d.Sources)+3, "budgetlens "+d.Version, x.muted); err != nil {
		return err
	}
	return x.widths(s, widths, 70)
}

func (x *xlsxWriter) props(d *report.Document) error {
	x.f.SetActiveSheet(0)
	return x.f.SetDocProps(&excelize.DocProperties{
		Title:          d.Title,
		Subject:        d.Subtitle,
		Creator:        "budgetlens " + d.Version,
		LastModifiedBy: "budgetlens " + d.Version,
		Description:    d.Generated,
		Created:        fixedTimestamp,
		Modified:       fixedTimestamp,
		Language:       "en-US",
	})
}
