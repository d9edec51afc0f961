package render

import (
	"fmt"
	"strings"

	"github.com/budgetlens/budgetlens/report"
)

// sheetEntry is one table of the document with the sheet it goes to.
type sheetEntry struct {
	table   *report.Table
	sheet   string
	section string // section title, for the workbook's index
}

// SummarySheet and SourcesSheet are fixed sheets of the workbook (with
// NotesSheet).
const (
	SummarySheet = "Summary"
	SourcesSheet = "Sources"
)

// sheetPlan lists every table of the document in order (tables, then the
// data of maps and charts) with a unique sheet name. Names come from
// Table.Name (else the title), with the characters Excel forbids
// ([]:*?/\) replaced, cut to 31 characters, and made unique with " (2)",
// " (3)"... The HTML and the XLSX both use this plan, so the sheet named
// under a table in the HTML is the one in the workbook.
func sheetPlan(d *report.Document) []sheetEntry {
	used := map[string]bool{strings.ToLower(SummarySheet): true, strings.ToLower(SourcesSheet): true, strings.ToLower(NotesSheet): true}
	var plan []sheetEntry
	for _, s := range d.Sections {
		for _, b := range s.Blocks {
			var t *report.Table
			switch x := b.(type) {
			case *report.Table:
				t = x
			case *report.Choropleth:
				t = mapTable(x)
			case *report.CurveChart:
				t = curveTable(x)
			case *report.BarChart:
				t = barTable(x)
			default:
				continue
			}
			name := uniqueSheet(orDefault(t.Name, orDefault(t.Title, "Table")), used)
			plan = append(plan, sheetEntry{table: t, sheet: name, section: s.Title})
		}
	}
	return plan
}

func uniqueSheet(name string, used map[string]bool) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '-'
		}
		return r
	}, strings.TrimSpace(name))
	name = strings.Trim(name, "'")
	if name == "" {
		name = "Table"
	}
	base := cutRunes(name, 31)
	cand := base
	for i := 2; used[strings.ToLower(cand)]; i++ {
		suffix := fmt.Sprintf(" (%d)", i)
		cand = cutRunes(base, 31-len(suffix)) + suffix
	}
	used[strings.ToLower(cand)] = true
	return cand
}

func cutRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return strings.TrimSpace(string(r[:n]))
	}
	return s
}
