// Package census holds the U.S. Census Bureau's conventions that every
// reader of its files must apply the same way: the API's sentinel values
// (which are not numbers but annotations), the widths of geographic
// identifiers (GEOIDs) by geography, the summary-level prefix of GEO_ID,
// and the pairing of estimate and margin-of-error columns. It depends on
// nothing outside the standard library.
package census

import (
	"math"
	"strconv"
	"strings"
)

// Sentinels are the values the Census Bureau's API writes in place of an
// estimate or margin that does not exist (see the ACS "Notes on
// Annotation Values"): they are missing values, never numbers.
//
//	-666666666  the estimate could not be computed (too few sample observations)
//	-999999999  the margin could not be computed (too few sample observations)
//	-888888888  the estimate or margin is not applicable or not available
//	-222222222  the margin could not be computed (too few sample observations)
//	-333333333  the median falls in the lowest or highest interval (open-ended)
//	-555555555  the estimate is controlled: no margin of error
var Sentinels = []float64{-666666666, -999999999, -888888888, -222222222, -333333333, -555555555}

// IsSentinel reports whether v is one of the API's sentinel values.
func IsSentinel(v float64) bool {
	for _, s := range Sentinels {
		if v == s {
			return true
		}
	}
	return false
}

// Missing reports whether a cell's text is a sentinel ("-666666666",
// "-666666666.0").
func Missing(s string) bool {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "-") || len(s) < 10 {
		return false
	}
	v, err := strconv.ParseFloat(s, 64)
	return err == nil && IsSentinel(v)
}

// Geography is a kind of Census area, named as the API names it.
type Geography string

const (
	State       Geography = "state"
	County      Geography = "county"
	Place       Geography = "place"
	Subdivision Geography = "county subdivision"
	Tract       Geography = "tract"
	BlockGroup  Geography = "block group"
	Block       Geography = "block"
	ZCTA        Geography = "zip code tabulation area"
	District    Geography = "congressional district"
)

// Width is the number of digits of a geography's GEOID: state 2, county
// 5, congressional district 4, place 7, county subdivision 10, tract 11,
// block group 12, block 15, ZCTA 5; 0 when unknown.
func (g Geography) Width() int {
	switch g {
	case State:
		return 2
	case County, ZCTA:
		return 5
	case District:
		return 4
	case Place:
		return 7
	case Subdivision:
		return 10
	case Tract:
		return 11
	case BlockGroup:
		return 12
	case Block:
		return 15
	}
	return 0
}

// ParseGeography reads a geography's name (the API's, or a short form:
// tract, tracts, bg, blockgroup, zcta, zip, cd).
func ParseGeography(s string) (Geography, bool) {
	k := strings.TrimSuffix(strings.ToLower(strings.Join(strings.Fields(s), " ")), "s")
	switch k {
	case "state":
		return State, true
	case "county", "countie":
		return County, true
	case "place":
		return Place, true
	case "county subdivision", "cousub":
		return Subdivision, true
	case "tract", "census tract":
		return Tract, true
	case "block group", "bg", "blockgroup":
		return BlockGroup, true
	case "block", "tabulation block":
		return Block, true
	case "zcta", "zip code tabulation area", "zip", "zip code":
		return ZCTA, true
	case "congressional district", "cd":
		return District, true
	}
	return "", false
}

// summaryLevels are the summary levels of GEO_ID prefixes ("1400000US").
var summaryLevels = map[string]Geography{
	"040": State, "050": County, "060": Subdivision, "140": Tract, "150": BlockGroup, "160": Place,
	"500": District, "750": Block, "860": ZCTA,
}

// SplitGEOID splits a data.census.gov GEO_ID ("1400000US06001400100") into
// its geography (from the summary level) and GEOID; other text is
// returned unchanged with no geography.
func SplitGEOID(id string) (Geography, string) {
	pre, rest, ok := strings.Cut(id, "US")
	if !ok || len(pre) < 3 || rest == "" || !digits(pre) || !digits(rest) {
		return "", id
	}
	return summaryLevels[pre[:3]], rest
}

// Pad restores the leading zero a GEOID of geography g lost when a
// spreadsheet read it as a number ("6037101110" -> "06037101110" for a
// tract). Only an all-digit id exactly one digit short is changed: any
// other width is returned as is (and is not an id of that geography).
func Pad(id string, g Geography) string {
	w := g.Width()
	if w == 0 || len(id) != w-1 || !digits(id) {
		return id
	}
	return "0" + id
}

// Join builds a GEOID from the parts the API returns in separate columns
// (state, county, tract, block group), each padded to its width: "6",
// "37", "101110" -> "06037101110".
func Join(state, county, tract, blockGroup string) (string, Geography, bool) {
	parts := []struct {
		v string
		w int
	}{{state, 2}, {county, 3}, {tract, 6}, {blockGroup, 1}}
	var b strings.Builder
	g := Geography("")
	for i, p := range parts {
		v := strings.TrimSpace(p.v)
		if v == "" {
			break
		}
		if !digits(v) || len(v) > p.w {
			return "", "", false
		}
		b.WriteString(strings.Repeat("0", p.w-len(v)) + v)
		g = []Geography{State, County, Tract, BlockGroup}[i]
	}
	return b.String(), g, g != ""
}

// PairedColumn returns, for an estimate column's name, the name of its
// margin of error: "B19013_001E" -> "B19013_001M", "DP03_0128PE" ->
// "DP03_0128PM", "POP_E" -> "POP_M"; ok is false for a name that is not an
// estimate's (the API's variables end in E after a digit, or in _E).
func PairedColumn(name string) (margin string, ok bool) {
	n := strings.TrimSpace(name)
	if len(n) < 2 || (n[len(n)-1] != 'E' && n[len(n)-1] != 'e') {
		return "", false
	}
	prev := n[len(n)-2]
	if !(prev >= '0' && prev <= '9' || prev == '_' || prev == 'P' || prev == 'p') {
		return "", false
	}
	m := byte('M')
	if n[len(n)-1] == 'e' {
		m = 'm'
	}
	return n[:len(n)-1] + string(m), true
}

// Base is an estimate column's name without its E ("B19013_001E" ->
// "B19013_001", "POP_E" -> "POP").
func Base(estimate string) string {
	n := strings.TrimSpace(estimate)
	return strings.TrimSuffix(n[:len(n)-1], "_")
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Finite reports whether v is a number (not NaN, not infinite, not a
// sentinel).
func Finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) && !IsSentinel(v) }
