package projects

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/internal/jsonerr"
	"github.com/budgetlens/budgetlens/internal/tabular"
	"github.com/paulmach/orb"
)

// geoJSONRows reads a FeatureCollection as rows: the union of the
// features' property names (in order of first appearance) is the header,
// each feature a row numbered from 1, its geometry the row's place.
type geoJSONRows struct {
	file  string
	h     *tabular.Header
	feats []rawFeature
	k     int
	sum   string
}

type rawFeature struct {
	Properties map[string]any  `json:"properties"`
	Geometry   json.RawMessage `json:"geometry"`
}

func openGeoJSON(path string, lim tabular.Limits) (rows, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, tabular.OpenError(path, err)
	}
	if err := tabular.CheckJSON(path, data, lim); err != nil {
		return nil, err
	}
	var fc struct {
		Type     string       `json:"type"`
		Features []rawFeature `json:"features"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // amounts keep the digits the file wrote
	if err := dec.Decode(&fc); err != nil {
		msg, line, col := jsonerr.Explain(data, err)
		return nil, &budget.InputError{File: path, Line: line, ColIndex: col, Expected: "a GeoJSON FeatureCollection: " + msg}
	}
	if fc.Type != "FeatureCollection" {
		return nil, &budget.InputError{File: path, Field: "type", Value: fc.Type, Expected: "a GeoJSON FeatureCollection (one feature per project)"}
	}
	// Features of one file may spell a property differently ("Bgt_Total",
	// "Bgt_total" in LADOT's): names equal but for case and spaces are one
	// column, as headings are compared, unless one feature has both.
	var names []string
	col := map[string]int{}
	for i := range fc.Features {
		f := &fc.Features[i]
		norm := map[string]any{}
		for _, k := range sortedProps(f.Properties) {
			nk := tabular.Normalize(k)
			if _, both := norm[nk]; both {
				nk = k // kept apart: a heading used twice is refused if read
			}
			norm[nk] = f.Properties[k]
			if _, ok := col[nk]; !ok {
				col[nk] = len(names)
				names = append(names, k)
			}
		}
		f.Properties = norm
	}
	s := sha256.Sum256(data)
	return &geoJSONRows{file: path, h: tabular.NewHeader(path, 0, names), feats: fc.Features, sum: hex.EncodeToString(s[:])}, nil
}

// sortedProps returns a feature's property names in a fixed order (JSON
// objects have none; encoding/json gives maps): sorted.
func sortedProps(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func (g *geoJSONRows) header() *tabular.Header { return g.h }
func (g *geoJSONRows) sha256() string          { return g.sum }
func (g *geoJSONRows) close()                  {}

func (g *geoJSONRows) next() (int, []string, orb.Geometry, error) {
	if g.k >= len(g.feats) {
		return 0, nil, nil, io.EOF
	}
	f := g.feats[g.k]
	g.k++
	cells := make([]string, len(g.h.Names))
	for i, n := range g.h.Names {
		v, ok := f.Properties[tabular.Normalize(n)]
		if !ok {
			v = f.Properties[n]
		}
		cells[i] = jsonText(v)
	}
	raw := bytes.TrimSpace(f.Geometry)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return g.k, cells, nil, nil
	}
	geom, err := geo.ParseGeoJSONGeometry(raw)
	if err == nil {
		err = simpleKind(geom)
	}
	if err != nil {
		return 0, nil, nil, &budget.InputError{File: g.file, Line: g.k, Field: fmt.Sprintf("features[%d].geometry", g.k-1),
			Expected: "a GeoJSON geometry (Point, LineString, Polygon or their Multi forms): " + err.Error()}
	}
	return g.k, cells, geom, nil
}

// readHead reads the first n bytes of a file.
func readHead(path string, n int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, n)
	k, err := io.ReadFull(f, b)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		err = nil
	}
	return b[:k], err
}
