package office

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/ingest"
	"github.com/budgetlens/budgetlens/store"
	"github.com/xuri/excelize/v2"
)

// BudgetFilter selects stored budget rows by the words a user types.
type BudgetFilter struct {
	FiscalYear   string // "2021-22", "FY2021-22"; a bare year is the one ending in it
	Phase        string
	Kind         string // expenditure, revenue, positions; "" for all
	Jurisdiction string
	Department   string // department code
	Program      string // program code
}

// Filter parses the filter. A bare --fy year of a jurisdiction whose fiscal
// year is the calendar year (start month 1) means that year.
func (o *Office) Filter(ctx context.Context, bf BudgetFilter) (budget.Filter, error) {
	out := budget.Filter{Jurisdiction: bf.Jurisdiction, Department: bf.Department, Program: bf.Program}
	if bf.FiscalYear != "" {
		fy, err := budget.ParseFiscalYear(bf.FiscalYear)
		if err != nil {
			return out, err
		}
		out.FiscalYear = &fy
	}
	if bf.Phase != "" {
		ph, err := budget.ParsePhase(bf.Phase)
		if err != nil {
			return out, err
		}
		out.Phase = ph
	}
	switch budget.Kind(bf.Kind) {
	case "", budget.Expenditure, budget.Revenue, budget.Positions:
		out.Kind = budget.Kind(bf.Kind)
	default:
		return out, budget.Errorf(budget.EINVALID, "unknown kind %q: use expenditure, revenue or positions", bf.Kind)
	}
	y := strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(bf.FiscalYear)), "FY")
	if bf.Jurisdiction == "" || out.FiscalYear == nil || len(y) != 4 {
		return out, nil
	}
	j, err := o.Store.Jurisdiction(ctx, bf.Jurisdiction)
	if err != nil || j.StartMonth != 1 {
		return out, nil // unknown jurisdiction or July-June: keep the US reading
	}
	start, err := strconv.Atoi(y)
	if err != nil {
		return out, nil
	}
	out.FiscalYear = &budget.FiscalYear{Start: start, StartMonth: 1}
	return out, nil
}

// TotalsResult is a total by classification level.
type TotalsResult struct {
	Level  budget.Level
	Places int // decimals of the kind's amounts (2 for money)
	Rows   []budget.Total
	// Empty, when no row matched, lists what the store holds
	// ("2021-22 adopted, 2021-22 proposed") so a front end can say so.
	Empty string
	// Consolidated says what counting each dollar once removed (the paying
	// side of the profile's transfers between funds), "" when nothing.
	Consolidated string
}

// Totals sums the current line items of one fiscal year, phase and kind by
// a classification level, each dollar counted once: the lines of the paying
// side of the profile's transfers between funds are left out when the
// spending they pay for is in the phase (budget.Consolidate), and
// Consolidated says so. Gross keeps every line as stored.
func (o *Office) Totals(ctx context.Context, bf BudgetFilter, by string) (*TotalsResult, error) {
	return o.totals(ctx, bf, by, false)
}

// GrossTotals is Totals with every line as stored, transfers included.
func (o *Office) GrossTotals(ctx context.Context, bf BudgetFilter, by string) (*TotalsResult, error) {
	return o.totals(ctx, bf, by, true)
}

func (o *Office) totals(ctx context.Context, bf BudgetFilter, by string, gross bool) (*TotalsResult, error) {
	f, err := o.Filter(ctx, bf)
	if err != nil {
		return nil, err
	}
	level, err := budget.ParseLevel(by)
	if err != nil {
		return nil, err
	}
	if f.Kind == "" {
		// dollars of spending and revenue and counts of positions cannot be
		// added into one total
		return nil, budget.Errorf(budget.EINVALID, "totals adds up one kind of line item: give --kind expenditure, revenue or positions")
	}
	if f.FiscalYear == nil || f.Phase == "" {
		have, err := o.StoredSlices(ctx, f.Jurisdiction, "none: import a budget first")
		if err != nil {
			return nil, err
		}
		return nil, budget.Errorf(budget.EINVALID, "totals needs --fy and --phase (stored: %s)", have)
	}
	tot, err := o.Store.Totals(ctx, f, level)
	if err != nil {
		return nil, err
	}
	res := &TotalsResult{Level: level, Places: f.Kind.Places(), Rows: tot}
	if !gross && f.Kind == budget.Expenditure && o.City != nil && len(o.City.Transfers) > 0 {
		if err := o.consolidateTotals(ctx, f, level, res); err != nil {
			return nil, err
		}
	}
	if len(tot) == 0 {
		have, err := o.StoredSlices(ctx, f.Jurisdiction, "nothing yet: import a budget first")
		if err != nil {
			return nil, err
		}
		res.Empty = fmt.Sprintf("no %s line items for %s %s (stored: %s)", f.Kind, f.FiscalYear.Label(), f.Phase, have)
	}
	return res, nil
}

