package geo

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// WriteGeoPackage writes the layer as an OGC GeoPackage 1.3
// (http://www.geopackage.org/spec131/): an SQLite database written by
// budgetlens itself (no C library; see sqlitewrite.go) with the required
// tables gpkg_spatial_ref_sys (EPSG:4326 and the two undefined systems),
// gpkg_contents and gpkg_geometry_columns, and one feature table named
// table (default: the layer's name) holding an INTEGER PRIMARY KEY "fid"
// (1, 2, ... in layer order), the geometry "geom" in GeoPackage binary
// (standard WKB with an envelope), and the columns: Text as TEXT, Integer
// as INTEGER, Real as REAL, Boolean as BOOLEAN (0/1), nil as NULL. A column
// named fid or geom (in any case: a text "FID" from a Shapefile, say) keeps
// its name and type; the key and geometry columns are then named
// "area_fid"/"area_geom" instead. The file is built in memory (about its
// own size) and then written.
func WriteGeoPackage(w io.Writer, l *Layer, cols []Column, table string) error {
	if err := checkColumns(l, cols); err != nil {
		return err
	}
	if table == "" {
		table = l.Name
	}
	if table == "" {
		table = "layer"
	}
	if strings.HasPrefix(strings.ToLower(table), "gpkg_") || strings.HasPrefix(strings.ToLower(table), "sqlite_") {
		table = "layer_" + table
	}
	named := AppendColumns(cols, Column{Name: "fid"}, Column{Name: "geom"})
	fid, geom := named[len(cols)].Name, named[len(cols)+1].Name
	geomType, bound := gpkgGeometryType(l)
	var def strings.Builder
	fmt.Fprintf(&def, "CREATE TABLE %s (%s INTEGER PRIMARY KEY, %s %s", quoteIdent(table), quoteIdent(fid), quoteIdent(geom), geomType)
	for _, c := range cols {
		fmt.Fprintf(&def, ", %s %s", quoteIdent(c.Name), map[ValueType]string{Text: "TEXT", Integer: "INTEGER", Real: "REAL", Boolean: "BOOLEAN"}[c.Type])
	}
	def.WriteString(")")
	feats := &sqlTable{name: table, sql: def.String()}
	for i := range l.Areas {
		g, err := gpkgBlob(areaGeometry(&l.Areas[i]))
		if err != nil {
			return fmt.Errorf("geo: area %q: %w", l.Areas[i].ID, err)
		}
		vals := []any{nil, g}
		for _, c := range cols {
			v := c.Values[i]
			if b, ok := v.(bool); ok {
				v = map[bool]int64{false: 0, true: 1}[b]
			}
			vals = append(vals, v)
		}
		feats.rows = append(feats.rows, sqlRow{int64(i + 1), vals})
	}
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000Z")
	srs := &sqlTable{name: "gpkg_spatial_ref_sys", sql: `CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT)`,
		rows: []sqlRow{
			{-1, []any{"Undefined cartesian SRS", nil, "NONE", int64(-1), "undefined", "undefined cartesian coordinate reference system"}},
			{0, []any{"Undefined geographic SRS", nil, "NONE", int64(0), "undefined", "undefined geographic coordinate reference system"}},
			{4326, []any{"WGS 84 geodetic", nil, "EPSG", int64(4326), wgs84WKT, "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid"}},
		}}
	contents := &sqlTable{name: "gpkg_contents", sql: `CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER, CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))`,
		rows:    []sqlRow{{1, []any{table, "features", table, "", now, bound.Min[0], bound.Min[1], bound.Max[0], bound.Max[1], int64(4326)}}},
		indexes: []sqlIndex{{"sqlite_autoindex_gpkg_contents_1", []int{0}}, {"sqlite_autoindex_gpkg_contents_2", []int{2}}}}
	gcols := &sqlTable{name: "gpkg_geometry_columns", sql: `CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), CONSTRAINT uk_gc_table_name UNIQUE (table_name), CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name), CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))`,
		rows:    []sqlRow{{1, []any{table, geom, geomType, int64(4326), int64(0), int64(0)}}},
		indexes: []sqlIndex{{"sqlite_autoindex_gpkg_geometry_columns_1", []int{0, 1}}, {"sqlite_autoindex_gpkg_geometry_columns_2", []int{0}}}}
	if len(l.Areas) == 0 {
		contents.rows[0].vals[5], contents.rows[0].vals[6], contents.rows[0].vals[7], contents.rows[0].vals[8] = nil, nil, nil, nil
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	// GeoPackage: application_id "GPKG", user_version 10300 (version 1.3)
	if err := writeSQLite(bw, []*sqlTable{srs, contents, gcols, feats}, 10300, 0x47504B47); err != nil {
		return fmt.Errorf("geo: writing the GeoPackage: %w", err)
	}
	return bw.Flush()
}

// wgs84WKT is the OGC WKT definition of EPSG:4326 the GeoPackage
// specification gives for its required row.
const wgs84WKT = `GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]`

// gpkgGeometryType is the layer's geometry type name (MULTIPOLYGON, POINT,
// or GEOMETRY when it has both) and its extent.
func gpkgGeometryType(l *Layer) (string, orb.Bound) {
	polys, points := false, false
	var b orb.Bound
	first := true
	for i := range l.Areas {
		a := &l.Areas[i]
		var ab orb.Bound
		if a.PointOnly() {
			points, ab = true, a.Point.Bound()
		} else if vb, ok := vertexBound(a.Geom); ok {
			polys, ab = true, vb
		} else {
			continue
		}
		if first {
			b, first = ab, false
		} else {
			b = b.Union(ab)
		}
	}
	switch {
	case polys && points:
		return "GEOMETRY", b
	case points:
		return "POINT", b
	}
	return "MULTIPOLYGON", b
}

// gpkgBlob encodes a geometry as GeoPackage binary: "GP", version 0, flags
// (little-endian, an xy envelope except for points), srs_id 4326, then WKB.
func gpkgBlob(g orb.Geometry) ([]byte, error) {
	body, err := wkb.Marshal(g, binary.LittleEndian)
	if err != nil {
		return nil, err
	}
	out := []byte{'G', 'P', 0, 0x01}
	out = binary.LittleEndian.AppendUint32(out, 4326)
	if _, ok := g.(orb.Point); !ok {
		out[3] |= 1 << 1 // envelope [minx, maxx, miny, maxy]
		b := g.Bound()
		if mp, ok := g.(orb.MultiPolygon); ok {
			if vb, ok := vertexBound(mp); ok {
				b = vb
			}
		}
		for _, v := range []float64{b.Min[0], b.Max[0], b.Min[1], b.Max[1]} {
			out = binary.LittleEndian.AppendUint64(out, math.Float64bits(v))
		}
	}
	return append(out, body...), nil
}

// quoteIdent quotes an SQL identifier.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
