package geo

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
)

// Limits bound what the spatial readers accept from one input, so that a
// small hostile file cannot take gigabytes of memory or minutes of time
// (issue 14). Each is checked while the file is read, before the memory it
// guards is taken: sizes of zip members from the archive's directory before
// decompressing and again while decompressing; vertices, features and
// nesting as they are parsed; GeoPackage pages as they are visited.
// Exceeding a limit is an input error (budget.InputError, exit status 2)
// naming the limit, the place and how to raise it.
//
// A zero field means its default (DefaultLimits). The defaults suit the
// largest real public layers a city uses (the full-resolution TIGER/Line
// tracts of California: 9,129 tracts, about 80 MB of .shp; county
// neighbourhood layers) with a wide margin, and keep the memory an import
// can take to about 1.5 GB at the very most; see docs/geo.md for the
// measured multiple.
type Limits struct {
	// FileBytes bounds the bytes of a layer file (a zip archive, a
	// GeoPackage, a GeoJSON file or stream).
	FileBytes int64
	// MemberBytes bounds the decompressed bytes of a .shp or .dbf inside a
	// zip archive; SidecarBytes those of a .prj or .cpg.
	MemberBytes  int64
	SidecarBytes int64
	// ZipRatio bounds a zip member's decompressed size over its compressed
	// size, declared and actual (members under 1 MiB are exempt);
	// ShapeRatio bounds it for the .shp, whose coordinates hardly compress
	// (a real one: 1.4), so that a small archive cannot expand into
	// millions of vertices.
	ZipRatio   float64
	ShapeRatio float64
	// Features bounds the features (areas) of a layer.
	Features int
	// RingVertices bounds the vertices of one ring; LayerVertices those of
	// the whole layer.
	RingVertices  int
	LayerVertices int
	// Depth bounds the nesting of JSON arrays and objects in GeoJSON.
	Depth int
	// Pages bounds the SQLite pages visited while reading a GeoPackage
	// (each page of a table's b-tree may be visited once; a page reached
	// twice is corrupt whatever this limit).
	Pages int
	// OverlapDepth bounds how many areas of a layer may cover one point
	// (areas stacked on each other make overlap checks quadratic).
	OverlapDepth int
}

// DefaultLimits are the limits used for every zero field of a Limits.
var DefaultLimits = Limits{
	FileBytes:     1 << 30,
	MemberBytes:   1 << 30,
	SidecarBytes:  1 << 20,
	ZipRatio:      100,
	ShapeRatio:    8,
	Features:      1_000_000,
	RingVertices:  1_000_000,
	LayerVertices: 5_000_000,
	Depth:         64,
	Pages:         1 << 21,
	OverlapDepth:  64,
}

// limitNames maps each limit's name (as in flags and profiles) to its
// field.
var limitNames = map[string]func(*Limits) any{
	"file_bytes":     func(l *Limits) any { return &l.FileBytes },
	"member_bytes":   func(l *Limits) any { return &l.MemberBytes },
	"sidecar_bytes":  func(l *Limits) any { return &l.SidecarBytes },
	"zip_ratio":      func(l *Limits) any { return &l.ZipRatio },
	"shp_ratio":      func(l *Limits) any { return &l.ShapeRatio },
	"features":       func(l *Limits) any { return &l.Features },
	"ring_vertices":  func(l *Limits) any { return &l.RingVertices },
	"layer_vertices": func(l *Limits) any { return &l.LayerVertices },
	"depth":          func(l *Limits) any { return &l.Depth },
	"pages":          func(l *Limits) any { return &l.Pages },
	"overlap_depth":  func(l *Limits) any { return &l.OverlapDepth },
}

// LimitNames lists the names Set accepts, sorted.
func LimitNames() []string {
	var out []string
	for k := range limitNames {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Set sets one limit by name ("ring_vertices", "file_bytes", ...; dashes
// may stand for underscores) from its text: a positive number, with an
// optional KiB/MiB/GiB suffix for byte limits and digit separators "_" or
// ",". It is what a --limit NAME=VALUE flag or a profile's limits section
// calls.
func (l *Limits) Set(name, value string) error {
	key := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(name)), "-", "_")
	f, ok := limitNames[key]
	if !ok {
		return budget.Errorf(budget.EINVALID, "unknown limit %q: use one of %s", name, strings.Join(LimitNames(), ", "))
	}
	v := strings.NewReplacer("_", "", ",", "").Replace(strings.TrimSpace(value))
	mult := 1.0
	for _, s := range []struct {
		suffix string
		m      float64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}} {
		if strings.HasSuffix(v, s.suffix) {
			v, mult = strings.TrimSpace(strings.TrimSuffix(v, s.suffix)), s.m
			break
		}
	}
	x, err := strconv.ParseFloat(v, 64)
	x *= mult
	if err != nil || !(x > 0) || x > 1<<62 {
		return budget.Errorf(budget.EINVALID, "limit %s=%q: give a positive number", key, value)
	}
	switch p := f(l).(type) {
	case *int64:
		*p = int64(x)
	case *int:
		*p = int(x)
	case *float64:
		*p = x
	}
	return nil
}

// withDefaults returns l with every zero field set to its default.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.FileBytes > 0 {
		d.FileBytes = l.FileBytes
	}
	if l.MemberBytes > 0 {
		d.MemberBytes = l.MemberBytes
	}
	if l.SidecarBytes > 0 {
		d.SidecarBytes = l.SidecarBytes
	}
	if l.ZipRatio > 0 {
		d.ZipRatio = l.ZipRatio
	}
	if l.ShapeRatio > 0 {
		d.ShapeRatio = l.ShapeRatio
	}
	if l.Features > 0 {
		d.Features = l.Features
	}
	if l.RingVertices > 0 {
		d.RingVertices = l.RingVertices
	}
	if l.LayerVertices > 0 {
		d.LayerVertices = l.LayerVertices
	}
	if l.Depth > 0 {
		d.Depth = l.Depth
	}
	if l.Pages > 0 {
		d.Pages = l.Pages
	}
	if l.OverlapDepth > 0 {
		d.OverlapDepth = l.OverlapDepth
	}
	return d
}

// limitError is the input error for an exceeded limit: what was found,
// where, the limit, and how to raise it.
func limitError(file string, line int, name string, limit any, found string) error {
	return &budget.InputError{File: file, Line: line, Field: "limit " + name, Value: found,
		Expected: fmt.Sprintf("at most %s (limit %s); if the file is genuine, raise the limit with --limit %s=N (or limits.%s in the city profile)",
			groupThousands(limit), name, name, name)}
}

func groupThousands(v any) string {
	var s string
	switch t := v.(type) {
	case int:
		s = strconv.Itoa(t)
	case int64:
		s = strconv.FormatInt(t, 10)
	case float64:
		return strconv.FormatFloat(t, 'g', -1, 64)
	default:
		return fmt.Sprint(v)
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// vertexBudget counts vertices against the ring and layer limits.
type vertexBudget struct {
	lim   Limits
	file  string
	layer int
}

// ring checks a ring of n vertices at the place described by where.
func (v *vertexBudget) ring(n int, line int, where func() string) error {
	if n > v.lim.RingVertices {
		return limitError(v.file, line, "ring_vertices", v.lim.RingVertices, fmt.Sprintf("%s has %s vertices", where(), groupThousands(n)))
	}
	v.layer += n
	if v.layer > v.lim.LayerVertices {
		return limitError(v.file, line, "layer_vertices", v.lim.LayerVertices, fmt.Sprintf("the layer reaches %s vertices at %s", groupThousands(v.layer), where()))
	}
	return nil
}
