package tabular

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
)

// Limits bound what a reader accepts, so that a small hostile file cannot
// take gigabytes of memory or hours of time. Each is checked while the
// input streams in, before anything is held for it; exceeding one is a
// *budget.InputError naming the limit, the place and how to raise it, whose
// cause is a *LimitError. A zero field takes its default (DefaultLimits).
//
// Memory: a reader holding a table (indicator tables, budget files, CSV
// layers) keeps at most Cells cells (about 40 bytes each with their text:
// 800 MB at the default) plus, for a workbook, its shared strings (at most
// MemberBytes); a streaming reader (events summarize, geo assign) keeps at
// most 3 x workers blocks of its block size plus one record (RecordBytes).
type Limits struct {
	// FileBytes: bytes of one input file as stored (a CSV stream, a
	// workbook, a JSON document).
	FileBytes int64
	// MemberBytes: uncompressed bytes of one member of a zip archive (a
	// workbook's sheet or shared strings), checked against the size the
	// archive declares before decompressing and against the bytes actually
	// inflated.
	MemberBytes int64
	// UnzippedBytes: the declared uncompressed bytes of all members of an
	// archive together.
	UnzippedBytes int64
	// Ratio: uncompressed / compressed size of a member larger than 1 MiB
	// (a zip bomb inflates a thousandfold; real workbooks by at most ~100).
	Ratio int64
	// RecordBytes: bytes of one CSV record (all its fields, quoted line
	// breaks included) or of one spreadsheet cell.
	RecordBytes int64
	// Columns: columns of a table (the header's, and the last column any
	// row uses).
	Columns int64
	// Rows: data rows of a table a reader holds in memory.
	Rows int64
	// Cells: cells of a table a reader holds in memory, empty ones included
	// (rows x the header's columns).
	Cells int64
	// Depth: nesting depth of XML and JSON documents.
	Depth int64
}

// DefaultLimits are chosen to admit the largest real public files budgetlens
// reads with room to spare: a decade of MyLA311 requests (about 10 GB,
// streamed), the Census Bureau's widest tract tables (data profiles of about
// 1,100 columns for all 85,000 US tracts are 94M cells: raise Cells for
// those), CalEnviroScreen (8,035 x 57), city budget workbooks of a million
// rows, WKT geometries of 100,000 vertices (4 MB in one CSV cell).
var DefaultLimits = Limits{
	FileBytes:     16 << 30,
	MemberBytes:   1 << 30,
	UnzippedBytes: 2 << 30,
	Ratio:         200,
	RecordBytes:   16 << 20,
	Columns:       4096,
	Rows:          10_000_000,
	Cells:         20_000_000,
	Depth:         64,
}

// ratioFloor is the uncompressed size from which Ratio applies: small
// members (styles, a sheet of empty rows) compress extremely well and are
// harmless.
const ratioFloor = 1 << 20

// WithDefaults returns l with every zero field set to its default.
func (l Limits) WithDefaults() Limits {
	d := DefaultLimits
	for _, f := range limitFields {
		if *f.of(&l) == 0 {
			*f.of(&l) = *f.of(&d)
		}
	}
	return l
}

// limitField names one limit: the name used by --limit NAME=VALUE and by a
// profile's limits: mapping, its unit in messages, and where it lives.
type limitField struct {
	name, unit string
	bytes      bool
	of         func(*Limits) *int64
}

var limitFields = []limitField{
	{"file-bytes", "bytes", true, func(l *Limits) *int64 { return &l.FileBytes }},
	{"member-bytes", "bytes", true, func(l *Limits) *int64 { return &l.MemberBytes }},
	{"unzipped-bytes", "bytes", true, func(l *Limits) *int64 { return &l.UnzippedBytes }},
	{"ratio", "to 1", false, func(l *Limits) *int64 { return &l.Ratio }},
	{"record-bytes", "bytes", true, func(l *Limits) *int64 { return &l.RecordBytes }},
	{"columns", "columns", false, func(l *Limits) *int64 { return &l.Columns }},
	{"rows", "rows", false, func(l *Limits) *int64 { return &l.Rows }},
	{"cells", "cells", false, func(l *Limits) *int64 { return &l.Cells }},
	{"depth", "levels", false, func(l *Limits) *int64 { return &l.Depth }},
}

