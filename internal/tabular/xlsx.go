package tabular

import (
	"archive/zip"
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/budgetlens/budgetlens/budget"
)

// Workbooks (XLSX) are read as stored, streaming one sheet's XML:
//
//   - A number is its stored value, whatever its format shows: 1234.56
//     formatted #,##0 is 1234.56, $1,234,567.89 formatted in thousands
//     (#,##0,) is 1234567.89, 0.2374 formatted 0% is 0.2374. Formats only
//     tell the type: a date format turns the stored day number into
//     2021-06-30 (or 2021-06-30 15:04:05), and a format of zeros only
//     ("0000") marks a code whose leading zeros the display adds, so 100
//     shown as 0100 reads "0100".
//   - Text is the shared or inline string; TRUE/FALSE for booleans; an
//     error value (#N/A, #DIV/0!) as written.
//   - A formula is read through its cached result; a formula without one
//     (files written by programs that do not compute) is an error that says
//     to open and save the workbook in a spreadsheet program.
//
// Before anything is inflated, every member of the archive is checked
// against the limits member-bytes, unzipped-bytes and ratio, as declared by
// the archive; the bytes actually inflated are counted too. Nothing is
// written to disk.

// NewXLSXReader reads one sheet (opt.Sheet, else the first worksheet) of
// the workbook in ra.
func NewXLSXReader(ra io.ReaderAt, size int64, opt Options) (*Reader, error) {
	opt.Limits = opt.Limits.WithDefaults()
	if size > opt.Limits.FileBytes {
		return nil, limitErr(opt.File, 0, 0, "file-bytes", opt.Limits.FileBytes, fmt.Sprintf("the file has %s", sizeText(size)))
	}
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return nil, &budget.InputError{File: opt.File, Field: "workbook", Err: err,
			Expected: "an Excel workbook (.xlsx), which is a zip archive; this file is not one (" + err.Error() + "): save it as .xlsx, or as CSV"}
	}
	wb := &workbook{zr: zr, file: opt.File, lim: opt.Limits, members: map[string]*zip.File{}}
	if err := wb.check(); err != nil {
		return nil, err
	}
	if err := wb.load(); err != nil {
		return nil, err
	}
	src, err := wb.openSheet(opt.Sheet)
	if err != nil {
		return nil, err
	}
	hash := ""
	rd := &Reader{src: src, opt: opt, hash: func() string {
		if hash == "" {
			h := sha256.New()
			if _, err := io.Copy(h, io.NewSectionReader(ra, 0, size)); err == nil {
				hash = hex.EncodeToString(h.Sum(nil))
			}
		}
		return hash
	}}
	if err := rd.readHeader(); err != nil {
		src.Close()
		return nil, err
	}
	return rd, nil
}

type workbook struct {
	zr       *zip.Reader
	file     string
	lim      Limits
	members  map[string]*zip.File // by lower-case name
	path     string               // the workbook part
	sheets   []sheetRef
	strings  []string
	formats  []numFormat // by cell style index
	date1904 bool
}

type sheetRef struct{ name, target string }

// check refuses an archive whose declared sizes are beyond the limits,
// before anything is inflated.
func (w *workbook) check() error {
	var total uint64
	for _, f := range w.zr.File {
		u, c := f.UncompressedSize64, f.CompressedSize64
		switch {
		case u > uint64(w.lim.MemberBytes):
			return limitErr(w.file, 0, 0, "member-bytes", w.lim.MemberBytes, fmt.Sprintf("member %q of the archive declares %s uncompressed", abbrev(f.Name), sizeText(int64(min(u, math.MaxInt64)))))
		case u > ratioFloor && (c == 0 || u/c > uint64(w.lim.Ratio)):
			return limitErr(w.file, 0, 0, "ratio", w.lim.Ratio, fmt.Sprintf("member %q of the archive inflates %s to %s", abbrev(f.Name), sizeText(int64(c)), sizeText(int64(min(u, math.MaxInt64)))))
		}
		total += u
		if total > uint64(w.lim.UnzippedBytes) {
			return limitErr(w.file, 0, 0, "unzipped-bytes", w.lim.UnzippedBytes, "the archive's members declare more than that uncompressed")
		}
		w.members[strings.ToLower(f.Name)] = f
	}
	return nil
}

