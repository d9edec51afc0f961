package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/office"
	"github.com/budgetlens/budgetlens/store"
	"github.com/budgetlens/budgetlens/table"
	"github.com/spf13/cobra"
)

func newGeoCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "geo",
		Short: "Area layers: import, list, assign points, crosswalks, adjacency, export",
		Long: `geo manages area layers (tracts, neighbourhoods, council districts, ZIP codes):
import them from GeoJSON, zipped Shapefile, GeoPackage or CSV, assign points to
areas, build crosswalks and adjacency, and export GeoJSON.

A point on the boundary between two areas belongs to the area east of it (north
of it on an east-west edge); a point in an overlap belongs to the area listed
first in the imported file.`,
		Example: `  budgetlens geo import districts.geojson --layer districts --id-column District --name-column District_Name
  budgetlens geo ls
  budgetlens geo assign --layer districts --in points.csv --out assigned.csv
  budgetlens geo export --layer districts --out districts.gpkg`,
	}
	cmd.AddCommand(newGeoImportCmd(e), newGeoLsCmd(e), newGeoAssignCmd(e), newGeoExportCmd(e),
		newGeoAdjacencyCmd(e), newGeoCheckCmd(e), newGeoCrosswalkCmd(e), newGeoTransformCmd(e), newGeoApportionCmd(e))
	return cmd
}

