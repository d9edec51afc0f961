// Package ingest reads budgets as cities publish them (CSV, XLSX, Fiscal
// Data Package, Boston's JSON) into budget.Batch values ready for the store.
//
// Tabular files are read through a Profile: a saved column mapping in YAML.
// The profiles for the Los Angeles Open Budget exports and Oakland's CSVs are
// embedded and chosen automatically from a file's headers; any other CSV or
// XLSX is read with a user-written profile. Amounts become integer cents
// (ParseCents); an empty cell is "no amount", never zero; codes are kept as
// text so that "02" stays "02"; rows without an identifier get a natural-key
// hash; grand-total rows are recognised, reconciled to the cent against the
// line items and never stored.
package ingest

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/xuri/excelize/v2"
)

var errEOF = io.EOF

var reCache sync.Map

func compileCached(expr string) (*regexp.Regexp, error) {
	if v, ok := reCache.Load(expr); ok {
		return v.(*regexp.Regexp), nil
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, err
	}
	reCache.Store(expr, re)
	return re, nil
}

// File reads one file into batches (a folder may give several). Which
// reader applies is decided by the path: a folder holding datapackage.json
// is a Fiscal Data Package; a folder holding CSV or XLSX files gives each of
// them (not recursively); any other folder is read as Boston's budget JSON;
// datapackage.json is a Fiscal Data Package, another .json Boston's; .xlsx
// is a spreadsheet; anything else is CSV.
func File(path string, opt Options) ([]*budget.Batch, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, budget.Errorf(budget.EINVALID, "cannot read %s: %v", path, err)
	}
	if fi.IsDir() {
		if _, err := os.Stat(filepath.Join(path, "datapackage.json")); err == nil {
			return FiscalDataPackage(filepath.Join(path, "datapackage.json"), opt)
		}
		if tables := tableFiles(path); len(tables) > 0 {
			var out []*budget.Batch
			for _, f := range tables {
				bs, err := File(f, opt)
				if err != nil {
					return nil, err
				}
				out = append(out, bs...)
			}
			return out, nil
		}
		return BostonDir(path, opt)
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		if filepath.Base(path) == "datapackage.json" {
			return FiscalDataPackage(path, opt)
		}
		b, err := BostonFile(path, opt)
		if err != nil {
			return nil, err
		}
		return []*budget.Batch{b}, nil
	case ".xlsx", ".xlsm":
		b, err := XLSX(path, opt)
		if err != nil {
			return nil, err
		}
		return []*budget.Batch{b}, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, budget.Errorf(budget.EINVALID, "cannot read %s: %v", path, err)
	}
	b, err := CSV(path, data, opt)
	if err != nil {
		return nil, err
	}
	return []*budget.Batch{b}, nil
}

// tableFiles lists the CSV and XLSX files directly inside dir, by name.
func tableFiles(dir string) []string {
	var out []string
	for _, pat := range []string{"*.csv", "*.CSV", "*.xlsx"} {
		m, _ := filepath.Glob(filepath.Join(dir, pat))
		out = append(out, m...)
	}
	sort.Strings(out)
	return out
}

// ContentHash is the hex SHA-256 of data.
func ContentHash(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// CSV reads a CSV file's bytes (name is used in messages and for
// constants taken from the file name). A UTF-8 byte-order mark is dropped;
// text that is not valid UTF-8 is read as Latin-1.
func CSV(name string, data []byte, opt Options) (*budget.Batch, error) {
	hash := ContentHash(data)
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		data = latin1ToUTF8(data)
	}
	src := newCSVSource(name, data, opt.Progress)
	b, err := table(name, src, opt)
	if err != nil {
		return nil, err
	}
	b.ContentHash = hash
	return b, nil
}

func latin1ToUTF8(b []byte) []byte {
	out := make([]byte, 0, len(b)+len(b)/8)
	for _, c := range b {
		out = utf8.AppendRune(out, rune(c))
	}
	return out
}

// table applies the chosen or detected profile to a row source.
func table(name string, src rowSource, opt Options) (*budget.Batch, error) {
	header, err := src.Header()
	if err != nil {
		return nil, err
	}
	var b *binding
	if opt.Profile != nil {
		b, err = bind(opt.Profile, header, name)
		if err != nil {
			return nil, err
		}
		if len(b.missing) > 0 {
			return nil, missingErr(name, b)
		}
	} else if b, err = detect(name, header); err != nil {
		return nil, err
	}
	if b.pivotErr != nil {
		return nil, b.pivotErr
	}
	c, err := fileConstants(b.p, name, opt)
	if err != nil {
		return nil, budget.Errorf(budget.EINVALID, "%v", err)
	}
	return convert(b, src, c)
}

func missingErr(name string, b *binding) error {
	var alts []string
	for _, f := range b.missing {
		alts = append(alts, fmt.Sprintf("%s (a column headed %s)", f, strings.Join(quoteAll(b.p.Columns[f]), " or ")))
	}
	return &budget.InputError{File: name, Line: 1, Field: strings.Join(b.missing, ", "), Value: strings.Join(b.header, ","),
		Expected: "profile " + b.p.Name + " needs " + strings.Join(alts, "; ")}
}

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = fmt.Sprintf("%q", x)
	}
	return out
}