// consolidateTotals takes the paying side of the applied transfers out of
// the totals: which transfers apply is decided on the whole phase, the lines
// removed are those the filter selects; a row left with no line is dropped.
func (o *Office) consolidateTotals(ctx context.Context, f budget.Filter, level budget.Level, res *TotalsResult) error {
	whole := f
	whole.Department, whole.Program = "", ""
	all, err := o.Store.LineItems(ctx, whole)
	if err != nil {
		return err
	}
	_, c := budget.Consolidate(all, o.City.Transfers)
	var notes []string
	removed := map[string]budget.Total{}
	for _, t := range o.City.Transfers {
		applied := false
		for _, x := range c.Transfers {
			if x.Name == t.Name && x.Applied {
				applied = true
				notes = append(notes, fmt.Sprintf("%s %s", t.Name, ingest.FormatCents(x.PayingCents)))
			}
		}
		if !applied {
			continue
		}
		for i := range all {
			li := &all[i]
			if !t.Paying.Matches(&li.Classification) || t.Receiving.Matches(&li.Classification) ||
				f.Department != "" && li.Department.Code != f.Department || f.Program != "" && li.Program.Code != f.Program {
				continue
			}
			code := levelCode(li, level)
			k := code.Code
			if k == "" {
				k = "\x00" + code.Name
			}
			r := removed[k]
			r.AmountCents += li.AmountCents
			r.Items++
			removed[k] = r
		}
	}
	if len(notes) == 0 {
		return nil
	}
	rows := res.Rows[:0]
	for _, t := range res.Rows {
		k := t.Code
		if k == "" {
			k = "\x00" + t.Name
		}
		if r, ok := removed[k]; ok {
			t.AmountCents -= r.AmountCents
			t.Items -= r.Items
			if t.Items <= 0 {
				continue
			}
		}
		rows = append(rows, t)
	}
	res.Rows = rows
	res.Consolidated = "each dollar counted once: the appropriations to other funds whose spending is shown elsewhere are left out (" + strings.Join(notes, ", ") + "); --gross shows every line as stored"
	return nil
}

// levelCode is a line's code and name at a classification level.
func levelCode(li *budget.LineItem, level budget.Level) budget.Code {
	switch level {
	case budget.LevelOrgUnit:
		return li.OrgUnit
	case budget.LevelProgram:
		return li.Program
	case budget.LevelFund:
		return li.Fund
	case budget.LevelSourceFund:
		return li.SourceFund
	case budget.LevelAccount:
		return li.Account
	case budget.LevelFunction:
		return li.Function
	}
	return li.Department
}

// StoredSlices lists the fiscal years and phases the store holds for a
// jurisdiction ("2021-22 adopted, 2021-22 proposed"), or none.
func (o *Office) StoredSlices(ctx context.Context, jurisdiction, none string) (string, error) {
	sl, err := o.Store.FiscalYearsPhases(ctx, jurisdiction)
	if err != nil {
		return "", err
	}
	if len(sl) == 0 {
		return none, nil
	}
	have := make([]string, len(sl))
	for i, x := range sl {
		have[i] = x.FiscalYear.Label() + " " + string(x.Phase)
	}
	return strings.Join(have, ", "), nil
}

// ExportHeader is the header of an export: one column per classification
// code and name, the amount and the row's key and area codes.
var exportHeader = []string{"jurisdiction", "fiscal_year", "phase", "kind", "department_code", "department", "org_unit_code", "org_unit",
	"program_code", "program", "fund_code", "fund", "source_fund_code", "source_fund", "account_code", "account", "function_code", "function", "amount", "key",
	"area", "area_layer"}

