// Package table writes the tables budgetlens answers with, the same way for
// every front end: CSV and JSON for programs (plain numbers, nothing cut, an
// empty listing as []), and aligned text for people (numbers right with
// thousands separators, codes such as "0201" as written). The CLI prints
// with it; the server answers ?format= with the same writers.
package table

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/budgetlens/budgetlens/budget"
)

// WriteCSV writes a header and rows as CSV.
func WriteCSV(w io.Writer, header []string, rows [][]string) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}

// WriteJSON writes v as indented JSON followed by a newline. An empty
// listing is written as [] (never null), so that consumers can always
// iterate. A number that JSON cannot hold (NaN, ±Inf: a measure that could
// not be computed) is written as null, wherever it is in v.
func WriteJSON(w io.Writer, v any) error {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice && rv.IsNil() {
		v = []any{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	err := enc.Encode(v) // writes nothing when it fails
	var uv *json.UnsupportedValueError
	if !errors.As(err, &uv) {
		return err
	}
	safe, err := finiteJSON(reflect.ValueOf(v))
	if err != nil {
		return err
	}
	return enc.Encode(safe)
}

// GroupDigits puts thousands separators into the integer part of a decimal
// number as printed ("-1234567.50" -> "-1,234,567.50") for tables read by
// people; CSV and JSON keep plain numbers. Text that is not a number is
// returned unchanged.
func GroupDigits(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	intPart, frac, hasFrac := strings.Cut(s, ".")
	if intPart == "" || strings.Trim(intPart, "0123456789") != "" {
		return sign + s
	}
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := sign + b.String()
	if hasFrac {
		out += "." + frac
	}
	return out
}

// WriteAligned writes rows as a table with two spaces between columns: text
// columns aligned left, the columns whose index is in right (numbers)
// aligned right. Widths count runes, so accented names line up.
func WriteAligned(w io.Writer, rows [][]string, right map[int]bool) error {
	var width []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(width) {
				width = append(width, 0)
			}
			if n := utf8.RuneCountInString(c); n > width[i] {
				width[i] = n
			}
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for i, c := range r {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			if i > 0 {
				b.WriteString("  ")
			}
			if right[i] {
				b.WriteString(pad + c)
			} else if i < len(r)-1 {
				b.WriteString(c + pad)
			} else {
				b.WriteString(c)
			}
		}
		if _, err := fmt.Fprintln(w, strings.TrimRight(b.String(), " ")); err != nil {
			return err
		}
	}
	return nil
}

// Write writes a listing: JSON (js, or [] when nil), CSV (header and
// rows as they are) or, for "table", text for people: cells cut at 60
// characters and kept on one line, number columns (amounts, counts) aligned
// right, amounts with thousands separators; codes and ids stay as written.
// Any other format is refused.
func Write(w io.Writer, format string, header []string, rows [][]string, js any) error {
	switch format {
	case "json":
		if js == nil {
			js = []any{}
		}
		return WriteJSON(w, js)
	case "csv":
		return WriteCSV(w, header, rows)
	case "table", "":
	default:
		return budget.Errorf(budget.EINVALID, "unknown format %q: use table, json or csv", format)
	}
	// long cells are cut at 60 characters; number columns (amounts, counts)
	// are aligned right, amounts with thousands separators; codes and ids
	// stay as written
	table := [][]string{header}
	for _, r := range rows {
		out := make([]string, len(r))
		for i, c := range r {
			// a line break inside a cell (as in some request descriptions)
			// would split the table's row
			c = strings.Join(strings.Fields(c), " ")
			if rr := []rune(c); len(rr) > 60 {
				c = string(rr[:57]) + "..."
			}
			out[i] = c
		}
		table = append(table, out)
	}
	right := map[int]bool{}
	for i, h := range header {
		if !numberColumn(h, rows, i) {
			continue
		}
		right[i] = true
		for _, r := range table[1:] {
			if i < len(r) && (strings.Contains(r[i], ".") || h == "line_items" || h == "rows") {
				r[i] = GroupDigits(r[i])
			}
		}
	}
	return WriteAligned(w, table, right)
}

// numberColumn reports whether column i holds quantities: every non-empty
// cell is a number, at least one is present, and the heading does not name
// a code, an id or a year (codes such as "0201" are text).
func numberColumn(h string, rows [][]string, i int) bool {
	if strings.Contains(h, "code") || h == "id" || h == "fiscal_year" || h == "key" || h == "superseded" {
		return false
	}
	seen := false
	for _, r := range rows {
		if i >= len(r) || r[i] == "" {
			continue
		}
		if _, err := strconv.ParseFloat(r[i], 64); err != nil {
			return false
		}
		seen = true
	}
	return seen
}
