package geo

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/paulmach/orb"
)

// ReadGeoPackage reads the first feature table of a GeoPackage (an SQLite
// file; read with budgetlens' own minimal SQLite reader, no C library):
// gpkg_contents names the feature tables, gpkg_geometry_columns the
// geometry column and its srs_id, which must be a supported EPSG code (or
// opt.CRS given). Geometry blobs are GeoPackage binary (a "GP" header with
// an optional envelope, then WKB). Other columns become attributes. A
// GeoPackage whose writer left changes in a -wal file must be checkpointed
// first (open and close it with sqlite3 or GDAL).
func ReadGeoPackage(path string, opt ImportOptions) (*Layer, *ImportReport, error) {
	bad := func(format string, args ...any) error {
		return &budget.InputError{File: path, Field: "geopackage", Expected: fmt.Sprintf(format, args...)}
	}
	lim := opt.Limits.withDefaults()
	if st, err := os.Stat(path); err == nil && st.Size() > lim.FileBytes {
		return nil, nil, limitError(path, 0, "file_bytes", lim.FileBytes, fmt.Sprintf("the file has %s bytes", groupThousands(st.Size())))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, budget.Errorf(budget.EINVALID, "geo: unable to read %s: %v", path, err)
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		return nil, nil, bad("%s-wal exists: the GeoPackage has uncommitted changes; checkpoint it (sqlite3 %s 'PRAGMA wal_checkpoint') and retry", filepath.Base(path), filepath.Base(path))
	}
	db, err := openSQLite(data)
	if err != nil {
		return nil, nil, bad("%v", err)
	}
	db.file, db.maxPages = path, lim.Pages
	var feats []feature
	var crs string
	if _, err := safeDecode(func() (any, error) {
		var err error
		feats, crs, err = gpkgFeatures(db, opt, &vertexBudget{lim: lim, file: path})
		return nil, err
	}); err != nil {
		var ie *budget.InputError
		if errors.As(err, &ie) {
			return nil, nil, err
		}
		return nil, nil, bad("%v", err)
	}
	return buildLayer(path, feats, crs, opt)
}

// gpkgFeatures reads the first feature table of the GeoPackage db.
func gpkgFeatures(db *sqliteFile, opt ImportOptions, vb *vertexBudget) ([]feature, string, error) {
	bad := func(format string, args ...any) error { return fmt.Errorf(format, args...) }
	tables, err := db.tables()
	if err != nil {
		return nil, "", bad("unreadable schema: %v", err)
	}
	gc := tables["gpkg_geometry_columns"]
	if gc == nil {
		return nil, "", bad("no gpkg_geometry_columns table: not a GeoPackage with features")
	}
	type geomCol struct {
		table, column string
		srs           int64
	}
	var cols []geomCol
	if err := db.rows(gc, func(m map[string]any) error {
		t, _ := m["table_name"].(string)
		c, _ := m["column_name"].(string)
		srs, _ := m["srs_id"].(int64)
		cols = append(cols, geomCol{t, c, srs})
		return nil
	}); err != nil {
		return nil, "", bad("%v", err)
	}
	if len(cols) == 0 {
		return nil, "", bad("no feature table")
	}
	gcol := cols[0]
	ft := tables[strings.ToLower(gcol.table)]
	if ft == nil {
		return nil, "", bad("feature table %q is missing", gcol.table)
	}
	crs := opt.CRS
	if crs == "" {
		crs = fmt.Sprintf("EPSG:%d", gcol.srs)
		if gcol.srs <= 0 {
			crs = "EPSG:4326"
		}
	}
	var feats []feature
	n := 0
	err = db.rows(ft, func(m map[string]any) error {
		n++
		if n > vb.lim.Features {
			return limitError(vb.file, 0, "features", vb.lim.Features, fmt.Sprintf("row %d of table %s", n, gcol.table))
		}
		f := feature{props: map[string]any{}}
		for k, v := range m {
			if k == gcol.column {
				continue
			}
			switch t := v.(type) {
			case int64:
				f.props[k] = t
			case []byte:
				// blobs other than the geometry are left out
			default:
				f.props[k] = t
			}
		}
		blob, _ := m[gcol.column].([]byte)
		if blob != nil {
			g, err := gpkgGeometry(blob, vb, func() string { return fmt.Sprintf("row %d of table %s", n, gcol.table) })
			if err != nil {
				var ie *budget.InputError
				if errors.As(err, &ie) {
					return err
				}
				return fmt.Errorf("row %d: %v", n, err)
			}
			f.geom = g
		}
		feats = append(feats, f)
		return nil
	})
	if err != nil {
		var ie *budget.InputError
		if errors.As(err, &ie) {
			return nil, "", err
		}
		return nil, "", bad("table %s: %v", gcol.table, err)
	}
	return feats, crs, nil
}

// gpkgGeometry decodes GeoPackage binary geometry.
func gpkgGeometry(b []byte, vb *vertexBudget, where func() string) (orb.Geometry, error) {
	if len(b) < 8 || b[0] != 'G' || b[1] != 'P' {
		return nil, fmt.Errorf("geometry blob lacks the GP header")
	}
	flags := b[3]
	if flags&0x20 != 0 {
		return nil, fmt.Errorf("extended GeoPackage geometry is not supported")
	}
	env := [...]int{0, 32, 48, 48, 64}
	e := int(flags>>1) & 7
	if e >= len(env) {
		return nil, fmt.Errorf("bad envelope code %d", e)
	}
	off := 8 + env[e]
	if off > len(b) {
		return nil, fmt.Errorf("short geometry blob")
	}
	if flags&0x10 != 0 {
		return nil, nil // empty geometry
	}
	return decodeWKB(b[off:], vb, where)
}