// ExportHeader returns the columns of an export.
func ExportHeader() []string { return append([]string{}, exportHeader...) }

func exportRow(l *budget.LineItem) []string {
	return []string{l.Jurisdiction, l.FiscalYear.Label(), string(l.Phase), string(l.Kind), l.Department.Code, l.Department.Name, l.OrgUnit.Code, l.OrgUnit.Name,
		l.Program.Code, l.Program.Name, l.Fund.Code, l.Fund.Name, l.SourceFund.Code, l.SourceFund.Name, l.Account.Code, l.Account.Name,
		l.Function.Code, l.Function.Name, ingest.FormatFixed(l.AmountCents, l.Kind.Places()), l.Key, l.Area, l.AreaLayer}
}

// ExportOptions say what to export where.
type ExportOptions struct {
	Filter BudgetFilter
	// Format is csv, xlsx or parquet (default: from Out's extension).
	Format string
	// Out is the file to write; "-" (csv only) writes to W.
	Out string
	W   io.Writer
	// FollowSymlink writes through a symbolic link at Out (to its target)
	// instead of refusing it.
	FollowSymlink bool
	// Delimiter separates the fields of CSV output (default ',').
	Delimiter rune
	// DataPackage describes a CSV file in the datapackage.json beside it
	// (Frictionless Tabular Data Package: the columns' types, the dialect,
	// the file's bytes and sha256), adding to one already there.
	DataPackage bool
}

// ExportFormat is the format an export will use.
func ExportFormat(opt ExportOptions) (string, error) {
	format := opt.Format
	if format == "" {
		if opt.Out == "-" {
			format = "csv"
		} else {
			format = strings.TrimPrefix(strings.ToLower(filepath.Ext(opt.Out)), ".")
		}
	}
	switch format {
	case "csv", "xlsx", "parquet":
	default:
		return "", budget.Errorf(budget.EINVALID, "unknown export format %q: use csv, xlsx or parquet", format)
	}
	if opt.Out == "-" && format != "csv" {
		return "", budget.Errorf(budget.EINVALID, "--out - writes CSV to standard output; give a file name for %s", format)
	}
	return format, nil
}

