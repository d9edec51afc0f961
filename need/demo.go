package need

import (
	"strings"
)

// LACountyLayer names the geography of the demo index: 2010 census tracts
// (CalEnviroScreen 3.0's vintage), as 11-digit GEOIDs (CalEnviroScreen writes
// them without their leading zero; the reader gives it back).
const LACountyLayer = "tracts2010"

// LACountyTractIndex builds the demo's need index over every Los Angeles
// County tract: the preset (percentile-average by default; ces3 and zscore
// also fit) is applied to CalEnviroScreen 3.0's raw indicators for all
// 8,035 California tracts, so percentiles are statewide as published; the
// run then keeps the tracts whose "California County" is Los Angeles, and
// their rank and percentile are recomputed among those tracts (1 = most
// need in the county) while scores and tiers stay statewide. The run's
// layer is LACountyLayer and its input hash the file's sha256.
func LACountyTractIndex(ces3Path, preset string) (*Run, error) {
	if preset == "" {
		preset = "percentile-average"
	}
	spec, err := Preset(preset)
	if err != nil {
		return nil, err
	}
	tab, err := ReadTable(ces3Path, ReadOptions{})
	if err != nil {
		return nil, err
	}
	county, err := tab.Text("California County")
	if err != nil {
		return nil, err
	}
	res, err := Compute(spec, tab, Options{})
	if err != nil {
		return nil, err
	}
	keep := make([]bool, len(county))
	for a := range county {
		keep[a] = strings.TrimSpace(county[a]) == "Los Angeles"
	}
	Subset(res, keep)
	return NewRun(res, []Input{{Role: "indicators", File: ces3Path, Hash: tab.Hash}}, LACountyLayer, false), nil
}

// Subset keeps the areas with keep[a] true, after the index was computed
// over all areas (so percentiles of indicators stay over all of them), and
// recomputes rank and percentile of the score among the kept areas. Scores
// and tiers are unchanged.
func Subset(res *Result, keep []bool) {
	var kept []AreaResult
	for a := range res.Areas {
		if keep[a] {
			kept = append(kept, res.Areas[a])
		}
	}
	res.Areas = kept
	rankScores(res)
}
