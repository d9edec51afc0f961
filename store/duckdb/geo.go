package duckdb

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// SaveLayer stores l, replacing a layer of the same name, in one
// transaction.
func (s *Store) SaveLayer(ctx context.Context, l *geo.Layer) error {
	if l == nil || l.Name == "" {
		return budget.Errorf(budget.EINVALID, "geo: a layer needs a name")
	}
	if err := checkAreaIDs(l); err != nil {
		return err
	}
	return s.WithTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM geo_areas WHERE layer = ?`, l.Name); err != nil {
			return fmt.Errorf("store: unable to replace layer %s: %w", l.Name, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM geo_layers WHERE name = ?`, l.Name); err != nil {
			return fmt.Errorf("store: unable to replace layer %s: %w", l.Name, err)
		}
		var run int64
		if err := tx.QueryRowContext(ctx, `SELECT nextval('import_run_ids')`).Scan(&run); err != nil {
			return fmt.Errorf("store: unable to allocate an import run: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO import_runs(id, kind, source_file, content_hash, rows, version) VALUES (?, 'geo', ?, ?, ?, ?)`,
			run, l.Source, l.SourceHash, len(l.Areas), budget.Version); err != nil {
			return fmt.Errorf("store: unable to record the import of layer %s: %w", l.Name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO geo_layers(name, source, areas, content_hash, import_run, no_geometry) VALUES (?, ?, ?, ?, ?, ?)`,
			l.Name, l.Source, len(l.Areas), l.SourceHash, run, l.NoGeometry); err != nil {
			return fmt.Errorf("store: unable to save layer %s: %w", l.Name, err)
		}
		st, err := tx.PrepareContext(ctx, `INSERT INTO geo_areas(layer, pos, id, name, population, geom, lon, lat, attrs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return fmt.Errorf("store: unable to save layer %s: %w", l.Name, err)
		}
		defer st.Close()
		for i := range l.Areas {
			a := &l.Areas[i]
			attrs, err := a.AttrsJSON() // typed: numbers, booleans and nulls stay what they were
			if err != nil {
				return err
			}
			var g any
			var lon, lat any
			switch {
			case l.NoGeometry: // an area without boundaries: no shape, no point
			case a.PointOnly():
				lon, lat = a.Point[0], a.Point[1]
			default:
				b, err := wkb.Marshal(a.Geom)
				if err != nil {
					return fmt.Errorf("store: area %s: %w", a.ID, err)
				}
				g = b
			}
			if _, err := st.ExecContext(ctx, l.Name, i, a.ID, a.Name, a.Population, g, lon, lat, string(attrs)); err != nil {
				return fmt.Errorf("store: unable to save area %q of layer %s: %w", a.ID, l.Name, err)
			}
		}
		return nil
	})
}

// Layer returns the stored layer name with its areas in order.
func (s *Store) Layer(ctx context.Context, name string) (*geo.Layer, error) {
	l := &geo.Layer{Name: name}
	err := s.db.QueryRowContext(ctx, `SELECT source, coalesce(content_hash, ''), coalesce(no_geometry, false) FROM geo_layers WHERE name = ?`, name).Scan(&l.Source, &l.SourceHash, &l.NoGeometry)
	if err == sql.ErrNoRows {
		return nil, budget.Errorf(budget.ENOTFOUND, "geo: no layer %q (list them with: budgetlens geo ls)", name)
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to read layer %s: %w", name, err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, population, geom, lon, lat, attrs FROM geo_areas WHERE layer = ? ORDER BY pos`, name)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read layer %s: %w", name, err)
	}
	defer rows.Close()
	for rows.Next() {
		var a geo.Area
		var g []byte
		var lon, lat sql.NullFloat64
		var attrs string
		if err := rows.Scan(&a.ID, &a.Name, &a.Population, &g, &lon, &lat, &attrs); err != nil {
			return nil, fmt.Errorf("store: unable to read layer %s: %w", name, err)
		}
		if len(g) > 0 {
			geom, err := wkb.Unmarshal(g)
			if err != nil {
				return nil, fmt.Errorf("store: area %s of layer %s: %w", a.ID, name, err)
			}
			switch t := geom.(type) {
			case orb.MultiPolygon:
				a.Geom = t
			case orb.Polygon:
				a.Geom = orb.MultiPolygon{t}
			}
		} else if lon.Valid && lat.Valid {
			a.Point = orb.Point{lon.Float64, lat.Float64}
		}
		if err := a.SetAttrsJSON([]byte(attrs)); err != nil {
			return nil, fmt.Errorf("store: area %s of layer %s: attributes: %w", a.ID, name, err)
		}
		l.Areas = append(l.Areas, a)
	}
	return l, rows.Err()
}

// Layers lists the stored layers by name.
func (s *Store) Layers(ctx context.Context) ([]geo.LayerInfo, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT l.name, l.source, coalesce(l.content_hash, ''), l.areas, coalesce((SELECT sum(population) FROM geo_areas a WHERE a.layer = l.name), 0),
		coalesce(l.no_geometry, false) FROM geo_layers l ORDER BY l.name`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list layers: %w", err)
	}
	defer rows.Close()
	out := []geo.LayerInfo{}
	for rows.Next() {
		var li geo.LayerInfo
		if err := rows.Scan(&li.Layer, &li.Source, &li.SourceHash, &li.Areas, &li.Population, &li.NoGeometry); err != nil {
			return nil, fmt.Errorf("store: unable to list layers: %w", err)
		}
		out = append(out, li)
	}
	return out, rows.Err()
}

// DeleteLayer removes a layer and its areas.
func (s *Store) DeleteLayer(ctx context.Context, name string) error {
	return s.WithTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM geo_layers WHERE name = ?`, name)
		if err != nil {
			return fmt.Errorf("store: unable to delete layer %s: %w", name, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return budget.Errorf(budget.ENOTFOUND, "geo: no layer %q", name)
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM geo_areas WHERE layer = ?`, name)
		return err
	})
}

// checkAreaIDs refuses a layer whose areas lack an id or repeat one, naming
// both positions, before anything is written.
func checkAreaIDs(l *geo.Layer) error {
	seen := make(map[string]int, len(l.Areas))
	for i, a := range l.Areas {
		if a.ID == "" {
			return budget.Errorf(budget.EINVALID, "geo: area %d of layer %s has no id: choose the property that identifies areas with --id-field", i+1, l.Name)
		}
		if j, ok := seen[a.ID]; ok {
			return budget.Errorf(budget.EINVALID, "geo: areas %d and %d of layer %s have the same id %q: area ids must be unique (choose another --id-field)", j+1, i+1, l.Name, a.ID)
		}
		seen[a.ID] = i
	}
	return nil
}
