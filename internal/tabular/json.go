package tabular

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/budgetlens/budgetlens/budget"
)

// The Census Bureau's API answers with a JSON array of arrays, the first
// being the headings:
//
//	[["NAME","B19013_001E","B19013_001M","state","county","tract"],
//	 ["Census Tract 1011.10; Los Angeles County; California","78000","11234","06","037","101110"], ...]
//
// newJSONReader reads such a file as a table: row n of the array is line
// n (the API writes one row per line); values may be strings, numbers or
// null (an empty cell).
func newJSONReader(r io.Reader, opt Options) (*Reader, error) {
	opt.Limits = opt.Limits.WithDefaults()
	cr := &countingReader{r: r, max: opt.Limits.FileBytes, file: opt.File}
	dec := json.NewDecoder(decodeStream(cr))
	dec.UseNumber()
	src := &jsonRows{dec: dec, file: opt.File, max: opt.Limits.RecordBytes}
	if err := src.open(); err != nil {
		return nil, err
	}
	rd := &Reader{src: src, opt: opt, hash: func() string { return "" }}
	return rd, rd.readHeader()
}

type jsonRows struct {
	dec   *json.Decoder
	file  string
	row   int
	cells []string
	max   int64
	done  bool
}

func (j *jsonRows) fail(what string) error {
	return &budget.InputError{File: j.file, Line: j.row, Field: "JSON",
		Expected: "a JSON array of arrays, as the Census Bureau's API writes ([[\"NAME\",\"B19013_001E\",...],[...],...]): " + what}
}

func (j *jsonRows) open() error {
	t, err := j.dec.Token()
	if err != nil || t != json.Delim('[') {
		return j.fail("the document does not start with [")
	}
	return nil
}

func (j *jsonRows) next() (int, []string, error) {
	if j.done {
		return 0, nil, io.EOF
	}
	j.row++
	t, err := j.dec.Token()
	if err != nil {
		return 0, nil, j.fail(err.Error())
	}
	if t == json.Delim(']') {
		j.done = true
		return 0, nil, io.EOF
	}
	if t != json.Delim('[') {
		return 0, nil, j.fail(fmt.Sprintf("row %d is not an array", j.row))
	}
	j.cells = j.cells[:0]
	size := int64(0)
	for {
		t, err := j.dec.Token()
		if err != nil {
			return 0, nil, j.fail(err.Error())
		}
		var v string
		switch x := t.(type) {
		case json.Delim:
			if x == ']' {
				return j.row, j.cells, nil
			}
			return 0, nil, j.fail(fmt.Sprintf("row %d holds a nested %s; a cell is a string, a number or null", j.row, x))
		case string:
			v = x
		case json.Number:
			v = x.String()
		case bool:
			v = strconv.FormatBool(x)
		case nil:
		}
		size += int64(len(v))
		if size > j.max {
			return 0, nil, limitErr(j.file, j.row, len(j.cells)+1, "record-bytes", j.max, fmt.Sprintf("row %d is longer than %s", j.row, sizeText(j.max)))
		}
		j.cells = append(j.cells, v)
	}
}

// CheckJSON checks a JSON document against the limits file-bytes and
// depth before it is decoded: encoding/json itself allows 10,000 levels of
// nesting, and a document of that depth is never a budget.
func CheckJSON(file string, data []byte, lim Limits) error {
	lim = lim.WithDefaults()
	if int64(len(data)) > lim.FileBytes {
		return limitErr(file, 0, 0, "file-bytes", lim.FileBytes, fmt.Sprintf("the file has %s", sizeText(int64(len(data)))))
	}
	depth, inStr := int64(0), false
	for i := 0; i < len(data); i++ {
		c := data[i]
		if inStr {
			switch c {
			case '\\':
				i++
			case '"':
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '[', '{':
			depth++
			if depth > lim.Depth {
				line := 1 + bytes.Count(data[:i], []byte{'\n'})
				col := i - bytes.LastIndexByte(data[:i], '\n')
				return limitErr(file, line, col, "depth", lim.Depth, fmt.Sprintf("arrays and objects nested more than %d deep", lim.Depth))
			}
		case ']', '}':
			depth--
		}
	}
	return nil
}
