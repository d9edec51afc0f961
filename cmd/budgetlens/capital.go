package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/capital/projects"
	"github.com/budgetlens/budgetlens/office"
	"github.com/budgetlens/budgetlens/table"
	"github.com/spf13/cobra"
)

// newCapitalCmd is `budgetlens capital ...`: capital plans, where their
// dollars went, the best plan under a budget and equity targets, scenarios.
func newCapitalCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "capital",
		Short: "Capital plans: import, where the dollars went, the best plan, scenarios",
		Long: `capital works on capital plans: project lists with costs (in total or per year)
and places (points, lines, polygons, area codes, citywide).

  import    read a project list (CSV, XLSX, GeoJSON) as a named plan
  ls        list the stored plans
  projects  list a plan's projects
  analyze   place every project's dollars in areas and set them against need
  plan      the plan of greatest benefit under a budget and equity targets,
            proven optimal, with a reason for every project left out
  scenarios list the saved scenarios of a plan with their equity figures
  compare   compare two scenarios: projects in and out, and why
  release   make a plan and its scenarios public; hold: take them back
  rm        remove a plan or one of its scenarios

See docs/capital.md.`,
	}
	cmd.Example = `  budgetlens capital import cip.csv --plan cip-2025 --id-column ID --cost Cost --lon Lon --lat Lat
  budgetlens capital analyze --plan cip-2025 --layer districts
  budgetlens capital plan --plan cip-2025 --budget 25000000 --benefit Score --min-high-need-share 0.4 --save equity`
	cmd.AddCommand(newCapitalImportCmd(e), newCapitalLsCmd(e), newCapitalProjectsCmd(e), newCapitalAnalyzeCmd(e), newCapitalPlanCmd(e),
		newCapitalScenariosCmd(e), newCapitalCompareCmd(e), newCapitalReleaseCmd(e, true), newCapitalReleaseCmd(e, false), newCapitalRmCmd(e))
	return cmd
}

