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
	}
	cmd.AddCommand(newGeoImportCmd(e), newGeoLsCmd(e), newGeoAssignCmd(e), newGeoExportCmd(e),
		newGeoAdjacencyCmd(e), newGeoCheckCmd(e), newGeoCrosswalkCmd(e), newGeoTransformCmd(e), newGeoApportionCmd(e))
	return cmd
}

func newGeoImportCmd(e *env) *cobra.Command {
	var opt geo.ImportOptions
	var format string
	var limits []string
	cmd := &cobra.Command{
		Use:   "import --layer NAME [--id-field F] [--name-field F] [--population-field F] [--crs EPSG:n] [--no-geometry] FILE",
		Short: "Import an area layer (GeoJSON, zipped Shapefile, GeoPackage, CSV with WKT or lon/lat)",
		Long: `import reads a layer file, validates and repairs its geometry (closes rings, drops
empty parts, fixes winding; reports self-intersections), transforms it to WGS84,
measures overlaps and gaps between its areas, and stores it under --layer,
replacing a layer of that name, in one transaction.

With --no-geometry the file is a plain table of areas without boundaries (a
city's ward statistics): --id COL names the ids, --name and --population their
columns, every other column becomes an attribute. Analyses, need runs and
capital plans use such areas by their ids and populations; nothing can be
located in them.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, kv := range limits {
				k, v, _ := strings.Cut(kv, "=")
				if err := opt.Limits.Set(k, v); err != nil {
					return err
				}
			}
			var l *geo.Layer
			var rep *geo.ImportReport
			err := e.withOffice(false, func(ctx context.Context, o *office.Office) error {
				var err error
				l, rep, err = o.ImportLayer(ctx, args[0], opt)
				return err
			})
			if err != nil {
				return err
			}
			if format == "json" {
				return table.WriteJSON(cmd.OutOrStdout(), rep)
			}
			w := cmd.OutOrStdout()
			if l.NoGeometry {
				var pop float64
				for _, a := range l.Areas {
					pop += a.Population
				}
				fmt.Fprintf(w, "layer %s: %d areas without boundaries from %s (residents %s)\n", l.Name, len(l.Areas), args[0], table.GroupDigits(strconv.FormatFloat(pop, 'f', -1, 64)))
				return nil
			}
			fmt.Fprintf(w, "layer %s: %d areas from %s (%s)\n", l.Name, len(l.Areas), args[0], rep.CRS)
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
	f.StringVar(&opt.IDField, "id-field", "", "property that becomes the area id (default: feature id, else position)")
	f.StringVar(&opt.NameField, "name-field", "", "property that becomes the area name (default: name/Name/NAME)")
	f.StringVar(&opt.PopulationField, "population-field", "", "property holding the population")
	f.StringVar(&opt.CRS, "crs", "", "coordinate system when the file does not name one: EPSG:4326, 4269, 3857, any NAD83 State Plane zone (e.g. EPSG:2229) or NAD83/WGS 84 UTM zone")
	f.StringVar(&format, "format", "table", "output format: table or json (the full import report)")
	f.StringArrayVar(&limits, "limit", nil, "raise or lower a reader limit, NAME=VALUE (repeatable); names: "+strings.Join(geo.LimitNames(), ", "))
	// areas without boundaries: a plain table (issue 12)
	f.BoolVar(&opt.NoGeometry, "no-geometry", false, "the file is a table of areas without boundaries (CSV or XLSX: --id, --name, --population; every other column an attribute)")
	f.StringVar(&opt.IDField, "id", "", "the same as --id-field")
	f.StringVar(&opt.NameField, "name", "", "the same as --name-field")
	f.StringVar(&opt.PopulationField, "population", "", "the same as --population-field")
	return cmd
}

func newGeoLsCmd(e *env) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "ls",
		Short: "List the stored layers",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withStore(true, func(s store.Store) error {
				infos, err := s.Layers(context.Background())
				if err != nil {
					return err
				}
				var rows [][]string
				for _, li := range infos {
					rows = append(rows, []string{li.Layer, strconv.Itoa(li.Areas), strconv.FormatFloat(li.Population, 'f', -1, 64), li.Source})
				}
				return table.Write(cmd.OutOrStdout(), format, []string{"layer", "areas", "population", "source"}, rows, infos)
			})
		},
	}
	addFormatFlag(cmd, &format)
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
	var layer, in, out, crs string
	var workers int
	cmd := &cobra.Command{
		Use:   "assign --layer NAME --in POINTS.csv --out OUT.csv",
		Short: "Assign points (CSV id,lon,lat) to the areas of a layer",
		Long: `assign streams POINTS.csv (a header with id, lon and lat, WGS84 unless --crs) and
writes OUT.csv with header id,area_id and one row per point, in input order;
area_id is empty for a point outside every area. A summary (points, assigned,
outside with examples) goes to standard error.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if in == "" {
				return budget.Errorf(budget.EINVALID, "name the points file with --in")
			}
			l, err := loadLayer(e, layer)
			if err != nil {
				return err
			}
			ix := geo.NewIndex(l)
			var r io.Reader
			if in == "-" {
				r = cmd.InOrStdin()
			} else {
				f, err := office.OpenCSVInput(in, "--in")
				if err != nil {
					return err
				}
				defer f.Close()
				r = f
			}
			w, closeOut, err := createOut(cmd, out)
			if err != nil {
				return err
			}
			st, err := geo.AssignCSV(ix, r, w, geo.AssignOptions{Workers: workers, CRS: crs, File: in})
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
	f.StringVar(&out, "out", "-", "output CSV; - is standard output")
	f.StringVar(&crs, "crs", "", "coordinate system of the points (default WGS84), e.g. EPSG:2229")
	f.IntVar(&workers, "workers", 0, "goroutines locating points (default: all cores)")
	return cmd
}

func newGeoExportCmd(e *env) *cobra.Command {
	var layer, out, format string
	var tolerance float64
	cmd := &cobra.Command{
		Use:   "export --layer NAME [--simplify METRES] [--format geojson|gpkg|parquet] [--out FILE]",
		Short: "Export a layer as GeoJSON, GeoPackage or GeoParquet (typed properties; optionally simplified)",
		Args:  cobra.NoArgs,
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
	f.StringVar(&format, "format", "", "geojson, gpkg (GeoPackage) or parquet (GeoParquet); default from --out's extension, else geojson")
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
	f.StringVar(&rule, "rule", "queen", "contiguity: queen (shared point) or rook (shared edge)")
	f.Float64Var(&tol, "tolerance", 0, "metres within which boundaries count as shared (0: shared vertices)")
	f.StringVar(&key, "key", "id", "GAL key: id (area ids) or pos (1-based positions)")
	f.StringVar(&out, "out", "-", "output GAL file; - is standard output")
	return cmd
}

func newGeoCheckCmd(e *env) *cobra.Command {
	var layer, format string
	cmd := &cobra.Command{
		Use:   "check --layer NAME",
		Short: "Report the overlaps and enclosed gaps of a stored layer",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			l, err := loadLayer(e, layer)
			if err != nil {
				return err
			}
			over, gaps := geo.CheckCoverage(l)
			var rows [][]string
			for _, o := range over {
				rows = append(rows, []string{"overlap", o.A + " / " + o.B, fmt.Sprintf("%.0f", o.AreaM2), fmt.Sprintf("%.6f,%.6f", o.Example[0], o.Example[1])})
			}
			for _, g := range gaps {
				rows = append(rows, []string{"gap", strings.Join(g.Neighbours, " / "), fmt.Sprintf("%.0f", g.AreaM2), fmt.Sprintf("%.6f,%.6f", g.Example[0], g.Example[1])})
			}
			return table.Write(cmd.OutOrStdout(), format, []string{"kind", "areas", "area_m2", "example"}, rows,
				map[string]any{"overlaps": over, "gaps": gaps})
		},
	}
	cmd.Flags().StringVar(&layer, "layer", "", "layer")
	addFormatFlag(cmd, &format)
	return cmd
}

func newGeoCrosswalkCmd(e *env) *cobra.Command {
	var from, to, weight, out, popLayer string
	cmd := &cobra.Command{
		Use:   "crosswalk --from LAYER --to LAYER [--weight area|population|centroid] [--population-layer LAYER] [--out FILE.csv]",
		Short: "Weights that apportion the areas of one layer to another",
		Long: `crosswalk writes CSV from_id,to_id,weight: the share of each --from area that lies
in each --to area. --weight area uses the overlapping area; population uses the
population of a finer --population-layer (e.g. tract interior points with their
population) found in both areas, or area shares when none is given; centroid puts each --from area wholly in the --to area holding its point (the
only choice for point-only areas such as tracts known by an interior point).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
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
			w, closeOut, err := createOut(cmd, out)
			if err != nil {
				return err
			}
			return closeOut(cw.WriteCSV(w))
		},
	}
	f := cmd.Flags()
	f.StringVar(&from, "from", "", "source layer (e.g. tract)")
	f.StringVar(&to, "to", "", "target layer (e.g. council_district)")
	f.StringVar(&weight, "weight", "area", "area, population or centroid")
	f.StringVar(&popLayer, "population-layer", "", "finer layer with population for --weight population")
	f.StringVar(&out, "out", "-", "output CSV; - is standard output")
	return cmd
}

func newGeoTransformCmd(e *env) *cobra.Command {
	var from string
	cmd := &cobra.Command{
		Use:   "transform --from EPSG:n",
		Short: "Transform coordinates (x y per line on standard input) to WGS84 lon lat",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			tr, err := geo.ToWGS84(from)
			if err != nil {
				return budget.Errorf(budget.EINVALID, "%w", err)
			}
			sc := bufio.NewScanner(cmd.InOrStdin())
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
	var layer, in, out, crs string
	cmd := &cobra.Command{
		Use:   "apportion --layer NAME --in GEOMS.csv --out OUT.csv",
		Short: "Divide lines and polygons (CSV id,wkt) among the areas of a layer",
		Long: `apportion reads GEOMS.csv (a header with id and a WKT column: wkt, geometry or geom)
and writes OUT.csv with header id,area_id,fraction: points by count, lines (street
segments) by length share, polygons (parcels, parks) by area share. Fractions of one
geometry sum to at most 1; the rest lies outside every area.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			l, err := loadLayer(e, layer)
			if err != nil {
				return err
			}
			f, err := office.OpenCSVInput(in, "--in")
			if err != nil {
				return err
			}
			defer f.Close()
			w, closeOut, err := createOut(cmd, out)
			if err != nil {
				return err
			}
			err = geo.ApportionCSV(geo.NewIndex(l), f, w, in, crs)
			err = closeOut(err)
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&layer, "layer", "", "layer")
	fl.StringVar(&in, "in", "", "CSV with id and WKT columns")
	fl.StringVar(&out, "out", "-", "output CSV; - is standard output")
	fl.StringVar(&crs, "crs", "", "coordinate system of the geometries (default WGS84)")
	return cmd
}
