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
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/internal/tabular"
)

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
// (or any file that is a zip archive) is a spreadsheet; anything else is
// delimited text. Every reader enforces opt.Limits.
func File(path string, opt Options) ([]*budget.Batch, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, tabular.OpenError(path, err)
	}
	if fi.IsDir() {
		if _, err := os.Stat(filepath.Join(path, "datapackage.json")); err == nil {
			return FiscalDataPackage(filepath.Join(path, "datapackage.json"), opt)
		}
		tables, err := tableFiles(path)
		if err != nil {
			return nil, err
		}
		if len(tables) > 0 {
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
	if strings.ToLower(filepath.Ext(path)) == ".json" {
		if filepath.Base(path) == "datapackage.json" {
			return FiscalDataPackage(path, opt)
		}
		b, err := BostonFile(path, opt)
		if err != nil {
			return nil, err
		}
		return []*budget.Batch{b}, nil
	}
	r, err := tabular.Open(path, opt.readOptions(path))
	if err != nil {
		return nil, err
	}
	defer r.Close()
	b, err := table(path, &tableSource{r: r, total: fi.Size(), progress: opt.Progress}, opt)
	if err != nil {
		return nil, err
	}
	b.ContentHash = r.SHA256()
	return []*budget.Batch{b}, nil
}

// readOptions are the tabular options of a file: the limits, and the
// profile's sheet, delimiter and header rows when a profile is given.
func (opt Options) readOptions(file string) tabular.Options {
	o := tabular.Options{File: file, Limits: opt.Limits}
	if p := opt.Profile; p != nil {
		o.Sheet, o.HeaderRow, o.HeaderRows, o.SkipRows = p.Sheet, p.HeaderRow, p.HeaderRows, p.SkipRows
		o.Delimiter = p.delim
		o.Limits = p.limits(opt.Limits)
	}
	return o
}

// tableFiles lists the CSV and XLSX files directly inside dir, by name.
func tableFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, tabular.OpenError(dir, err)
	}
	var out []string
	for _, e := range entries {
		switch filepath.Ext(e.Name()) {
		case ".csv", ".CSV", ".xlsx":
			if e.Type().IsRegular() {
				out = append(out, filepath.Join(dir, e.Name()))
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// ContentHash is the hex SHA-256 of data.
func ContentHash(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// CSV reads a delimited text file's bytes (name is used in messages and
// for constants taken from the file name).
func CSV(name string, data []byte, opt Options) (*budget.Batch, error) {
	r, err := tabular.NewCSVReader(bytes.NewReader(data), opt.readOptions(name))
	if err != nil {
		return nil, err
	}
	b, err := table(name, &tableSource{r: r, total: int64(len(data)), progress: opt.Progress}, opt)
	if err != nil {
		return nil, err
	}
	b.ContentHash = r.SHA256()
	return b, nil
}

// XLSX reads one sheet of a spreadsheet (the profile's sheet, else the
// first) with the given or detected profile. Numbers are the values the
// workbook stores, not as its formats display them (see
// internal/tabular). Line numbers are sheet rows.
func XLSX(path string, opt Options) (*budget.Batch, error) {
	bs, err := File(path, opt)
	if err != nil {
		return nil, err
	}
	return bs[0], nil
}

// XLSXBytes is XLSX on a file's bytes.
func XLSXBytes(name string, data []byte, opt Options) (*budget.Batch, error) {
	r, err := tabular.NewXLSXReader(bytes.NewReader(data), int64(len(data)), opt.readOptions(name))
	if err != nil {
		return nil, err
	}
	b, err := table(name, &tableSource{r: r, total: int64(len(data))}, opt)
	if err != nil {
		return nil, err
	}
	b.ContentHash = ContentHash(data)
	return b, nil
}

// table applies the chosen or detected profile to a row source.
func table(name string, src rowSource, opt Options) (*budget.Batch, error) {
	b, c, err := bindTable(name, src.Head(), opt)
	if err != nil {
		return nil, err
	}
	return convert(b, src, c)
}

// bindTable binds the chosen or detected profile to a file's header and
// works out the file's constants (fiscal year, phase, section).
func bindTable(name string, head *tabular.Header, opt Options) (*binding, constants, error) {
	var b *binding
	var err error
	if opt.Profile != nil {
		b, err = bind(opt.Profile, head, name)
		if err != nil {
			return nil, constants{}, err
		}
		if len(b.missing) > 0 {
			return nil, constants{}, missingErr(name, b)
		}
	} else if b, err = detect(name, head); err != nil {
		return nil, constants{}, err
	}
	if b.pivotErr != nil {
		return nil, constants{}, b.pivotErr
	}
	if b.dupErr != nil {
		return nil, constants{}, b.dupErr
	}
	c, err := fileConstants(b.p, name, opt)
	if err != nil {
		return nil, constants{}, err
	}
	return b, c, nil
}

func missingErr(name string, b *binding) error {
	var alts []string
	for _, f := range b.missing {
		alts = append(alts, fmt.Sprintf("%s (a column headed %s)", f, strings.Join(quoteAll(b.p.Columns[f]), " or ")))
	}
	return &budget.InputError{File: name, Line: b.head.Line, Field: strings.Join(b.missing, ", "), Value: strings.Join(b.header, ","),
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
func detect(name string, head *tabular.Header) (*binding, error) {
	var cands []*binding
	for _, p := range Builtins() {
		if p.Detect != nil && !*p.Detect {
			continue
		}
		b, err := bind(p, head, name)
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
		return nil, &budget.InputError{File: name, Line: head.Line, Field: "header", Value: strings.Join(head.Names, ","),
			Expected: "the headings of a known export (profiles " + strings.Join(names, ", ") + "); for any other file write a profile and pass --profile FILE.yaml (see docs/budget.md)"}
	}
	if len(cands) > 1 && cands[0].mapped == cands[1].mapped {
		return nil, budget.Errorf(budget.EINVALID, "%s: the headings fit profiles %s and %s equally: pass --profile NAME", name, cands[0].p.Name, cands[1].p.Name)
	}
	return cands[0], nil
}

// tableSource serves the rows of a tabular.Reader, reporting progress in
// bytes read now and then.
type tableSource struct {
	r        *tabular.Reader
	total    int64
	progress func(done, total int64)
	n        int
}

func (s *tableSource) Head() *tabular.Header { return s.r.Header() }

// inputBytes is the size of the input in bytes (0 when unknown).
func (s *tableSource) inputBytes() int64 { return s.total }

// fractionRead is the share of the input's bytes read so far.
func (s *tableSource) fractionRead() float64 {
	if s.total <= 0 {
		return 0
	}
	return float64(min(s.r.BytesRead(), s.total)) / float64(s.total)
}

func (s *tableSource) Next() (int, []string, error) {
	line, cells, err := s.r.Read()
	if s.progress != nil {
		if err == io.EOF {
			s.progress(s.total, s.total)
		} else if s.n++; s.n%65536 == 0 {
			s.progress(min(s.r.BytesRead(), s.total), s.total)
		}
	}
	return line, cells, err
}
