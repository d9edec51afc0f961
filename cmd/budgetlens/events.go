package main

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/events"
	"github.com/budgetlens/budgetlens/office"
	"github.com/budgetlens/budgetlens/table"
	"github.com/spf13/cobra"
)

func newEventsCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "events",
		Short: "Service events (MyLA311 requests): generate a synthetic set, summarise by area",
		Long: `events works with service requests in the MyLA311 schema (SRNumber, CreatedDate,
UpdatedDate, ClosedDate, RequestType, Status, RequestSource, Latitude, Longitude,
CD, NC, ...): it places each request in an area of a stored layer and reports
counts, rates per 1,000 residents and response-time median and 90th percentile,
and it generates a deterministic synthetic set, labelled as such, for demos.`,
		Example: `  budgetlens events generate --out requests.csv --rows 100000 --seed 7
  budgetlens events summarize --layer districts --in requests.csv
  budgetlens events summarize --layer districts --in requests.csv --run latest --format csv`,
	}
	cmd.AddCommand(newEventsGenerateCmd(e), newEventsSummarizeCmd(e), newEventsImportCmd(e), newEventsPlaceCmd(e), newEventsLsCmd(e))
	return cmd
}

func newEventsGenerateCmd(e *env) *cobra.Command {
	var out, tracts, county, layer, codesLayer string
	var rows int
	var seed uint64
	var noCoords float64
	var limitPairs []string
	cmd := &cobra.Command{
		Use:   "generate --out FILE --rows N --seed S [--tracts POINTS.csv | --layer NAME] [--codes-layer NAME]",
		Short: "Write a deterministic synthetic set of service requests (labelled SYNTHETIC)",
		Long: `generate writes --rows synthetic requests with the MyLA311 header to --out. Each
request is placed near a tract chosen with probability proportional to its
population: by default the 2,498 Los Angeles County 2020 tracts built into
budgetlens (interior points and 2023 population from the California DWR tract
file); or the tract interior points of --tracts (that DWR file,
ca_tracts2020_points_pop_mhi_dwr_eda_2023.csv, --county 037 = Los Angeles
County); or the areas of a stored --layer (weighted by population; points
uniform inside each polygon, or around the point of a point-only area). With --codes-layer (e.g. districts) only places inside
that layer are used and the CD column is filled with the area id; a share
--no-coords of those rows is written without coordinates.

The same options and seed give the same file byte for byte. Every row is
labelled synthetic: SRNumber starts with SYN- and RequestSource is SYNTHETIC.
Request types and response times follow the table in docs/attribution.md.`,
		Example: `  budgetlens events generate --out requests.csv --rows 1000000 --seed 2021
  budgetlens events generate --out - --rows 1000 --layer districts --codes-layer districts | head
  budgetlens events generate --out requests.csv --rows 50000 --tracts ca_tracts2020_points.csv --county 001`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			lim, err := limits(cmd, limitPairs)
			if err != nil {
				return err
			}
			if _, err := e.comma(); err != nil {
				return err
			}
			if out == "" {
				return budget.Errorf(budget.EINVALID, "name the output file with --out")
			}
			if rows <= 0 {
				return budget.Errorf(budget.EINVALID, "--rows %d: give a positive number of rows", rows)
			}
			if noCoords < 0 || noCoords > 1 {
				return budget.Errorf(budget.EINVALID, "--no-coords %v: give a share between 0 and 1", noCoords)
			}
			var places []events.Place
			popt := office.PlacesOptions{Tracts: tracts, County: county, Layer: layer, CodesLayer: codesLayer, Limits: lim}
			if layer != "" || codesLayer != "" {
				err := e.withOffice(true, func(ctx context.Context, o *office.Office) error {
					var err error
					places, err = o.GeneratorPlaces(ctx, popt)
					return err
				})
				if err != nil {
					return err
				}
			} else {
				var err error
				if places, err = (&office.Office{}).GeneratorPlaces(context.Background(), popt); err != nil {
					return err
				}
			}
			w, done, err := e.createCSVOut(cmd, out, "csv")
			if err != nil {
				return err
			}
			rep, err := events.Generate(w, events.GenOptions{Rows: rows, Seed: seed, Places: places, NoCoordsShare: noCoords})
			err = done(err)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %d SYNTHETIC requests (seed %d, %d places, %d open, %d without coordinates) to %s, sha256 %s\n",
				rep.Rows, rep.Seed, rep.Places, rep.Open, rep.NoCoords, out, rep.SHA256)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "output CSV file (- for standard output)")
	cmd.Flags().IntVar(&rows, "rows", 1000000, "number of requests")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "random seed")
	cmd.Flags().StringVar(&tracts, "tracts", "", "tract interior points with population (DWR CSV); default: the built-in LA County tracts")
	cmd.Flags().StringVar(&county, "county", "037", "county FIPS code of the tracts to use (empty for all)")
	cmd.Flags().StringVar(&layer, "layer", "", "stored layer whose areas (with population) are the places, instead of --tracts")
	cmd.Flags().StringVar(&codesLayer, "codes-layer", "", "stored layer whose area ids fill the CD column; places outside it are left out")
	cmd.Flags().Float64Var(&noCoords, "no-coords", 0.01, "share of rows with a CD code written without coordinates (with --codes-layer)")
	addDelimiterFlag(cmd, e)
	addLimitFlag(cmd, &limitPairs, false)
	return cmd
}