func newCapitalImportCmd(e *env) *cobra.Command {
	var opt office.CapitalImportOptions
	var limitPairs []string
	var format string
	var skipMissing bool
	c := &opt.Columns
	cmd := &cobra.Command{
		Use:   "import FILE --plan NAME [--mapping NAME|FILE] [--id-column COL] [--name-column COL] (--cost COL | --years COL,COL,...) [--units N] [--category COL] [place flags]",
		Short: "Import a capital project list (CSV, XLSX, GeoJSON) as a plan",
		Long: `import reads a project list and stores it as the plan --plan, in one
transaction. Columns are named by their headings (GeoJSON: property names),
through a column mapping (--mapping: a name under the city profile's
capital.mappings, or a YAML file with the same keys) or the flags below,
which override the mapping.

  --id-column COL     project ids (default: the line number)
  --name-column COL, --category COL  optional columns
  --cost COL          the total cost; or
  --years COL,COL,... one cost column per year (their headings label the
                      years unless --year-labels gives labels)
  --units N           amounts are in units of N dollars (1000: thousands)

The place of each project, in this order:
  --citywide V,...    cells of the --area column meaning the whole city
  a geometry          the GeoJSON feature's, a --geometry column (WKT or
                      GeoJSON text), or --lon/--lat columns
  --layer L --area COL  area codes of stored layer L, several separated by
                      commas (or --area-separator) or "&": "B,E,I"
  --unplaced V,...    cells meaning no known place (blank cells too)

Amounts are read exactly ("$12,997,000.00", "(1,250)", "1.2e6"); a bad cell
is refused with its file, line and column, and nothing is stored.`,
		Example: `  budgetlens capital import cip.csv --plan cip-2025 --id-column "Project ID" --name-column Project --years FY25,FY26,FY27 --lon Lon --lat Lat
  budgetlens capital import boston_cip.csv --plan boston-fy19 --id-column "Project ID" --cost Total --layer neighborhoods --area Neighborhood --citywide Citywide
  budgetlens capital import requests.xlsx --plan grants --mapping grants --skip-missing-cost --format json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			lim, err := limits(cmd, limitPairs)
			if err != nil {
				return err
			}
			opt.Limits = lim.Table
			if skipMissing {
				c.MissingCost = "skip"
			}
			return e.withOffice(false, func(ctx context.Context, o *office.Office) error {
				res, err := o.ImportCapitalPlan(ctx, args[0], opt)
				if err != nil {
					return err
				}
				if format == "json" {
					return table.WriteJSON(cmd.OutOrStdout(), importJSON(res))
				}
				writeImported(cmd, res)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&opt.Plan, "plan", "", "name of the plan (required)")
	f.StringVar(&opt.Mapping, "mapping", "", "column mapping: a name under the profile's capital.mappings, or a YAML file")
	f.StringVar(&c.ID, "id-column", "", "column of project ids (default: the line number)")
	f.StringVar(&c.Name, "name-column", "", "column of project names")
	aliasFlag(cmd, "id", "id-column")
	aliasFlag(cmd, "name", "name-column")
	f.StringVar(&c.Category, "category", "", "column of categories")
	f.StringVar(&c.Cost, "cost", "", "column of each project's total cost")
	f.StringSliceVar(&c.Years, "years", nil, "columns of the cost per year, in year order (COL,COL,...)")
	f.StringSliceVar(&c.YearLabels, "year-labels", nil, "labels of the --years columns (default: their headings)")
	f.Int64Var(&c.Units, "units", 0, "amounts are in units of N dollars: 1000 for thousands (a power of ten)")
	f.StringVar(&c.Lon, "lon", "", "column of longitudes (WGS84)")
	f.StringVar(&c.Lat, "lat", "", "column of latitudes (WGS84)")
	f.StringVar(&c.Geometry, "geometry", "", "column of geometries: WKT or GeoJSON text (points, lines, polygons)")
	f.StringVar(&c.AreaLayer, "layer", "", "stored layer whose area ids the --area column holds")
	f.StringVar(&c.Area, "area", "", "column of area codes (several: \"B,E,I\"), citywide and unplaced markers")
	f.StringVar(&c.AreaSeparator, "area-separator", "", "separator of several area codes (default \",\"; \"&\" always separates)")
	f.StringSliceVar(&c.Citywide, "citywide", nil, "--area cells meaning the whole city (VALUE,...)")
	f.StringSliceVar(&c.Unplaced, "unplaced", nil, "--area cells meaning no known place (VALUE,...)")
	f.StringVar(&c.Sheet, "sheet", "", "sheet of a workbook (default: the first)")
	f.IntVar(&c.HeaderRow, "header-row", 0, "row of a workbook's header, as Excel numbers rows (default: the first non-empty)")
	f.BoolVar(&skipMissing, "skip-missing-cost", false, "leave out rows whose cost cells are blank (requests without an estimate), listing them, instead of refusing the file")
	f.BoolVar(&opt.Replace, "replace", false, "replace a stored plan of the same name (and its scenarios)")
	addLimitFlag(cmd, &limitPairs, false)
	addFormatFlag(cmd, &format, "table", "json")
	return cmd
}

// importedJSON is what import --format json answers.
type importedJSON struct {
	Plan             string                     `json:"plan"`
	Source           string                     `json:"source"`
	SHA256           string                     `json:"sha256"`
	Projects         int                        `json:"projects"`
	Total            analysis.Dollars           `json:"total"`
	Years            []string                   `json:"years"`
	Places           map[projects.PlaceKind]int `json:"places"`
	Skipped          []projects.Skipped         `json:"skipped"`
	Replaced         bool                       `json:"replaced"`
	ScenariosDropped int                        `json:"scenarios_dropped"`
}

func importJSON(r *office.CapitalImported) importedJSON {
	return importedJSON{Plan: r.Plan.Name, Source: r.Plan.Source, SHA256: r.Plan.SHA256, Projects: len(r.Plan.Projects), Total: analysis.Dollars(r.Plan.Total()),
		Years: r.Plan.Years, Places: r.Places, Skipped: append([]projects.Skipped{}, r.Plan.Skipped...), Replaced: r.Replaced, ScenariosDropped: r.ScenariosDropped}
}

func writeImported(cmd *cobra.Command, r *office.CapitalImported) {
	w := cmd.OutOrStdout()
	p := r.Plan
	years := "one total per project"
	if len(p.Years) > 0 {
		years = "years " + strings.Join(p.Years, ", ")
	}
	fmt.Fprintf(w, "plan %s: %d projects, %s (%s) from %s\n", p.Name, len(p.Projects), capDollars(p.Total()), years, p.Source)
	var kinds []string
	for _, k := range []projects.PlaceKind{projects.PlaceGeometry, projects.PlaceAreas, projects.PlaceCitywide, projects.PlaceNone} {
		if n := r.Places[k]; n > 0 {
			kinds = append(kinds, fmt.Sprintf("%s %d", k, n))
		}
	}
	fmt.Fprintf(w, "places: %s\n", strings.Join(kinds, ", "))
	if n := len(p.Skipped); n > 0 {
		var lines []string
		for i, sk := range p.Skipped {
			if i == 10 {
				lines = append(lines, fmt.Sprintf("... %d more", n-10))
				break
			}
			lines = append(lines, strconv.Itoa(sk.Line))
		}
		fmt.Fprintf(w, "left out %d rows without a cost (lines %s)\n", n, strings.Join(lines, ", "))
	}
	if r.Replaced {
		fmt.Fprintf(w, "replaced the stored plan of that name and its %d scenarios", r.ScenariosDropped)
		if r.WasReleased {
			fmt.Fprint(w, "; it was public and is held now: release it again with budgetlens capital release --plan "+p.Name)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "held: not public until budgetlens capital release --plan "+p.Name)
}

func capDollars(c int64) string { return "$" + budget.GroupDigits(budget.FormatUnits(c, 2)) }

func newCapitalLsCmd(e *env) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "ls",
		Short: "List the stored capital plans",
		Example: `  budgetlens capital ls
  budgetlens capital ls --format csv --delimiter ";"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withOffice(true, func(ctx context.Context, o *office.Office) error {
				ps, err := o.CapitalPlans(ctx)
				if err != nil {
					return err
				}
				var rows [][]string
				for _, p := range ps {
					state := "held"
					if p.Released {
						state = "released"
					}
					rows = append(rows, []string{p.Name, strconv.Itoa(p.Projects), budget.FormatUnits(p.TotalCents, 2), strings.Join(p.Years, " "), p.AreaLayer,
						strconv.Itoa(p.Scenarios), state, p.Source})
				}
				return e.writeListing(cmd.OutOrStdout(), format, []string{"plan", "projects", "total", "years", "area_layer", "scenarios", "state", "source"}, rows, ps)
			})
		},
	}
	addFormatFlag(cmd, &format)
	addDelimiterFlag(cmd, e)
	return cmd
}

