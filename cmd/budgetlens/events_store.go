package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/office"
	"github.com/budgetlens/budgetlens/table"
	"github.com/spf13/cobra"
)

func newEventsImportCmd(e *env) *cobra.Command {
	var mapping, format string
	var lenient bool
	var limitPairs []string
	cmd := &cobra.Command{
		Use:   "import FILE [--mapping PROFILE.yaml] [--lenient]",
		Short: "Store service requests (MyLA311 export, 311 API schema, Open311 JSON, or any file with a mapping), placed in every stored layer",
		Long: `import stores the service requests of FILE in one transaction. The format is
recognised: the MyLA311 portal export (every year's headings), the 311 API
schema (requestId, srnumber, typeName, createdDate, ...), or an Open311
GeoReport v2 JSON array; any other CSV needs a column-mapping profile
(--mapping, see docs/measures.md).

Requests are kept by request number: a number already stored is updated when
its fields changed (closed since, say) and left as it is otherwise, so
importing the same file again adds nothing. Every request is placed in every
stored layer of areas, by its coordinates, else by the area code the city
profile names; those that cannot be placed are counted with the reason.
Synthetic requests (SRNumber SYN-..., RequestSource SYNTHETIC) are kept and
labelled as such.`,
		Example: `  budgetlens events import service_requests_2024.csv
  budgetlens events import requests_open311.json --format json
  budgetlens events import city_requests.csv --mapping requests_mapping.yaml --lenient
  # a file of more than the default number of rows
  budgetlens events import service_requests_2024.csv --limit rows=50000000`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			lim, err := limits(cmd, limitPairs)
			if err != nil {
				return err
			}
			return e.withOffice(false, func(ctx context.Context, o *office.Office) error {
				opt := office.EventImportOptions{File: args[0], Mapping: mapping, Lenient: lenient, Limits: lim.Table}
				if f, ok := e.stderr.(*os.File); ok && isTerminal(f) {
					opt.Progress = func(n int64) {
						fmt.Fprintf(e.stderr, "\rread %s requests", table.GroupDigits(strconv.FormatInt(n, 10)))
					}
				}
				rep, err := o.ImportEvents(ctx, opt)
				if opt.Progress != nil {
					fmt.Fprintln(e.stderr)
				}
				if err != nil {
					return err
				}
				if format == "json" {
					return table.WriteJSON(cmd.OutOrStdout(), rep)
				}
				writeEventImport(cmd, rep)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&mapping, "mapping", "", "column-mapping profile (YAML) for a file in no built-in schema")
	cmd.Flags().BoolVar(&lenient, "lenient", false, "count and list bad rows instead of stopping at the first")
	addFormatFlag(cmd, &format, "table", "json")
	addLimitFlag(cmd, &limitPairs, false)
	return cmd
}

func n(v int64) string { return table.GroupDigits(strconv.FormatInt(v, 10)) }

func writeEventImport(cmd *cobra.Command, rep *office.EventImportReport) {
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "%s (%s): %s rows read, %s requests added, %s updated, %s unchanged", rep.File, rep.Schema, n(rep.Rows), n(rep.Added), n(rep.Updated), n(rep.Unchanged))
	if rep.Duplicates > 0 {
		fmt.Fprintf(w, ", %s repeated rows counted once", n(rep.Duplicates))
	}
	if rep.Bad > 0 {
		fmt.Fprintf(w, ", %s bad rows refused", n(rep.Bad))
	}
	fmt.Fprintln(w)
	if rep.Coverage != "" {
		fmt.Fprintf(w, "requests made over %s (%s to %s)\n", rep.Coverage, rep.First.Format("2006-01-02 15:04"), rep.Last.Format("2006-01-02 15:04"))
	}
	if rep.ClosedEarly > 0 {
		fmt.Fprintf(w, "%s requests have a closing time written before their creation time (a date at midnight): counted as closed at creation, 0 days\n", n(rep.ClosedEarly))
	}
	if rep.Synthetic > 0 {
		fmt.Fprintf(w, "SYNTHETIC: %s of the requests are generated, not City data\n", n(rep.Synthetic))
	}
	for _, l := range rep.Replaced {
		fmt.Fprintf(w, "placed the stored requests again in layer %s (imported or replaced since)\n", l)
	}
	for _, p := range rep.Placed {
		fmt.Fprintf(w, "layer %s: %s placed by coordinates, %s by area code, %s not placed", p.Layer, n(p.ByPoint), n(p.ByCode), n(p.Unplaced))
		var rs []string
		for r, c := range p.Reasons {
			rs = append(rs, fmt.Sprintf("%s %s", n(c), r))
		}
		sort.Strings(rs)
		if len(rs) > 0 {
			fmt.Fprintf(w, " (%s)", strings.Join(rs, "; "))
		}
		fmt.Fprintln(w)
	}
	for _, s := range rep.Skipped {
		fmt.Fprintf(w, "not placed in %s\n", s)
	}
	if len(rep.Placed) == 0 && len(rep.Skipped) == 0 {
		fmt.Fprintln(w, "no layer is stored: the requests are placed when one is (budgetlens geo import)")
	}
	for _, x := range rep.BadExamples {
		fmt.Fprintf(w, "  bad: %s\n", x)
	}
	for _, x := range rep.DuplicateExamples {
		fmt.Fprintf(w, "  repeated: %s\n", x)
	}
}

func newEventsPlaceCmd(e *env) *cobra.Command {
	var layers []string
	cmd := &cobra.Command{
		Use:   "place [--layer NAME]...",
		Short: "Place the stored requests again (in the named layers, else wherever placements are missing or stale)",
		Example: `  budgetlens events place
  budgetlens events place --layer districts --layer neighbourhoods`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withOffice(false, func(ctx context.Context, o *office.Office) error {
				done, err := o.ReplaceEvents(ctx, layers)
				if err != nil {
					return err
				}
				if len(done) == 0 {
					fmt.Fprintln(cmd.OutOrStdout(), "every stored request is placed in every stored layer of areas: nothing to do")
					return nil
				}
				fmt.Fprintf(cmd.OutOrStdout(), "placed the stored requests in %s\n", strings.Join(done, ", "))
				return nil
			})
		},
	}
	cmd.Flags().StringSliceVar(&layers, "layer", nil, "layer to place the requests in (repeatable)")
	return cmd
}