// LimitNames lists the names Set accepts, in a stable order.
func LimitNames() []string {
	out := make([]string, len(limitFields))
	for i, f := range limitFields {
		out[i] = f.name
	}
	return out
}

// Set sets the limit called name (see LimitNames) from text: a whole number,
// with a size suffix for the byte limits (KB, MB, GB, TB as powers of 1000;
// KiB, MiB, GiB, TiB as powers of 1024). It is what a --limit NAME=VALUE
// flag or a profile's `limits:` mapping calls.
func (l *Limits) Set(name, value string) error {
	for _, f := range limitFields {
		if f.name != strings.ToLower(strings.TrimSpace(name)) {
			continue
		}
		v, err := parseSize(value, f.bytes)
		if err != nil || v <= 0 {
			return budget.Errorf(budget.EINVALID, "limit %s=%s: give a positive whole number%s", f.name, value, map[bool]string{true: " of bytes (such as 2GiB or 500MB)", false: ""}[f.bytes])
		}
		*f.of(l) = v
		return nil
	}
	return budget.Errorf(budget.EINVALID, "no limit called %q: use one of %s", name, strings.Join(LimitNames(), ", "))
}

// Get returns the limit called name (0 when unset or unknown).
func (l *Limits) Get(name string) int64 {
	for _, f := range limitFields {
		if f.name == name {
			return *f.of(l)
		}
	}
	return 0
}

// SetValue sets the limit called name; unknown names are ignored.
func (l *Limits) SetValue(name string, v int64) {
	for _, f := range limitFields {
		if f.name == name {
			*f.of(l) = v
		}
	}
}

// SetAll applies NAME=VALUE pairs (the values of repeated --limit flags).
func (l *Limits) SetAll(pairs []string) error {
	for _, p := range pairs {
		name, value, ok := strings.Cut(p, "=")
		if !ok {
			return budget.Errorf(budget.EINVALID, "--limit %q: write NAME=VALUE, e.g. --limit cells=50000000 (names: %s)", p, strings.Join(LimitNames(), ", "))
		}
		if err := l.Set(name, value); err != nil {
			return err
		}
	}
	return nil
}

// String lists the limits as NAME=VALUE, sorted, for help and reports.
func (l Limits) String() string {
	l = l.WithDefaults()
	var out []string
	for _, f := range limitFields {
		out = append(out, f.name+"="+strconv.FormatInt(*f.of(&l), 10))
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

func parseSize(s string, bytes bool) (int64, error) {
	s = strings.TrimSpace(s)
	mult := int64(1)
	if bytes {
		up := strings.ToUpper(s)
		for _, u := range []struct {
			suffix string
			m      int64
		}{{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30}, {"TIB", 1 << 40}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"B", 1}} {
			if strings.HasSuffix(up, u.suffix) {
				s, mult = strings.TrimSpace(s[:len(s)-len(u.suffix)]), u.m
				break
			}
		}
	}
	v, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 10, 64)
	if err != nil {
		return 0, err
	}
	if v > (1<<62)/mult {
		return 0, errors.New("too large")
	}
	return v * mult, nil
}

// LimitError is the cause of an input error that exceeded a limit.
type LimitError struct {
	Name  string // as LimitNames gives it
	Limit int64
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("the limit %s (%s) is exceeded", e.Name, e.amount())
}

func (e *LimitError) amount() string {
	for _, f := range limitFields {
		if f.name == e.Name {
			if f.bytes {
				return sizeText(e.Limit)
			}
			return groupThousands(e.Limit) + " " + f.unit
		}
	}
	return strconv.FormatInt(e.Limit, 10)
}

// ErrLimit matches every *LimitError with errors.Is.
var ErrLimit = errors.New("a reader limit is exceeded")

func (e *LimitError) Is(target error) bool { return target == ErrLimit }

// limitErr builds the input error of an exceeded limit at a place; what
// says what was found there ("a record of 20,000,000 bytes").
func limitErr(file string, line int, col int, name string, limit int64, what string) *budget.InputError {
	le := &LimitError{Name: name, Limit: limit}
	return &budget.InputError{File: file, Line: line, ColIndex: col, Field: "limit " + name, Err: le,
		Expected: fmt.Sprintf("%s: at most %s are read (the limit %s); if the file is genuine, raise it with --limit %s=N (or limits: {%s: N} in the profile)",
			what, le.amount(), name, name, name)}
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return groupThousands(n) + " bytes"
}

func groupThousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
