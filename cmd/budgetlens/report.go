package main

import (
	"context"
	"fmt"
	"os"

	"github.com/budgetlens/budgetlens/office"
	"github.com/spf13/cobra"
)

func newReportCmd(e *env) *cobra.Command {
	var o office.ReportOptions
	var out string
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
			if err := office.CheckReportPath(out); err != nil {
				return err
			}
			if err := checkAnalyzeFlags(&o.AnalyzeOptions); err != nil {
				return err
			}
			if err := office.CheckOutput(out, "--out"); err != nil {
				return err
			}
			return e.withOffice(true, func(ctx context.Context, off *office.Office) error {
				doc, _, err := off.Report(ctx, o)
				if err != nil {
					return err
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
		},
	}
	addAnalyzeFlags(cmd, &o.AnalyzeOptions, "proposed")
	cmd.Flags().StringVar(&out, "out", "", "output file: .html, .pdf or .xlsx")
	cmd.Flags().StringVar(&o.Title, "jurisdiction-name", "", "name of the jurisdiction on the title page (default: the city profile's title)")
	return cmd
}
