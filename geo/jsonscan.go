package geo

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/budgetlens/budgetlens/budget"
)

// jsonScanner is a streaming JSON reader for GeoJSON: it reads one byte at
// a time from a buffered reader, knows its line and column, and enforces
// the file-size and nesting limits as it goes, so a hostile file is refused
// at the byte where it exceeds a limit, with that place.
type jsonScanner struct {
	r        *bufio.Reader
	file     string
	lim      Limits
	line     int // of the next byte
	col      int // of the last byte read
	prevCol  int
	off      int64
	depth    int
	buf      []byte
	unread   bool
	lastByte byte
}

func newJSONScanner(r io.Reader, file string, lim Limits) *jsonScanner {
	return &jsonScanner{r: bufio.NewReaderSize(r, 1<<16), file: file, lim: lim, line: 1}
}

// jsonKind names a JSON value's kind in the words of the error messages.
type jsonKind byte

const (
	kindEOF jsonKind = iota
	kindObject
	kindArray
	kindString
	kindNumber
	kindBool
	kindNull
)

func (k jsonKind) String() string {
	return [...]string{"end of file", "object", "array", "string", "number", "boolean", "null"}[k]
}

// errorf is an input error at the scanner's current place.
func (s *jsonScanner) errorf(format string, args ...any) error {
	return &budget.InputError{File: s.file, Line: s.line, ColIndex: max(s.col, 1), Field: "geojson", Expected: fmt.Sprintf(format, args...)}
}

func (s *jsonScanner) readByte() (byte, error) {
	if s.unread {
		s.unread = false
		s.advance(s.lastByte)
		return s.lastByte, nil
	}
	c, err := s.r.ReadByte()
	if err != nil {
		if err == io.EOF {
			return 0, io.EOF
		}
		return 0, budget.Errorf(budget.EINVALID, "geo: reading %s: %v", s.file, err)
	}
	s.off++
	if s.off > s.lim.FileBytes {
		return 0, limitError(s.file, s.line, "file_bytes", s.lim.FileBytes, "the file is larger")
	}
	s.lastByte = c
	s.advance(c)
	return c, nil
}

func (s *jsonScanner) advance(c byte) {
	if c == '\n' {
		s.line++
		s.prevCol, s.col = s.col, 0
	} else {
		s.prevCol = s.col
		s.col++
	}
}

func (s *jsonScanner) unreadByte() {
	s.unread = true
	if s.lastByte == '\n' {
		s.line--
	}
	s.col = s.prevCol
}

// peek returns the next non-space byte without consuming it (0 at EOF).
func (s *jsonScanner) peek() (byte, error) {
	for {
		c, err := s.readByte()
		if err == io.EOF {
			return 0, nil
		}
		if err != nil {
			return 0, err
		}
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		s.unreadByte()
		return c, nil
	}
}

// kind returns the kind of the next value without consuming it.
func (s *jsonScanner) kind() (jsonKind, error) {
	c, err := s.peek()
	if err != nil {
		return 0, err
	}
	switch {
	case c == 0:
		return kindEOF, nil
	case c == '{':
		return kindObject, nil
	case c == '[':
		return kindArray, nil
	case c == '"':
		return kindString, nil
	case c == '-' || (c >= '0' && c <= '9'):
		return kindNumber, nil
	case c == 't' || c == 'f':
		return kindBool, nil
	case c == 'n':
		return kindNull, nil
	}
	s.readByte()
	return 0, s.errorf("the file is not valid JSON (unexpected %q); export the layer as GeoJSON", rune(c))
}

func (s *jsonScanner) expect(want byte) error {
	c, err := s.peek()
	if err != nil {
		return err
	}
	if c == 0 {
		return s.errorf("the file ends early (expected %q); the file is cut short or not valid JSON", rune(want))
	}
	s.readByte()
	if c != want {
		return s.errorf("the file is not valid JSON (expected %q, found %q); export the layer as GeoJSON", rune(want), rune(c))
	}
	return nil
}

