package render

import (
	"fmt"
	"html"
	"io"
	"regexp"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// ShownFigure is a headline figure as read back from a rendered file: the
// text shown to readers and the raw value (NaN when missing).
type ShownFigure struct {
	Text  string
	Value float64
	Raw   string // the raw value as written in the file; "" when missing
}

var htmlFigureRE = regexp.MustCompile(`<div class="figure" data-key="([^"]*)" data-value="([^"]*)"><div class="value">([^<]*)</div>`)

// HeadlineFromHTML reads the headline figures back from a page written by
// RenderHTML, keyed by Figure.Key. With HeadlineFromXLSX it lets a test
// (or a reviewer) check that both files show the same numbers.
func HeadlineFromHTML(r io.Reader) (map[string]ShownFigure, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	out := map[string]ShownFigure{}
	for _, m := range htmlFigureRE.FindAllStringSubmatch(string(b), -1) {
		raw := html.UnescapeString(m[2])
		out[html.UnescapeString(m[1])] = ShownFigure{Text: html.UnescapeString(m[3]), Raw: raw, Value: parseRaw(raw)}
	}
	return out, nil
}

// HeadlineFromXLSX reads the headline figures back from the Summary sheet of
// a workbook written by RenderXLSX. Excel keeps 15 significant digits of a
// value.
func HeadlineFromXLSX(r io.Reader) (map[string]ShownFigure, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, fmt.Errorf("report: reading the workbook: %w", err)
	}
	defer f.Close()
	rows, err := f.GetRows(SummarySheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fmt.Errorf("report: reading sheet %q: %w", SummarySheet, err)
	}
	out := map[string]ShownFigure{}
	if len(rows) < SummaryHeaderRow {
		return out, nil
	}
	col := map[string]int{}
	for j, h := range rows[SummaryHeaderRow-1] {
		col[h] = j
	}
	key, okK := col["Key"]
	val, okV := col["Value"]
	shown, okS := col["As shown"]
	if !okK || !okV || !okS {
		return nil, fmt.Errorf("report: sheet %q has no Key, Value and As shown columns", SummarySheet)
	}
	for _, row := range rows[SummaryHeaderRow:] {
		for len(row) <= max(key, val, shown) {
			row = append(row, "")
		}
		if row[key] == "" {
			continue
		}
		out[row[key]] = ShownFigure{Text: row[shown], Raw: row[val], Value: parseRaw(row[val])}
	}
	return out, nil
}

func parseRaw(s string) float64 {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nan()
	}
	return v
}

func nan() float64 { var z float64; return z / z }