func newEventsSummarizeCmd(e *env) *cobra.Command {
	var layer, in, format, codeCol, needRun string
	var lenient bool
	var maxDist float64
	var limitPairs []string
	cmd := &cobra.Command{
		Use:   "summarize --layer NAME --in FILE [--format table|json|csv] [--lenient]",
		Short: "Count service requests per area: rates per 1,000 residents, response-time median and p90",
		Long: `summarize streams a MyLA311-style CSV (on all cores, in bounded memory), places
each request in an area of the stored layer by its coordinates (falling back to
its CD code, matched to the area ids, when coordinates are missing or outside
the layer; --code-column NC to use NC codes, NCName to match neighbourhood
council names with the layer's area names, or "" for none), and prints
per area: requests, rate per 1,000 residents, closed requests, and the median
and 90th percentile of the response time in hours (closed - created; closing
time from UpdatedDate when ClosedDate is empty on a closed request). On a layer
known only by points (tract interior points), a request goes to the nearest
point within --max-distance metres.

Quantiles are nearest-rank (the value of rank ceil(q n)) from a mergeable
sketch with relative error at most 0.5%. A bad row stops the run with its file,
line, column and value; --lenient counts bad rows, lists the first ones and goes
on. The totals (rows, located, by code, unplaced, bad, synthetic) go to standard
error, or into the JSON. --in - reads standard input.`,
		Example: `  budgetlens events summarize --layer districts --in MyLA311_2021.csv
  budgetlens events summarize --layer neighbourhoods --in requests.csv --code-column NCName --lenient
  budgetlens events summarize --layer tracts --in requests.csv --run latest --format csv > by_tract.csv
  zcat requests.csv.gz | budgetlens events summarize --layer districts --in - --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if in == "" {
				return budget.Errorf(budget.EINVALID, "name the requests file with --in (- for standard input)")
			}
			if err := e.checkDelimiter(cmd, format); err != nil {
				return err
			}
			lim, err := limits(cmd, limitPairs)
			if err != nil {
				return err
			}
			var r io.Reader = e.in()
			name := stdinName
			if in != "-" {
				f, err := office.OpenCSVInput(in, "--in")
				if err != nil {
					return err
				}
				defer f.Close()
				r, name = f, in
			}
			return e.withOffice(true, func(ctx context.Context, o *office.Office) error {
				s, err := o.SummarizeEvents(ctx, office.SummarizeOptions{Layer: layer, In: name, R: r, CodeColumn: codeCol, Lenient: lenient, MaxDistance: maxDist, NeedRun: needRun, Limits: lim})
				if err != nil {
					return err
				}
				return writeEventsSummary(cmd, e, format, s.Layer, s.Summary, s.Tiers)
			})
		},
	}
	cmd.Flags().StringVar(&layer, "layer", "", "stored area layer")
	cmd.Flags().StringVar(&in, "in", "", "service requests CSV (MyLA311 schema); - for standard input")
	cmd.Flags().StringVar(&codeCol, "code-column", "CD", "column used when coordinates are missing: CD, NC, NCName or empty for none")
	cmd.Flags().BoolVar(&lenient, "lenient", false, "count and report bad rows instead of stopping at the first")
	cmd.Flags().Float64Var(&maxDist, "max-distance", 3000, "for a layer of points (tract interior points): farthest distance in metres to the nearest point")
	cmd.Flags().StringVar(&needRun, "run", "", "need-index run (id, or latest) over the same layer: adds each area's tier and a summary per tier")
	aliasFlag(cmd, "need-run", "run")
	addFormatFlag(cmd, &format)
	addDelimiterFlag(cmd, e)
	addLimitFlag(cmd, &limitPairs, false)
	return cmd
}

func writeEventsSummary(cmd *cobra.Command, e *env, format, layer string, s *events.Summary, tiers []string) error {
	if format == "json" {
		return table.WriteJSON(cmd.OutOrStdout(), struct {
			Layer string `json:"layer"`
			*events.Summary
		}{layer, s})
	}
	opt := func(p *float64, prec int) string {
		if p == nil {
			return ""
		}
		return strconv.FormatFloat(*p, 'f', prec, 64)
	}
	header := []string{"area_id", "population", "requests", "rate_per_1000", "closed", "median_hours", "p90_hours"}
	if tiers != nil {
		header = append(header, "need_tier")
	}
	var rows [][]string
	for i, a := range s.Areas {
		row := []string{a.AreaID, strconv.FormatFloat(a.Population, 'f', -1, 64), strconv.Itoa(a.Count),
			opt(a.RatePer1000, 2), strconv.Itoa(a.Closed), opt(a.MedianHours, 1), opt(a.P90Hours, 1)}
		if tiers != nil {
			row = append(row, tiers[i])
		}
		rows = append(rows, row)
	}
	if err := e.writeListing(cmd.OutOrStdout(), format, header, rows, nil); err != nil {
		return err
	}
	if tiers != nil && format != "csv" {
		var trows [][]string
		for _, t := range s.Tiers {
			trows = append(trows, []string{t.Tier, strconv.Itoa(t.Areas), strconv.FormatFloat(t.Population, 'f', -1, 64), strconv.Itoa(t.Count),
				opt(t.RatePer1000, 2), strconv.Itoa(t.Closed), opt(t.MedianHours, 1), opt(t.P90Hours, 1)})
		}
		fmt.Fprintln(cmd.OutOrStdout())
		if err := e.writeListing(cmd.OutOrStdout(), format, []string{"need_tier", "areas", "population", "requests", "rate_per_1000", "closed", "median_hours", "p90_hours"}, trows, nil); err != nil {
			return err
		}
	}
	ew := cmd.ErrOrStderr()
	fmt.Fprintf(ew, "%s (sha256 %s): %d rows; %d placed by coordinates, %d by district code, %d not placed in layer %s, %d bad\n",
		s.File, s.InputSHA256, s.Rows, s.Located, s.ByCode, s.Unplaced, layer, s.Bad)
	if s.Synthetic > 0 {
		fmt.Fprintf(ew, "SYNTHETIC DATA: %d of %d rows are synthetic (RequestSource SYNTHETIC), not real service requests\n", s.Synthetic, s.Rows)
	}
	for _, b := range s.BadExamples {
		fmt.Fprintf(ew, "bad row: %s\n", b)
	}
	return nil
}
