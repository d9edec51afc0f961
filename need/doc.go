// Package need builds, explains, compares and stress-tests composite need
// (equity) indices over areas such as census tracts.
//
// The engine is pure: a Table of indicator values per area goes in, together
// with a Spec (a versioned YAML document: indicators, normalisation, domains,
// weights, aggregation, thresholds, tiers); a Result with scores, percentiles,
// tiers, per-indicator contributions and threshold flags comes out. Nothing
// here knows about storage, HTTP or the CLI.
//
// Presets reproduce published methods (see presets/*.yaml and docs/need.md):
// ces4 and ces3 (CalEnviroScreen 4.0 / 3.0), cejst (Justice40 CEJST 1.0
// categories, thresholds, low-income test and adjacency rule), metro-efc
// (LA Metro Equity Focus Communities, thresholds as parameters),
// percentile-average (domain means of percentiles, re-ranked) and zscore
// (weighted z-scores, HPI-style).
package need
