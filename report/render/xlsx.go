package render

import (
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/budgetlens/budgetlens/report"
	"github.com/xuri/excelize/v2"
)

// fixedTimestamp is written as the workbook's created and modified time so
// that two renders of the same Document are byte-identical.
const fixedTimestamp = "2000-01-01T00:00:00Z"

// RenderXLSX writes the document as a tidy workbook: every sheet is one
// header row and its data, as an Excel table (a ListObject, so Excel sorts
// and filters it and pandas, readxl and Power Query read it as it is), with
// nothing under or beside the data.
//
//   - "Summary": the headline figures, one row each (key, figure, raw value
//     with a number format, its unit, the text the HTML shows, note,
//     synthetic).
//   - "Notes": everything that is words: the title block, the summary in
//     plain words, caveats, synthetic-data labels, how to read units, and
//     each sheet's title, note and synthetic label.
//   - one sheet per table and per map or chart (its data), in document
//     order: typed columns (whole numbers as integers; money in dollars
//     with a currency format; shares as fractions from 0 to 1 with a
//     percent format), the unit in the header ("Placed ($)", "Placed share
//     (0-1)"), the table's title and note also in the first header cell's
//     comment; a frozen header row.
//   - "Sources": the inputs with versions and SHA-256 hashes.
//
// The output is byte-identical for the same Document.
func RenderXLSX(w io.Writer, d *report.Document) error {
	if err := d.Validate(); err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	x := &xlsxWriter{f: f, tableNames: map[string]bool{}}
	if err := x.styles(); err != nil {
		return err
	}
	steps := []func(*report.Document) error{x.summary, x.notes, x.tables, x.sources, x.props}
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
	f          *excelize.File
	header     int
	kinds      map[string]int  // style per kind and digits
	tableNames map[string]bool // Excel table names used (lower case)
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

// set writes a cell. A float64 that is a whole number is written with a
// decimal point ("1.0", which Excel reads as 1), so that readers which type
// cells by their text (openpyxl, hence pandas) load a money or share column
// as decimals whatever its values; integers (int columns) are written as
// integers.
func (x *xlsxWriter) set(sheet string, col, row int, v any, style int) error {
	var err error
	if f, ok := v.(float64); ok && f == math.Trunc(f) && math.Abs(f) < 1e15 {
		err = x.f.SetCellFloat(sheet, cell(col, row), f, 1, 64)
	} else {
		err = x.f.SetCellValue(sheet, cell(col, row), v)
	}
	if err != nil {
		return err
	}
	if style != 0 {
		return x.f.SetCellStyle(sheet, cell(col, row), cell(col, row), style)
	}
	return nil
}

// SummaryHeaderRow is the row of the Summary sheet's header (the figures
// follow it, one per row).
const SummaryHeaderRow = 1

// summaryHeader is the Summary sheet's header.
var summaryHeader = []string{"Key", "Figure", "Value", "Unit", "As shown", "Note", "Synthetic"}

// unitOf names the unit of a figure's raw value.
func unitOf(k report.Kind) string {
	switch k {
	case report.KindMoney, report.KindDollars:
		return "dollars"
	case report.KindPercent:
		return "share (0-1)"
	case report.KindInt:
		return "count"
	case report.KindRatio:
		return "ratio"
	}
	return "number"
}

func (x *xlsxWriter) summary(d *report.Document) error {
	f, s := x.f, SummarySheet
	if err := f.SetSheetName("Sheet1", s); err != nil {
		return err
	}
	cols := make([]report.Column, len(summaryHeader))
	for j, h := range summaryHeader {
		cols[j] = report.Column{Label: h, Kind: report.KindText}
	}
	rows := make([][]any, len(d.Headline))
	styles := make([][]int, len(d.Headline))
	for i, fig := range d.Headline {
		var val any
		style := 0
		if !fig.Missing {
			val = fig.Value
			var err error
			if style, err = x.kindStyle(fig.Kind, fig.Digits); err != nil {
				return err
			}
		}
		rows[i] = []any{fig.Key, fig.Label, val, unitOf(fig.Kind), fig.Text(), nilIfEmpty(fig.Note), fig.Synthetic}
		styles[i] = []int{0, 0, style, 0, 0, 0, 0}
	}
	return x.sheet(s, summaryHeader, rows, styles, "Headline figures: the raw value (Value, in Unit) and the text the report shows (As shown).", 60)
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// NotesSheet holds the words of the workbook, one per row: sheet, kind, text.
const NotesSheet = "Notes"

// unitsNote says how the workbook writes numbers.
const unitsNote = "Units: money is in dollars (exact, shown rounded); a share is a fraction from 0 to 1, shown as a percentage, and its header ends in (0-1); a difference of two shares is in percentage points, and its header says (points); counts and tiers are whole numbers. Codes (areas, departments) are text: in pandas read them with dtype=str (pd.read_excel(..., dtype={\"Area\": str}))."

func (x *xlsxWriter) notes(d *report.Document) error {
	if _, err := x.f.NewSheet(NotesSheet); err != nil {
		return err
	}
	const all = "(workbook)"
	var rows [][]any
	add := func(sheet, kind, text string) {
		if text != "" {
			rows = append(rows, []any{sheet, kind, text})
		}
	}
	add(all, "title", d.Title)
	add(all, "subtitle", d.Subtitle)
	add(all, "jurisdiction", d.Jurisdiction)
	add(all, "fiscal year", d.FiscalYear)
	add(all, "phase", d.Phase)
	add(all, "generated", d.Generated)
	add(all, "version", "budgetlens "+d.Version)
	for _, v := range d.Summary {
		add(all, "in plain words", v)
	}
	for _, v := range d.Caveats {
		add(all, "caveat", v)
	}
	for _, v := range d.Synthetic {
		add(all, "synthetic", "SYNTHETIC: "+v)
	}
	add(all, "units", unitsNote)
	add(SummarySheet, "title", "Headline figures")
	for _, e := range sheetPlan(d) {
		add(e.sheet, "title", sheetTitle(e))
		add(e.sheet, "note", e.table.Note)
		if e.table.Synthetic {
			add(e.sheet, "synthetic", syntheticNote)
		}
	}
	add(SourcesSheet, "title", "Inputs with versions and SHA-256 hashes (sha256sum of each file)")
	header := []string{"Sheet", "Kind", "Text"}
	return x.sheet(NotesSheet, header, rows, nil, "The words of the workbook: titles, notes, caveats and labels, one per row.", 120)
}

const syntheticNote = "SYNTHETIC DATA: built from synthetic inputs; see the caveats."

// sheetTitle is a table's title with its section.
func sheetTitle(e sheetEntry) string {
	if e.section != "" {
		return e.section + ": " + e.table.Title
	}
	return e.table.Title
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

// SheetHeader is the header cell of a table column in the workbook: its
// label with the unit of its values when the kind has one: " ($)" for
// money, " (0-1)" for shares (fractions shown as percentages), unless the
// label says it already. Labels of one table are unique (Excel tables
// need it): a repeated one gets " 2", " 3"...
func SheetHeader(cols []report.Column) []string {
	out := make([]string, len(cols))
	used := map[string]bool{}
	for j, c := range cols {
		h := strings.TrimSpace(c.Label)
		if h == "" {
			h = "Column " + strconv.Itoa(j+1)
		}
		switch c.Kind {
		case report.KindMoney, report.KindDollars:
			if !strings.Contains(h, "($)") {
				h += " ($)"
			}
		case report.KindPercent:
			if !strings.Contains(h, "(0-1)") {
				h += " (0-1)"
			}
		}
		base := h
		for k := 2; used[strings.ToLower(h)]; k++ {
			h = base + " " + strconv.Itoa(k)
		}
		used[strings.ToLower(h)] = true
		out[j] = h
	}
	return out
}

// cellValue is the value written for a cell of column c: whole numbers of
// an int column as integers (so readers load them as integers).
func cellValue(v any, c report.Column) any {
	if c.Kind != report.KindInt {
		return v
	}
	switch n := v.(type) {
	case float64:
		if !math.IsNaN(n) && !math.IsInf(n, 0) && n == math.Trunc(n) && math.Abs(n) < 1<<53 {
			return int64(n)
		}
	case float32:
		return cellValue(float64(n), c)
	}
	return v
}

// table writes one table sheet: the header, the rows, nothing else; the
// title, note and synthetic label go to the first header cell's comment
// (and the Notes sheet).
func (x *xlsxWriter) table(e sheetEntry) error {
	t := e.table
	if _, err := x.f.NewSheet(e.sheet); err != nil {
		return err
	}
	colStyles := make([]int, len(t.Columns))
	for j, c := range t.Columns {
		if c.Kind != report.KindText && c.Kind != "" {
			var err error
			if colStyles[j], err = x.kindStyle(c.Kind, c.Digits); err != nil {
				return err
			}
		}
	}
	rows := make([][]any, len(t.Rows))
	styles := make([][]int, len(t.Rows))
	for i, row := range t.Rows {
		rows[i] = make([]any, len(row))
		for j, v := range row {
			rows[i][j] = cellValue(v, t.Columns[j])
		}
		styles[i] = colStyles
	}
	comment := sheetTitle(e)
	if t.Note != "" {
		comment += "\n\n" + t.Note
	}
	if t.Synthetic {
		comment += "\n\n" + syntheticNote
	}
	header := SheetHeader(t.Columns)
	if err := x.sheet(e.sheet, header, rows, styles, comment, 50); err != nil {
		return err
	}
	// fit money columns to the whole-dollar text the workbook shows
	widths := make([]int, len(header))
	for j, h := range header {
		widths[j] = min(textWidth(h), 30)
		for _, row := range t.Rows {
			if row[j] != nil {
				widths[j] = max(widths[j], textWidth(sheetText(row[j], t.Columns[j])))
			}
		}
	}
	return x.widths(e.sheet, widths, 50)
}

// sheet writes a tidy sheet: header on row 1 (bold, frozen), rows below
// (nil cells left empty; styles[i][j] the number format of a cell, 0 for
// none), as an Excel table named after the sheet, with comment on the
// first header cell.
func (x *xlsxWriter) sheet(s string, header []string, rows [][]any, styles [][]int, comment string, maxWidth int) error {
	widths := make([]int, len(header))
	for j, h := range header {
		if err := x.set(s, j+1, 1, h, x.header); err != nil {
			return err
		}
		widths[j] = min(textWidth(h), 30)
	}
	for i, row := range rows {
		for j, v := range row {
			if v == nil {
				continue
			}
			st := 0
			if styles != nil && j < len(styles[i]) {
				st = styles[i][j]
			}
			if err := x.set(s, j+1, i+2, v, st); err != nil {
				return err
			}
			widths[j] = max(widths[j], textWidth(fmt.Sprint(v)))
		}
	}
	last := max(len(rows)+1, 2) // an Excel table has at least one data row, empty or not
	if err := x.f.AddTable(s, &excelize.Table{Range: cell(1, 1) + ":" + cell(len(header), last), Name: x.tableName(s), StyleName: "TableStyleLight9"}); err != nil {
		return err
	}
	if err := x.f.SetPanes(s, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if comment != "" {
		if err := x.f.AddComment(s, excelize.Comment{Cell: "A1", Author: "budgetlens", Text: comment, Width: 360, Height: 160}); err != nil {
			return err
		}
	}
	return x.widths(s, widths, maxWidth)
}

// tableName is a unique Excel table name for a sheet: letters, digits and
// "_", starting with a letter ("Map need tracts" -> "Map_need_tracts").
func (x *xlsxWriter) tableName(sheet string) string {
	var b strings.Builder
	for _, r := range sheet {
		switch {
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	name := strings.Trim(b.String(), "_")
	// a name must not start with a digit nor read as a cell reference (A1, R1C1)
	if name == "" || !unicode.IsLetter(rune(name[0])) || cellLike.MatchString(name) {
		name = "t_" + name
	}
	base := name
	for k := 2; x.tableNames[strings.ToLower(name)]; k++ {
		name = base + "_" + strconv.Itoa(k)
	}
	x.tableNames[strings.ToLower(name)] = true
	return name
}

var cellLike = regexp.MustCompile(`^(?i)([a-z]{1,3}[0-9]+|r[0-9]*c[0-9]*|r|c)$`)

func (x *xlsxWriter) sources(d *report.Document) error {
	if _, err := x.f.NewSheet(SourcesSheet); err != nil {
		return err
	}
	header := []string{"Source", "Version", "File", "SHA-256", "Licence or attribution", "Synthetic", "Description"}
	rows := make([][]any, len(d.Sources))
	for i, src := range d.Sources {
		rows[i] = []any{nilIfEmpty(src.Name), nilIfEmpty(src.Version), nilIfEmpty(src.File), nilIfEmpty(src.SHA256), nilIfEmpty(src.License), src.Synthetic, nilIfEmpty(src.Description)}
	}
	return x.sheet(SourcesSheet, header, rows, nil, "Inputs with versions and SHA-256 hashes (as sha256sum prints them for the files).", 70)
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