// detect picks the embedded profile that accounts for every heading of
// the file and finds all its required fields; among several, the one that
// maps the most columns. A tie is an error that asks for --profile.
func detect(name string, header []string) (*binding, error) {
	var cands []*binding
	for _, p := range Builtins() {
		if p.Detect != nil && !*p.Detect {
			continue
		}
		b, err := bind(p, header, name)
		if err != nil {
			continue
		}
		if len(b.missing) == 0 && len(b.unaccounted) == 0 {
			cands = append(cands, b)
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].mapped > cands[j].mapped })
	if len(cands) == 0 {
		var names []string
		for _, p := range Builtins() {
			names = append(names, p.Name)
		}
		return nil, &budget.InputError{File: name, Line: 1, Field: "header", Value: strings.Join(header, ","),
			Expected: "the headings of a known export (profiles " + strings.Join(names, ", ") + "); for any other file write a profile and pass --profile FILE.yaml (see docs/budget.md)"}
	}
	if len(cands) > 1 && cands[0].mapped == cands[1].mapped {
		return nil, budget.Errorf(budget.EINVALID, "%s: the headings fit profiles %s and %s equally: pass --profile NAME", name, cands[0].p.Name, cands[1].p.Name)
	}
	return cands[0], nil
}

// csvSource reads CSV records with encoding/csv, counting lines.
type csvSource struct {
	name     string
	r        *csv.Reader
	cr       *countReader
	total    int64
	progress func(done, total int64)
	n        int
	data     []byte
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func newCSVSource(name string, data []byte, progress func(done, total int64)) *csvSource {
	cr := &countReader{r: bytes.NewReader(data)}
	r := csv.NewReader(cr)
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	return &csvSource{name: name, r: r, cr: cr, total: int64(len(data)), progress: progress, data: data}
}

// fieldAt turns encoding/csv's error position (line, 1-based byte) into
// the 1-based field number on that line, counting commas outside quotes,
// and that field's text up to and including the offending byte.
func fieldAt(data []byte, line, col int) (int, string) {
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			return 0, ""
		}
		data = data[i+1:]
	}
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		data = data[:i]
	}
	end := min(max(col, 0), len(data)) // bytes up to and including the error
	field, quoted, start := 1, false, 0
	for i, c := range data[:max(end-1, 0)] {
		switch {
		case c == '"':
			quoted = !quoted
		case c == ',' && !quoted:
			field, start = field+1, i+1
		}
	}
	return field, string(data[start:end])
}

// EstimateRows is the number of lines in the file, an upper bound of its
// records (used to size the batch once).
func (s *csvSource) EstimateRows() int { return bytes.Count(s.data, []byte{'\n'}) + 1 }

func (s *csvSource) Header() ([]string, error) {
	_, h, err := s.Next()
	if err == io.EOF {
		return nil, &budget.InputError{File: s.name, Line: 1, Field: "header", Expected: "a header row naming the columns; the file is empty"}
	}
	if err != nil {
		return nil, err
	}
	return append([]string(nil), h...), nil
}

func (s *csvSource) Next() (int, []string, error) {
	rec, err := s.r.Read()
	if err == io.EOF {
		if s.progress != nil {
			s.progress(s.total, s.total)
		}
		return 0, nil, io.EOF
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			field, text := fieldAt(s.data, pe.Line, pe.Column)
			return 0, nil, &budget.InputError{File: s.name, Line: pe.Line, ColIndex: field, Value: text, Field: "CSV syntax",
				Expected: pe.Err.Error() + ": quote fields that contain commas, quotes or line breaks, and double any quote inside them"}
		}
		return 0, nil, budget.Errorf(budget.EINVALID, "%s: %v", s.name, err)
	}
	line, _ := s.r.FieldPos(0)
	s.n++
	if s.progress != nil && s.n%65536 == 0 {
		s.progress(s.cr.n, s.total)
	}
	return line, rec, nil
}

// all reads the remaining records (copies).
func (s *csvSource) all() ([][]string, error) {
	var out [][]string
	for {
		_, rec, err := s.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, append([]string(nil), rec...))
	}
}

// XLSX reads one sheet of a spreadsheet (the profile's sheet, else the
// first) with the given or detected profile. Line numbers are sheet rows.
func XLSX(path string, opt Options) (*budget.Batch, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, budget.Errorf(budget.EINVALID, "cannot read %s: %v", path, err)
	}
	return XLSXBytes(path, data, opt)
}

// XLSXBytes is XLSX on a file's bytes.
func XLSXBytes(name string, data []byte, opt Options) (*budget.Batch, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, budget.Errorf(budget.EINVALID, "%s: not a readable XLSX workbook: %v", name, err)
	}
	defer f.Close()
	sheet := ""
	if opt.Profile != nil && opt.Profile.Sheet != "" {
		sheet = opt.Profile.Sheet
	} else if sheets := f.GetSheetList(); len(sheets) > 0 {
		sheet = sheets[0]
	}
	rows, err := f.GetRows(sheet)
	if err != nil {
		return nil, budget.Errorf(budget.EINVALID, "%s: cannot read sheet %q: %v (sheets: %s)", name, sheet, err, strings.Join(f.GetSheetList(), ", "))
	}
	b, err := table(name, &sliceSource{name: name, rows: rows}, opt)
	if err != nil {
		return nil, err
	}
	b.ContentHash = ContentHash(data)
	return b, nil
}

// sliceSource serves rows held in memory; line i+1 is rows[i].
type sliceSource struct {
	name string
	rows [][]string
	i    int
}

func (s *sliceSource) Header() ([]string, error) {
	// skip leading empty rows
	for s.i < len(s.rows) && len(s.rows[s.i]) == 0 {
		s.i++
	}
	if s.i >= len(s.rows) {
		return nil, &budget.InputError{File: s.name, Line: 1, Field: "header", Expected: "a header row naming the columns; the sheet is empty"}
	}
	s.i++
	return s.rows[s.i-1], nil
}

func (s *sliceSource) Next() (int, []string, error) {
	if s.i >= len(s.rows) {
		return 0, nil, io.EOF
	}
	s.i++
	return s.i, s.rows[s.i-1], nil
}

func asErr(err error, target any) bool { return errors.As(err, target) }
