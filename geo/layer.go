// Package geo is budgetlens' geography: named layers of areas (tracts,
// neighbourhoods, council districts, ZIP codes), their import from GeoJSON,
// zipped Shapefile, GeoPackage and CSV (WKT or longitude/latitude),
// validation and repair of their geometry, coordinate-system transforms to
// WGS84, a grid-indexed point-in-polygon engine, apportionment of points,
// lines and polygons to areas, crosswalks between layers, contiguity and GAL
// export, simplification and GeoJSON export.
//
// Everything is pure computation on orb geometries in WGS84
// longitude/latitude; the package knows nothing of storage or the CLI.
//
// # Boundary rule (half-open)
//
// Every point of the plane belongs to at most one area. A point on the
// boundary between two areas belongs to the area that holds the points
// immediately east of it; on a horizontal (east-west) edge, to the area
// immediately north of it. Equivalently each area owns its western and
// southern boundary and not its eastern and northern one, so a lattice of
// touching areas partitions the plane exactly. The rule is applied with a
// crossing-number test whose per-edge decision depends only on the edge's two
// end points (taken lower end first), so two areas that share an edge with
// identical vertex coordinates always make complementary decisions.
//
// # Overlaps
//
// Where areas of one layer overlap, a point inside several of them goes to
// the one that comes first in the layer (lowest position; the order of the
// input file). Overlaps and gaps are measured at import and reported in the
// ImportReport.
package geo

import (
	"github.com/budgetlens/budgetlens/internal/tabular"
	"github.com/paulmach/orb"
)

// Area is one area of a layer.
type Area struct {
	ID, Name string
	// Geom is the area's shape in WGS84 longitude/latitude, outer rings
	// counter-clockwise and holes clockwise (RFC 7946), rings closed.
	Geom orb.MultiPolygon
	// Point is the area's representative point when it is known only by a
	// point (Geom empty), as a census tract given by its interior point.
	Point orb.Point
	// Population is the area's population, 0 when unknown.
	Population float64
	// Attrs holds the properties of the input feature, as text.
	Attrs map[string]string
	// Props holds the same properties with their types: string, int64,
	// float64 (finite), bool, or nil for a null (nested JSON arrays and
	// objects as their JSON text). It is nil for areas made before types
	// were kept, whose properties are then the text of Attrs.
	Props map[string]any
}

// PointOnly reports whether the area is known only by its point.
func (a *Area) PointOnly() bool { return len(a.Geom) == 0 }

// Layer is a named set of areas, such as "tract" or "council_district".
// The order of Areas is significant: it is the order of the input file and
// decides which area a point in an overlap goes to (the first).
type Layer struct {
	Name       string
	Source     string // the file it was read from, when known
	SourceHash string // sha256 (hex) of that file's bytes, when known
	Areas      []Area
	// NoGeometry marks a layer of areas without boundaries: a plain table
	// of ids, names, populations and attributes (ReadTable). Its areas have
	// neither a shape nor a point; nothing is ever located in them.
	NoGeometry bool
}

// Index returns the position of the area with the given id.
func (l *Layer) Index(id string) (int, bool) {
	for i := range l.Areas {
		if l.Areas[i].ID == id {
			return i, true
		}
	}
	return -1, false
}

// Bound returns the bounding box of every area of the layer (including the
// points of point-only areas).
func (l *Layer) Bound() orb.Bound {
	b := orb.Bound{Min: orb.Point{1, 1}, Max: orb.Point{-1, -1}}
	first := true
	for i := range l.Areas {
		a := &l.Areas[i]
		var ab orb.Bound
		if a.PointOnly() {
			ab = a.Point.Bound()
		} else if vb, ok := vertexBound(a.Geom); ok {
			ab = vb
		} else {
			continue
		}
		if first {
			b, first = ab, false
		} else {
			b = b.Union(ab)
		}
	}
	return b
}

// LayerInfo summarises a stored layer.
type LayerInfo struct {
	Layer      string  `json:"layer"`
	Areas      int     `json:"areas"`
	Population float64 `json:"population"`
	Source     string  `json:"source,omitempty"`
	SourceHash string  `json:"source_sha256,omitempty"`
	NoGeometry bool    `json:"no_geometry,omitempty"`
}

// Info returns the layer's summary.
func (l *Layer) Info() LayerInfo {
	info := LayerInfo{Layer: l.Name, Areas: len(l.Areas), Source: l.Source, SourceHash: l.SourceHash, NoGeometry: l.NoGeometry}
	for i := range l.Areas {
		info.Population += l.Areas[i].Population
	}
	return info
}

// ImportOptions say how to read a layer file.
type ImportOptions struct {
	// Layer is the name given to the layer (default: the file's base name).
	Layer string
	// IDField is the property whose value becomes the area id (default: the
	// feature id, else the position in the file, from 1).
	IDField string
	// NameField is the property that becomes the area name (default: the
	// first of name, Name, NAME present; else the id).
	NameField string
	// PopulationField is the property holding the population (optional).
	PopulationField string
	// CRS is the coordinate system of the input when the file does not say
	// it, as "EPSG:2229"; empty means WGS84 longitude/latitude.
	CRS string
	// TableLimits bound the CSV reader (tabular.DefaultLimits when zero).
	TableLimits tabular.Limits
	// Limits bound what the readers accept (zero fields: DefaultLimits).
	Limits Limits
	// skipCoverage leaves out the overlap and gap measurement (for the
	// fuzz targets, which would spend their time in it).
	skipCoverage bool
	// NoGeometry reads the file as a plain table of areas without
	// boundaries (ReadTable): IDField is then required.
	NoGeometry bool
}
