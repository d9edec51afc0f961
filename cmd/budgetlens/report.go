package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/report"
	"github.com/budgetlens/budgetlens/store/duckdb"
	"github.com/spf13/cobra"
)

func init() { register(newReportCmd) }

func newReportCmd() *cobra.Command {
	var o analyzeOpts
	var out, title string
	cmd := &cobra.Command{
		Use:   "report --fy 2021-22 --phase proposed --out FILE.html|.pdf|.xlsx",
		Short: "Write the council report of a budget phase (HTML, PDF or XLSX)",
		Long: `report runs the analysis of a phase (as analyze does, with the same defaults) and
writes the council report: executive summary, maps of need, spending and the gap,
Lorenz and concentration curves, tier charts with intervals, department and request
tables, comparisons with the other phase and last year, methods, sources with
hashes, and caveats. The format follows the extension of --out. The PDF is printed by
headless Chromium; without it the HTML and XLSX are written beside FILE and the
message says how to get the PDF.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return budget.Errorf(budget.EINVALID, "report needs --out FILE ending in .html, .pdf or .xlsx")
			}
			ext := strings.ToLower(filepath.Ext(out))
			if ext != ".html" && ext != ".htm" && ext != ".pdf" && ext != ".xlsx" {
				return budget.Errorf(budget.EINVALID, "--out %s: the file must end in .html, .pdf or .xlsx", out)
			}
			if err := checkOutput(out, "--out"); err != nil {
				return err
			}
			return withStore(func(s *duckdb.Store) error {
				ctx := context.Background()
				in, err := prepareAnalysis(ctx, s, &o)
				if err != nil {
					return err
				}
				res, err := analysis.Analyze(in)
				if err != nil {
					return err
				}
				cmp, err := comparisons(ctx, s, in, res)
				if err != nil {
					return err
				}
				opt := analysis.DocOptions{Jurisdiction: title, Layer: in.Layer, Comparisons: cmp}
				if in.EventsSynthetic {
					opt.Synthetic = []string{"the service requests (" + in.EventsSource + ") are synthetic, not City data; their counts place the demand-based dollars"}
				}
				if in.Layer.Name == "council_districts" && title == "" && in.EventsSynthetic {
					opt = demoDocOptions(in.Layer, cmp)
					if !in.EventsSynthetic {
						opt.Synthetic = nil
					}
				}
				opt.NeedPoints, opt.SyntheticDemand = analysis.NeedPointsMap(in.Run, in.Small), in.EventsSynthetic
				doc := analysis.Document(res, opt)
				w := cmd.OutOrStdout()
				err = report.WriteFile(ctx, doc, out, report.PDFOptions{})
				var cm *report.ChromiumMissingError
				if errors.As(err, &cm) {
					base := strings.TrimSuffix(out, filepath.Ext(out))
					dir, name := filepath.Dir(base), filepath.Base(base)
					fmt.Fprintf(w, "PDF not written: %v\n", cm)
					if _, err := writeReports(ctx, w, doc, dir, name, true); err != nil {
						return err
					}
					fmt.Fprintf(w, "wrote %s.html and %s.xlsx instead of the PDF\n", base, base)
					return nil
				}
				if err != nil {
					return err
				}
				if st, err := os.Stat(out); err == nil {
					fmt.Fprintf(w, "wrote %s (%d bytes)\n", out, st.Size())
				}
				return nil
			})
		},
	}
	o.add(cmd, "proposed")
	cmd.Flags().StringVar(&out, "out", "", "output file: .html, .pdf or .xlsx")
	cmd.Flags().StringVar(&title, "jurisdiction-name", "", "name of the jurisdiction on the title page (default: City of Los Angeles for the LA demo layers)")
	return cmd
}