// member opens a part of the archive, counting the bytes inflated.
func (w *workbook) member(name string) (io.ReadCloser, error) {
	f := w.members[strings.ToLower(strings.TrimPrefix(name, "/"))]
	if f == nil {
		return nil, nil
	}
	rc, err := f.Open()
	if err != nil {
		return nil, w.broken(name, err)
	}
	return &memberReader{rc: rc, r: bufio.NewReaderSize(rc, 64<<10), left: w.lim.MemberBytes, w: w, name: name}, nil
}

type memberReader struct {
	rc   io.ReadCloser
	r    *bufio.Reader
	left int64
	w    *workbook
	name string
}

func (m *memberReader) Read(p []byte) (int, error) {
	n, err := m.r.Read(p)
	m.left -= int64(n)
	if m.left < 0 {
		return n, limitErr(m.w.file, 0, 0, "member-bytes", m.w.lim.MemberBytes, fmt.Sprintf("member %q inflates to more than %s", abbrev(m.name), sizeText(m.w.lim.MemberBytes)))
	}
	if err != nil && err != io.EOF {
		return n, m.w.broken(m.name, err)
	}
	return n, err
}

func (m *memberReader) Close() error { return m.rc.Close() }

func (w *workbook) broken(member string, err error) error {
	var ie *budget.InputError
	if errors.As(err, &ie) {
		return err
	}
	return &budget.InputError{File: w.file, Field: "workbook", Err: err,
		Expected: fmt.Sprintf("a readable workbook; its part %q is damaged (%v): open it in a spreadsheet program and save it again", abbrev(member), err)}
}

// load reads the workbook's parts other than the sheets.
func (w *workbook) load() error {
	w.path = "xl/workbook.xml"
	rels, err := w.rels("_rels/.rels")
	if err != nil {
		return err
	}
	for _, r := range rels {
		if strings.HasSuffix(r.typ, "/officeDocument") {
			w.path = strings.TrimPrefix(r.target, "/")
		}
	}
	if w.members[strings.ToLower(w.path)] == nil {
		return &budget.InputError{File: w.file, Field: "workbook", Expected: "an Excel workbook (.xlsx); this zip archive has no workbook part: save it from a spreadsheet program as .xlsx"}
	}
	dir := path.Dir(w.path)
	wbRels, err := w.rels(path.Join(dir, "_rels", path.Base(w.path)+".rels"))
	if err != nil {
		return err
	}
	targets := map[string]string{}
	for _, r := range wbRels {
		t := r.target
		if !strings.HasPrefix(t, "/") {
			t = path.Join(dir, t)
		}
		t = path.Clean(strings.TrimPrefix(t, "/"))
		switch {
		case strings.HasSuffix(r.typ, "/worksheet"):
			targets[r.id] = t
		case strings.HasSuffix(r.typ, "/sharedStrings"):
			if err := w.loadStrings(t); err != nil {
				return err
			}
		case strings.HasSuffix(r.typ, "/styles"):
			if err := w.loadStyles(t); err != nil {
				return err
			}
		}
	}
	return w.loadSheets(targets)
}

type rel struct{ id, typ, target string }

func (w *workbook) rels(name string) ([]rel, error) {
	var out []rel
	err := w.each(name, func(x *xmlScan, se xml.StartElement) error {
		if se.Name.Local == "Relationship" && attr(se, "TargetMode") != "External" {
			out = append(out, rel{attr(se, "Id"), attr(se, "Type"), attr(se, "Target")})
		}
		return nil
	})
	return out, err
}

func (w *workbook) loadSheets(targets map[string]string) error {
	err := w.each(w.path, func(x *xmlScan, se xml.StartElement) error {
		switch se.Name.Local {
		case "workbookPr":
			v := attr(se, "date1904")
			w.date1904 = v == "1" || v == "true"
		case "sheet":
			var id string
			for _, a := range se.Attr {
				if a.Name.Local == "id" && a.Name.Space != "" {
					id = a.Value
				}
			}
			if t, ok := targets[id]; ok {
				w.sheets = append(w.sheets, sheetRef{name: attr(se, "name"), target: t})
			}
		}
		return nil
	})
	if err == nil && len(w.sheets) == 0 {
		err = &budget.InputError{File: w.file, Field: "sheet", Expected: "a workbook with at least one worksheet"}
	}
	return err
}

