package measures

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/internal/tabular"
	"github.com/budgetlens/budgetlens/internal/yamlerr"
)

// PublishedSpec says how to read a file of measures published by area
// (measures/published/*.yaml; a user's own with --mapping): which columns
// hold the area code and the period, and which hold each measure.
type PublishedSpec struct {
	Name    string `yaml:"name"`
	Format  string `yaml:"format"`
	Note    string `yaml:"note"`
	Derived bool   `yaml:"derived"`
	// Department is the department the measures are of ("Fire"), for
	// roll-ups.
	Department string `yaml:"department"`
	// Detect are headings that together recognise the format.
	Detect []string `yaml:"detect"`
	// Area is the heading of the area code; Match how codes meet the
	// layer's areas: id, name, or both (default: id, else name).
	Area  string `yaml:"area"`
	Match string `yaml:"match"`
	// Year and Month head the period columns (a month name or number; a
	// row whose month is neither is a totals row, checked not stored);
	// Period heads a single "2018-01" column instead. Without any, each
	// measure's column_pattern gives the period.
	Year   string `yaml:"year"`
	Month  string `yaml:"month"`
	Period string `yaml:"period"`
	// Measures lists the measures and their columns.
	Measures []PublishedColumn `yaml:"measures"`
	File     string            `yaml:"-"`
}

// PublishedColumn is one measure of a spec: its column (or a pattern of
// headings whose named groups from and to are the dates it covers) and how
// its values read: number (default) or duration (h:mm:ss, read in
// minutes).
type PublishedColumn struct {
	PublishedMeasure `yaml:",inline"`
	Column           string `yaml:"column"`
	ColumnPattern    string `yaml:"column_pattern"`
	Value            string `yaml:"value"`
}

//go:embed published/*.yaml
var publishedFS embed.FS

const publishedHelp = "see docs/measures.md, \"Measures published by area\""

