package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/ingest"
	"github.com/budgetlens/budgetlens/office"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
)

func newImportCmd(e *env) *cobra.Command {
	var opt office.ImportOptions
	var cols office.Columns
	var format string
	var limitPairs []string
	cmd := &cobra.Command{
		Use:   "import FILE...",
		Short: "Load budget files (LA Open Budget exports, Oakland, Boston JSON, Fiscal Data Packages, any CSV/XLSX by --profile or by its columns)",
		Long: `import reads each file, detects its layout from its headings (or uses --profile, a
column-mapping profile), validates every cell and stores each file in one
transaction. All files are read and checked before anything is written.
Importing the same content again changes nothing; a newer version of the same
dataset supersedes the older one (kept as history).

A plain table is mapped by its columns:
  budgetlens import budget.csv --fy 2024-25 --phase adopted --department dept --amount amount
with --program COL, and --area COL --layer NAME when each row names the area
(district or ward) it is spent in: such rows are placed by their own codes
before any attribution rule. A FILE - reads standard input.

--format json lists the import runs stored; csv the same, one row each.`,
		Example: `  budgetlens import Expenditures_Sec2_for_2122_Adopted.csv Budget_Requests_Detail_Sec2_2122_Adopted.csv
  budgetlens import budget.xlsx --fy 2024-25 --phase adopted --department "Dept Name" --amount "Adopted Amount"
  budgetlens import wards.csv --fy 2024-25 --phase adopted --department dept --amount amount --area ward --layer wards
  budgetlens import datapackage.json
  budgetlens import big_budget.xlsx --profile city_mapping.yaml --limit cells=50000000`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := e.checkDelimiter(cmd, format); err != nil {
				return err
			}
			var err error
			if opt.Limits, err = limits(cmd, limitPairs); err != nil {
				return err
			}
			if cols != (office.Columns{}) {
				opt.Columns = &cols
			}
			stdinUsed := false
			for i, a := range args {
				if a != "-" {
					continue
				}
				if stdinUsed {
					return usageError(cmd, "standard input (-) can be read once")
				}
				file, done, err := e.inputFile(a, budgetInput)
				if err != nil {
					return err
				}
				defer done()
				args[i], stdinUsed = file, true
				opt.Names = map[string]string{file: stdinName}
			}
			if isTerminal(os.Stderr) {
				opt.Progress = progressBars()
			}
			tmp := ""
			for path := range opt.Names {
				tmp = path
			}
			return renameInput(e.withOffice(false, func(ctx context.Context, o *office.Office) error {
				// several files are all read and checked before any is
				// stored; one large file may be stored as it is read (one
				// transaction either way)
				done, err := o.ImportBudget(ctx, opt, args)
				if err != nil {
					return err
				}
				for _, d := range done {
					for _, w := range d.Batch.Warnings {
						fmt.Fprintln(cmd.ErrOrStderr(), "warning:", w)
					}
				}
				var runs []budget.ImportRun
				var rows [][]string
				for _, d := range done {
					runs = append(runs, d.Run)
					if format == "table" {
						printRun(cmd, d)
					}
					r := d.Run
					rows = append(rows, []string{strconv.FormatInt(r.ID, 10), r.SourceFile, d.Batch.Dataset, d.Batch.Profile, strconv.FormatInt(r.Rows, 10),
						strconv.Itoa(r.Superseded), strconv.FormatBool(r.Unchanged), r.ContentHash})
				}
				if format != "table" {
					return e.writeListing(cmd.OutOrStdout(), format, []string{"id", "source_file", "dataset", "profile", "rows", "superseded", "unchanged", "sha256"}, rows, runs)
				}
				return nil
			}), tmp, map[bool]string{true: "-"}[tmp != ""])
		},
	}
	f := cmd.Flags()
	f.StringVar(&opt.Mapping, "profile", "", "column-mapping profile: a built-in name or a YAML file")
	f.StringVar(&opt.FiscalYear, "fy", "", "fiscal year of the file, when its name and columns do not say (2021-22)")
	f.StringVar(&opt.Phase, "phase", "", "phase of the file, when its name and columns do not say (proposed, adopted, estimate, actual)")
	f.StringVar(&cols.Department, "department", "", "plain table: the column of department names")
	f.StringVar(&cols.Program, "program", "", "plain table: the column of program names (optional)")
	f.StringVar(&cols.Amount, "amount", "", "plain table: the column of amounts")
	f.StringVar(&cols.Area, "area", "", "plain table: the column of area codes (district, ward) of each row (optional, with --layer)")
	f.StringVar(&cols.Layer, "layer", "", "plain table: the layer whose area ids --area holds")
	f.StringVar(&opt.Jurisdiction, "jurisdiction", "", "plain table: jurisdiction id (default: the city profile's, else city)")
	addFormatFlag(cmd, &format)
	addDelimiterFlag(cmd, e)
	addLimitFlag(cmd, &limitPairs, false)
	return cmd
}

// progressBars draws a progress bar per file read, on standard error.
func progressBars() func(file string, done, total int64) {
	bars := map[string]*progressbar.ProgressBar{}
	return func(f string, done, total int64) {
		bar := bars[f]
		if bar == nil {
			bar = progressbar.DefaultBytes(-1, "reading "+filepath.Base(f))
			bars[f] = bar
		}
		bar.ChangeMax64(total)
		bar.Set64(done)
		if done >= total && total > 0 {
			bar.Finish()
			fmt.Fprintln(os.Stderr)
		}
	}
}

func printRun(cmd *cobra.Command, d office.Imported) {
	b, run := d.Batch, d.Run
	w := cmd.OutOrStdout()
	if run.Unchanged {
		fmt.Fprintf(w, "%s: unchanged (same content as import run %d)\n", b.SourceFile, run.ID)
		return
	}
	var parts []string
	for _, x := range []struct {
		n    int
		what string
	}{{len(b.LineItems) + map[bool]int{true: int(run.Rows)}[d.Streamed], "line items"}, {len(b.Requests), "budget requests"}, {len(b.Measures), "measure values"}, {len(b.Descriptions), "descriptions"}} {
		if x.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", x.n, x.what))
		}
	}
	fmt.Fprintf(w, "%s: %s as %s (profile %s, run %d)", b.SourceFile, strings.Join(parts, ", "), b.Dataset, b.Profile, run.ID)
	if run.Superseded > 0 {
		fmt.Fprintf(w, "; superseded %d earlier slice(s)", run.Superseded)
	}
	fmt.Fprintln(w)
	for _, r := range b.Reconciled {
		fmt.Fprintf(w, "  total row line %d, %q: %s reconciled to the cent\n", r.Line, r.Column, ingest.FormatCents(r.TotalCents))
	}
}