// each calls fn for every start element of an XML part (a missing part
// has none).
func (w *workbook) each(name string, fn func(x *xmlScan, se xml.StartElement) error) error {
	rc, err := w.member(name)
	if err != nil || rc == nil {
		return err
	}
	defer rc.Close()
	x := w.newScan(rc, name)
	for {
		t, err := x.token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if se, ok := t.(xml.StartElement); ok {
			if err := fn(x, se); err != nil {
				return err
			}
		}
	}
}

// xmlScan walks the tokens of one part, enforcing the depth limit.
type xmlScan struct {
	d      *xml.Decoder
	depth  int64
	w      *workbook
	member string
}

func (w *workbook) newScan(r io.Reader, member string) *xmlScan {
	d := xml.NewDecoder(r)
	return &xmlScan{d: d, w: w, member: member}
}

func (x *xmlScan) token() (xml.Token, error) {
	t, err := x.d.Token()
	if err != nil {
		if err == io.EOF {
			return nil, err
		}
		return nil, x.w.broken(x.member, err)
	}
	switch t.(type) {
	case xml.StartElement:
		x.depth++
		if x.depth > x.w.lim.Depth {
			return nil, limitErr(x.w.file, 0, 0, "depth", x.w.lim.Depth, fmt.Sprintf("XML of part %q nested deeper than %d elements", abbrev(x.member), x.w.lim.Depth))
		}
	case xml.EndElement:
		x.depth--
	}
	return t, nil
}

// text returns the character data up to the end of the element just
// started, refusing more than max bytes.
func (x *xmlScan) text(max int64, where string) (string, error) {
	var b strings.Builder
	level := 1
	for level > 0 {
		t, err := x.token()
		if err != nil {
			if err == io.EOF {
				return "", x.w.broken(x.member, io.ErrUnexpectedEOF)
			}
			return "", err
		}
		switch v := t.(type) {
		case xml.StartElement:
			level++
		case xml.EndElement:
			level--
		case xml.CharData:
			if int64(b.Len()+len(v)) > max {
				return "", limitErr(x.w.file, 0, 0, "record-bytes", max, fmt.Sprintf("%s holds more than %s of text", where, sizeText(max)))
			}
			b.Write(v)
		}
	}
	return b.String(), nil
}

// atoiOr reads a whole number, or gives def for an absent or unreadable
// one: a style or format id that cannot be read means General, the
// format of a cell without one (the stored value is read either way).
func atoiOr(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return def
}

func attr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// loadStrings reads the shared strings: each <si> is its <t> texts
// joined, phonetic runs (<rPh>) left out.
func (w *workbook) loadStrings(name string) error {
	rc, err := w.member(name)
	if err != nil || rc == nil {
		return err
	}
	defer rc.Close()
	x := w.newScan(rc, name)
	var b strings.Builder
	inSI, rph := false, 0
	for {
		t, err := x.token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch v := t.(type) {
		case xml.StartElement:
			switch {
			case v.Name.Local == "si":
				inSI = true
				b.Reset()
			case v.Name.Local == "rPh":
				rph++
			case v.Name.Local == "t" && inSI && rph == 0:
				s, err := x.text(w.lim.RecordBytes, "a shared string")
				if err != nil {
					return err
				}
				b.WriteString(s)
			}
		case xml.EndElement:
			switch v.Name.Local {
			case "rPh":
				rph--
			case "si":
				inSI = false
				if int64(len(w.strings)) >= w.lim.Cells {
					return limitErr(w.file, 0, 0, "cells", w.lim.Cells, "more shared strings than that")
				}
				w.strings = append(w.strings, unescapeX(b.String()))
			}
		}
	}
}

// loadStyles reads the number format of every cell style.
func (w *workbook) loadStyles(name string) error {
	custom := map[int]string{}
	var ids []int
	inXfs := false
	rc, err := w.member(name)
	if err != nil || rc == nil {
		return err
	}
	defer rc.Close()
	x := w.newScan(rc, name)
	for {
		t, err := x.token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		switch v := t.(type) {
		case xml.StartElement:
			switch v.Name.Local {
			case "numFmt":
				if id, err := strconv.Atoi(attr(v, "numFmtId")); err == nil {
					custom[id] = attr(v, "formatCode")
				}
			case "cellXfs":
				inXfs = true
			case "xf":
				if inXfs {
					ids = append(ids, atoiOr(attr(v, "numFmtId"), 0))
				}
			}
		case xml.EndElement:
			if v.Name.Local == "cellXfs" {
				inXfs = false
			}
		}
	}
	w.formats = make([]numFormat, len(ids))
	for i, id := range ids {
		code, ok := custom[id]
		if !ok {
			code = builtinFormats[id]
		}
		w.formats[i] = classifyFormat(id, code)
	}
	return nil
}

