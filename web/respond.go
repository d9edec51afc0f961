package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/xuri/excelize/v2"
)

// send writes a complete body with its validators: a weak ETag that is a
// digest of the body (so it changes exactly when the answer does, and says
// nothing the body does not), Cache-Control that makes every cache
// revalidate (a phase can be held again at any time), and 304 Not Modified
// when the client's If-None-Match already has it.
func (s *Server) send(w http.ResponseWriter, r *http.Request, contentType string, body []byte) {
	sum := sha256.Sum256(body)
	etag := `W/"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`
	h := w.Header()
	h.Set("ETag", etag)
	if h.Get("Cache-Control") == "no-store" {
		// a private answer (the review): kept by nobody
	} else if s.opt.Public {
		h.Set("Cache-Control", "public, no-cache")
	} else {
		h.Set("Cache-Control", "private, no-cache")
	}
	if match(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}

// match reports whether an If-None-Match header names etag (weak
// comparison, RFC 9110 13.1.2).
func match(header, etag string) bool {
	if header == "" {
		return false
	}
	if strings.TrimSpace(header) == "*" {
		return true
	}
	want := strings.TrimPrefix(etag, "W/")
	for _, t := range strings.Split(header, ",") {
		if strings.TrimPrefix(strings.TrimSpace(t), "W/") == want {
			return true
		}
	}
	return false
}

// sendJSON writes v as JSON.
func (s *Server) sendJSON(w http.ResponseWriter, r *http.Request, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	s.send(w, r, "application/json", append(b, '\n'))
	return nil
}

// Page is the JSON form of every table: its rows, and for paged tables the
// cursor of the next page and the number of rows in all pages.
type Page[T any] struct {
	Rows       []T    `json:"rows"`
	NextCursor string `json:"next_cursor,omitempty"`
	Total      *int   `json:"total,omitempty"`
}

// table is a table answer: rows of one struct type, downloadable.
type table struct {
	name  string // file name of downloads, without extension
	rows  any    // []T, T a struct whose json tags name the columns
	next  string
	total *int
	// geojson, when set, writes the table as a GeoJSON FeatureCollection.
	geojson func(w io.Writer) error
}

// formats lists the formats of a table (?format=).
func (t *table) formats() []string {
	if t.geojson != nil {
		return []string{"json", "csv", "xlsx", "geojson"}
	}
	return []string{"json", "csv", "xlsx"}
}

// sendTable writes a table in the format the request asks (?format=json,
// csv, xlsx or geojson; default json). CSV and XLSX are downloads named
// after the table; the next page's cursor is in the Link header.
func (s *Server) sendTable(w http.ResponseWriter, r *http.Request, t *table) error {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "json"
	}
	ok := false
	for _, f := range t.formats() {
		ok = ok || f == format
	}
	if !ok {
		return budget.Errorf(budget.EINVALID, "format %q: this table is served as %s", format, strings.Join(t.formats(), ", "))
	}
	if t.next != "" {
		q := r.URL.Query()
		q.Set("cursor", t.next)
		w.Header().Set("Link", fmt.Sprintf(`<%s?%s>; rel="next"`, r.URL.Path, q.Encode()))
	}
	var buf bytes.Buffer
	var ct string
	switch format {
	case "json":
		rv := reflect.ValueOf(t.rows)
		rows := make([]any, rv.Len())
		for i := range rows {
			rows[i] = rv.Index(i).Interface()
		}
		b, err := json.Marshal(Page[any]{Rows: rows, NextCursor: t.next, Total: t.total})
		if err != nil {
			return err
		}
		buf.Write(append(b, '\n'))
		ct = "application/json"
	case "csv":
		if err := writeCSV(&buf, t.rows); err != nil {
			return err
		}
		ct = "text/csv; charset=utf-8"
	case "xlsx":
		if err := writeXLSX(&buf, t.rows); err != nil {
			return err
		}
		ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case "geojson":
		if err := t.geojson(&buf); err != nil {
			return err
		}
		ct = "application/geo+json"
	}
	if format != "json" {
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"`, t.name, format))
	}
	s.send(w, r, ct, buf.Bytes())
	return nil
}

// columns returns the json names of a row type's fields, in order.
func columns(t reflect.Type) ([]string, []int) {
	var names []string
	var idx []int
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		names = append(names, name)
		idx = append(idx, i)
	}
	return names, idx
}

var dollarsType = reflect.TypeOf(analysis.Dollars(0))

// cellValue is a field as a CSV string and as an XLSX cell (a number where
// the field is one, nil when missing).
func cellValue(v reflect.Value) (string, any) {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return "", nil
		}
		v = v.Elem()
	}
	switch {
	case v.Type() == dollarsType:
		c := v.Int()
		return analysis.FormatCents(c), float64(c) / 100
	case v.Kind() == reflect.Float64 || v.Kind() == reflect.Float32:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return "", nil
		}
		return strconv.FormatFloat(f, 'f', -1, 64), f
	case v.Kind() >= reflect.Int && v.Kind() <= reflect.Int64:
		return strconv.FormatInt(v.Int(), 10), v.Int()
	case v.Kind() == reflect.Bool:
		return strconv.FormatBool(v.Bool()), v.Bool()
	case v.Kind() == reflect.String:
		return v.String(), v.String()
	}
	b, _ := json.Marshal(v.Interface())
	return string(b), string(b)
}

func writeCSV(w io.Writer, rows any) error {
	rv := reflect.ValueOf(rows)
	names, idx := columns(rv.Type().Elem())
	cw := csv.NewWriter(w)
	cw.Write(names)
	rec := make([]string, len(idx))
	for i := 0; i < rv.Len(); i++ {
		row := rv.Index(i)
		for j, k := range idx {
			rec[j], _ = cellValue(row.Field(k))
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

func writeXLSX(w io.Writer, rows any) error {
	rv := reflect.ValueOf(rows)
	names, idx := columns(rv.Type().Elem())
	x := excelize.NewFile()
	defer x.Close()
	sw, err := x.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	head := make([]any, len(names))
	for i, n := range names {
		head[i] = n
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	for i := 0; i < rv.Len(); i++ {
		row := rv.Index(i)
		cells := make([]any, len(idx))
		for j, k := range idx {
			_, cells[j] = cellValue(row.Field(k))
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return x.Write(w)
}
