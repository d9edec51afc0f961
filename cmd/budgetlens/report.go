package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/budgetlens/budgetlens/office"
	"github.com/spf13/cobra"
)

func newReportCmd(e *env) *cobra.Command {
	var o office.ReportOptions
	var out, format string
	var limitPairs []string
	cmd := &cobra.Command{
		Use:   "report --fy 2021-22 --phase proposed --out FILE.html|.pdf|.xlsx",
		Short: "Write the council report of a budget phase (HTML, PDF or XLSX)",
		Long: `report runs the analysis of a phase (as analyze does, with the same defaults) and
writes the council report: executive summary, maps of need, spending and the gap,
Lorenz and concentration curves, tier charts with intervals, department and request
tables, comparisons with the other phase and last year, methods, sources with
hashes, and caveats. The format follows the extension of --out. The PDF is printed by
headless Chromium; without it the HTML and XLSX are written beside FILE and the
message says how to get the PDF. --out - writes the report to standard output
(--format html, the default there, xlsx or pdf).

The workbook is tidy: every sheet is one header row and its rows as an Excel
table (no titles or notes among the data; they are on the Notes sheet and in
the first header cell's comment), whole numbers as integers, money in dollars,
shares as fractions from 0 to 1 shown as percentages, codes beside names. See
docs/report.md for reading it with pandas or R.`,
		Example: `  budgetlens report --fy 2021-22 --phase proposed --out report.html
  budgetlens report --fy 2021-22 --phase proposed --layer districts --out report.xlsx
  budgetlens report --fy 2021-22 --phase adopted --out report.pdf
  budgetlens report --fy 2021-22 --phase proposed --out - --format xlsx > report.xlsx`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "-" && format == "" {
				format = "html"
			}
			if out != "-" {
				if err := office.CheckReportPath(out); err != nil {
					return err
				}
				if format != "" && !strings.EqualFold(strings.TrimPrefix(filepath.Ext(out), "."), format) && !(format == "html" && strings.EqualFold(filepath.Ext(out), ".htm")) {
					return usageError(cmd, "--format %s and --out %s disagree: the format follows the file's extension (--format is for --out -)", format, out)
				}
			}
			if err := checkAnalyzeFlags(&o.AnalyzeOptions); err != nil {
				return err
			}
			if err := office.CheckOutput(out, "--out"); err != nil {
				return err
			}
			var err error
			if o.Limits, err = limits(cmd, limitPairs); err != nil {
				return err
			}
			eventsArg := o.EventsFile
			events, done, err := e.inputFile(o.EventsFile, csvInput)
			if err != nil {
				return err
			}
			defer done()
			if events != o.EventsFile {
				o.EventsFile, o.EventsName = events, stdinName
			}
			err = e.withOffice(true, func(ctx context.Context, off *office.Office) error {
				doc, _, err := off.Report(ctx, o)
				if err != nil {
					return err
				}
				if out == "-" {
					return office.WriteReportTo(ctx, doc, cmd.OutOrStdout(), format)
				}
				wr, err := office.WriteReport(ctx, doc, out)
				if err != nil {
					return err
				}
				w := cmd.OutOrStdout()
				if wr.PDFSkipped != "" {
					fmt.Fprintf(w, "PDF not written: %s\n", wr.PDFSkipped)
					fmt.Fprintf(w, "wrote %s and %s instead of the PDF\n", wr.HTML, wr.XLSX)
					return nil
				}
				if st, err := os.Stat(out); err == nil {
					fmt.Fprintf(w, "wrote %s (%d bytes)\n", out, st.Size())
				}
				return nil
			})
			return renameInput(err, events, eventsArg)
		},
	}
	addAnalyzeFlags(cmd, &o.AnalyzeOptions, "proposed")
	cmd.Flags().StringVar(&out, "out", "", "output file: .html, .pdf or .xlsx; - for standard output (with --format)")
	addEnumFlag(cmd, &format, "format", "", office.ReportFormats, "html, xlsx or pdf: the format on standard output (--out -); a file's follows its extension")
	addLimitFlag(cmd, &limitPairs, false)
	cmd.Flags().StringVar(&o.Title, "jurisdiction-name", "", "name of the jurisdiction on the title page (default: the city profile's title)")
	return cmd
}
