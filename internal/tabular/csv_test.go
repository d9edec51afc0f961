package tabular

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/budgetlens/budgetlens/budget"
)

// parseAll reads data with RecordReader as one block.
func parseAll(data []byte, delim byte) (recs [][]string, lines []int, err error) {
	rr := RecordReader{Delim: delim}
	rr.Reset(data, 1)
	for {
		line, ok, serr := rr.Next()
		if !ok {
			return recs, lines, err
		}
		if serr != nil && err == nil {
			err = serr
		}
		rec := make([]string, len(rr.Fields))
		for i, f := range rr.Fields {
			rec[i] = string(f)
		}
		recs = append(recs, rec)
		lines = append(lines, line)
	}
}

func TestRecordReaderGrammar(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // records joined by | and fields by ;
		err  string // substring of the first error, "" for none
	}{
		{"a,b\n1,2\n", "a;b|1;2", ""},
		{"a,b\r\n1,2\r\n", "a;b|1;2", ""},
		{"a,b\n\n\n1,2", "a;b|1;2", ""},
		{"\"x,y\",\"he said \"\"hi\"\"\"\n", "x,y;he said \"hi\"", ""},
		{"\"two\r\nlines\",z\n", "two\nlines;z", ""},
		{"a,,\n", "a;;", ""},
		{"Tree \"Trimming\",x\nnext,row\n", "Tree \"Trimming\";x|next;row", "a quote inside a field"},
		{"\"ab\"cd,x\nnext,row\n", "abcd;x|next;row", "after the closing quote"},
		{"ok,\"never closed\nstill,in\n", "ok;never closed\nstill,in\n", "never closed"},
		{"a,b\x00c\n", "a;b\x00c", "NUL"},
	} {
		recs, _, err := parseAll([]byte(tc.in), ',')
		var parts []string
		for _, r := range recs {
			parts = append(parts, strings.Join(r, ";"))
		}
		if got := strings.Join(parts, "|"); got != tc.want {
			t.Errorf("%q: records %q, want %q", tc.in, got, tc.want)
		}
		if (err == nil) != (tc.err == "") || err != nil && !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%q: error %v, want %q", tc.in, err, tc.err)
		}
	}
}

// TestSyntaxErrorPlace: the line and column of a fault inside a record
// that spans lines.
func TestSyntaxErrorPlace(t *testing.T) {
	_, _, err := parseAll([]byte("h1,h2,h3\n1,\"a\nb\",c\"d\n"), ',')
	var se *SyntaxError
	if !errors.As(err, &se) || se.Line != 3 || se.Column != 3 {
		t.Fatalf("error %v, want line 3 column 3", err)
	}
}

// blocksOf reads data through a Stream with a given block size and
// returns every record with its line, as RecordReader sees them.
func blocksOf(t testing.TB, data []byte, block int) ([]string, error) {
	s, err := newStream(bytes.NewReader(data), StreamOptions{File: "f.csv", Delimiter: ',', BlockSize: block, Limits: Limits{RecordBytes: 1 << 20}})
	if err != nil {
		return nil, err
	}
	var out []string
	rr := RecordReader{Delim: ','}
	for {
		b, err := s.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		rr.Reset(b.Data, b.FirstLine)
		for {
			line, ok, serr := rr.Next()
			if !ok {
				break
			}
			out = append(out, fmt.Sprintf("%d:%q:%v", line, rr.Fields, serr != nil))
		}
	}
}

