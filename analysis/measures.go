package analysis

import (
	"encoding/json"
	"math"
)

// NeedMeasure is one measure of need per small area, set beside the need
// run's score so the headline can be read under each: a published
// component of the index, a poverty or income measure. Values are keyed by
// small-area id (trimID); higher means more need.
type NeedMeasure struct {
	Name   string             `json:"name"`
	Label  string             `json:"label"`
	Why    string             `json:"why,omitempty"`
	Source string             `json:"source,omitempty"`
	Values map[string]float64 `json:"values"`
}

// MeasureSet is the body of a "need-measures" dataset: the measures of the
// city's small areas and, when the index's score is the published one, how
// the recomputed score compared with it.
type MeasureSet struct {
	// Primary describes the need run's own score (name, label, why).
	Primary  NeedMeasure   `json:"primary"`
	Measures []NeedMeasure `json:"measures"`
	// Check says how the scores recomputed from the indicators compared
	// with the published ones (nil when the score is computed).
	Check *NeedCheck `json:"check,omitempty"`
}

// MeasuresDataset packs a measure set into a dataset kept with the
// analyses (kind "need-measures", named after the small-area layer).
func MeasuresDataset(layer string, m *MeasureSet, source, hash string) (*Dataset, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	return &Dataset{Kind: "need-measures", Name: layer, Source: source, SHA256: hash, Body: b}, nil
}

// Measures unpacks a "need-measures" dataset.
func (d *Dataset) Measures() (*MeasureSet, error) {
	var m MeasureSet
	if err := json.Unmarshal(d.Body, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// values returns the measure's value for each small area of the frame
// (NaN where it has none).
func (m *NeedMeasure) values(fr *Frame) []float64 {
	out := make([]float64, len(fr.Small))
	for k, s := range fr.Small {
		out[k] = math.NaN()
		if v, ok := m.Values[trimID(s.ID)]; ok && !math.IsNaN(v) && !math.IsInf(v, 0) {
			out[k] = v
		}
	}
	return out
}

// GroupShareMeasure is the share of each small area's residents in a
// population group (count / universe total), NaN-free: small areas without
// a positive universe are left out.
func GroupShareMeasure(g *GroupCounts, group string) map[string]float64 {
	out := map[string]float64{}
	counts := g.Counts[group]
	for id, tot := range g.Total {
		if tot > 0 {
			out[id] = counts[id] / tot
		}
	}
	return out
}
