package tabular

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
)

// The CSV grammar of every reader (RFC 4180 with the latitude files need):
// records end at LF or CRLF; fields are separated by one delimiter byte
// (comma, tab, semicolon or pipe); a field that starts with '"' is quoted,
// may hold delimiters and line breaks, and writes a quote as '""'; empty
// lines are skipped. Two departures are errors that do not lose the reader
// its place:
//
//   - a bare quote, inside a field that did not start with one, is taken
//     literally (`Tree "Trimming"` is one field);
//   - a quoted field whose closing quote is followed by anything but a
//     delimiter or the end of the line ends its quoted part there and runs
//     to the next delimiter.
//
// Strict readers report both with their line and column; lenient ones
// (events summarize --lenient) count the row as bad and go on. Because
// the extent of every record is decided the same way in both cases, and
// the only way to run past a line end is an opened quote, a stray quote
// never makes a reader re-scan or hold the rest of the file: an opened
// quote that is never closed ends at the limit record-bytes with an error
// naming the line where the quote opened.

// scanning state at a byte position.
type qstate uint8

const (
	stField  qstate = iota // at the start of a field
	stPlain                // inside an unquoted field
	stQuoted               // inside a quoted field
	stQuote                // just after a quote inside a quoted field
)

// boundaries finds record ends in a buffer that grows at its end, keeping
// its state so that no byte is scanned twice.
type boundaries struct {
	delim byte
	st    qstate
	open  int // offset in the buffer of the quote that opened the current quoted field
}

// scan scans b[i:] and returns the scan position reached and the offset
// just after the last record end seen, or -1. It stops early, just after a
// record end at or beyond stop.
func (s *boundaries) scan(b []byte, i, stop int) (pos, last int) {
	n := len(b)
	last = -1
	nl := -1 // next newline at or after i, when known
	for i < n {
		switch s.st {
		case stField, stPlain:
			if nl < i {
				if k := bytes.IndexByte(b[i:], '\n'); k >= 0 {
					nl = i + k
				} else {
					nl = n
				}
			}
			q := bytes.IndexByte(b[i:nl], '"')
			if q < 0 {
				if nl == n {
					if b[n-1] == s.delim {
						s.st = stField
					} else {
						s.st = stPlain
					}
					return n, last
				}
				i, last, s.st = nl+1, nl+1, stField
				if last >= stop {
					return i, last
				}
				continue
			}
			q += i
			if (q == i && s.st == stField) || (q > i && b[q-1] == s.delim) {
				s.st, s.open = stQuoted, q
			} else {
				s.st = stPlain // a bare quote is literal
			}
			i = q + 1
		case stQuoted:
			q := bytes.IndexByte(b[i:], '"')
			if q < 0 {
				return n, last
			}
			i, s.st = i+q+1, stQuote
		case stQuote:
			c := b[i]
			i++
			switch c {
			case '"':
				s.st = stQuoted
			case s.delim:
				s.st = stField
			case '\n':
				s.st, last = stField, i
				if last >= stop {
					return i, last
				}
			default:
				s.st = stPlain
			}
		}
	}
	return i, last
}