func newEventsLsCmd(e *env) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "ls",
		Short: "List the imports of service requests",
		Example: `  budgetlens events ls
  budgetlens events ls --format csv --delimiter ';' > imports.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := e.checkDelimiter(cmd, format); err != nil {
				return err
			}
			return e.withOffice(true, func(ctx context.Context, o *office.Office) error {
				imps, err := o.Store.EventImports(ctx)
				if err != nil {
					return err
				}
				w := cmd.OutOrStdout()
				if format == "json" {
					return table.WriteJSON(w, imps)
				}
				head := []string{"id", "file", "schema", "rows", "added", "updated", "unchanged", "synthetic", "coverage", "imported_at"}
				var rows [][]string
				for _, x := range imps {
					rows = append(rows, []string{strconv.FormatInt(x.ID, 10), x.File, x.Schema, strconv.FormatInt(x.Rows, 10), strconv.FormatInt(x.Added, 10),
						strconv.FormatInt(x.Updated, 10), strconv.FormatInt(x.Unchanged, 10), strconv.FormatInt(x.Synthetic, 10), x.Coverage, x.At.Format("2006-01-02 15:04:05")})
				}
				if format == "csv" {
					return e.writeListing(w, format, head, rows, nil)
				}
				if len(rows) == 0 {
					fmt.Fprintln(w, "no service requests are stored: import some with budgetlens events import FILE")
					return nil
				}
				return table.WriteAligned(w, append([][]string{head}, rows...), map[int]bool{3: true, 4: true, 5: true, 6: true, 7: true})
			})
		},
	}
	addFormatFlag(cmd, &format)
	addDelimiterFlag(cmd, e)
	return cmd
}
