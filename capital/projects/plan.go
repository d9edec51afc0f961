// Package projects holds a capital plan as the city publishes it: a named
// list of projects, each with its cost (one total or one per year, in
// integer cents), its name and category, the columns of its row kept as
// text, and its place: a geometry (point, line or polygon), the codes of
// areas of a layer ("B,E,I"), the whole city, or no known place. It reads
// such lists from CSV, XLSX and GeoJSON files through the one tabular input
// path (internal/tabular) with a column mapping, refusing bad cells with
// their file, line and column; and it defines the saved scenarios of a plan
// and the release state that decides whether the public sees it.
//
// The package knows nothing of stores, need or optimisation: package
// capital/placement places a plan's dollars in areas, and package capital
// selects the best plan.
package projects

import (
	"time"

	"github.com/paulmach/orb"
)

// PlaceKind says how a project's place is known.
type PlaceKind string

// Place kinds.
const (
	// PlaceGeometry: a point, line or polygon (or their multi forms) in
	// WGS84 longitude/latitude.
	PlaceGeometry PlaceKind = "geometry"
	// PlaceAreas: the codes of one or more areas of the plan's area layer.
	PlaceAreas PlaceKind = "areas"
	// PlaceCitywide: the project serves the whole city.
	PlaceCitywide PlaceKind = "citywide"
	// PlaceNone: the list gives no place (a blank cell, "Various", "TBD").
	PlaceNone PlaceKind = "none"
)

// Place is where a project is.
type Place struct {
	Kind PlaceKind `json:"kind"`
	// Geometry is set for PlaceGeometry.
	Geometry orb.Geometry `json:"-"`
	// Areas are area ids of the plan's AreaLayer (PlaceAreas), as the layer
	// writes them, in the order the cell lists them, without repeats.
	Areas []string `json:"areas,omitempty"`
	// Text is the place cell as written ("5, 11", "Citywide"), for people.
	Text string `json:"text,omitempty"`
}

// Project is one project of a plan.
type Project struct {
	ID string `json:"id"`
	// Line is the row's line in the source file (a workbook's row; for
	// GeoJSON the feature's position, from 1).
	Line     int    `json:"line"`
	Name     string `json:"name,omitempty"`
	Category string `json:"category,omitempty"`
	// Cost is in cents: one entry per Plan.Years, or a single total when
	// the plan has no years. Costs are never negative.
	Cost []int64 `json:"cost_cents"`
	// Attrs are the row's other columns as written (heading -> cell), for
	// benefits, local matches and anything else a plan is asked about.
	Attrs map[string]string `json:"attrs,omitempty"`
	Place Place             `json:"place"`
}

// Total is the project's cost over every year, in cents.
func (p *Project) Total() int64 {
	var t int64
	for _, c := range p.Cost {
		t += c
	}
	return t
}

// Plan is a capital plan: a named project list read from one file.
type Plan struct {
	Name string `json:"name"`
	// Source is the file's base name; SHA256 the hex digest of its bytes.
	Source string `json:"source"`
	SHA256 string `json:"sha256"`
	// Years label the cost years, in the file's column order; empty when
	// each project has one total cost.
	Years []string `json:"years,omitempty"`
	// AreaLayer is the layer whose ids PlaceAreas projects name ("" when
	// the plan has no area codes).
	AreaLayer string `json:"area_layer,omitempty"`
	// Mapping is how the file was read (columns, units, markers).
	Mapping Mapping `json:"mapping"`
	// Columns are the headings kept in each project's Attrs, in file order.
	Columns  []string  `json:"columns,omitempty"`
	Projects []Project `json:"projects"`
	// Skipped lists the rows left out for want of a cost
	// (Mapping.MissingCost "skip").
	Skipped []Skipped `json:"skipped,omitempty"`
	// Imported is when the store saved it (set by the store, UTC).
	Imported time.Time `json:"imported"`
}

// Skipped is a row of the file left out of the plan.
type Skipped struct {
	Line   int    `json:"line"`
	ID     string `json:"id"`
	Name   string `json:"name,omitempty"`
	Reason string `json:"reason"`
}

// Total is the plan's cost over every project and year, in cents.
func (p *Plan) Total() int64 {
	var t int64
	for i := range p.Projects {
		t += p.Projects[i].Total()
	}
	return t
}

// Project returns the project with the given id.
func (p *Plan) Project(id string) (*Project, bool) {
	for i := range p.Projects {
		if p.Projects[i].ID == id {
			return &p.Projects[i], true
		}
	}
	return nil, false
}

// Info summarises the plan for listings.
func (p *Plan) Info() PlanInfo {
	return PlanInfo{Name: p.Name, Source: p.Source, SHA256: p.SHA256, Projects: len(p.Projects), TotalCents: p.Total(),
		Years: p.Years, AreaLayer: p.AreaLayer, Imported: p.Imported, Skipped: len(p.Skipped)}
}

// PlanInfo summarises a stored plan.
type PlanInfo struct {
	Name       string    `json:"name"`
	Source     string    `json:"source"`
	SHA256     string    `json:"sha256"`
	Projects   int       `json:"projects"`
	TotalCents int64     `json:"total_cents"`
	Years      []string  `json:"years,omitempty"`
	AreaLayer  string    `json:"area_layer,omitempty"`
	Imported   time.Time `json:"imported"`
	// Skipped is the number of rows left out for want of a cost.
	Skipped int `json:"skipped"`
	// Released says whether the public may see the plan (see Release).
	Released bool `json:"released"`
	// Scenarios is the number of saved scenarios of the plan.
	Scenarios int `json:"scenarios"`
}
