package geo

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/internal/tabular"
)

// ReadTable reads a layer of areas without boundaries: a plain table (CSV
// or XLSX, through internal/tabular) with one row per area, as a city
// publishes its ward or district statistics when it publishes no shapes.
// opt.IDField names the id column (required), opt.NameField the name
// column (default: the id) and opt.PopulationField the population column
// (optional; "1,234" is read as 1234); every other column becomes an
// attribute. The layer has NoGeometry set: analyses, need runs and capital
// plans use its areas by their ids and populations, and nothing can be
// located in them. Ids must be unique; a bad population names its line and
// column.
func ReadTable(path string, opt ImportOptions) (*Layer, *ImportReport, error) {
	rep := &ImportReport{File: path, Layer: layerName(path, opt), CRS: "none (areas without boundaries)"}
	if opt.IDField == "" {
		return nil, rep, &budget.InputError{File: path, Field: "id", Expected: "a layer without boundaries needs its id column: --id COLUMN (and --name COLUMN, --population COLUMN)"}
	}
	r, err := tabular.Open(path, tabular.Options{Limits: opt.TableLimits})
	if err != nil {
		return nil, rep, err
	}
	defer r.Close()
	h := r.Header()
	col := func(field, name string) (int, error) {
		if name == "" {
			return -1, nil
		}
		return h.Must(field, name)
	}
	idc, err := col("id", opt.IDField)
	if err != nil {
		return nil, rep, err
	}
	namec, err := col("name", opt.NameField)
	if err != nil {
		return nil, rep, err
	}
	popc, err := col("population", opt.PopulationField)
	if err != nil {
		return nil, rep, err
	}
	l := &Layer{Name: rep.Layer, Source: filepath.Base(path), NoGeometry: true}
	seen := map[string]int{}
	for {
		line, cells, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, rep, err
		}
		a, err := tableArea(h, line, cells, idc, namec, popc)
		if err != nil {
			return nil, rep, err
		}
		if prev, dup := seen[IDKey(a.ID)]; dup {
			return nil, rep, h.Err(line, idc, "id", a.ID, fmt.Sprintf("area ids must be unique: line %d has the same id", prev))
		}
		seen[IDKey(a.ID)] = line
		l.Areas = append(l.Areas, a)
	}
	if len(l.Areas) == 0 {
		return nil, rep, &budget.InputError{File: path, Expected: "the table has no areas: give a header and one row per area"}
	}
	rep.Features = len(l.Areas)
	l.SourceHash = r.SHA256()
	return l, rep, nil
}

// tableArea reads one row of an area table.
func tableArea(h *tabular.Header, line int, cells []string, idc, namec, popc int) (Area, error) {
	get := func(c int) string {
		if c >= 0 && c < len(cells) {
			return strings.TrimSpace(cells[c])
		}
		return ""
	}
	a := Area{ID: get(idc), Name: get(namec), Attrs: map[string]string{}}
	if a.ID == "" {
		return a, h.Err(line, idc, "id", "", "every area needs an id")
	}
	if a.Name == "" {
		a.Name = a.ID
	}
	if s := strings.ReplaceAll(get(popc), ",", ""); s != "" {
		p, err := strconv.ParseFloat(s, 64)
		if err != nil || p < 0 || math.IsNaN(p) || math.IsInf(p, 0) {
			return a, h.Err(line, popc, "population", get(popc), "a number of residents, 0 or more (blank when unknown)")
		}
		a.Population = p
	}
	for i, name := range h.Names {
		if i == idc || i == namec || i == popc || strings.TrimSpace(name) == "" {
			continue
		}
		a.Attrs[name] = get(i)
	}
	return a, nil
}
