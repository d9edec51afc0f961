package tabular

import (
	"fmt"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
)

// Header is the row of column headings of a table, with one lookup rule for
// every reader:
//
//   - Headings are compared after Normalize: white space (including the line
//     breaks some published headers hold) collapsed to one space, trimmed,
//     and case ignored. "Census  Tract\n" finds "census tract".
//   - A lookup names alternatives in order of preference; the first that is
//     a heading of the file wins ("lon" before "x").
//   - Duplicate headings: a heading written twice (after Normalize) is
//     refused when, and only when, a reader uses that column: Find returns
//     an input error naming both columns. Duplicated columns nobody reads
//     are harmless and allowed.
type Header struct {
	File  string
	Line  int      // line (or sheet row) of the header's last row
	Names []string // headings as written (multi-row headings joined by a space)
	keys  []string
	index map[string][]int
}

// NewHeader builds the header of file from its headings.
func NewHeader(file string, line int, names []string) *Header {
	h := &Header{File: file, Line: line, Names: names, keys: make([]string, len(names)), index: map[string][]int{}}
	for i, n := range names {
		k := Normalize(n)
		h.keys[i] = k
		if k != "" {
			h.index[k] = append(h.index[k], i)
		}
	}
	return h
}

// Normalize is the form headings are compared in: white space collapsed
// to single spaces, trimmed, lower case (a leading byte-order mark, which
// some exports repeat in the heading, is dropped).
func Normalize(s string) string {
	s = strings.TrimPrefix(strings.TrimSpace(s), "\ufeff")
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// Len is the number of columns.
func (h *Header) Len() int { return len(h.Names) }

// Find returns the 0-based column of the first of names that is a heading,
// or -1 when none is. A heading found in two columns is an input error.
func (h *Header) Find(names ...string) (int, error) {
	for _, n := range names {
		cols := h.index[Normalize(n)]
		switch len(cols) {
		case 0:
			continue
		case 1:
			return cols[0], nil
		}
		return -1, h.duplicate(cols)
	}
	return -1, nil
}

// Must is Find for a column the reader cannot do without: none found is an
// input error saying which headings would do (field names the column's
// meaning in the message).
func (h *Header) Must(field string, names ...string) (int, error) {
	i, err := h.Find(names...)
	if err != nil || i >= 0 {
		return i, err
	}
	q := make([]string, len(names))
	for k, n := range names {
		q[k] = fmt.Sprintf("%q", n)
	}
	return -1, &budget.InputError{File: h.File, Line: h.Line, Field: field,
		Expected: fmt.Sprintf("a column headed %s; the headings are %s", orList(q), h.list())}
}

// Duplicated returns the columns whose heading is also another column's,
// grouped (for readers that keep every column, such as an indicator table,
// which refuse any duplicate they use).
func (h *Header) Duplicated(col int) []int {
	if col < 0 || col >= len(h.keys) || h.keys[col] == "" {
		return nil
	}
	if cols := h.index[h.keys[col]]; len(cols) > 1 {
		return cols
	}
	return nil
}

// DuplicateError is the input error of a heading in several columns.
func (h *Header) DuplicateError(cols []int) error { return h.duplicate(cols) }

func (h *Header) duplicate(cols []int) error {
	places := make([]string, len(cols))
	for k, c := range cols {
		places[k] = fmt.Sprintf("%d", c+1)
	}
	return &budget.InputError{File: h.File, Line: h.Line, Column: h.Names[cols[0]], ColIndex: cols[1] + 1, Field: "header", Value: h.Names[cols[1]],
		Expected: fmt.Sprintf("each heading once: %q heads columns %s, so which one holds the data is ambiguous; rename or delete the extra column",
			strings.TrimSpace(h.Names[cols[0]]), strings.Join(places, " and "))}
}

// Key returns the normalised heading of column i.
func (h *Header) Key(i int) string { return h.keys[i] }

func (h *Header) list() string {
	if len(h.Names) == 0 {
		return "none (the header row is empty)"
	}
	var b strings.Builder
	for i, n := range h.Names {
		if i == 30 {
			fmt.Fprintf(&b, ", ... (%d in all)", len(h.Names))
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q", n)
	}
	return b.String()
}

func orList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// Err returns an input error at a place of the table: line, 0-based column
// (-1 when none), the domain field, the value and what was expected.
func (h *Header) Err(line, col int, field, value, expected string) *budget.InputError {
	e := &budget.InputError{File: h.File, Line: line, Field: field, Value: value, Expected: expected}
	if col >= 0 {
		e.ColIndex = col + 1
		if col < len(h.Names) {
			e.Column = h.Names[col]
		}
	}
	return e
}
