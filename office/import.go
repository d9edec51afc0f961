package office

import (
	"context"
	"os"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/ingest"
	"github.com/budgetlens/budgetlens/store"
)

// ImportOptions say how to read budget files.
type ImportOptions struct {
	// Mapping is a column-mapping profile: a built-in name or a YAML file
	// ("" to detect the layout from the headings, or to use Columns).
	Mapping string
	// Columns map a plain CSV or XLSX by its headings, instead of a
	// mapping: Department and Amount are required.
	Columns *Columns
	// FiscalYear and Phase, when the file's name and columns do not say.
	FiscalYear, Phase string
	// Jurisdiction of a file mapped by Columns (default: the city
	// profile's, else "city").
	Jurisdiction string
	// Progress is called with bytes read and total while a file is read.
	Progress func(file string, done, total int64)
	// Limits bound the readers (a mapping profile's limits: raise them
	// further).
	Limits Limits
	// Names name files in messages and the stored import runs when they
	// are copies (of standard input, say): path -> name.
	Names map[string]string
}

// Columns name the headings of a plain budget table.
type Columns struct {
	Department, Program, Amount string
	// Area is the heading of the rows' own area codes (a district or ward
	// column) and Layer the layer whose area ids they are.
	Area, Layer string
}

// Imported is one stored file.
type Imported struct {
	Batch *budget.Batch
	Run   budget.ImportRun
	// Streamed: the file was stored while it was read (ImportBudget), so
	// Batch holds no line items; Run.Rows counts them.
	Streamed bool
}

// ReadBudget reads and checks every file before anything is stored; the
// batches' warnings say what the readers resolved.
func (o *Office) ReadBudget(opt ImportOptions, files []string) ([]*budget.Batch, error) {
	iopt, err := o.ingestOptions(opt)
	if err != nil {
		return nil, err
	}
	var batches []*budget.Batch
	for _, f := range files {
		if opt.Progress != nil {
			f := f
			iopt.Progress = func(done, total int64) { opt.Progress(f, done, total) }
		}
		bs, err := ingest.File(f, iopt)
		if err != nil {
			return nil, err
		}
		if name, ok := opt.Names[f]; ok {
			for _, b := range bs {
				if b.SourceFile == f {
					b.SourceFile = name
				}
			}
		}
		batches = append(batches, bs...)
	}
	return batches, nil
}

// ingestOptions checks the options and turns them into the reader's.
func (o *Office) ingestOptions(opt ImportOptions) (ingest.Options, error) {
	if opt.FiscalYear != "" {
		if _, err := budget.ParseFiscalYear(opt.FiscalYear); err != nil {
			return ingest.Options{}, budget.Errorf(budget.EINVALID, "--fy %q: %w", opt.FiscalYear, err)
		}
	}
	if opt.Phase != "" {
		if _, err := budget.ParsePhase(opt.Phase); err != nil {
			return ingest.Options{}, budget.Errorf(budget.EINVALID, "--phase %q: %w", opt.Phase, err)
		}
	}
	iopt := ingest.Options{FiscalYear: opt.FiscalYear, Phase: opt.Phase, Limits: opt.Limits.Table}
	var err error
	switch {
	case opt.Mapping != "" && opt.Columns != nil:
		return iopt, budget.Errorf(budget.EINVALID, "give a mapping profile or the columns (--department, --amount, ...), not both")
	case opt.Mapping != "":
		iopt.Profile, err = resolveMapping(opt.Mapping)
	case opt.Columns != nil:
		iopt.Profile, err = o.columnsProfile(opt)
	}
	return iopt, err
}

// StreamFromBytes is the size from which one budget file is stored while
// it is read, when the store can (store.BudgetStreamer, PostgreSQL): its
// line items are then never held in memory together, and reading overlaps
// loading. Smaller files, and every file for a store that cannot, are read
// whole and checked before anything is stored (ReadBudget, StoreBudget).
var StreamFromBytes int64 = 8 << 20

