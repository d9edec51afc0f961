package tabular

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/budgetlens/budgetlens/budget"
)

// Options configure a Reader.
type Options struct {
	// File names the input in messages (Open sets it to the path).
	File string
	// Delimiter of a CSV; 0: tab for .tsv and .tab files, else detected
	// from the first lines (SniffDelimiter).
	Delimiter byte
	// Sheet of a workbook; "" is the first.
	Sheet string
	// HeaderRow is the line (a workbook's row) the header starts on, as
	// Excel numbers rows; the rows above it (titles, notes) are skipped.
	// 0: the first non-empty row.
	HeaderRow int
	// HeaderRows is the number of rows the header spans (default 1). The
	// headings of a column are joined with a space; an empty cell of an
	// upper header row takes the heading to its left, as a heading merged
	// across columns does ("2021-22" over "Proposed" and "Adopted").
	HeaderRows int
	// SkipRows is a number of rows at the top to skip before looking for
	// the header (pandas' skiprows); HeaderRow says the same from the other
	// side, and giving both is an error unless they agree.
	SkipRows int
	Limits   Limits
	// Streaming says the caller does not keep the rows it reads, so the
	// limits rows and cells do not apply.
	Streaming bool
}

// Reader reads a table (CSV, workbook or Census API JSON) row by row after
// its header, enforcing the limits as it goes.
type Reader struct {
	src    rowSource
	header *Header
	opt    Options
	rows   int64
	cells  int64
	hash   func() string
	read   func() int64
	closer io.Closer
}

// BytesRead is how much of a CSV file has been read (for progress); 0 for
// other formats.
func (r *Reader) BytesRead() int64 {
	if r.read == nil {
		return 0
	}
	return r.read()
}

// rowSource yields the rows of a file: line (or sheet row), cells (valid
// until the next call) and io.EOF at the end.
type rowSource interface {
	next() (line int, cells []string, err error)
}

