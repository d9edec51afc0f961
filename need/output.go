package need

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/paulmach/orb"
	"github.com/xuri/excelize/v2"
)

// Columns and rows of a run's table output: area_id, score, percentile,
// rank, tier, population; then per component <name> (unscaled) and
// <name>_score (scaled); then the flags (disadvantaged, each category,
// disadvantaged_with_adjacency); then per indicator its value and
// <name>_norm (its normalised value: the percentile for percentile specs).
func Rows(r *Run) (header []string, rows [][]string) {
	header = []string{"area_id", "score", "percentile", "rank", "tier", "population"}
	for _, c := range r.Components {
		header = append(header, c, c+"_score")
	}
	var flags []string
	if len(r.Categories) > 0 {
		flags = append(flags, "disadvantaged")
		flags = append(flags, r.Categories...)
		flags = append(flags, "disadvantaged_with_adjacency", "neighbour_share")
	}
	header = append(header, flags...)
	for _, n := range r.Indicators {
		header = append(header, n, n+"_norm")
	}
	for _, a := range r.Areas {
		row := []string{a.ID, numText(a.Score), numText(a.Percentile), strconv.Itoa(a.Rank), a.Tier, numText(a.Population)}
		for c := range r.Components {
			row = append(row, numAt(a.ComponentRaw, c), numAt(a.ComponentScaled, c))
		}
		for _, f := range flags {
			if f == "neighbour_share" {
				row = append(row, numText(a.NeighbourShare))
			} else {
				row = append(row, strconv.FormatBool(a.Flags[f]))
			}
		}
		for k := range r.Indicators {
			row = append(row, numAt(a.Values, k), numAt(a.Normalised, k))
		}
		rows = append(rows, row)
	}
	return header, rows
}

func numAt(s []Num, i int) string {
	if i >= len(s) {
		return ""
	}
	return numText(s[i])
}

func numText(n Num) string {
	if n.Missing() {
		return ""
	}
	return strconv.FormatFloat(float64(n), 'g', -1, 64)
}

// WriteCSV writes the run's rows as CSV.
func WriteCSV(w io.Writer, r *Run) error {
	h, rows := Rows(r)
	cw := csv.NewWriter(w)
	cw.Write(h)
	cw.WriteAll(rows)
	return cw.Error()
}

// WriteXLSX writes the run as a workbook: sheet "index" with the rows,
// sheet "run" with the spec, its hash and the input hashes.
func WriteXLSX(w io.Writer, r *Run) error {
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", "index")
	h, rows := Rows(r)
	sw, err := f.NewStreamWriter("index")
	if err != nil {
		return err
	}
	cells := make([]any, len(h))
	for i, v := range h {
		cells[i] = v
	}
	sw.SetRow("A1", cells)
	for i, row := range rows {
		cells := make([]any, len(row))
		for j, v := range row {
			if x, err := strconv.ParseFloat(v, 64); err == nil && j != 0 {
				cells[j] = x
			} else {
				cells[j] = v
			}
		}
		addr, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(addr, cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	f.NewSheet("run")
	meta := [][]any{{"spec", r.Spec}, {"version", r.SpecVersion}, {"spec sha256", r.SpecHash}, {"layer", r.Layer}, {"published percentiles", r.Published}, {"run id", r.ID}}
	for _, in := range r.Inputs {
		meta = append(meta, []any{"input " + in.Role, in.File + " sha256 " + in.Hash})
	}
	for i, m := range meta {
		addr, _ := excelize.CoordinatesToCellName(1, i+1)
		f.SetSheetRow("run", addr, &m)
	}
	return f.Write(w)
}

// WriteGeoJSON writes one feature per area with the row as properties.
// geom gives each area's geometry (polygons from a layer, or points); areas
// without one get a null geometry.
func WriteGeoJSON(w io.Writer, r *Run, geom func(id string) orb.Geometry) error {
	h, rows := Rows(r)
	type feature struct {
		Type       string         `json:"type"`
		Geometry   any            `json:"geometry"`
		Properties map[string]any `json:"properties"`
	}
	fc := struct {
		Type     string    `json:"type"`
		Features []feature `json:"features"`
	}{Type: "FeatureCollection"}
	for _, row := range rows {
		f := feature{Type: "Feature", Properties: map[string]any{}}
		if geom != nil {
			f.Geometry = geometryJSON(geom(row[0]))
		}
		for j, v := range row {
			if x, err := strconv.ParseFloat(v, 64); err == nil && j != 0 && !math.IsInf(x, 0) && !math.IsNaN(x) {
				f.Properties[h[j]] = x
			} else if v == "true" || v == "false" {
				f.Properties[h[j]] = v == "true"
			} else if v != "" {
				f.Properties[h[j]] = v
			}
		}
		fc.Features = append(fc.Features, f)
	}
	b, err := json.Marshal(fc)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// geometryJSON encodes the geometries a need output carries (points and
// polygons) as GeoJSON objects; nil for none.
func geometryJSON(g orb.Geometry) any {
	ring := func(r orb.Ring) [][2]float64 {
		out := make([][2]float64, len(r))
		for i, p := range r {
			out[i] = [2]float64{p[0], p[1]}
		}
		return out
	}
	poly := func(p orb.Polygon) [][][2]float64 {
		out := make([][][2]float64, len(p))
		for i, r := range p {
			out[i] = ring(r)
		}
		return out
	}
	switch g := g.(type) {
	case orb.Point:
		return map[string]any{"type": "Point", "coordinates": [2]float64{g[0], g[1]}}
	case orb.Polygon:
		return map[string]any{"type": "Polygon", "coordinates": poly(g)}
	case orb.MultiPolygon:
		out := make([][][][2]float64, len(g))
		for i, p := range g {
			out[i] = poly(p)
		}
		return map[string]any{"type": "MultiPolygon", "coordinates": out}
	}
	return nil
}

// WriteFile writes the run to path, choosing CSV, XLSX or GeoJSON by the
// extension (.csv, .xlsx, .geojson/.json). The file is written beside path
// under a temporary name and renamed into place only when complete, so a
// failure never leaves a partial file or clobbers an older one.
func WriteFile(path string, r *Run, geom func(id string) orb.Geometry) error {
	var write func(io.Writer) error
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		write = func(w io.Writer) error { return WriteCSV(w, r) }
	case ".xlsx":
		write = func(w io.Writer) error { return WriteXLSX(w, r) }
	case ".geojson", ".json":
		write = func(w io.Writer) error { return WriteGeoJSON(w, r, geom) }
	default:
		return budget.Errorf(budget.EINVALID, "need: output %s: use a .csv, .xlsx or .geojson file name", path)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return budget.Errorf(budget.EINVALID, "need: unable to create %s: %v", path, err)
	}
	tmp := f.Name()
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("need: writing %s: %w", path, err)
	}
	return nil
}

// PointsFromTable returns a geometry lookup from the table's longitude and
// latitude columns (as in the CalEnviroScreen files), or nil if it has
// none.
func PointsFromTable(t *Table) func(id string) orb.Geometry {
	if !t.Has("Longitude") || !t.Has("Latitude") {
		return nil
	}
	lon, err1 := t.Numbers("Longitude")
	lat, err2 := t.Numbers("Latitude")
	if err1 != nil || err2 != nil {
		return nil
	}
	m := map[string]orb.Point{}
	for a, id := range t.Areas {
		if !math.IsNaN(lon[a]) && !math.IsNaN(lat[a]) {
			m[id] = orb.Point{lon[a], lat[a]}
		}
	}
	return func(id string) orb.Geometry {
		if p, ok := m[id]; ok {
			return p
		}
		return nil
	}
}