func newGeoImportCmd(e *env) *cobra.Command {
	var opt geo.ImportOptions
	var format string
	var limitPairs []string
	cmd := &cobra.Command{
		Use:   "import --layer NAME [--id-column C] [--name-column C] [--population-column C] [--crs EPSG:n] [--no-geometry] FILE|-",
		Short: "Import an area layer (GeoJSON, zipped Shapefile, GeoPackage, CSV with WKT or lon/lat)",
		Long: `import reads a layer file, validates and repairs its geometry (closes rings, drops
empty parts, fixes winding; reports self-intersections), transforms it to WGS84,
measures overlaps and gaps between its areas, and stores it under --layer,
replacing a layer of that name, in one transaction. FILE - reads standard
input (its format found from its first bytes).

With --no-geometry the file is a plain table of areas without boundaries (a
city's ward statistics): --id-column names the ids, --name-column and
--population-column their columns, every other column becomes an attribute.
Analyses, need runs and capital plans use such areas by their ids and
populations; nothing can be located in them.

--format json prints the full import report; csv one row per repair, warning,
overlap and gap (kind, areas, area_m2, example, detail).`,
		Example: `  budgetlens geo import districts_2025.geojson --layer districts --id-column District --name-column District_Name
  budgetlens geo import tracts.zip --layer tracts --id-column GEOID --population-column POP20
  budgetlens geo import parcels.csv --layer parcels --crs EPSG:2229
  curl -s https://example.org/wards.geojson | budgetlens geo import - --layer wards
  budgetlens geo import wards.csv --layer wards --no-geometry --id-column Ward --name-column Name --population-column Residents
  budgetlens geo import big.gpkg --layer blocks --limit layer_vertices=20000000`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := e.checkDelimiter(cmd, format); err != nil {
				return err
			}
			lim, err := limits(cmd, limitPairs)
			if err != nil {
				return err
			}
			opt.Limits, opt.TableLimits = lim.Geo, lim.Table
			file, done, err := e.inputFile(args[0], layerInput)
			if err != nil {
				return err
			}
			defer done()
			source := ""
			if file != args[0] {
				source = stdinName
			}
			var l *geo.Layer
			var rep *geo.ImportReport
			err = e.withOffice(false, func(ctx context.Context, o *office.Office) error {
				var err error
				l, rep, err = o.ImportLayerAs(ctx, file, source, opt)
				return err
			})
			if err != nil {
				return renameInput(err, file, args[0])
			}
			switch format {
			case "json":
				return table.WriteJSON(cmd.OutOrStdout(), rep)
			case "csv":
				return e.writeListing(cmd.OutOrStdout(), format, coverageHeader, importRows(rep), nil)
			}
			w := cmd.OutOrStdout()
			if l.NoGeometry {
				var pop float64
				for _, a := range l.Areas {
					pop += a.Population
				}
				fmt.Fprintf(w, "layer %s: %d areas without boundaries from %s (residents %s)\n", l.Name, len(l.Areas), baseName(args[0]), table.GroupDigits(strconv.FormatFloat(pop, 'f', -1, 64)))
				return nil
			}
			fmt.Fprintf(w, "layer %s: %d areas from %s (%s)\n", l.Name, len(l.Areas), baseName(args[0]), rep.CRS)
			fmt.Fprintf(w, "repairs: %d, warnings: %d\n", len(rep.Repairs), len(rep.Warnings))
			for i, x := range rep.Warnings {
				if i == 10 {
					fmt.Fprintf(w, "  ... %d more\n", len(rep.Warnings)-10)
					break
				}
				fmt.Fprintf(w, "  warning: %s\n", x)
			}
			fmt.Fprintf(w, "overlapping pairs: %d (a point in an overlap goes to the area listed first)\n", len(rep.Overlaps))
			for i, o := range rep.Overlaps {
				if i == 10 {
					fmt.Fprintf(w, "  ... %d more\n", len(rep.Overlaps)-10)
					break
				}
				fmt.Fprintf(w, "  %s / %s: %.0f m² (e.g. %.6f,%.6f)\n", o.A, o.B, o.AreaM2, o.Example[0], o.Example[1])
			}
			fmt.Fprintf(w, "enclosed gaps: %d\n", len(rep.Gaps))
			for i, g := range rep.Gaps {
				if i == 10 {
					fmt.Fprintf(w, "  ... %d more\n", len(rep.Gaps)-10)
					break
				}
				fmt.Fprintf(w, "  %s m² at %.6f,%.6f between %s\n", table.GroupDigits(fmt.Sprintf("%.0f", g.AreaM2)), g.Example[0], g.Example[1], strings.Join(g.Neighbours, ", "))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&opt.Layer, "layer", "", "layer name (default: the file's base name)")
	f.StringVar(&opt.IDField, "id-column", "", "column (property) that becomes the area id (default: feature id, else position)")
	f.StringVar(&opt.NameField, "name-column", "", "column (property) that becomes the area name (default: name/Name/NAME)")
	f.StringVar(&opt.PopulationField, "population-column", "", "column (property) holding the population")
	aliasFlag(cmd, "id-field", "id-column")
	aliasFlag(cmd, "name-field", "name-column")
	aliasFlag(cmd, "population-field", "population-column")
	f.StringVar(&opt.CRS, "crs", "", "coordinate system when the file does not name one: EPSG:4326, 4269, 3857, any NAD83 State Plane zone (e.g. EPSG:2229) or NAD83/WGS 84 UTM zone")
	addFormatFlag(cmd, &format)
	addDelimiterFlag(cmd, e)
	addLimitFlag(cmd, &limitPairs, true)
	// areas without boundaries: a plain table (issue 12)
	f.BoolVar(&opt.NoGeometry, "no-geometry", false, "the file is a table of areas without boundaries (CSV or XLSX: --id-column, --name-column, --population-column; every other column an attribute)")
	aliasFlag(cmd, "id", "id-column")
	aliasFlag(cmd, "name", "name-column")
	aliasFlag(cmd, "population", "population-column")
	return cmd
}

func newGeoLsCmd(e *env) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "ls",
		Short: "List the stored layers",
		Example: `  budgetlens geo ls
  budgetlens geo ls --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := e.checkDelimiter(cmd, format); err != nil {
				return err
			}
			return e.withStore(true, func(s store.Store) error {
				infos, err := s.Layers(context.Background())
				if err != nil {
					return err
				}
				var rows [][]string
				for _, li := range infos {
					rows = append(rows, []string{li.Layer, strconv.Itoa(li.Areas), strconv.FormatFloat(li.Population, 'f', -1, 64), li.Source})
				}
				return e.writeListing(cmd.OutOrStdout(), format, []string{"layer", "areas", "population", "source"}, rows, infos)
			})
		},
	}
	addFormatFlag(cmd, &format)
	addDelimiterFlag(cmd, e)
	return cmd
}

func loadLayer(e *env, name string) (*geo.Layer, error) {
	var l *geo.Layer
	err := e.withOffice(true, func(ctx context.Context, o *office.Office) error {
		var err error
		l, err = o.LoadLayer(ctx, name)
		return err
	})
	return l, err
}

// createCSVOut is createOut for a command whose output is CSV (a header
// and rows, with a comma, as the packages write it): it is written in
// format (csv with the --delimiter separator, json or table; see
// csvOutput), numeric naming the columns that are numbers.
func (e *env) createCSVOut(cmd *cobra.Command, path, format string, numeric ...string) (io.Writer, func(error) error, error) {
	w, finish, err := createOut(cmd, path)
	if err != nil {
		return nil, nil, err
	}
	cw, flush := e.csvOutput(w, format, numeric...)
	return cw, func(failed error) error {
		if err := flush(); failed == nil {
			failed = err
		}
		return finish(failed)
	}, nil
}

// createOut opens path for writing ("-" or "" is stdout). The data go to a
// temporary file beside path, which finish(nil) renames to path; finish(err)
// removes it and returns err, so that a command that fails half-way leaves
// no partial file for the user to load (and an older file at path intact).
func createOut(cmd *cobra.Command, path string) (io.Writer, func(error) error, error) {
	if path == "" || path == "-" {
		return cmd.OutOrStdout(), func(err error) error { return err }, nil
	}
	if err := office.CheckOutput(path, "--out"); err != nil {
		return nil, nil, err
	}
	f, err := office.CreateAtomic(path, "--out", true)
	if err != nil {
		return nil, nil, err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	return bw, func(failed error) error {
		if failed == nil {
			failed = bw.Flush()
		}
		return f.Commit(failed)
	}, nil
}

func newGeoAssignCmd(e *env) *cobra.Command {
	var layer, in, out, crs, format string
	var workers int
	var limitPairs []string
	cmd := &cobra.Command{
		Use:   "assign --layer NAME --in POINTS.csv --out OUT.csv",
		Short: "Assign points (CSV id,lon,lat) to the areas of a layer",
		Long: `assign streams POINTS.csv (a header with id, lon and lat, WGS84 unless --crs) and
writes OUT.csv with header id,area_id and one row per point, in input order;
area_id is empty for a point outside every area (null in --format json). A
summary (points, assigned, outside with examples) goes to standard error.`,
		Example: `  budgetlens geo assign --layer districts --in requests_points.csv --out assigned.csv
  budgetlens geo assign --layer tracts --in points.csv --crs EPSG:2229 --format json
  cut -d, -f1,5,6 requests.csv | budgetlens geo assign --layer districts --in - > assigned.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if in == "" {
				return budget.Errorf(budget.EINVALID, "name the points file with --in")
			}
			lim, err := limits(cmd, limitPairs)
			if err != nil {
				return err
			}
			if _, err := e.comma(); err != nil {
				return err
			}
			l, err := loadLayer(e, layer)
			if err != nil {
				return err
			}
			ix := geo.NewIndex(l)
			var r io.Reader
			if in == "-" {
				r = e.in()
			} else {
				f, err := office.OpenCSVInput(in, "--in")
				if err != nil {
					return err
				}
				defer f.Close()
				r = f
			}
			w, closeOut, err := e.createCSVOut(cmd, out, format)
			if err != nil {
				return err
			}
			st, err := geo.AssignCSV(ix, r, w, geo.AssignOptions{Workers: workers, CRS: crs, File: inputName(in), Limits: lim.Table})
			err = closeOut(err)
			if err != nil {
				return err
			}
			e := cmd.ErrOrStderr()
			fmt.Fprintf(e, "%d points: %d assigned to %s, %d outside every area\n", st.Points, st.Assigned, layer, st.Outside)
			for _, x := range st.Examples {
				fmt.Fprintf(e, "  outside: line %d id %s at %.6f,%.6f\n", x.Line, x.ID, x.Lon, x.Lat)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&layer, "layer", "", "layer to assign to")
	f.StringVar(&in, "in", "", "points CSV with columns id, lon, lat (- for standard input)")
	f.StringVar(&out, "out", "-", "output file; - is standard output")
	f.StringVar(&crs, "crs", "", "coordinate system of the points (default WGS84), e.g. EPSG:2229")
	f.IntVar(&workers, "workers", 0, "goroutines locating points (default: all cores)")
	addFormatFlag(cmd, &format, "csv", "json", "table")
	addDelimiterFlag(cmd, e)
	addLimitFlag(cmd, &limitPairs, false)
	return cmd
}

