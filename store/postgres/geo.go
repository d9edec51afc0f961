package postgres

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/store"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/ewkb"
	"github.com/paulmach/orb/encoding/wkb"
)

// SRID is the spatial reference of every stored geometry: WGS84
// longitude/latitude.
const SRID = 4326

// SaveLayer stores l, replacing a layer of the same name, in one
// transaction; its areas go in with COPY, geometry as EWKB in SRID 4326.
// An area PostGIS finds invalid (a ring that crosses itself, which
// budgetlens reads with the even-odd rule) is stored made valid
// (ST_MakeValid) in geom for SQL, and as given in geom_input, which Layer
// returns.
func (s *Store) SaveLayer(ctx context.Context, l *geo.Layer) error {
	return s.saveLayer(ctx, l, budget.ImportRun{})
}

func (s *Store) saveLayer(ctx context.Context, l *geo.Layer, given budget.ImportRun) error {
	if l == nil || l.Name == "" {
		return budget.Errorf(budget.EINVALID, "geo: a layer needs a name")
	}
	if err := store.CheckLayerIDs(l); err != nil {
		return err
	}
	if err := checkLayerText(l); err != nil {
		return err
	}
	return s.withTx(ctx, func(tx pgx.Tx) error {
		if err := lockName(ctx, tx, "layer", l.Name); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to lock layer %s", l.Name)
		}
		if err := registerGeometry(ctx, tx.Conn()); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to save layer %s", l.Name)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM geo_areas WHERE layer = $1`, l.Name); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to replace layer %s", l.Name)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM geo_layers WHERE name = $1`, l.Name); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to replace layer %s", l.Name)
		}
		run := budget.ImportRun{ID: given.ID, Kind: "geo", SourceFile: l.Source, ContentHash: l.SourceHash, Rows: int64(len(l.Areas)),
			Version: budget.Version, StartedAt: nowUTC()}
		if given.ID != 0 {
			run.StartedAt, run.Version, run.Rows = given.StartedAt.UTC(), given.Version, given.Rows
		}
		if err := insertImportRun(ctx, tx, &run); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to record the import of layer %s", l.Name)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO geo_layers(name, source, areas, content_hash, import_run, imported_at, no_geometry) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			l.Name, l.Source, len(l.Areas), l.SourceHash, run.ID, run.StartedAt, l.NoGeometry); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to save layer %s", l.Name)
		}
		rows := make([][]any, len(l.Areas))
		for i := range l.Areas {
			row, err := areaRow(l, i)
			if err != nil {
				return err
			}
			rows[i] = row
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"geo_areas"}, []string{"layer", "pos", "id", "name", "population", "geom", "lon", "lat", "attrs"}, pgx.CopyFromRows(rows))
		if err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to save the areas of layer %s", l.Name)
		}
		// areas PostGIS calls invalid (a ring crossing itself) are made
		// valid for SQL, keeping the input for budgetlens' own reads
		if _, err := tx.Exec(ctx, `UPDATE geo_areas SET geom_input = ST_AsBinary(geom), geom = ST_Multi(ST_CollectionExtract(ST_MakeValid(geom), 3))
			WHERE layer = $1 AND geom IS NOT NULL AND NOT ST_IsValid(geom)`, l.Name); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to make the areas of layer %s valid for PostGIS", l.Name)
		}
		return nil
	})
}

// areaRow is the geo_areas row of area i: geometry as EWKB, or the point
// of a point-only area in lon and lat, or neither in a layer without
// boundaries; the properties as typed JSON (geo.Area.AttrsJSON).
func areaRow(l *geo.Layer, i int) ([]any, error) {
	a := &l.Areas[i]
	attrs, err := a.AttrsJSON()
	if err != nil {
		return nil, budget.Errorf(budget.EINVALID, "geo: layer %s: %v", l.Name, err)
	}
	var g []byte
	var lon, lat *float64
	switch {
	case l.NoGeometry: // no shape, no point
	case a.PointOnly():
		lon, lat = &a.Point[0], &a.Point[1]
	default:
		var err error
		if g, err = ewkb.Marshal(a.Geom, SRID); err != nil {
			return nil, budget.Errorf(budget.EINVALID, "geo: area %q of layer %s: %v", a.ID, l.Name, err)
		}
	}
	return []any{l.Name, int32(i), a.ID, a.Name, a.Population, g, lon, lat, string(attrs)}, nil
}

// registerGeometry teaches conn's type map that PostGIS geometry travels
// as bytes (EWKB in the binary protocol), so that COPY can send it.
func registerGeometry(ctx context.Context, conn *pgx.Conn) error {
	tm := conn.TypeMap()
	if _, ok := tm.TypeForName("geometry"); ok {
		return nil
	}
	var oid uint32
	if err := conn.QueryRow(ctx, `SELECT 'geometry'::regtype::oid`).Scan(&oid); err != nil {
		return err
	}
	tm.RegisterType(&pgtype.Type{Name: "geometry", OID: oid, Codec: pgtype.ByteaCodec{}})
	return nil
}

// checkLayerText refuses, before anything is written, names and
// attributes that PostgreSQL text cannot hold (NUL, bytes not UTF-8).
func checkLayerText(l *geo.Layer) error {
	bad := func(v string) bool { return strings.IndexByte(v, 0) >= 0 || !utf8.ValidString(v) }
	for i := range l.Areas {
		a := &l.Areas[i]
		what := ""
		switch {
		case bad(a.ID):
			what = "id"
		case bad(a.Name):
			what = "name"
		}
		for k, v := range a.Attrs {
			if what == "" && (bad(k) || bad(v)) {
				what = "property " + strings.ToValidUTF8(strings.ReplaceAll(k, "\x00", `\0`), "\uFFFD")
			}
		}
		if what != "" {
			return budget.Errorf(budget.EINVALID, "geo: area %d of layer %s: its %s holds a NUL character or bytes that are not UTF-8, which PostgreSQL cannot store: fix the file and import it again (nothing was stored)", i+1, l.Name, what)
		}
	}
	return nil
}

// Layer returns the stored layer name with its areas in order.
func (s *Store) Layer(ctx context.Context, name string) (*geo.Layer, error) {
	l := &geo.Layer{Name: name}
	err := s.pool.QueryRow(ctx, `SELECT source, coalesce(content_hash, ''), no_geometry FROM geo_layers WHERE name = $1`, name).Scan(&l.Source, &l.SourceHash, &l.NoGeometry)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, budget.Errorf(budget.ENOTFOUND, "geo: no layer %q (list them with: budgetlens geo ls)", name)
	}
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read layer %s", name)
	}
	rows, err := s.pool.Query(ctx, `SELECT id, name, population, coalesce(geom_input, ST_AsBinary(geom)), lon, lat, attrs::text FROM geo_areas WHERE layer = $1 ORDER BY pos`, name)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read layer %s", name)
	}
	defer rows.Close()
	for rows.Next() {
		var a geo.Area
		var g []byte
		var lon, lat *float64
		var attrs string
		if err := rows.Scan(&a.ID, &a.Name, &a.Population, &g, &lon, &lat, &attrs); err != nil {
			return nil, s.errorf(budget.EINTERNAL, err, "unable to read layer %s", name)
		}
		if len(g) > 0 {
			geom, err := wkb.Unmarshal(g)
			if err != nil {
				return nil, budget.Errorf(budget.EINTERNAL, "store: area %s of layer %s: %v", a.ID, name, err)
			}
			switch t := geom.(type) {
			case orb.MultiPolygon:
				a.Geom = t
			case orb.Polygon:
				a.Geom = orb.MultiPolygon{t}
			}
		} else if lon != nil && lat != nil {
			a.Point = orb.Point{*lon, *lat}
		}
		if err := a.SetAttrsJSON([]byte(attrs)); err != nil {
			return nil, budget.Errorf(budget.EINTERNAL, "store: area %s of layer %s: attributes: %v", a.ID, name, err)
		}
		l.Areas = append(l.Areas, a)
	}
	if err := rows.Err(); err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read layer %s", name)
	}
	return l, nil
}

// Layers lists the stored layers by name. A layer's population is summed
// in Go over its areas in their order, as geo.Layer.Info does, so that
// both stores give the same float to the last bit.
func (s *Store) Layers(ctx context.Context) ([]geo.LayerInfo, error) {
	rows, err := s.pool.Query(ctx, `SELECT l.name, l.source, coalesce(l.content_hash, ''), l.areas, l.no_geometry FROM geo_layers l ORDER BY l.name`+byteOrder)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to list layers")
	}
	out, err := collect(rows, func(row pgx.CollectableRow) (geo.LayerInfo, error) {
		var li geo.LayerInfo
		err := row.Scan(&li.Layer, &li.Source, &li.SourceHash, &li.Areas, &li.NoGeometry)
		return li, err
	})
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to list layers")
	}
	pop := map[string]float64{}
	rows, err = s.pool.Query(ctx, `SELECT layer, population FROM geo_areas ORDER BY layer, pos`)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to list layers")
	}
	defer rows.Close()
	for rows.Next() {
		var layer string
		var p float64
		if err := rows.Scan(&layer, &p); err != nil {
			return nil, s.errorf(budget.EINTERNAL, err, "unable to list layers")
		}
		pop[layer] += p
	}
	if err := rows.Err(); err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to list layers")
	}
	for i := range out {
		out[i].Population = pop[out[i].Layer]
	}
	if out == nil {
		out = []geo.LayerInfo{}
	}
	return out, nil
}

// DeleteLayer removes a layer and its areas.
func (s *Store) DeleteLayer(ctx context.Context, name string) error {
	return s.withTx(ctx, func(tx pgx.Tx) error {
		if err := lockName(ctx, tx, "layer", name); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to lock layer %s", name)
		}
		tag, err := tx.Exec(ctx, `DELETE FROM geo_layers WHERE name = $1`, name)
		if err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to delete layer %s", name)
		}
		if tag.RowsAffected() == 0 {
			return budget.Errorf(budget.ENOTFOUND, "geo: no layer %q", name)
		}
		if _, err = tx.Exec(ctx, `DELETE FROM geo_areas WHERE layer = $1`, name); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to delete layer %s", name)
		}
		return nil
	})
}