func (s *jsonScanner) enter() error {
	s.depth++
	if s.depth > s.lim.Depth {
		return limitError(s.file, s.line, "depth", s.lim.Depth, fmt.Sprintf("column %d: arrays and objects nested %d deep", s.col, s.depth))
	}
	return nil
}

// object reads an object, calling member for each key; member must read
// the value.
func (s *jsonScanner) object(member func(key string) error) error {
	if err := s.expect('{'); err != nil {
		return err
	}
	if err := s.enter(); err != nil {
		return err
	}
	c, err := s.peek()
	if err != nil {
		return err
	}
	if c == '}' {
		s.readByte()
		s.depth--
		return nil
	}
	for {
		if k, err := s.kind(); err != nil {
			return err
		} else if k != kindString {
			return s.errorf("the file is not valid JSON (an object member needs a quoted name); export the layer as GeoJSON")
		}
		key, err := s.str()
		if err != nil {
			return err
		}
		if err := s.expect(':'); err != nil {
			return err
		}
		if err := member(key); err != nil {
			return err
		}
		c, err := s.peek()
		if err != nil {
			return err
		}
		s.readByte()
		switch c {
		case ',':
			continue
		case '}':
			s.depth--
			return nil
		case 0:
			return s.errorf("the file ends inside an object; the file is cut short")
		}
		return s.errorf("the file is not valid JSON (expected ',' or '}', found %q)", rune(c))
	}
}

// array reads an array, calling elem for each element; elem must read it.
func (s *jsonScanner) array(elem func(i int) error) error {
	if err := s.expect('['); err != nil {
		return err
	}
	if err := s.enter(); err != nil {
		return err
	}
	c, err := s.peek()
	if err != nil {
		return err
	}
	if c == ']' {
		s.readByte()
		s.depth--
		return nil
	}
	for i := 0; ; i++ {
		if err := elem(i); err != nil {
			return err
		}
		c, err := s.peek()
		if err != nil {
			return err
		}
		s.readByte()
		switch c {
		case ',':
			continue
		case ']':
			s.depth--
			return nil
		case 0:
			return s.errorf("the file ends inside an array; the file is cut short")
		}
		return s.errorf("the file is not valid JSON (expected ',' or ']', found %q)", rune(c))
	}
}

// str reads a string value.
func (s *jsonScanner) str() (string, error) {
	if err := s.expect('"'); err != nil {
		return "", err
	}
	s.buf = s.buf[:0]
	for {
		c, err := s.readByte()
		if err == io.EOF {
			return "", s.errorf("the file ends inside a string; the file is cut short")
		}
		if err != nil {
			return "", err
		}
		switch {
		case c == '"':
			out := string(s.buf)
			if !utf8.ValidString(out) {
				out = strings.ToValidUTF8(out, "\uFFFD")
			}
			return out, nil
		case c < 0x20:
			return "", s.errorf("the file is not valid JSON (a control character inside a string)")
		case c == '\\':
			if err := s.escape(); err != nil {
				return "", err
			}
		default:
			s.buf = append(s.buf, c)
		}
	}
}

func (s *jsonScanner) escape() error {
	c, err := s.readByte()
	if err != nil {
		return s.errorf("the file ends inside a string; the file is cut short")
	}
	switch c {
	case '"', '\\', '/':
		s.buf = append(s.buf, c)
	case 'b':
		s.buf = append(s.buf, '\b')
	case 'f':
		s.buf = append(s.buf, '\f')
	case 'n':
		s.buf = append(s.buf, '\n')
	case 'r':
		s.buf = append(s.buf, '\r')
	case 't':
		s.buf = append(s.buf, '\t')
	case 'u':
		r, err := s.hex4()
		if err != nil {
			return err
		}
		if utf16.IsSurrogate(r) {
			// a low surrogate must follow as \uXXXX
			if c1, _ := s.readByte(); c1 == '\\' {
				if c2, _ := s.readByte(); c2 == 'u' {
					r2, err := s.hex4()
					if err != nil {
						return err
					}
					r = utf16.DecodeRune(r, r2)
				}
			}
		}
		s.buf = utf8.AppendRune(s.buf, r)
	default:
		return s.errorf("the file is not valid JSON (bad escape \\%c in a string)", rune(c))
	}
	return nil
}

