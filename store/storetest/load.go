package storetest

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/budgetlens/budgetlens/budget"
)

// LoadOptions shapes Load: many clients at once, each with its own store
// (its own connections), for a while.
type LoadOptions struct {
	Open     func() (Store, error) // opens one client's store
	Clients  int                   // 50: a fifth import, two fifths analyse, two fifths read
	Duration time.Duration         // how long the clients keep working
	// Versions are what the importers import: importer i works on dataset
	// Datasets[i%len]; it imports its versions in turn until Duration is
	// over, then Final of its dataset, so that whatever the interleaving
	// the store ends with Final current in every dataset.
	Datasets []string
	Versions func(dataset string, k int) *budget.Batch // version k >= 1 of a dataset
	Final    func(dataset string) *budget.Batch
}

// LoadResult counts what the clients did and collects every error.
type LoadResult struct {
	Imports, Unchanged, Analyses, Reads int
	SlowestRead                         time.Duration
	Errors                              []error
}

// Load runs the clients until Duration is over and every importer has
// imported its final versions. Analysts do the reads an analysis of LA's
// FY2021-22 proposed budget does (AnalysisInput); readers list totals,
// line items of a department, layers, runs and import runs.
func Load(ctx context.Context, opt LoadOptions) LoadResult {
	var (
		mu  sync.Mutex
		res LoadResult
		wg  sync.WaitGroup
	)
	fail := func(who string, err error) {
		mu.Lock()
		res.Errors = append(res.Errors, fmt.Errorf("%s: %w", who, err))
		mu.Unlock()
	}
	count := func(f func(*LoadResult)) {
		mu.Lock()
		f(&res)
		mu.Unlock()
	}
	deadline := time.Now().Add(opt.Duration)
	for c := 0; c < opt.Clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			s, err := opt.Open()
			if err != nil {
				fail(fmt.Sprintf("client %d", c), err)
				return
			}
			defer s.Close()
			switch {
			case c%5 == 0:
				importer(ctx, s, c/5, deadline, opt, fail, count)
			case c%5 <= 2:
				analyst(ctx, s, c, deadline, fail, count)
			default:
				reader(ctx, s, c, deadline, fail, count)
			}
		}(c)
	}
	wg.Wait()
	sort.Slice(res.Errors, func(i, j int) bool { return res.Errors[i].Error() < res.Errors[j].Error() })
	return res
}

func importer(ctx context.Context, s Store, i int, deadline time.Time, opt LoadOptions, fail func(string, error), count func(func(*LoadResult))) {
	ds := opt.Datasets[i%len(opt.Datasets)]
	who := fmt.Sprintf("importer %d (%s)", i, ds)
	do := func(b *budget.Batch) bool {
		run, err := s.ImportBatch(ctx, b)
		if err != nil {
			fail(who, err)
			return false
		}
		count(func(r *LoadResult) {
			r.Imports++
			if run.Unchanged {
				r.Unchanged++
			}
		})
		return true
	}
	for k := 1 + i%2; time.Now().Before(deadline); k++ {
		if !do(opt.Versions(ds, k)) {
			return
		}
	}
	do(opt.Final(ds))
}

func analyst(ctx context.Context, s Store, c int, deadline time.Time, fail func(string, error), count func(func(*LoadResult))) {
	for time.Now().Before(deadline) {
		in, err := AnalysisInput(ctx, s)
		if err != nil {
			fail(fmt.Sprintf("analyst %d", c), err)
			return
		}
		if len(in.Items) == 0 || in.PhaseTotal == 0 {
			fail(fmt.Sprintf("analyst %d", c), fmt.Errorf("read %d items, total %d", len(in.Items), in.PhaseTotal))
			return
		}
		count(func(r *LoadResult) { r.Analyses++ })
	}
}

func reader(ctx context.Context, s Store, c int, deadline time.Time, fail func(string, error), count func(func(*LoadResult))) {
	fy := budget.FiscalYear{Start: 2021, StartMonth: 7}
	reads := []func() error{
		func() error {
			_, err := s.Totals(ctx, budget.Filter{Jurisdiction: "la", FiscalYear: &fy, Phase: budget.Adopted, Kind: budget.Expenditure}, budget.LevelDepartment)
			return err
		},
		func() error {
			_, err := s.PhaseTotal(ctx, budget.Filter{Jurisdiction: "la", FiscalYear: &fy, Phase: budget.Adopted, Kind: budget.Expenditure})
			return err
		},
		func() error {
			_, err := s.LineItems(ctx, budget.Filter{Jurisdiction: "la", Department: "44"})
			return err
		},
		func() error { _, err := s.Layers(ctx); return err },
		func() error { _, err := s.Runs(ctx); return err },
		func() error { _, err := s.ImportRuns(ctx); return err },
	}
	for n := c; time.Now().Before(deadline); n++ {
		start := time.Now()
		if err := reads[n%len(reads)](); err != nil {
			fail(fmt.Sprintf("reader %d", c), err)
			return
		}
		took := time.Since(start)
		count(func(r *LoadResult) {
			r.Reads++
			r.SlowestRead = max(r.SlowestRead, took)
		})
	}
}

// LoadVersions makes the versions Load imports from a real batch (LA's
// Sec4 expenditures): version k of a dataset is the batch with every
// amount raised by k cents, under that dataset's name; the final version
// raises them by 1,000,000 cents.
func LoadVersions(base *budget.Batch) (versions func(string, int) *budget.Batch, final func(string) *budget.Batch) {
	make1 := func(ds string, k int) *budget.Batch {
		b := *base
		b.Dataset, b.SourceFile, b.ContentHash = ds, ds+".csv", fmt.Sprintf("%s version %d", ds, k)
		b.LineItems = append([]budget.LineItem(nil), base.LineItems...)
		for i := range b.LineItems {
			b.LineItems[i].AmountCents += int64(k)
		}
		b.Requests, b.Measures, b.Descriptions = nil, nil, nil
		return &b
	}
	return make1, func(ds string) *budget.Batch { return make1(ds, 1000000) }
}