// ImportBudget stores budget files, each in one transaction. Several files
// are all read and checked before any is stored. One file of line items of
// at least StreamFromBytes is stored while it is read when the store can:
// a bad cell then rolls the transaction back, so that either way a file is
// stored whole or not at all.
func (o *Office) ImportBudget(ctx context.Context, opt ImportOptions, files []string) ([]Imported, error) {
	if len(files) == 1 {
		if d, ok, err := o.streamBudget(ctx, opt, files[0]); ok || err != nil {
			if err != nil {
				return nil, err
			}
			return []Imported{d}, nil
		}
	}
	batches, err := o.ReadBudget(opt, files)
	if err != nil {
		return nil, err
	}
	return o.StoreBudget(ctx, batches)
}

// streamBudget stores file while it is read, when the store, the file's
// size and layout allow it; ok is false when it did not.
func (o *Office) streamBudget(ctx context.Context, opt ImportOptions, file string) (Imported, bool, error) {
	st, ok := o.Store.(store.BudgetStreamer)
	if !ok {
		return Imported{}, false, nil
	}
	if fi, err := os.Stat(file); err != nil || !fi.Mode().IsRegular() || fi.Size() < StreamFromBytes {
		return Imported{}, false, nil
	}
	iopt, err := o.ingestOptions(opt)
	if err != nil {
		return Imported{}, false, err
	}
	if opt.Progress != nil {
		iopt.Progress = func(done, total int64) { opt.Progress(file, done, total) }
	}
	s, err := ingest.StreamLineItems(file, iopt)
	if err != nil || s == nil {
		return Imported{}, false, err
	}
	defer s.Close()
	if name, ok := opt.Names[file]; ok {
		s.Batch.SourceFile = name
	}
	run, err := st.ImportLineItems(ctx, s.Batch, s.Each)
	if err != nil {
		return Imported{}, false, err
	}
	return Imported{Batch: s.Batch, Run: run, Streamed: true}, true, nil
}

// StoreBudget stores the batches read by ReadBudget, each file in one
// transaction.
func (o *Office) StoreBudget(ctx context.Context, batches []*budget.Batch) ([]Imported, error) {
	var out []Imported
	for _, b := range batches {
		run, err := o.Store.ImportBatch(ctx, b)
		if err != nil {
			return out, err
		}
		out = append(out, Imported{Batch: b, Run: run})
	}
	return out, nil
}

func resolveMapping(s string) (*ingest.Profile, error) {
	if strings.HasSuffix(s, ".yaml") || strings.HasSuffix(s, ".yml") || strings.ContainsRune(s, os.PathSeparator) {
		if err := checkInput(s, "--profile"); err != nil {
			return nil, err
		}
		return ingest.LoadProfile(s)
	}
	return ingest.BuiltinProfile(s)
}

// columnsProfile maps a plain table by the headings the caller named.
func (o *Office) columnsProfile(opt ImportOptions) (*ingest.Profile, error) {
	c := opt.Columns
	if c.Department == "" || c.Amount == "" {
		return nil, budget.Errorf(budget.EINVALID, "a plain budget table needs --department COL and --amount COL (and --fy and --phase)")
	}
	if (c.Area == "") != (c.Layer == "") {
		return nil, budget.Errorf(budget.EINVALID, "--area COL and --layer NAME go together: the column of area codes and the layer whose ids they are")
	}
	if opt.FiscalYear == "" || opt.Phase == "" {
		return nil, budget.Errorf(budget.EINVALID, "a plain budget table needs --fy and --phase (for example --fy 2024-25 --phase adopted)")
	}
	j := budget.Jurisdiction{ID: opt.Jurisdiction, StartMonth: 7}
	if o.City != nil {
		cj := o.City.JurisdictionInfo()
		if j.ID == "" || j.ID == cj.ID {
			j = cj
		}
	}
	if j.ID == "" {
		j.ID = "city"
	}
	if j.Name == "" {
		j.Name = j.ID
	}
	fields := map[string]string{"department.name": c.Department, "amount": c.Amount}
	if c.Program != "" {
		fields["program.name"] = c.Program
	}
	if c.Area != "" {
		fields["area"] = c.Area
	}
	return ingest.ColumnsProfile(j, fields, c.Layer)
}
