package events

import (
	"bytes"
	"errors"
	"fmt"
)

// recordReader splits a block of whole CSV records (RFC 4180: fields
// separated by commas, optionally quoted with '"', a doubled quote inside a
// quoted field standing for one quote, records ending in LF or CRLF) into
// fields without copying unquoted fields. It is the hot loop of Summarize;
// encoding/csv is several times slower because it copies every record.
type recordReader struct {
	data    []byte
	pos     int
	line    int      // line of the next record within the block (1-based)
	fields  [][]byte // fields of the last record, valid until the next call
	scratch []byte   // unescaped quoted fields
}

// errBareQuote and errQuote describe malformed quoting.
var (
	errBareQuote = errors.New(`a quote '"' in an unquoted field`)
	errQuote     = errors.New(`extraneous or missing '"' in a quoted field`)
)

// next reads the next record. It returns the record's first line, and
// ok = false at the end of the block. A malformed record returns an error
// and is skipped (reading continues at the next line).
func (r *recordReader) next() (line int, ok bool, err error) {
	for r.pos < len(r.data) {
		// Skip empty lines, as encoding/csv does.
		if c := r.data[r.pos]; c == '\n' || (c == '\r' && r.pos+1 < len(r.data) && r.data[r.pos+1] == '\n') {
			if c == '\r' {
				r.pos++
			}
			r.pos++
			r.line++
			continue
		}
		break
	}
	if r.pos >= len(r.data) {
		return r.line, false, nil
	}
	line = r.line
	r.fields = r.fields[:0]
	r.scratch = r.scratch[:0]
	d := r.data
	i := r.pos
	// Fast path: a line without quotes is split at its commas.
	end := bytes.IndexByte(d[i:], '\n')
	if end < 0 {
		end = len(d)
	} else {
		end += i
	}
	if ln := d[i:end]; bytes.IndexByte(ln, '"') < 0 {
		ln = bytes.TrimSuffix(ln, cr)
		for {
			j := bytes.IndexByte(ln, ',')
			if j < 0 {
				r.fields = append(r.fields, ln)
				break
			}
			r.fields = append(r.fields, ln[:j])
			ln = ln[j+1:]
		}
		r.endRecord(end)
		return line, true, nil
	}
	for {
		if i < len(d) && d[i] == '"' {
			// Quoted field.
			i++
			start := len(r.scratch)
			for {
				j := bytes.IndexByte(d[i:], '"')
				if j < 0 {
					r.skipLine(i)
					return line, true, errQuote
				}
				r.scratch = append(r.scratch, d[i:i+j]...)
				r.line += bytes.Count(d[i:i+j], nl)
				i += j + 1
				if i < len(d) && d[i] == '"' {
					r.scratch = append(r.scratch, '"')
					i++
					continue
				}
				break
			}
			r.fields = append(r.fields, r.scratch[start:len(r.scratch):len(r.scratch)])
			if i >= len(d) || d[i] == '\n' || d[i] == '\r' && i+1 < len(d) && d[i+1] == '\n' {
				r.endRecord(i)
				return line, true, nil
			}
			if d[i] != ',' {
				r.skipLine(i)
				return line, true, errQuote
			}
			i++
			continue
		}
		// Unquoted field: up to the next comma or end of line.
		j := i
		for j < len(d) && d[j] != ',' && d[j] != '\n' {
			j++
		}
		f := d[i:j]
		if bytes.IndexByte(f, '"') >= 0 {
			r.skipLine(j)
			return line, true, errBareQuote
		}
		if j == len(d) || d[j] == '\n' {
			f = bytes.TrimSuffix(f, cr)
			r.fields = append(r.fields, f)
			r.endRecord(j)
			return line, true, nil
		}
		r.fields = append(r.fields, f)
		i = j + 1
	}
}

var (
	nl = []byte{'\n'}
	cr = []byte{'\r'}
)

// endRecord moves past the line end at i (or the end of the block).
func (r *recordReader) endRecord(i int) {
	if i < len(r.data) && r.data[i] == '\r' {
		i++
	}
	if i < len(r.data) && r.data[i] == '\n' {
		i++
		r.line++
	}
	r.pos = i
}

// skipLine abandons a malformed record at the next newline from i.
func (r *recordReader) skipLine(i int) {
	j := bytes.IndexByte(r.data[i:], '\n')
	if j < 0 {
		r.pos = len(r.data)
		return
	}
	r.line += 0
	r.pos = i + j + 1
	r.line++
}

// fieldCountError is the error of a record with the wrong number of fields.
func fieldCountError(got, want int) error {
	return fmt.Errorf("the row has %d fields, the header %d", got, want)
}