func newGeoExportCmd(e *env) *cobra.Command {
	var layer, out, format string
	var tolerance float64
	cmd := &cobra.Command{
		Use:   "export --layer NAME [--simplify METRES] [--format geojson|gpkg|parquet] [--out FILE]",
		Short: "Export a layer as GeoJSON, GeoPackage or GeoParquet (typed properties; optionally simplified)",
		Long: `export writes a stored layer with its areas' properties, typed as they were read
(numbers as numbers, missing values as null), plus the area's id, name and
population (as area_id, area_name, area_population when the layer has
properties of those names). The format follows --format, else --out's
extension, else GeoJSON; GeoPackage and GeoParquet need a file (not -).`,
		Example: `  budgetlens geo export --layer districts > districts.geojson
  budgetlens geo export --layer districts --out districts.gpkg
  budgetlens geo export --layer tracts --out tracts.parquet
  budgetlens geo export --layer districts --simplify 50 --out web.geojson`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if tolerance < 0 || math.IsNaN(tolerance) {
				return budget.Errorf(budget.EINVALID, "--simplify %g: give a tolerance in metres, 0 or more", tolerance)
			}
			l, err := loadLayer(e, layer)
			if err != nil {
				return err
			}
			if tolerance > 0 {
				l = geo.Simplify(l, tolerance)
			}
			if format == "" {
				format = map[string]string{".gpkg": "gpkg", ".parquet": "parquet", ".geoparquet": "parquet"}[strings.ToLower(filepath.Ext(out))]
			}
			write := map[string]func(io.Writer) error{
				"geojson": func(w io.Writer) error { return geo.WriteGeoJSON(w, l) },
				"":        func(w io.Writer) error { return geo.WriteGeoJSON(w, l) },
				"gpkg":    func(w io.Writer) error { return geo.WriteGeoPackage(w, l, geo.LayerColumns(l), layer) },
				"parquet": func(w io.Writer) error { return geo.WriteGeoParquet(w, l, geo.LayerColumns(l)) },
			}[format]
			if write == nil {
				return budget.Errorf(budget.EINVALID, "--format %q: use geojson, gpkg or parquet", format)
			}
			w, closeOut, err := createOut(cmd, out)
			if err != nil {
				return err
			}
			return closeOut(write(w))
		},
	}
	f := cmd.Flags()
	f.StringVar(&layer, "layer", "", "layer to export")
	f.StringVar(&out, "out", "-", "output file; - is standard output")
	addEnumFlag(cmd, &format, "format", "", []string{"geojson", "gpkg", "parquet"}, "geojson, gpkg (GeoPackage) or parquet (GeoParquet); default from --out's extension, else geojson")
	f.Float64Var(&tolerance, "simplify", 0, "simplification tolerance in metres (0: none)")
	return cmd
}

