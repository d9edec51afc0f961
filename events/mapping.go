package events

import (
	"os"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/internal/yamlerr"
)

// mappingFile is a column-mapping profile for a service-request file whose
// headings budgetlens does not know (docs/measures.md, "Importing events"):
//
//	name: springfield-311
//	columns:
//	  id: [Case Number]          # required
//	  created: [Opened]          # required
//	  type: [Category]           # required
//	  closed: [Closed]
//	  updated: [Last Update]
//	  agency: [Department]
//	  source: [Channel]
//	  status: [Status]
//	  latitude: [Lat]
//	  longitude: [Lon]
//	  address: [Address]
//	  cd: [Ward]
//	  nc: [Neighborhood Id]
//	  nc_name: [Neighborhood]
//	time_layouts: ["01/02/2006 15:04"]   # Go layouts, tried first
//	closed_statuses: [Closed, Resolved]  # default: Closed
type mappingFile struct {
	Name    string `yaml:"name"`
	Columns struct {
		ID        []string `yaml:"id"`
		Created   []string `yaml:"created"`
		Updated   []string `yaml:"updated"`
		Closed    []string `yaml:"closed"`
		Type      []string `yaml:"type"`
		Agency    []string `yaml:"agency"`
		Source    []string `yaml:"source"`
		Status    []string `yaml:"status"`
		Latitude  []string `yaml:"latitude"`
		Longitude []string `yaml:"longitude"`
		Address   []string `yaml:"address"`
		CD        []string `yaml:"cd"`
		NC        []string `yaml:"nc"`
		NCName    []string `yaml:"nc_name"`
	} `yaml:"columns"`
	TimeLayouts    []string `yaml:"time_layouts"`
	ClosedStatuses []string `yaml:"closed_statuses"`
}

const mappingHelp = "see docs/measures.md, \"Importing events\""

// ParseMapping reads a column-mapping profile (YAML) into a Schema. Every
// problem is an input error naming the file and line.
func ParseMapping(file string, data []byte) (*Schema, error) {
	var m mappingFile
	if err := yamlerr.Decode(file, data, &m, "a service-request column mapping", mappingHelp); err != nil {
		return nil, err
	}
	c := m.Columns
	sch := &Schema{Name: "mapping " + m.Name, Layouts: m.TimeLayouts, ClosedStatuses: m.ClosedStatuses}
	if m.Name == "" {
		sch.Name = "mapping " + file
	}
	sch.Columns = [nFields][]string{FieldID: c.ID, FieldCreated: c.Created, FieldUpdated: c.Updated, FieldClosed: c.Closed,
		FieldType: c.Type, FieldAgency: c.Agency, FieldSource: c.Source, FieldStatus: c.Status, FieldLatitude: c.Latitude,
		FieldLongitude: c.Longitude, FieldAddress: c.Address, FieldCD: c.CD, FieldNC: c.NC, FieldNCName: c.NCName}
	for _, f := range []Field{FieldID, FieldCreated, FieldType} {
		if len(sch.Columns[f]) == 0 {
			return nil, &budget.InputError{File: file, Field: "columns." + f.String(),
				Expected: "the heading(s) of the column holding " + f.String() + ": every request needs a request number (id), a creation time (created) and a type (" + mappingHelp + ")"}
		}
	}
	if (len(c.Latitude) == 0) != (len(c.Longitude) == 0) {
		return nil, &budget.InputError{File: file, Field: "columns.latitude", Expected: "both latitude and longitude, or neither (" + mappingHelp + ")"}
	}
	for _, l := range m.TimeLayouts {
		if !strings.ContainsAny(l, "0123456789") {
			return nil, &budget.InputError{File: file, Field: "time_layouts", Value: l, Expected: "a Go time layout written with the reference time, such as 01/02/2006 15:04 (" + mappingHelp + ")"}
		}
	}
	return sch, nil
}

// ReadMapping reads a column-mapping profile file.
func ReadMapping(path string) (*Schema, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, budget.Errorf(budget.EINVALID, "--mapping %s: %w", path, err)
	}
	return ParseMapping(path, b)
}