// openSheet starts reading the named sheet (or the first).
func (w *workbook) openSheet(name string) (*sheetRows, error) {
	ref := w.sheets[0]
	if name != "" {
		found := false
		for _, s := range w.sheets {
			if s.name == name || (!found && strings.EqualFold(s.name, name)) {
				ref, found = s, true
			}
		}
		if !found {
			names := make([]string, len(w.sheets))
			for i, s := range w.sheets {
				names[i] = fmt.Sprintf("%q", s.name)
			}
			return nil, &budget.InputError{File: w.file, Field: "sheet", Value: name, Expected: "the name of one of the workbook's sheets: " + strings.Join(names, ", ")}
		}
	}
	rc, err := w.member(ref.target)
	if err != nil {
		return nil, err
	}
	if rc == nil {
		return nil, &budget.InputError{File: w.file, Field: "sheet", Value: ref.name, Expected: "a workbook whose sheets are all present; this one names a sheet it does not hold: save it again from a spreadsheet program"}
	}
	return &sheetRows{w: w, rc: rc, x: w.newScan(rc, ref.target), sheet: ref.name}, nil
}

// sheetRows streams the rows of one sheet.
type sheetRows struct {
	w      *workbook
	rc     io.ReadCloser
	x      *xmlScan
	sheet  string
	row    int // last row number
	cells  []string
	done   bool
	inData bool
}

func (s *sheetRows) Close() error { return s.rc.Close() }

func (s *sheetRows) next() (int, []string, error) {
	if s.done {
		return 0, nil, io.EOF
	}
	for {
		t, err := s.x.token()
		if err == io.EOF {
			s.done = true
			s.rc.Close()
			return 0, nil, io.EOF
		}
		if err != nil {
			return 0, nil, err
		}
		switch v := t.(type) {
		case xml.StartElement:
			switch v.Name.Local {
			case "sheetData":
				s.inData = true
			case "row":
				if !s.inData {
					continue
				}
				return s.readRow(v)
			}
		case xml.EndElement:
			if v.Name.Local == "sheetData" {
				s.done = true
				s.rc.Close()
				return 0, nil, io.EOF
			}
		}
	}
}

func (s *sheetRows) fail(ref, expected string) error {
	return &budget.InputError{File: s.w.file, Line: s.row, Field: "sheet " + s.sheet + " cell " + ref, Expected: expected}
}

// readRow reads the cells of a <row> just started.
func (s *sheetRows) readRow(se xml.StartElement) (int, []string, error) {
	n := s.row + 1
	if r := attr(se, "r"); r != "" {
		v, err := strconv.Atoi(r)
		if err != nil || v < 1 || v > 1<<20 {
			return 0, nil, s.fail("row "+abbrev(r), "a row number from 1 to 1,048,576; the sheet's XML is damaged: save the workbook again")
		}
		n = v
	}
	if n <= s.row {
		return 0, nil, s.fail(fmt.Sprintf("row %d", n), fmt.Sprintf("rows in order; row %d comes after row %d: save the workbook again", n, s.row))
	}
	s.row = n
	s.cells = s.cells[:0]
	col := -1
	for {
		t, err := s.x.token()
		if err != nil {
			if err == io.EOF {
				return 0, nil, s.w.broken(s.x.member, io.ErrUnexpectedEOF)
			}
			return 0, nil, err
		}
		switch v := t.(type) {
		case xml.StartElement:
			if v.Name.Local != "c" {
				continue
			}
			c := col + 1
			ref := attr(v, "r")
			if ref != "" {
				cc, rr, ok := cellRef(ref)
				if !ok || (rr != 0 && rr != n) {
					return 0, nil, s.fail(abbrev(ref), "a cell reference such as B7 in its own row: the sheet's XML is damaged; save the workbook again")
				}
				c = cc
			}
			if int64(c) >= s.w.lim.Columns {
				return 0, nil, limitErr(s.w.file, n, c+1, "columns", s.w.lim.Columns, fmt.Sprintf("a value in column %s (%s), beyond the last column read (%s)", colName(c), groupThousands(int64(c+1)), colName(int(s.w.lim.Columns-1))))
			}
			if c <= col {
				return 0, nil, s.fail(colName(c)+strconv.Itoa(n), "each cell once, in column order: save the workbook again")
			}
			col = c
			val, err := s.readCell(v, colName(c)+strconv.Itoa(n))
			if err != nil {
				return 0, nil, err
			}
			if val == "" {
				continue
			}
			for len(s.cells) < c {
				s.cells = append(s.cells, "")
			}
			s.cells = append(s.cells, val)
		case xml.EndElement:
			if v.Name.Local == "row" {
				return n, s.cells, nil
			}
		}
	}
}