// FuzzRecords checks the CSV grammar's properties: (1) on every text that
// encoding/csv reads without error (and holds no NUL), RecordReader gives
// the same records on the same lines without error; (2) cutting the text
// into blocks of any size gives exactly the records of one block; (3) an
// error names a line within the text.
func FuzzRecords(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "\"x\ny\",z\r\n\n3,4", "a\"b,c\n", "\"a\"b,c\n", "\"unclosed\n1,2\n", "h\n\"\"\"\"\n", ",\n,,\r\n\"\",\"\"\n"} {
		f.Add([]byte(s), uint16(3))
	}
	f.Fuzz(func(t *testing.T, data []byte, block uint16) {
		recs, lines, err := parseAll(data, ',')
		if bytes.IndexByte(data, 0) < 0 {
			cr := csv.NewReader(bytes.NewReader(data))
			cr.FieldsPerRecord = -1
			want, werr := cr.ReadAll()
			if werr == nil {
				if err != nil {
					t.Fatalf("encoding/csv reads %q, RecordReader fails: %v", data, err)
				}
				if fmt.Sprint(want) != fmt.Sprint(recs) && !(len(want) == 0 && len(recs) == 0) {
					t.Fatalf("%q: records %q, encoding/csv %q", data, recs, want)
				}
				cr = csv.NewReader(bytes.NewReader(data))
				cr.FieldsPerRecord = -1
				for i := range want {
					cr.Read()
					if l, _ := cr.FieldPos(0); l != lines[i] {
						t.Fatalf("%q: record %d on line %d, encoding/csv says %d", data, i, lines[i], l)
					}
				}
			}
		}
		var se *SyntaxError
		if errors.As(err, &se) && (se.Line < 1 || se.Line > 1+bytes.Count(data, []byte{'\n'})) {
			t.Fatalf("%q: error on line %d", data, se.Line)
		}
		whole, err1 := blocksOf(t, data, 1<<20)
		cut, err2 := blocksOf(t, data, int(block%64)+1)
		if (err1 == nil) != (err2 == nil) || fmt.Sprint(whole) != fmt.Sprint(cut) {
			t.Fatalf("%q: blocks of %d give %v (%v), one block %v (%v)", data, block%64+1, cut, err2, whole, err1)
		}
	})
}

func TestSniffDelimiter(t *testing.T) {
	for in, want := range map[string]byte{
		"a,b\n1,2":                       ',',
		"a\tb\n1\t2":                     '\t',
		"a;b\n1,5;2":                     ';',
		"City of X budget\na|b\n1|2":     '|',
		"\"a;b\",c\n1,2":                 ',',
		"one column\n1\n":                ',',
		"Titel\nKosten;Bezeichnung\n1;2": ';',
	} {
		if got := SniffDelimiter([]byte(in)); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

// TestStrayQuoteLinear: a bare quote does not change where records end,
// and an opened quote that is never closed stops at record-bytes with the
// line and column where it opened.
func TestStrayQuoteLinear(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,type,note\n")
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&b, "%d,Bulky Items,plain\n", i)
	}
	clean := b.String()
	bare := strings.Replace(clean, "12,Bulky Items,plain", "12,Bulky \"Items,plain", 1)
	recs, err := blocksOf(t, []byte(bare), 97)
	if err != nil || len(recs) != 5001 {
		t.Fatalf("bare quote: %d records, %v", len(recs), err)
	}
	open := strings.Replace(clean, "12,Bulky Items,plain", "12,\"Bulky Items,plain", 1)
	s, err := newStream(strings.NewReader(open), StreamOptions{File: "f.csv", Delimiter: ',', BlockSize: 1 << 10, Limits: Limits{RecordBytes: 4 << 10}})
	if err != nil {
		t.Fatal(err)
	}
	for {
		_, err = s.Next()
		if err != nil {
			break
		}
	}
	var ie *budget.InputError
	if !errors.As(err, &ie) || ie.Line != 14 || ie.ColIndex != 2 || !errors.Is(err, ErrLimit) || !strings.Contains(ie.Expected, "never closed") {
		t.Fatalf("open quote: %v", err)
	}
}