func (s *jsonScanner) hex4() (rune, error) {
	var r rune
	for i := 0; i < 4; i++ {
		c, err := s.readByte()
		if err != nil {
			return 0, s.errorf("the file ends inside a string; the file is cut short")
		}
		v, ok := unhex(c)
		if !ok {
			return 0, s.errorf("the file is not valid JSON (bad \\u escape in a string)")
		}
		r = r<<4 | rune(v)
	}
	return r, nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// numberText reads a number's text (JSON grammar).
func (s *jsonScanner) numberText() (string, error) {
	if _, err := s.peek(); err != nil {
		return "", err
	}
	s.buf = s.buf[:0]
	for {
		c, err := s.readByte()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
		if (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			s.buf = append(s.buf, c)
			if len(s.buf) > 400 {
				return "", s.errorf("a number of more than 400 characters")
			}
			continue
		}
		s.unreadByte()
		break
	}
	if !validJSONNumber(s.buf) {
		return "", s.errorf("the file is not valid JSON (%q is not a number)", s.buf)
	}
	return string(s.buf), nil
}

// validJSONNumber checks the JSON number grammar:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func validJSONNumber(b []byte) bool {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(b) && b[i] == '0' {
		i++
	} else if digits() == 0 {
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(b)
}

// float reads a number as a float64 (a finite one).
func (s *jsonScanner) float() (float64, error) {
	t, err := s.numberText()
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, s.errorf("the number %s is out of range", t)
	}
	return v, nil
}

// literal reads true, false or null.
func (s *jsonScanner) literal() (any, error) {
	if _, err := s.peek(); err != nil {
		return nil, err
	}
	s.buf = s.buf[:0]
	for len(s.buf) < 5 {
		c, err := s.readByte()
		if err != nil {
			break
		}
		if c < 'a' || c > 'z' {
			s.unreadByte()
			break
		}
		s.buf = append(s.buf, c)
	}
	switch string(s.buf) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "null":
		return nil, nil
	}
	return nil, s.errorf("the file is not valid JSON (%q is not true, false or null)", s.buf)
}

// value reads any value: objects as map[string]any, arrays as []any,
// numbers as int64 when integral and in range, else float64.
func (s *jsonScanner) value() (any, error) {
	k, err := s.kind()
	if err != nil {
		return nil, err
	}
	switch k {
	case kindObject:
		m := map[string]any{}
		err := s.object(func(key string) error {
			v, err := s.value()
			m[key] = v
			return err
		})
		return m, err
	case kindArray:
		var a []any
		err := s.array(func(int) error {
			v, err := s.value()
			a = append(a, v)
			return err
		})
		if a == nil {
			a = []any{}
		}
		return a, err
	case kindString:
		return s.str()
	case kindNumber:
		t, err := s.numberText()
		if err != nil {
			return nil, err
		}
		if !strings.ContainsAny(t, ".eE") {
			if i, err := strconv.ParseInt(t, 10, 64); err == nil {
				return i, nil
			}
		}
		v, err := strconv.ParseFloat(t, 64)
		if err != nil || math.IsInf(v, 0) {
			return nil, s.errorf("the number %s is out of range", t)
		}
		return v, nil
	case kindBool, kindNull:
		return s.literal()
	}
	return nil, s.errorf("the file ends early; the file is cut short")
}

// skip reads and discards a value.
func (s *jsonScanner) skip() error {
	k, err := s.kind()
	if err != nil {
		return err
	}
	switch k {
	case kindObject:
		return s.object(func(string) error { return s.skip() })
	case kindArray:
		return s.array(func(int) error { return s.skip() })
	case kindString:
		_, err := s.str()
		return err
	case kindNumber:
		_, err := s.numberText()
		return err
	case kindBool, kindNull:
		_, err := s.literal()
		return err
	}
	return s.errorf("the file ends early; the file is cut short")
}
