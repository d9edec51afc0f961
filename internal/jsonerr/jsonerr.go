// Package jsonerr words the errors of encoding/json for the author of the
// file rather than for the Go types it is decoded into: "member "resources"
// is a JSON object where an array is expected" instead of "cannot unmarshal
// object into Go struct field fdpDescriptor.resources of type
// []ingest.fdpResource".
package jsonerr

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
)

// Explain returns a description of err, which json.Unmarshal returned for
// data, and the 1-based line and column of the problem in data (0, 0 when
// unknown). Errors that are not encoding/json's are described by their own
// text.
func Explain(data []byte, err error) (msg string, line, col int) {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		line, col = LineCol(data, te.Offset-1) // the offset is just past the value's first byte
		where := "the document"
		if te.Field != "" {
			where = "member " + strconv.Quote(te.Field)
		}
		return fmt.Sprintf("%s is a JSON %s where %s is expected", where, te.Value, Kind(te.Type)), line, col
	case errors.As(err, &se):
		line, col = LineCol(data, se.Offset-1)
		if se.Error() == "unexpected end of JSON input" {
			return "not valid JSON: the file ends too early (was it cut short?)", line, col
		}
		return fmt.Sprintf("not valid JSON (%s)", se.Error()), line, col
	}
	return err.Error(), 0, 0
}

// Kind names the JSON value a Go type decodes from.
func Kind(t reflect.Type) string {
	if t == nil {
		return "another kind of value"
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Pointer:
		return Kind(t.Elem())
	}
	return "another kind of value"
}

// LineCol converts a byte offset into a 1-based line and column.
func LineCol(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	line, col = 1, 1
	for _, c := range data[:off] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}