// Export writes the current line items matching the filter, streamed from
// the store (never all in memory): CSV and XLSX row by row, Parquet by the
// store when it can (store.ParquetExporter). A file is written in its
// folder under a temporary name and renamed when complete, so a failed
// export leaves no partial file; a symbolic link at Out is refused unless
// FollowSymlink. It returns the number of rows (-1 for Parquet).
func (o *Office) Export(ctx context.Context, opt ExportOptions) (int, error) {
	if opt.Out == "" {
		return 0, budget.Errorf(budget.EINVALID, "export needs --out FILE (.csv, .xlsx or .parquet, or - for CSV on standard output)")
	}
	format, err := ExportFormat(opt)
	if err != nil {
		return 0, err
	}
	f, err := o.Filter(ctx, opt.Filter)
	if err != nil {
		return 0, err
	}
	if opt.Delimiter == 0 {
		opt.Delimiter = ','
	}
	if opt.Out == "-" {
		return o.exportCSV(ctx, f, opt.W, opt.Delimiter)
	}
	pkg := opt.DataPackage && format == "csv"
	if pkg {
		// refuse a foreign datapackage.json before writing anything
		if _, err := readDataPackage(filepath.Dir(opt.Out)); err != nil {
			return 0, err
		}
	}
	out, err := CreateAtomic(opt.Out, "--out", opt.FollowSymlink)
	if err != nil {
		return 0, err
	}
	var n int
	switch format {
	case "csv":
		h := sha256.New()
		cw := &countWriter{w: io.MultiWriter(out, h)}
		if n, err = o.exportCSV(ctx, f, cw, opt.Delimiter); err == nil && pkg {
			if err = out.Commit(nil); err != nil {
				return n, err
			}
			return n, writeDataPackage(opt.Out, dataResource(opt.Out, n, cw.n, hex.EncodeToString(h.Sum(nil)), opt.Delimiter))
		}
	case "xlsx":
		n, err = o.exportXLSX(ctx, f, out)
	case "parquet":
		n = -1
		pe, ok := o.Store.(store.ParquetExporter)
		if !ok {
			err = budget.Errorf(budget.EINVALID, "this store cannot write Parquet: export CSV (--out FILE.csv) and convert it")
			break
		}
		out.Close()
		err = pe.ExportParquet(ctx, f, out.Name())
	}
	return n, out.Commit(err)
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func (o *Office) exportCSV(ctx context.Context, f budget.Filter, w io.Writer, comma rune) (int, error) {
	cw := csv.NewWriter(w)
	cw.Comma = comma
	if err := cw.Write(exportHeader); err != nil {
		return 0, err
	}
	n := 0
	err := o.Store.EachLineItem(ctx, f, func(l *budget.LineItem) error {
		n++
		return cw.Write(exportRow(l))
	})
	cw.Flush()
	if err == nil {
		err = cw.Error()
	}
	return n, err
}

func (o *Office) exportXLSX(ctx context.Context, f budget.Filter, w io.Writer) (int, error) {
	x := excelize.NewFile()
	defer x.Close()
	sw, err := x.NewStreamWriter("Sheet1")
	if err != nil {
		return 0, err
	}
	amountCol := 18
	row := 1
	write := func(vals []string, numeric bool) error {
		cells := make([]any, len(vals))
		for i, v := range vals {
			cells[i] = v
			if numeric && i == amountCol {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					cells[i] = f
				}
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, row)
		if err != nil {
			return err
		}
		row++
		return sw.SetRow(cell, cells)
	}
	if err := write(exportHeader, false); err != nil {
		return 0, err
	}
	n := 0
	err = o.Store.EachLineItem(ctx, f, func(l *budget.LineItem) error {
		n++
		return write(exportRow(l), true)
	})
	if err != nil {
		return n, err
	}
	if err := sw.Flush(); err != nil {
		return n, err
	}
	return n, x.Write(w)
}

// AtomicFile is an output file written under a temporary name in its
// target's folder; Commit renames it into place, or removes it on failure.
type AtomicFile struct {
	*os.File
	target, flag string
}

// CreateAtomic starts writing path (named by an option, e.g. "--out"). A
// directory at path, a missing folder or one that cannot be written is an
// EINVALID error saying what to do; so is a symbolic link at path unless
// follow is set (then its target is written).
func CreateAtomic(path, flag string, follow bool) (*AtomicFile, error) {
	if fi, err := os.Lstat(path); err == nil {
		switch {
		case fi.Mode()&os.ModeSymlink != 0 && !follow:
			return nil, budget.Errorf(budget.EINVALID, "%s %s is a symbolic link: give the file itself, or pass --follow-symlink to write its target", flag, path)
		case fi.Mode()&os.ModeSymlink != 0:
			if t, err := filepath.EvalSymlinks(path); err == nil {
				path = t
			}
		case fi.IsDir():
			return nil, budget.Errorf(budget.EINVALID, "%s %s is a directory: give a file name (a path inside it is fine)", flag, path)
		}
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, OutputFileError(path, flag, err)
	}
	return &AtomicFile{File: f, target: path, flag: flag}, nil
}

// Commit finishes the file: with failed nil it is closed, made readable and
// renamed to its target; otherwise it is removed and failed returned.
func (a *AtomicFile) Commit(failed error) error {
	if failed != nil {
		a.File.Close()
		os.Remove(a.Name())
		return failed
	}
	err := a.File.Close()
	if errors.Is(err, os.ErrClosed) {
		err = nil
	}
	if err == nil {
		err = os.Chmod(a.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(a.Name(), a.target)
	}
	if err != nil {
		os.Remove(a.Name())
		return OutputFileError(a.target, a.flag, err)
	}
	return nil
}

// OutputFileError explains a failure to write an output file.
func OutputFileError(path, flag string, err error) error {
	dir := filepath.Dir(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return budget.Wrap(budget.EINVALID, err, "%s %s: the directory %s does not exist: create it or choose another path", flag, path, dir).Quiet()
	case errors.Is(err, os.ErrPermission):
		return budget.Wrap(budget.EINVALID, err, "%s %s: permission denied: the directory %s is not writable (or the file is read-only); choose another path", flag, path, dir).Quiet()
	}
	return budget.Errorf(budget.EINTERNAL, "%s %s: cannot be written: %w", flag, path, err)
}