// PublishedSpecs returns the built-in specs.
func PublishedSpecs() ([]*PublishedSpec, error) {
	names, err := fs.Glob(publishedFS, "published/*.yaml")
	if err != nil {
		return nil, err
	}
	var out []*PublishedSpec
	for _, n := range names {
		b, err := publishedFS.ReadFile(n)
		if err != nil {
			return nil, err
		}
		s, err := ParsePublishedSpec("measures:"+n, b)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// ParsePublishedSpec reads a spec; errors name the file and line.
func ParsePublishedSpec(file string, data []byte) (*PublishedSpec, error) {
	s := &PublishedSpec{}
	if err := yamlerr.Decode(file, data, s, "a spec of measures published by area", publishedHelp); err != nil {
		return nil, err
	}
	s.File = file
	bad := func(field, value, expected string) error {
		return &budget.InputError{File: file, Field: field, Value: value, Expected: expected + " (" + publishedHelp + ")"}
	}
	if s.Name == "" || strings.Trim(s.Name, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
		return nil, bad("name", s.Name, "a set name of lower-case letters, digits and _")
	}
	if s.Area == "" {
		return nil, bad("area", "", "the heading of the area codes")
	}
	if s.Match != "" && s.Match != "id" && s.Match != "name" {
		return nil, bad("match", s.Match, "id or name")
	}
	if len(s.Measures) == 0 {
		return nil, bad("measures", "", "at least one measure")
	}
	ids := map[string]bool{}
	for i := range s.Measures {
		m := &s.Measures[i]
		f := fmt.Sprintf("measures[%d]", i)
		switch {
		case m.ID == "" || ids[m.ID]:
			return nil, bad(f+".id", m.ID, "a unique id")
		case m.Kind != PublishedMean && m.Kind != PublishedCount:
			return nil, bad(f+".kind", m.Kind, "mean or count")
		case (m.Column == "") == (m.ColumnPattern == ""):
			return nil, bad(f+".column", m.ID, "either column or column_pattern")
		case m.Value != "" && m.Value != "number" && m.Value != "duration":
			return nil, bad(f+".value", m.Value, "number or duration")
		case m.Better != "" && m.Better != Higher && m.Better != Lower:
			return nil, bad(f+".better", m.Better, "higher or lower")
		}
		if err := CheckNames(m.Names); err != nil {
			return nil, bad(f+".names", err.Error(), "names by language code, such as es: Tiempo medio de viaje")
		}
		if m.ColumnPattern != "" {
			if _, err := regexp.Compile(m.ColumnPattern); err != nil {
				return nil, bad(f+".column_pattern", m.ColumnPattern, "a regular expression with groups from and to")
			}
		}
		if m.Name == "" {
			m.Name = m.ID
		}
		ids[m.ID] = true
	}
	for i, m := range s.Measures {
		if m.WeightOf != "" && !slices.ContainsFunc(s.Measures, func(x PublishedColumn) bool { return x.ID == m.WeightOf && x.Kind == PublishedCount }) {
			return nil, bad(fmt.Sprintf("measures[%d].weight_of", i), m.WeightOf, "the id of a count measure of the set")
		}
	}
	return s, nil
}

// matches reports whether a header has every Detect heading.
func (s *PublishedSpec) matches(h *tabular.Header) bool {
	if len(s.Detect) == 0 {
		return false
	}
	for _, d := range s.Detect {
		if i, _ := h.Find(d); i < 0 {
			return false
		}
	}
	return true
}

// ReadPublished reads a file of published measures: with spec, or with
// the built-in spec its headings fit. Totals rows are checked against the
// months they sum (PublishedSet.Checks) and a mismatch in a count is an
// input error.
func ReadPublished(r io.Reader, name string, spec *PublishedSpec) (*PublishedSet, error) {
	h := sha256.New()
	rd, err := tabular.NewCSVReader(io.TeeReader(r, h), tabular.Options{File: name})
	if err != nil {
		return nil, err
	}
	if spec == nil {
		specs, err := PublishedSpecs()
		if err != nil {
			return nil, err
		}
		for _, s := range specs {
			if s.matches(rd.Header()) {
				spec = s
				break
			}
		}
		if spec == nil {
			return nil, &budget.InputError{File: name, Line: rd.Header().Line, Field: "header",
				Expected: "the headings of a known published format (LAFD response metrics: YEAR, DISTRICT, MONTH, ...); for any other file write a spec and give it with --mapping (" + publishedHelp + ")"}
		}
	}
	pr, err := newPublishedReader(spec, rd.Header())
	if err != nil {
		return nil, err
	}
	set := &PublishedSet{Name: spec.Name, File: name, Format: spec.Format, Derived: spec.Derived, Note: spec.Note, Department: spec.Department}
	for _, c := range spec.Measures {
		set.Measures = append(set.Measures, c.PublishedMeasure)
	}
	for {
		line, cells, err := rd.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if err := pr.row(line, cells, set); err != nil {
			return nil, err
		}
	}
	if len(set.Values) == 0 {
		return nil, &budget.InputError{File: name, Expected: "at least one row of values"}
	}
	if set.Checks, err = pr.check(set); err != nil {
		return nil, err
	}
	set.SHA256 = hex.EncodeToString(h.Sum(nil))
	set.First, set.Last = set.Values[0].Month, set.Values[0].Month
	for _, v := range set.Values {
		set.First, set.Last = min(set.First, v.Month), max(set.Last, v.Month+Month(v.Months)-1)
	}
	set.ImportedAt = time.Now().UTC()
	return set, nil
}

// publishedReader holds the columns of one file.
type publishedReader struct {
	spec              *PublishedSpec
	h                 *tabular.Header
	area, year, month int
	period            int
	cols              []int      // per measure
	span              [][2]Month // per measure from a column pattern: first month, months
	totals            []totalRow
}

// totalRow is a year's totals row, kept for the check.
type totalRow struct {
	line   int
	area   string
	year   int
	values map[string]float64
}

func newPublishedReader(spec *PublishedSpec, h *tabular.Header) (*publishedReader, error) {
	pr := &publishedReader{spec: spec, h: h, year: -1, month: -1, period: -1}
	var err error
	if pr.area, err = h.Must("area", spec.Area); err != nil {
		return nil, err
	}
	for _, p := range []struct {
		heading string
		dst     *int
	}{{spec.Year, &pr.year}, {spec.Month, &pr.month}, {spec.Period, &pr.period}} {
		if p.heading != "" {
			if *p.dst, err = h.Must(p.heading, p.heading); err != nil {
				return nil, err
			}
		}
	}
	for _, c := range spec.Measures {
		col, span := -1, [2]Month{}
		if c.Column != "" {
			if col, err = h.Must(c.ID, c.Column); err != nil {
				return nil, err
			}
		} else {
			re := regexp.MustCompile(c.ColumnPattern)
			for i, n := range h.Names {
				if m := re.FindStringSubmatch(strings.TrimSpace(n)); m != nil {
					col = i
					if span, err = spanOf(re, m); err != nil {
						return nil, &budget.InputError{File: h.File, Line: h.Line, Column: n, Expected: err.Error()}
					}
					break
				}
			}
			if col < 0 {
				return nil, &budget.InputError{File: h.File, Line: h.Line, Field: c.ID, Expected: "a heading matching " + c.ColumnPattern}
			}
		}
		pr.cols, pr.span = append(pr.cols, col), append(pr.span, span)
	}
	if pr.year < 0 && pr.period < 0 && spec.Measures[0].ColumnPattern == "" {
		return nil, &budget.InputError{File: h.File, Field: "period", Expected: "a year and month, a period column, or column patterns giving the dates (" + publishedHelp + ")"}
	}
	return pr, nil
}

// spanOf reads the from and to dates of a heading: the months they cover
// (a to on the first of a month is exclusive).
func spanOf(re *regexp.Regexp, m []string) ([2]Month, error) {
	var from, to time.Time
	var err error
	for i, n := range re.SubexpNames() {
		switch n {
		case "from":
			from, err = time.Parse("2006-01-02", m[i])
		case "to":
			to, err = time.Parse("2006-01-02", m[i])
		}
		if err != nil {
			return [2]Month{}, fmt.Errorf("dates written as 2021-10-01")
		}
	}
	if from.IsZero() || to.IsZero() || to.Before(from) {
		return [2]Month{}, fmt.Errorf("a heading naming the dates from and to it covers")
	}
	last := MonthOf(to)
	if to.Day() == 1 {
		last--
	}
	return [2]Month{MonthOf(from), last - MonthOf(from) + 1}, nil
}

var monthNames = map[string]int{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}

// row reads one data row.
func (pr *publishedReader) row(line int, cells []string, set *PublishedSet) error {
	get := func(i int) string {
		if i < 0 || i >= len(cells) {
			return ""
		}
		return strings.TrimSpace(cells[i])
	}
	area := get(pr.area)
	if area == "" {
		return pr.h.Err(line, pr.area, "area", "", "an area code on every row")
	}
	var m Month
	var total bool
	var year int
	switch {
	case pr.period >= 0:
		var err error
		if m, err = ParseMonth(get(pr.period)); err != nil {
			return pr.h.Err(line, pr.period, "period", get(pr.period), "a month written 2018-01")
		}
	case pr.year >= 0:
		y, err := strconv.Atoi(get(pr.year))
		if err != nil || y < 1900 || y > 2200 {
			return pr.h.Err(line, pr.year, "year", get(pr.year), "a year such as 2016")
		}
		year = y
		mo := get(pr.month)
		n, ok := monthNames[strings.ToLower(mo)]
		if !ok {
			if k, err := strconv.Atoi(mo); err == nil && k >= 1 && k <= 12 {
				n, ok = k, true
			}
		}
		if !ok {
			total = true // "Overall", "Overall 2014": the year's totals
		}
		m = Month(y*12 + n - 1)
	}
	vals := map[string]float64{}
	for k, c := range pr.spec.Measures {
		raw := get(pr.cols[k])
		if raw == "" {
			continue
		}
		v, err := readValue(raw, c.Value)
		if err != nil {
			return pr.h.Err(line, pr.cols[k], c.ID, raw, err.Error())
		}
		vals[c.ID] = v
		if total {
			continue
		}
		pv := PublishedValue{Measure: c.ID, Area: area, Month: m, Months: 1, Value: v, Line: line}
		if pr.cols[k] >= 0 && pr.span[k][1] > 0 {
			pv.Month, pv.Months = pr.span[k][0], int(pr.span[k][1])
		}
		set.Values = append(set.Values, pv)
	}
	if total {
		pr.totals = append(pr.totals, totalRow{line: line, area: area, year: year, values: vals})
	}
	return nil
}

// readValue reads a number, or a duration h:mm:ss in minutes.
func readValue(s, kind string) (float64, error) {
	if kind == "duration" {
		parts := strings.Split(s, ":")
		if len(parts) < 2 || len(parts) > 3 {
			return 0, fmt.Errorf("a duration written h:mm:ss")
		}
		total := 0.0
		for _, p := range parts {
			n, err := strconv.ParseFloat(p, 64)
			if err != nil || n < 0 {
				return 0, fmt.Errorf("a duration written h:mm:ss")
			}
			total = total*60 + n
		}
		if len(parts) == 2 {
			total *= 60
		}
		return total / 60, nil
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("a number")
	}
	return v, nil
}

// check compares each totals row with its year's months: counts must be
// their sum (else an input error); means the weighted mean of the months
// within a second (the months are rounded to whole seconds), else a
// warning is recorded.
func (pr *publishedReader) check(set *PublishedSet) ([]string, error) {
	if len(pr.totals) == 0 {
		return nil, nil
	}
	type key struct {
		area string
		year int
	}
	sums := map[key]map[string]float64{}
	wsum := map[key]map[string]float64{}
	weightOf := map[string]string{}
	for _, c := range pr.spec.Measures {
		weightOf[c.ID] = c.WeightOf
	}
	byKey := map[key][]PublishedValue{}
	for _, v := range set.Values {
		k := key{v.Area, int(v.Month) / 12}
		byKey[k] = append(byKey[k], v)
	}
	for k, vs := range byKey {
		sums[k], wsum[k] = map[string]float64{}, map[string]float64{}
		weights := map[int]map[string]float64{}
		for _, v := range vs {
			if weights[v.Line] == nil {
				weights[v.Line] = map[string]float64{}
			}
			weights[v.Line][v.Measure] = v.Value
		}
		for _, v := range vs {
			if w := weightOf[v.Measure]; w != "" {
				sums[k][v.Measure] += v.Value * weights[v.Line][w]
				wsum[k][v.Measure] += weights[v.Line][w]
			} else {
				sums[k][v.Measure] += v.Value
			}
		}
	}
	worst := 0.0
	for _, t := range pr.totals {
		k := key{t.area, t.year}
		for id, v := range t.values {
			got := sums[k][id]
			if weightOf[id] == "" {
				if math.Abs(got-v) > 1e-9 {
					return nil, &budget.InputError{File: set.File, Line: t.line, Field: id, Value: fmt.Sprint(v),
						Expected: fmt.Sprintf("the year's total of %s in area %s to be the sum of its months (%v)", id, t.area, got)}
				}
				continue
			}
			if w := wsum[k][id]; w > 0 {
				worst = max(worst, math.Abs(got/w-v))
			}
		}
	}
	checks := []string{fmt.Sprintf("%d totals rows: every count equals the sum of its year's months; every average is within %.1f seconds of the count-weighted mean of its months", len(pr.totals), worst*60)}
	return checks, nil
}

// PublishedFor returns the measure of a set by id.
func (s *PublishedSet) Measure(id string) (PublishedMeasure, bool) {
	for _, m := range s.Measures {
		if m.ID == id {
			return m, true
		}
	}
	return PublishedMeasure{}, false
}

// Label says what the set is and when, for labels ("DERIVED" when it is).
func (s *PublishedSet) Label() string {
	l := s.Note
	if s.First != 0 || s.Last != 0 {
		l += fmt.Sprintf(", %s to %s", s.First, s.Last)
	}
	if s.Derived {
		l = "DERIVED: " + l
	}
	return l
}