func newGeoAdjacencyCmd(e *env) *cobra.Command {
	var layer, out, rule, key string
	var tol float64
	cmd := &cobra.Command{
		Use:   "adjacency --layer NAME [--rule queen|rook] [--tolerance METRES] [--key id|pos] [--out FILE.gal]",
		Short: "Write the contiguity (queen or rook) of a layer's areas as GAL",
		Long: `adjacency writes the neighbours of every area in GAL (GeoDa/PySAL). queen: the areas
share a boundary point; rook: they share a stretch of boundary. With --tolerance 0
(default) boundaries must share vertices (to 1e-7 degrees), as PySAL does; a positive
tolerance in metres accepts boundaries digitised separately that run within that
distance of each other. GAL ids cannot hold spaces: --key pos writes 1-based positions.`,
		Example: `  budgetlens geo adjacency --layer districts --out districts.gal
  budgetlens geo adjacency --layer neighbourhoods --rule rook --tolerance 5 --key pos > ncs.gal`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := geo.ParseContiguity(rule)
			if err != nil {
				return budget.Errorf(budget.EINVALID, "%w", err)
			}
			l, err := loadLayer(e, layer)
			if err != nil {
				return err
			}
			w, closeOut, err := createOut(cmd, out)
			if err != nil {
				return err
			}
			adj := geo.AdjacencyWithin(l, c, tol)
			write := geo.WriteGAL
			if key == "pos" {
				write = geo.WriteGALPositions
			} else if key != "id" {
				return closeOut(budget.Errorf(budget.EINVALID, "--key %q: use id or pos", key))
			}
			if err := write(w, l, adj); err != nil {
				return closeOut(budget.Errorf(budget.EINVALID, "%w", err))
			}
			return closeOut(nil)
		},
	}
	f := cmd.Flags()
	f.StringVar(&layer, "layer", "", "layer")
	addEnumFlag(cmd, &rule, "rule", "queen", []string{"queen", "rook"}, "contiguity: queen (shared point) or rook (shared edge)")
	f.Float64Var(&tol, "tolerance", 0, "metres within which boundaries count as shared (0: shared vertices)")
	addEnumFlag(cmd, &key, "key", "id", []string{"id", "pos"}, "GAL key: id (area ids) or pos (1-based positions)")
	f.StringVar(&out, "out", "-", "output GAL file; - is standard output")
	return cmd
}