// readCell reads a <c> just started and returns its value as text.
func (s *sheetRows) readCell(se xml.StartElement, ref string) (string, error) {
	typ, style := attr(se, "t"), atoiOr(attr(se, "s"), -1)
	var v, inline string
	hasV, hasF := false, false
	max := s.w.lim.RecordBytes
	for {
		t, err := s.x.token()
		if err != nil {
			if err == io.EOF {
				err = s.w.broken(s.x.member, io.ErrUnexpectedEOF)
			}
			return "", err
		}
		switch e := t.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "v":
				if v, err = s.x.text(max, "cell "+ref); err != nil {
					return "", err
				}
				hasV = true
			case "f":
				hasF = true
			case "t": // inside <is>, possibly in a rich-text run
				txt, err := s.x.text(max, "cell "+ref)
				if err != nil {
					return "", err
				}
				inline += txt
			}
		case xml.EndElement:
			if e.Name.Local == "c" {
				return s.value(typ, style, v, unescapeX(inline), hasV, hasF, ref)
			}
		}
	}
}

func (s *sheetRows) value(typ string, style int, v, inline string, hasV, hasF bool, ref string) (string, error) {
	switch typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || i < 0 || i >= len(s.w.strings) {
			return "", s.fail(ref, "a shared string the workbook holds; the workbook is damaged: save it again")
		}
		return s.w.strings[i], nil
	case "inlineStr":
		return inline, nil
	case "str", "e", "d":
		return v, nil
	case "b":
		switch strings.TrimSpace(v) {
		case "1", "true":
			return "TRUE", nil
		case "0", "false":
			return "FALSE", nil
		}
		return v, nil
	}
	if !hasV {
		if hasF {
			return "", s.fail(ref, "a formula's computed value; this cell holds a formula without one (the program that wrote the workbook did not compute it): open the workbook in a spreadsheet program, save it, and import it again")
		}
		return "", nil
	}
	v = strings.TrimSpace(v)
	var f numFormat
	if style >= 0 && style < len(s.w.formats) {
		f = s.w.formats[style]
	}
	switch f.kind {
	case numDate, numTime:
		return excelDate(v, s.w.date1904, f.kind == numTime), nil
	case numCode:
		if isDigits(v) && len(v) < f.width {
			return strings.Repeat("0", f.width-len(v)) + v, nil
		}
	}
	return v, nil
}

// cellRef splits a reference such as "AB12" into a 0-based column and a
// row (0 when the reference has no digits).
func cellRef(ref string) (col, row int, ok bool) {
	i := 0
	for i < len(ref) && (ref[i] >= 'A' && ref[i] <= 'Z' || ref[i] >= 'a' && ref[i] <= 'z') {
		if i == 3 {
			return 0, 0, false
		}
		col = col*26 + int(ref[i]|0x20) - 'a' + 1
		i++
	}
	if i == 0 {
		return 0, 0, false
	}
	if i < len(ref) {
		r, err := strconv.Atoi(ref[i:])
		if err != nil || r < 1 {
			return 0, 0, false
		}
		row = r
	}
	return col - 1, row, true
}