func TestParallelOrderAndFirstError(t *testing.T) {
	var b strings.Builder
	b.WriteString("n\n")
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&b, "%d\n", i)
	}
	data := b.String()
	run := func(data string, workers int, fail func(n int) bool) (int, error) {
		s, err := NewStream(strings.NewReader(data), StreamOptions{File: "n.csv", BlockSize: 64})
		if err != nil {
			t.Fatal(err)
		}
		next := 0
		err = Parallel(context.Background(), s, workers, func(w int, blk *Block) ([]int, error) {
			rr := RecordReader{Delim: ','}
			rr.Reset(blk.Data, blk.FirstLine)
			var out []int
			for {
				line, ok, _ := rr.Next()
				if !ok {
					return out, nil
				}
				var n int
				fmt.Sscan(string(rr.Fields[0]), &n)
				if fail != nil && fail(n) {
					return nil, fmt.Errorf("line %d", line)
				}
				out = append(out, n)
			}
		}, func(blk *Block, ns []int) error {
			for _, n := range ns {
				if n != next {
					return fmt.Errorf("got %d, want %d", n, next)
				}
				next++
			}
			return nil
		})
		return next, err
	}
	if n, err := run(data, 4, nil); err != nil || n != 20000 {
		t.Fatalf("in order: %d, %v", n, err)
	}
	for k := 0; k < 5; k++ {
		n, err := run(data, 4, func(n int) bool { return n == 777 || n == 15000 })
		if err == nil || err.Error() != "line 779" || n > 777 {
			t.Fatalf("first error in file order: %v after %d", err, n)
		}
	}
	// cancellation stops the run
	ctx, cancel := context.WithCancel(context.Background())
	s, _ := NewStream(strings.NewReader(data), StreamOptions{File: "n.csv", BlockSize: 64})
	var blocks atomic.Int64
	err := Parallel(ctx, s, 2, func(w int, blk *Block) (int, error) {
		if blocks.Add(1) == 10 {
			cancel()
		}
		return 0, nil
	}, func(*Block, int) error { return nil })
	if !errors.Is(err, context.Canceled) || blocks.Load() > 1000 {
		t.Fatalf("cancelled: %v after %d blocks", err, blocks.Load())
	}
}

// TestPlainMatchesBytewise: records read eight bytes at a time are those
// read byte by byte (fields, lines, errors), over random texts of
// delimiters, line ends (LF, CRLF, a lone CR), quotes, NULs and UTF-8,
// of lengths on both sides of a word, with each delimiter.
func TestPlainMatchesBytewise(t *testing.T) {
	rng := rand.New(rand.NewSource(9))
	common := []byte("ab1 ,;\t|\n\n\r\xc3\xa9")
	rare := []byte{'"', 0}
	read := func(data []byte, delim byte, bytewise bool) string {
		rr := RecordReader{Delim: delim, bytewise: bytewise}
		rr.Reset(data, 1)
		var out []string
		for {
			line, ok, serr := rr.Next()
			if !ok {
				return strings.Join(out, "|") + fmt.Sprintf(" end line %d", rr.line)
			}
			msg := ""
			if serr != nil {
				msg = serr.Error()
			}
			out = append(out, fmt.Sprintf("%d:%q:%s:%q", line, rr.Fields, msg, rr.Raw()))
		}
	}
	plain := 0
	for n := 0; n < 30000; n++ {
		data := make([]byte, rng.Intn(70))
		for i := range data {
			if rng.Intn(40) == 0 {
				data[i] = rare[rng.Intn(len(rare))]
			} else {
				data[i] = common[rng.Intn(len(common))]
			}
		}
		if bytes.IndexByte(data, '"') < 0 && bytes.IndexByte(data, 0) < 0 {
			plain++
		}
		for _, delim := range []byte{',', ';', '\t', '|'} {
			if got, want := read(data, delim, false), read(data, delim, true); got != want {
				t.Fatalf("%q, delimiter %q:\n  by words %s\n  by bytes %s", data, delim, got, want)
			}
		}
	}
	if plain < 5000 {
		t.Fatalf("only %d texts without a quote or NUL", plain)
	}
}