func newCapitalProjectsCmd(e *env) *cobra.Command {
	var plan, format string
	cmd := &cobra.Command{
		Use:   "projects --plan NAME",
		Short: "List a plan's projects with their costs and places",
		Example: `  budgetlens capital projects --plan cip-2025
  budgetlens capital projects --plan cip-2025 --format csv > projects.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withOffice(true, func(ctx context.Context, o *office.Office) error {
				p, err := o.CapitalPlan(ctx, plan)
				if err != nil {
					return err
				}
				header := []string{"id", "line", "name", "category", "total"}
				header = append(header, p.Years...)
				header = append(header, "place", "areas", "place_text")
				var rows [][]string
				for _, pr := range p.Projects {
					r := []string{pr.ID, strconv.Itoa(pr.Line), pr.Name, pr.Category, budget.FormatUnits(pr.Total(), 2)}
					if len(p.Years) > 0 {
						for _, c := range pr.Cost {
							r = append(r, budget.FormatUnits(c, 2))
						}
					}
					kind := string(pr.Place.Kind)
					if pr.Place.Geometry != nil {
						kind = pr.Place.Geometry.GeoJSONType()
					}
					rows = append(rows, append(r, kind, strings.Join(pr.Place.Areas, ","), pr.Place.Text))
				}
				return e.writeListing(cmd.OutOrStdout(), format, header, rows, p.Projects)
			})
		},
	}
	cmd.Flags().StringVar(&plan, "plan", "", "the plan")
	addFormatFlag(cmd, &format)
	addDelimiterFlag(cmd, e)
	return cmd
}

func newCapitalReleaseCmd(e *env, release bool) *cobra.Command {
	opt := office.CapitalReleaseOptions{Released: release}
	name, verb := "hold", "Hold"
	if release {
		name, verb = "release", "Release"
	}
	cmd := &cobra.Command{
		Use:     name + " --plan NAME",
		Short:   verb + " a capital plan and its scenarios for the public (recorded with who and when)",
		Example: "  budgetlens capital " + name + " --plan cip-2025 --note \"council vote of 12 May\"",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opt.By == "" {
				opt.By = osUser()
			}
			return e.withOffice(false, func(ctx context.Context, o *office.Office) error {
				if err := o.SetCapitalRelease(ctx, opt); err != nil {
					return err
				}
				state := "held (not public)"
				if release {
					state = "released (public)"
				}
				fmt.Fprintf(cmd.OutOrStdout(), "plan %s: %s by %s\n", opt.Plan, state, opt.By)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&opt.Plan, "plan", "", "the plan")
	cmd.Flags().StringVar(&opt.By, "as", "", "who makes the change (default: the operating-system user)")
	cmd.Flags().StringVar(&opt.Note, "note", "", "why (kept in the log)")
	return cmd
}

func newCapitalRmCmd(e *env) *cobra.Command {
	var plan, scenario string
	cmd := &cobra.Command{
		Use:   "rm --plan NAME [--scenario NAME]",
		Short: "Remove a plan (with its scenarios) or one scenario",
		Example: `  budgetlens capital rm --plan cip-2025 --scenario draft
  budgetlens capital rm --plan cip-2024`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withOffice(false, func(ctx context.Context, o *office.Office) error {
				if scenario != "" {
					if err := o.DeleteCapitalScenario(ctx, plan, scenario); err != nil {
						return err
					}
					fmt.Fprintf(cmd.OutOrStdout(), "removed scenario %s of plan %s\n", scenario, plan)
					return nil
				}
				if err := o.DeleteCapitalPlan(ctx, plan); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "removed plan %s\n", plan)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&plan, "plan", "", "the plan")
	cmd.Flags().StringVar(&scenario, "scenario", "", "remove only this scenario")
	return cmd
}