// colName is Excel's name of a 0-based column: 0 is A, 16383 is XFD.
func colName(c int) string {
	var b []byte
	for c++; c > 0; c = (c - 1) / 26 {
		b = append([]byte{byte('A' + (c-1)%26)}, b...)
	}
	return string(b)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// unescapeX decodes the _xHHHH_ escapes OOXML writes for characters XML
// cannot hold ("_x000D_" is a carriage return, "_x005F_" an underscore).
func unescapeX(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if i+7 <= len(s) && s[i] == '_' && s[i+1] == 'x' && s[i+6] == '_' {
			if r, err := strconv.ParseUint(s[i+2:i+6], 16, 32); err == nil {
				b.WriteRune(rune(r))
				i += 6
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// numFormat is what a number format says about a cell's type.
type numFormat struct {
	kind  numKind
	width int // digits of a code format ("0000": 4)
}

type numKind uint8

const (
	numPlain   numKind = iota // a number, however displayed (thousands, currency, scaling)
	numPercent                // a fraction displayed as a percentage
	numDate                   // a day number displayed as a date
	numTime                   // a fraction of a day displayed as a time
	numText                   // "@": text
	numCode                   // zeros only: a code with its leading zeros
)

// builtinFormats are the format codes of Excel's built-in format ids.
var builtinFormats = map[int]string{
	0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 5: "$#,##0_);($#,##0)", 6: "$#,##0_);[Red]($#,##0)",
	7: "$#,##0.00_);($#,##0.00)", 8: "$#,##0.00_);[Red]($#,##0.00)", 9: "0%", 10: "0.00%", 11: "0.00E+00", 12: "# ?/?",
	13: "# ??/??", 14: "mm-dd-yy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 18: "h:mm AM/PM", 19: "h:mm:ss AM/PM",
	20: "h:mm", 21: "h:mm:ss", 22: "m/d/yy h:mm", 37: "#,##0 ;(#,##0)", 38: "#,##0 ;[Red](#,##0)", 39: "#,##0.00;(#,##0.00)",
	40: "#,##0.00;[Red](#,##0.00)", 45: "mm:ss", 46: "[h]:mm:ss", 47: "mmss.0", 48: "##0.0E+0", 49: "@",
}

// classifyFormat reads a number format code (the first section, without
// literals, escapes, padding and bracketed colours or locales).
func classifyFormat(id int, code string) numFormat {
	if code == "" && (id >= 27 && id <= 36 || id >= 50 && id <= 58 || id >= 71 && id <= 81) {
		return numFormat{kind: numDate} // East Asian built-in dates
	}
	var b strings.Builder
	inQ, bracket := false, false
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case inQ:
			inQ = c != '"'
		case c == '"':
			inQ = true
		case bracket:
			if c == ']' {
				bracket = false
			} else if c == 'h' || c == 'H' || c == 'm' || c == 'M' || c == 's' || c == 'S' {
				// elapsed time: [h], [mm], [ss]
				if i > 0 && code[i-1] == '[' {
					b.WriteByte('h')
				}
			}
		case c == '[':
			bracket = true
		case c == '\\' || c == '_' || c == '*':
			i++ // the next character is a literal or a padding width
		case c == ';':
			i = len(code)
		default:
			b.WriteByte(c)
		}
	}
	s := strings.ReplaceAll(strings.ToLower(b.String()), "general", "")
	switch {
	case strings.Contains(s, "@"):
		return numFormat{kind: numText}
	case strings.ContainsAny(s, "yd"), strings.Contains(s, "m") && !strings.ContainsAny(s, "hs"):
		return numFormat{kind: numDate}
	case strings.ContainsAny(s, "hs"):
		return numFormat{kind: numTime}
	case strings.Contains(s, "%"):
		return numFormat{kind: numPercent}
	case len(s) >= 2 && strings.Trim(s, "0") == "":
		return numFormat{kind: numCode, width: len(s)}
	}
	return numFormat{kind: numPlain}
}

// excelDate writes a stored day number as a date (and time when it has
// one): day 1 is 1900-01-01 (or 1904-01-02 in the 1904 system), with
// Excel's phantom 1900-02-29 (day 60) kept out of the dates after it.
// Text that is not a number within Excel's dates is returned unchanged.
func excelDate(v string, date1904, timeOnly bool) string {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || f > 2958466 {
		return v
	}
	days := math.Floor(f)
	secs := int64(math.Round((f - days) * 86400))
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	switch {
	case date1904:
		base = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	case days < 60:
		base = time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC)
	}
	if timeOnly && days == 0 {
		return time.Unix(secs, 0).UTC().Format("15:04:05")
	}
	t := base.AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second)
	if secs == 0 {
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02 15:04:05")
}

func abbrev(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}
