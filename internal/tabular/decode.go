package tabular

import (
	"bufio"
	"bytes"
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// Text encodings. Files are read as UTF-8; a UTF-8 byte-order mark is
// dropped; a UTF-16 file with its byte-order mark (Excel's "Unicode Text")
// is converted to UTF-8 as it streams; a record that is not valid UTF-8 is
// read as Windows-1252 (the "Latin-1" of files saved by Excel on Windows:
// ISO 8859-1 plus curly quotes, dashes and the euro sign in 0x80-0x9F).
// Deciding per record, not per file, keeps reading streamed: a file of
// ASCII with one accented name in Latin-1 reads that name right.

// decodeStream returns r with its byte-order mark removed and UTF-16
// converted to UTF-8.
func decodeStream(r io.Reader) io.Reader {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(3)
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		br.Discard(2)
		return &utf16Reader{r: br, little: true}
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		br.Discard(2)
		return &utf16Reader{r: br}
	}
	return br
}

// utf16Reader converts UTF-16 (surrogate pairs joined; an unpaired
// surrogate becomes U+FFFD) to UTF-8.
type utf16Reader struct {
	r      *bufio.Reader
	little bool
	out    []byte // converted, not yet returned
	high   rune   // a high surrogate waiting for its pair
	err    error
}

func (u *utf16Reader) Read(p []byte) (int, error) {
	for len(u.out) == 0 {
		if u.err != nil {
			return 0, u.err
		}
		var unit [2]byte
		if _, err := io.ReadFull(u.r, unit[:]); err != nil {
			if u.high != 0 {
				u.out = utf8.AppendRune(u.out, utf8.RuneError)
				u.high = 0
			}
			u.err = io.EOF
			if err != io.EOF && err != io.ErrUnexpectedEOF {
				u.err = err
			}
			continue
		}
		c := rune(unit[0])<<8 | rune(unit[1])
		if u.little {
			c = rune(unit[1])<<8 | rune(unit[0])
		}
		switch {
		case u.high != 0 && utf16.IsSurrogate(c) && c >= 0xDC00:
			u.out = utf8.AppendRune(u.out, utf16.DecodeRune(u.high, c))
			u.high = 0
		case c >= 0xD800 && c < 0xDC00:
			if u.high != 0 {
				u.out = utf8.AppendRune(u.out, utf8.RuneError)
			}
			u.high = c
		default:
			if u.high != 0 {
				u.out = utf8.AppendRune(u.out, utf8.RuneError)
				u.high = 0
			}
			if utf16.IsSurrogate(c) {
				c = utf8.RuneError
			}
			u.out = utf8.AppendRune(u.out, c)
		}
	}
	n := copy(p, u.out)
	u.out = u.out[n:]
	return n, nil
}

// cp1252 maps 0x80-0x9F of Windows-1252; the five bytes it leaves undefined
// keep their Latin-1 code points, as web browsers do.
var cp1252 = [32]rune{
	0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
	0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
}

// AppendWindows1252 appends b, read as Windows-1252, to dst as UTF-8.
func AppendWindows1252(dst, b []byte) []byte {
	for _, c := range b {
		switch {
		case c < 0x80:
			dst = append(dst, c)
		case c < 0xA0:
			dst = utf8.AppendRune(dst, cp1252[c-0x80])
		default:
			dst = utf8.AppendRune(dst, rune(c))
		}
	}
	return dst
}

// Text returns b as a string: as is when it is valid UTF-8, else read as
// Windows-1252.
func Text(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return string(AppendWindows1252(nil, b))
}
