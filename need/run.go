package need

import (
	"time"

	"github.com/budgetlens/budgetlens/geo"
)

// Input identifies one input file of a run by its content hash.
type Input struct {
	Role string `json:"role"` // indicators, neighbours ...
	File string `json:"file"`
	Hash string `json:"hash"` // sha256 of the file's bytes
}

// Run is a stored result: the spec (text and hash), the inputs (hashes),
// and every area's result.
type Run struct {
	ID          int64        `json:"id"`
	Spec        string       `json:"spec"` // spec name
	SpecVersion string       `json:"spec_version"`
	SpecHash    string       `json:"spec_hash"`
	SpecYAML    string       `json:"-"`
	Layer       string       `json:"layer"` // geography the area ids belong to (e.g. "tracts2010")
	Published   bool         `json:"use_published"`
	Inputs      []Input      `json:"inputs"`
	CreatedAt   time.Time    `json:"created_at"`
	Indicators  []string     `json:"indicators"`
	Components  []string     `json:"components,omitempty"`
	Categories  []string     `json:"categories,omitempty"`
	TopTier     string       `json:"top_tier"`
	Areas       []AreaResult `json:"areas"`
}

// RunInfo summarises a stored run.
type RunInfo struct {
	ID          int64     `json:"id"`
	Spec        string    `json:"spec"`
	SpecVersion string    `json:"spec_version"`
	SpecHash    string    `json:"spec_hash"`
	Layer       string    `json:"layer"`
	Areas       int       `json:"areas"`
	CreatedAt   time.Time `json:"created_at"`
}

// NewRun packages a result with its provenance for storage.
func NewRun(res *Result, inputs []Input, layer string, published bool) *Run {
	return &Run{
		Spec:        res.Spec.Name,
		SpecVersion: res.Spec.Version,
		SpecHash:    res.Spec.Hash(),
		SpecYAML:    res.Spec.YAML(),
		Layer:       layer,
		Published:   published,
		Inputs:      inputs,
		CreatedAt:   time.Now().UTC(),
		Indicators:  res.Indicators,
		Components:  res.Components,
		Categories:  res.Categories,
		TopTier:     res.Spec.TopTier(),
		Areas:       res.Areas,
	}
}

// Info summarises the run.
func (r *Run) Info() RunInfo {
	return RunInfo{ID: r.ID, Spec: r.Spec, SpecVersion: r.SpecVersion, SpecHash: r.SpecHash, Layer: r.Layer, Areas: len(r.Areas), CreatedAt: r.CreatedAt}
}

// Area returns the result of the area with this id (leading zeros ignored,
// since some files write GEOIDs without them).
func (r *Run) Area(id string) (*AreaResult, bool) {
	for a := range r.Areas {
		if sameID(r.Areas[a].ID, id) {
			return &r.Areas[a], true
		}
	}
	return nil, false
}

func sameID(a, b string) bool { return geo.SameID(a, b) }

// trimZeros is the key ids are matched by (geo.IDKey).
func trimZeros(s string) string { return geo.IDKey(s) }
