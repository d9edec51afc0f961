package main

import (
	"context"

	"github.com/budgetlens/budgetlens/office"
	"github.com/spf13/cobra"
)

func newExportCmd(e *env) *cobra.Command {
	var o office.ExportOptions
	cmd := &cobra.Command{
		Use:   "export --out FILE",
		Short: "Write the current line items to CSV, XLSX or Parquet",
		Long: `export writes the current line items matching the filters, one row each, with
codes kept as text and amounts in dollars exact to the cent (positions in
positions, told apart by the kind column). The format is taken from --format or
from the file's extension (.csv, .xlsx, .parquet); --out - writes CSV to
standard output. A CSV file is described in datapackage.json beside it (a
Frictionless Tabular Data Package: each column's type and meaning, the
delimiter, the file's size and sha256; other exports into the same folder are
kept in it), so pandas, R and frictionless tools read the codes as text.
Rows are streamed from the store. The file is written under a temporary name
in its folder and renamed when complete, so a failed export leaves nothing
behind; a symbolic link at --out is refused unless --follow-symlink is given.`,
		Example: `  budgetlens export --fy 2021-22 --phase adopted --out budget.csv
  budgetlens export --fy 2021-22 --phase adopted --out - | head
  budgetlens export --fy 2021-22 --kind positions --out positions.xlsx
  budgetlens export --out all.parquet
  budgetlens export --fy 2021-22 --phase adopted --delimiter ";" --out budget-excel-eu.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			comma, err := e.comma()
			if err != nil {
				return err
			}
			o.Delimiter = comma
			if o.Out != "" {
				if err := office.CheckOutput(o.Out, "--out"); err != nil {
					return err
				}
				if _, err := office.ExportFormat(o); err != nil {
					return err
				}
			}
			o.W = cmd.OutOrStdout()
			return e.withOffice(true, func(ctx context.Context, off *office.Office) error {
				_, err := off.Export(ctx, o)
				return err
			})
		},
	}
	addBudgetFilterFlags(cmd, &o.Filter, "")
	cmd.Flags().StringVar(&o.Out, "out", "", "file to write; - writes CSV to standard output")
	addEnumFlag(cmd, &o.Format, "format", "", []string{"csv", "xlsx", "parquet"}, "csv, xlsx or parquet (default: from --out's extension)")
	cmd.Flags().BoolVar(&o.FollowSymlink, "follow-symlink", false, "write through a symbolic link at --out to its target")
	cmd.Flags().BoolVar(&o.DataPackage, "datapackage", true, "describe a CSV file in datapackage.json beside it")
	addDelimiterFlag(cmd, e)
	return cmd
}
