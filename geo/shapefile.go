package geo

import (
	"github.com/budgetlens/budgetlens/budget"
)

// ReadShapefileZip reads a zipped Shapefile (.shp, .shx, .dbf, .prj).
func ReadShapefileZip(path string, opt ImportOptions) (*Layer, *ImportReport, error) {
	return nil, nil, &budget.InputError{File: path, Field: "format", Value: "zipped Shapefile", Expected: "not supported yet; convert to GeoJSON"}
}