// SyntaxError is a malformed record: where and what.
type SyntaxError struct {
	Line   int // file line of the fault
	Column int // 1-based field number
	Value  string
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// Advice is what to tell the person who made the file.
const csvAdvice = "quote fields that contain the delimiter, quotes or line breaks, and double every quote inside them"

// RecordReader splits a block of whole records into fields. Unquoted
// fields are slices of the block (no copy); quoted ones are unescaped into
// a scratch buffer. Fields are valid until the next call.
type RecordReader struct {
	Delim   byte
	data    []byte
	pos     int
	line    int
	start   int // offset of the last record
	Fields  [][]byte
	scratch []byte
	// bytewise makes every record read by slow (the tests compare the
	// two ways)
	bytewise bool
}

// Reset makes r read data, whose first byte is on file line firstLine.
func (r *RecordReader) Reset(data []byte, firstLine int) {
	r.data, r.pos, r.line = data, 0, firstLine
	if r.Delim == 0 {
		r.Delim = ','
	}
}

// Raw returns the bytes of the last record, line end excluded.
func (r *RecordReader) Raw() []byte {
	end := r.pos
	for end > r.start && (r.data[end-1] == '\n' || r.data[end-1] == '\r') {
		end--
	}
	return r.data[r.start:end]
}

// Next reads the next record and returns the file line of its first byte;
// ok is false at the end of the block. A malformed record returns a
// *SyntaxError (the first fault in it) with its fields read as the grammar
// above says, and reading continues with the next record.
func (r *RecordReader) Next() (line int, ok bool, err *SyntaxError) {
	d := r.data
	for r.pos < len(d) { // skip empty lines
		if d[r.pos] == '\n' {
			r.pos++
			r.line++
		} else if d[r.pos] == '\r' && r.pos+1 < len(d) && d[r.pos+1] == '\n' {
			r.pos += 2
			r.line++
		} else if d[r.pos] == '\r' && r.pos+1 == len(d) {
			r.pos++ // a CR ending the input, as encoding/csv drops it
		} else {
			break
		}
	}
	if r.pos >= len(d) {
		return r.line, false, nil
	}
	line, r.start = r.line, r.pos
	r.Fields, r.scratch = r.Fields[:0], r.scratch[:0]
	if !r.bytewise && r.plain() {
		return line, true, nil
	}
	r.Fields = r.Fields[:0]
	return line, true, r.slow(r.start)
}

// Bytes of a word, for finding bytes eight at a time.
const (
	ones  = 0x0101010101010101
	low7s = 0x7f7f7f7f7f7f7f7f
)

// zeroBytes has the high bit set in each byte of w that is 0, and no
// other bit (exact: no borrow carries from one byte into the next).
func zeroBytes(w uint64) uint64 {
	return ^((w&low7s + low7s) | w | low7s)
}

// plain reads the record at r.pos when it holds no quote and no NUL byte
// (most records of most files): its fields are the slices between the
// delimiters. It reads eight bytes at a time, finding the delimiters, the
// line end and any quote or NUL of a word together, which takes a third
// of the time of looking for each byte in turn (bench/RESULTS.md,
// 2026-12-05 17:00-). It returns false, having consumed nothing, for a
// record that slow must read.
func (r *RecordReader) plain() bool {
	d, i, from := r.data, r.pos, r.pos
	fields := r.Fields // kept in a register, stored back at the end
	delims, quote, nl := uint64(r.Delim)*ones, uint64('"')*ones, uint64('\n')*ones
	for ; i+8 <= len(d); i += 8 {
		w := binary.LittleEndian.Uint64(d[i:])
		ends := zeroBytes(w ^ nl)
		odd := zeroBytes(w^quote) | zeroBytes(w)
		seps := zeroBytes(w ^ delims)
		if ends != 0 {
			// only what precedes the line end is this record's
			before := ends&-ends - 1
			odd &= before
			seps &= before
		}
		if odd != 0 {
			return false
		}
		for ; seps != 0; seps &= seps - 1 {
			k := i + bits.TrailingZeros64(seps)/8
			fields = append(fields, d[from:k])
			from = k + 1
		}
		if ends != 0 {
			r.Fields = fields
			r.last(from, i+bits.TrailingZeros64(ends)/8)
			return true
		}
	}
	for ; i < len(d) && d[i] != '\n'; i++ {
		switch d[i] {
		case '"', 0:
			return false
		case r.Delim:
			fields = append(fields, d[from:i])
			from = i + 1
		}
	}
	r.Fields = fields
	r.last(from, i)
	return true
}

// last ends a plain record with its last field, d[from:end] less a CR
// before the line end; end is the line end's offset, or len(d).
func (r *RecordReader) last(from, end int) {
	f := r.data[from:end]
	if len(f) > 0 && f[len(f)-1] == '\r' {
		f = f[:len(f)-1]
	}
	r.Fields = append(r.Fields, f)
	r.pos = min(end+1, len(r.data))
	if end < len(r.data) {
		r.line++
	}
}

// slow reads a record holding quotes or NUL bytes field by field.
func (r *RecordReader) slow(i int) *SyntaxError {
	d := r.data
	var first *SyntaxError
	start := 0
	fail := func(msg string, upTo int) {
		if first == nil {
			first = &SyntaxError{Line: r.line, Column: len(r.Fields) + 1, Msg: msg, Value: string(r.data[start:min(upTo, len(r.data))])}
		}
	}
	for {
		start = i
		begin := len(r.scratch)
		if i < len(d) && d[i] == '"' {
			i++
			for {
				q := bytes.IndexByte(d[i:], '"')
				if q < 0 { // never closed: the rest of the block
					r.appendQuoted(d[i:])
					fail("a quoted field is never closed: "+csvAdvice, min(i+40, len(d)))
					i = len(d)
					break
				}
				r.appendQuoted(d[i : i+q])
				i += q + 1
				if i < len(d) && d[i] == '"' {
					r.scratch = append(r.scratch, '"')
					i++
					continue
				}
				break
			}
			// after the closing quote: a delimiter, the line end, or a fault
			if i < len(d) && d[i] == '\r' && (i+1 == len(d) || d[i+1] == '\n') {
				i++ // CRLF, or a CR ending the input
			}
			if i < len(d) && d[i] != r.Delim && d[i] != '\n' {
				fail(fmt.Sprintf("%q after the closing quote of a quoted field: %s", d[i], csvAdvice), i+1)
				for i < len(d) && d[i] != r.Delim && d[i] != '\n' {
					r.scratch = append(r.scratch, d[i])
					i++
				}
				r.scratch = bytes.TrimSuffix(r.scratch, []byte{'\r'})
			}
		} else {
			j := i
			for j < len(d) && d[j] != r.Delim && d[j] != '\n' {
				if d[j] == '"' {
					fail(`a quote inside a field that does not start with one: `+csvAdvice, j+1)
				}
				j++
			}
			f := d[i:j]
			if j == len(d) || d[j] == '\n' {
				f = bytes.TrimSuffix(f, []byte{'\r'})
			}
			r.scratch = append(r.scratch, f...)
			i = j
		}
		f := r.scratch[begin:len(r.scratch):len(r.scratch)]
		if k := bytes.IndexByte(f, 0); k >= 0 {
			fail("a NUL byte: the file is not text (a workbook, or UTF-16 saved without its byte-order mark?)", start)
		}
		r.Fields = append(r.Fields, f)
		if i >= len(d) {
			r.pos = i
			return first
		}
		if d[i] == '\n' {
			r.pos = i + 1
			r.line++
			return first
		}
		i++ // the delimiter
	}
}

// appendQuoted appends the inside of a quoted field, counting its line
// breaks and reading CRLF as LF (as encoding/csv does).
func (r *RecordReader) appendQuoted(b []byte) {
	for {
		k := bytes.IndexByte(b, '\n')
		if k < 0 {
			r.scratch = append(r.scratch, b...)
			return
		}
		seg := b[:k]
		r.scratch = append(r.scratch, bytes.TrimSuffix(seg, []byte{'\r'})...)
		r.scratch = append(r.scratch, '\n')
		r.line++
		b = b[k+1:]
	}
}
