package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/ingest"
	"github.com/budgetlens/budgetlens/store"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
)

func newImportCmd(e *env) *cobra.Command {
	var profile, fy, phase, format string
	cmd := &cobra.Command{
		Use:   "import FILE...",
		Short: "Load budget files (LA Open Budget exports, Oakland, Boston JSON, Fiscal Data Packages, any CSV/XLSX with --profile)",
		Long: `import reads each file, detects its layout from its headings (or uses --profile),
validates every cell and stores each file in one transaction. All files are read
and checked before anything is written. Importing the same content again changes
nothing; a newer version of the same dataset supersedes the older one (kept as history).`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			// check the flags before reading any file, so that a typo is
			// reported as itself and not as a file that does not fit
			if fy != "" {
				if _, err := budget.ParseFiscalYear(fy); err != nil {
					return budget.Errorf(budget.EINVALID, "--fy %q: %v", fy, err)
				}
			}
			if phase != "" {
				if _, err := budget.ParsePhase(phase); err != nil {
					return budget.Errorf(budget.EINVALID, "--phase %q: %v", phase, err)
				}
			}
			if format != "table" && format != "json" {
				return budget.Errorf(budget.EINVALID, "--format %q: use table or json", format)
			}
			opt := ingest.Options{FiscalYear: fy, Phase: phase}
			if profile != "" {
				p, err := resolveProfile(profile)
				if err != nil {
					return err
				}
				opt.Profile = p
			}
			var batches []*budget.Batch
			for _, f := range args {
				var bar *progressbar.ProgressBar
				if isTerminal(os.Stderr) {
					bar = progressbar.DefaultBytes(-1, "reading "+filepath.Base(f))
					opt.Progress = func(done, total int64) {
						bar.ChangeMax64(total)
						bar.Set64(done)
					}
				}
				bs, err := ingest.File(f, opt)
				if bar != nil {
					bar.Finish()
					bar.Close()
					fmt.Fprintln(os.Stderr)
				}
				if err != nil {
					return err
				}
				for _, b := range bs {
					for _, w := range b.Warnings {
						fmt.Fprintln(cmd.ErrOrStderr(), "warning:", w)
					}
				}
				batches = append(batches, bs...)
			}
			return e.withStore(false, func(s store.Store) error {
				var runs []budget.ImportRun
				for _, b := range batches {
					if b.Rows() >= 100000 && isTerminal(os.Stderr) {
						fmt.Fprintf(os.Stderr, "storing %d rows of %s in one transaction...\n", b.Rows(), filepath.Base(b.SourceFile))
					}
					run, err := s.ImportBatch(context.Background(), b)
					if err != nil {
						return err
					}
					runs = append(runs, run)
					if format == "table" {
						printRun(cmd, b, run)
					}
				}
				if format == "json" {
					return writeJSON(cmd.OutOrStdout(), runs)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&profile, "profile", "", "column-mapping profile: a built-in name or a YAML file")
	cmd.Flags().StringVar(&fy, "fy", "", "fiscal year of the file, when its name and columns do not say (2021-22)")
	cmd.Flags().StringVar(&phase, "phase", "", "phase of the file, when its name and columns do not say (proposed, adopted, estimate, actual)")
	cmd.Flags().StringVar(&format, "format", "table", "output format: table or json")
	return cmd
}

func resolveProfile(s string) (*ingest.Profile, error) {
	if strings.HasSuffix(s, ".yaml") || strings.HasSuffix(s, ".yml") || strings.ContainsRune(s, os.PathSeparator) {
		return ingest.LoadProfile(s)
	}
	return ingest.BuiltinProfile(s)
}

func printRun(cmd *cobra.Command, b *budget.Batch, run budget.ImportRun) {
	w := cmd.OutOrStdout()
	if run.Unchanged {
		fmt.Fprintf(w, "%s: unchanged (same content as import run %d)\n", b.SourceFile, run.ID)
		return
	}
	var parts []string
	for _, x := range []struct {
		n    int
		what string
	}{{len(b.LineItems), "line items"}, {len(b.Requests), "budget requests"}, {len(b.Measures), "measure values"}, {len(b.Descriptions), "descriptions"}} {
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