func newGeoCheckCmd(e *env) *cobra.Command {
	var layer, format string
	cmd := &cobra.Command{
		Use:   "check --layer NAME",
		Short: "Report the overlaps and enclosed gaps of a stored layer",
		Example: `  budgetlens geo check --layer neighbourhoods
  budgetlens geo check --layer districts --format csv > coverage.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := e.checkDelimiter(cmd, format); err != nil {
				return err
			}
			l, err := loadLayer(e, layer)
			if err != nil {
				return err
			}
			over, gaps := geo.CheckCoverage(l)
			return e.writeListing(cmd.OutOrStdout(), format, coverageHeader[:4], coverageRows(over, gaps), map[string]any{"overlaps": over, "gaps": gaps})
		},
	}
	cmd.Flags().StringVar(&layer, "layer", "", "layer")
	addFormatFlag(cmd, &format)
	addDelimiterFlag(cmd, e)
	return cmd
}

func newGeoCrosswalkCmd(e *env) *cobra.Command {
	var from, to, weight, out, popLayer, format string
	cmd := &cobra.Command{
		Use:   "crosswalk --from LAYER --to LAYER [--weight area|population|centroid] [--population-layer LAYER] [--out FILE.csv]",
		Short: "Weights that apportion the areas of one layer to another",
		Long: `crosswalk writes CSV from_id,to_id,weight: the share of each --from area that lies
in each --to area. --weight area uses the overlapping area; population uses the
population of a finer --population-layer (e.g. tract interior points with their
population) found in both areas, or area shares when none is given; centroid puts each --from area wholly in the --to area holding its point (the
only choice for point-only areas such as tracts known by an interior point).`,
		Example: `  budgetlens geo crosswalk --from neighbourhoods --to districts --out nc_to_cd.csv
  budgetlens geo crosswalk --from tracts --to districts --weight centroid --format json
  budgetlens index aggregate --crosswalk <(budgetlens geo crosswalk --from tracts --to districts --weight centroid) --to to_id --from from_id --fraction weight`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := e.comma(); err != nil {
				return err
			}
			lf, err := loadLayer(e, from)
			if err != nil {
				return err
			}
			lt, err := loadLayer(e, to)
			if err != nil {
				return err
			}
			m, err := geo.ParseWeighting(weight)
			if err != nil {
				return budget.Errorf(budget.EINVALID, "%w", err)
			}
			var pop *geo.Layer
			if popLayer != "" {
				if pop, err = loadLayer(e, popLayer); err != nil {
					return err
				}
			}
			cw := geo.NewCrosswalk(lf, lt, m, pop)
			w, closeOut, err := e.createCSVOut(cmd, out, format, "weight", "population")
			if err != nil {
				return err
			}
			return closeOut(cw.WriteCSV(w))
		},
	}
	f := cmd.Flags()
	f.StringVar(&from, "from", "", "source layer (e.g. tract)")
	f.StringVar(&to, "to", "", "target layer (e.g. council_district)")
	addEnumFlag(cmd, &weight, "weight", "area", []string{"area", "population", "centroid"}, "area, population or centroid")
	f.StringVar(&popLayer, "population-layer", "", "finer layer with population for --weight population")
	f.StringVar(&out, "out", "-", "output file; - is standard output")
	addFormatFlag(cmd, &format, "csv", "json", "table")
	addDelimiterFlag(cmd, e)
	return cmd
}

func newGeoTransformCmd(e *env) *cobra.Command {
	var from string
	cmd := &cobra.Command{
		Use:   "transform --from EPSG:n",
		Short: "Transform coordinates (x y per line on standard input) to WGS84 lon lat",
		Long: `transform reads "x y" pairs, one per line, from standard input and writes
"lon lat" in WGS84 with ten decimals. Any NAD83 State Plane zone and UTM zone is
known (PROJ's definitions), besides EPSG:4326, 4269 and 3857.`,
		Example: `  echo "6487562.5 1841430.2" | budgetlens geo transform --from EPSG:2229
  budgetlens geo transform --from EPSG:26911 < utm_points.txt > lonlat.txt`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			tr, err := geo.ToWGS84(from)
			if err != nil {
				return budget.Errorf(budget.EINVALID, "%w", err)
			}
			sc := bufio.NewScanner(e.in())
			w := bufio.NewWriter(cmd.OutOrStdout())
			line := 0
			for sc.Scan() {
				line++
				var x, y float64
				if _, err := fmt.Sscan(sc.Text(), &x, &y); err != nil {
					return &budget.InputError{File: "stdin", Line: line, Value: sc.Text(), Expected: "two numbers: x y"}
				}
				p := tr([2]float64{x, y})
				fmt.Fprintf(w, "%.10f %.10f\n", p[0], p[1])
			}
			return w.Flush()
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "source coordinate system, e.g. EPSG:2229")
	return cmd
}

func newGeoApportionCmd(e *env) *cobra.Command {
	var layer, in, out, crs, format string
	var limitPairs []string
	cmd := &cobra.Command{
		Use:   "apportion --layer NAME --in GEOMS.csv --out OUT.csv",
		Short: "Divide lines and polygons (CSV id,wkt) among the areas of a layer",
		Long: `apportion reads GEOMS.csv (a header with id and a WKT column: wkt, geometry or geom)
and writes OUT.csv with header id,area_id,fraction: points by count, lines (street
segments) by length share, polygons (parcels, parks) by area share. Fractions of one
geometry sum to at most 1; the rest lies outside every area.`,
		Example: `  budgetlens geo apportion --layer districts --in street_segments.csv --out segment_shares.csv
  budgetlens geo apportion --layer districts --in parks.csv --crs EPSG:2229 --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if in == "" {
				return budget.Errorf(budget.EINVALID, "name the geometries file with --in (- for standard input)")
			}
			lim, err := limits(cmd, limitPairs)
			if err != nil {
				return err
			}
			if _, err := e.comma(); err != nil {
				return err
			}
			l, err := loadLayer(e, layer)
			if err != nil {
				return err
			}
			var r io.Reader = e.in()
			if in != "-" {
				f, err := office.OpenCSVInput(in, "--in")
				if err != nil {
					return err
				}
				defer f.Close()
				r = f
			}
			w, closeOut, err := e.createCSVOut(cmd, out, format, "fraction")
			if err != nil {
				return err
			}
			err = geo.ApportionCSVOptions(geo.NewIndex(l), r, w, geo.ApportionOptions{File: inputName(in), CRS: crs, Limits: lim.Table})
			return closeOut(err)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&layer, "layer", "", "layer")
	fl.StringVar(&in, "in", "", "CSV with id and WKT columns; - for standard input")
	fl.StringVar(&out, "out", "-", "output file; - is standard output")
	fl.StringVar(&crs, "crs", "", "coordinate system of the geometries (default WGS84)")
	addFormatFlag(cmd, &format, "csv", "json", "table")
	addDelimiterFlag(cmd, e)
	addLimitFlag(cmd, &limitPairs, false)
	return cmd
}

// coverageHeader is the header of geo check's and geo import's rows.
var coverageHeader = []string{"kind", "areas", "area_m2", "example", "detail"}

// coverageRows lists overlaps and gaps as rows of coverageHeader[:4].
func coverageRows(over []geo.Overlap, gaps []geo.Gap) [][]string {
	var rows [][]string
	for _, o := range over {
		rows = append(rows, []string{"overlap", o.A + " / " + o.B, fmt.Sprintf("%.0f", o.AreaM2), fmt.Sprintf("%.6f,%.6f", o.Example[0], o.Example[1])})
	}
	for _, g := range gaps {
		rows = append(rows, []string{"gap", strings.Join(g.Neighbours, " / "), fmt.Sprintf("%.0f", g.AreaM2), fmt.Sprintf("%.6f,%.6f", g.Example[0], g.Example[1])})
	}
	return rows
}

// importRows lists an import report as rows of coverageHeader: every
// repair and warning (their text in detail), then overlaps and gaps.
func importRows(rep *geo.ImportReport) [][]string {
	var rows [][]string
	for _, r := range rep.Repairs {
		rows = append(rows, []string{"repair", r.AreaID, "", "", r.Kind + ": " + r.Detail})
	}
	for _, w := range rep.Warnings {
		rows = append(rows, []string{"warning", w.AreaID, "", "", w.Kind + ": " + w.Detail})
	}
	for _, r := range coverageRows(rep.Overlaps, rep.Gaps) {
		rows = append(rows, append(r, ""))
	}
	return rows
}