// Open opens the table at path: a workbook (.xlsx, .xlsm, or any file that
// is a zip), a Census API JSON array of arrays (.json), or delimited text.
// The whole file is refused up front when it is larger than file-bytes.
func Open(path string, opt Options) (*Reader, error) {
	if opt.File == "" {
		opt.File = path
	}
	opt.Limits = opt.Limits.WithDefaults()
	f, err := os.Open(path)
	if err != nil {
		return nil, OpenError(path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if st.IsDir() {
		f.Close()
		return nil, budget.Errorf(budget.EINVALID, "%s is a folder, not a table file", path)
	}
	if st.Size() > opt.Limits.FileBytes {
		f.Close()
		return nil, limitErr(opt.File, 0, 0, "file-bytes", opt.Limits.FileBytes, fmt.Sprintf("the file has %s", sizeText(st.Size())))
	}
	var head [4]byte
	n, _ := io.ReadFull(f, head[:])
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	ext := strings.ToLower(filepath.Ext(path))
	var r *Reader
	switch {
	case bytes.HasPrefix(head[:n], []byte("PK\x03\x04")) || ext == ".xlsx" || ext == ".xlsm":
		r, err = NewXLSXReader(f, st.Size(), opt)
	case ext == ".json":
		r, err = newJSONReader(f, opt)
	default:
		if opt.Delimiter == 0 && (ext == ".tsv" || ext == ".tab") {
			opt.Delimiter = '\t'
		}
		r, err = NewCSVReader(f, opt)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	r.closer = f
	return r, nil
}

// OpenError is the error of a file that cannot be opened: an input error
// (exit status 2) that keeps the system's cause, so errors.Is(err,
// fs.ErrNotExist) holds.
func OpenError(path string, err error) error {
	cause := err
	var pe *fs.PathError
	if errors.As(err, &pe) {
		cause = pe.Err
	}
	return &budget.Error{Code: budget.EINVALID, Message: "cannot read " + path, Err: cause}
}

// Close closes the file Open opened.
func (r *Reader) Close() error {
	if r.closer != nil {
		return r.closer.Close()
	}
	return nil
}

// NewCSVReader reads delimited text from r.
func NewCSVReader(r io.Reader, opt Options) (*Reader, error) {
	opt.Limits = opt.Limits.WithDefaults()
	s, err := newStream(r, StreamOptions{File: opt.File, Delimiter: opt.Delimiter, Limits: opt.Limits, Hash: true, BlockSize: 256 << 10})
	if err != nil {
		return nil, err
	}
	src := &csvRows{s: s, rr: RecordReader{Delim: s.opt.Delimiter}, file: opt.File}
	rd := &Reader{src: src, opt: opt, hash: func() string { return hex.EncodeToString(s.Sum()) }, read: s.BytesRead}
	src.header = func() *Header { return rd.header }
	return rd, rd.readHeader()
}

// Header returns the header.
func (r *Reader) Header() *Header { return r.header }

// Delimiter is the CSV delimiter in use (0 for other formats).
func (r *Reader) Delimiter() byte {
	if c, ok := r.src.(*csvRows); ok {
		return c.s.Delimiter()
	}
	return 0
}

// SHA256 returns the hex SHA-256 of the file's bytes. For a CSV it is
// complete once Read has returned io.EOF.
func (r *Reader) SHA256() string { return r.hash() }

// Delimited reports whether the table is delimited text (CSV, TSV), read
// as a stream of its bytes, rather than a workbook or JSON.
func (r *Reader) Delimited() bool { return r.read != nil }

// readHeader finds and assembles the header.
func (r *Reader) readHeader() error {
	o := r.opt
	if o.HeaderRows <= 0 {
		o.HeaderRows = 1
	}
	if o.SkipRows > 0 {
		if o.HeaderRow > 0 && o.HeaderRow != o.SkipRows+1 {
			return budget.Errorf(budget.EINVALID, "%s: header_row %d and skip_rows %d disagree (header_row N is skip_rows N-1): give one of them", o.File, o.HeaderRow, o.SkipRows)
		}
		o.HeaderRow = o.SkipRows + 1
	}
	var rows [][]string
	var line int
	for len(rows) < o.HeaderRows {
		l, cells, err := r.src.next()
		if err == io.EOF {
			if len(rows) == 0 {
				empty := "the file is empty"
				if o.HeaderRow > 1 {
					empty = fmt.Sprintf("the file has no rows from row %d on", o.HeaderRow)
				}
				return &budget.InputError{File: o.File, Line: max(o.HeaderRow, 1), Field: "header", Expected: "a header row naming the columns; " + empty}
			}
			return &budget.InputError{File: o.File, Line: line + 1, Field: "header", Expected: fmt.Sprintf("%d header rows; the file ends after %d", o.HeaderRows, len(rows))}
		}
		if err != nil {
			return r.wrap(err)
		}
		if o.HeaderRow > 0 && l < o.HeaderRow {
			continue
		}
		if len(rows) == 0 && o.HeaderRow > 0 && (l > o.HeaderRow || blank(cells)) {
			return &budget.InputError{File: o.File, Line: o.HeaderRow, Field: "header", Expected: fmt.Sprintf("the header on row %d (header_row), but the row is empty", o.HeaderRow)}
		}
		if len(rows) == 0 && blank(cells) {
			continue
		}
		rows = append(rows, append([]string(nil), trimTrailing(cells)...))
		line = l
	}
	names := joinHeader(rows)
	if lim := o.Limits.Columns; int64(len(names)) > lim {
		return limitErr(o.File, line, int(lim)+1, "columns", lim, fmt.Sprintf("a header of %d columns", len(names)))
	}
	r.header = NewHeader(o.File, line, names)
	return nil
}

// joinHeader joins the headings of a multi-row header, column by column.
func joinHeader(rows [][]string) []string {
	width := 0
	for _, r := range rows {
		width = max(width, len(r))
	}
	names := make([]string, width)
	for k, r := range rows {
		carry := ""
		for c := 0; c < width; c++ {
			v := ""
			if c < len(r) {
				v = strings.TrimSpace(r[c])
			}
			if k < len(rows)-1 { // upper rows: merged headings carry right
				if v != "" {
					carry = v
				}
				v = carry
			}
			if v != "" {
				if names[c] != "" {
					names[c] += " "
				}
				names[c] += v
			}
		}
	}
	if len(rows) == 1 {
		copy(names, rows[0]) // one row: headings exactly as written
	}
	return names
}

// Read returns the next row: its line (a workbook's row number), and its
// cells (at most the header's width; valid until the next call). io.EOF
// ends the table. A value in a column beyond the header is an error (it
// would be lost silently), as is a limit reached.
func (r *Reader) Read() (line int, cells []string, err error) {
	line, cells, err = r.src.next()
	if err != nil {
		return 0, nil, r.wrap(err)
	}
	cells = trimTrailing(cells)
	if w := r.header.Len(); len(cells) > w {
		for c := w; c < len(cells); c++ {
			if strings.TrimSpace(cells[c]) != "" {
				return 0, nil, &budget.InputError{File: r.opt.File, Line: line, ColIndex: c + 1, Value: cells[c],
					Expected: fmt.Sprintf("no value beyond the header's %d columns: give the column a heading, or delete the value (a value holding the delimiter must be quoted)", w)}
			}
		}
		cells = cells[:w]
	}
	if !r.opt.Streaming {
		r.rows++
		r.cells += int64(r.header.Len())
		lim := r.opt.Limits
		if r.rows > lim.Rows {
			return 0, nil, limitErr(r.opt.File, line, 0, "rows", lim.Rows, fmt.Sprintf("a table of more than %s rows", groupThousands(lim.Rows)))
		}
		if r.cells > lim.Cells {
			return 0, nil, limitErr(r.opt.File, line, 0, "cells", lim.Cells, fmt.Sprintf("a table of more than %s cells (%s rows of %d columns so far)", groupThousands(lim.Cells), groupThousands(r.rows), r.header.Len()))
		}
	}
	return line, cells, nil
}

func (r *Reader) wrap(err error) error {
	var se *SyntaxError
	if errors.As(err, &se) {
		return syntaxInputError(r.opt.File, se, r.header)
	}
	return err
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func trimTrailing(cells []string) []string {
	n := len(cells)
	for n > 0 && strings.TrimSpace(cells[n-1]) == "" {
		n--
	}
	return cells[:n]
}

// csvRows is the row source of delimited text.
type csvRows struct {
	s      *Stream
	rr     RecordReader
	b      *Block
	cells  []string
	buf    []byte
	ends   []int
	file   string
	header func() *Header
}

func (c *csvRows) next() (int, []string, error) {
	for {
		if c.b != nil {
			line, ok, serr := c.rr.Next()
			if ok {
				if serr != nil {
					return 0, nil, serr
				}
				return line, c.strings(), nil
			}
			c.s.Release(c.b)
			c.b = nil
		}
		b, err := c.s.Next()
		if err != nil {
			return 0, nil, err
		}
		c.b = b
		c.rr.Reset(b.Data, b.FirstLine)
	}
}

// strings converts the record's fields with one allocation, reading a
// record that is not valid UTF-8 as Windows-1252.
func (c *csvRows) strings() []string {
	c.buf = c.buf[:0]
	valid := utf8.Valid(c.rr.Raw())
	ends := c.ends[:0]
	for _, f := range c.rr.Fields {
		if valid {
			c.buf = append(c.buf, f...)
		} else {
			c.buf = AppendWindows1252(c.buf, f)
		}
		ends = append(ends, len(c.buf))
	}
	c.ends = ends
	all := string(c.buf)
	c.cells = c.cells[:0]
	start := 0
	for _, e := range ends {
		c.cells = append(c.cells, all[start:e])
		start = e
	}
	return c.cells
}

// HashFile returns the hex SHA-256 of a file's bytes.
func HashFile(f io.ReadSeeker) (string, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	h := sha256.New()
	if _, err := io.Copy(h, bufio.NewReaderSize(f, 1<<20)); err != nil {
		return "", err
	}
	_, err := f.Seek(0, io.SeekStart)
	return hex.EncodeToString(h.Sum(nil)), err
}
