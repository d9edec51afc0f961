package tabular

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"hash"
	"io"
	"runtime"
	"sync"

	"github.com/budgetlens/budgetlens/budget"
)

// StreamOptions configure a Stream.
type StreamOptions struct {
	// File names the input in messages.
	File string
	// Delimiter between fields; 0 detects it from the first lines (see
	// SniffDelimiter).
	Delimiter byte
	// BlockSize is the size blocks are cut at (default 4 MiB); a block
	// holds whole records, so one may be larger by up to RecordBytes.
	BlockSize int
	Limits    Limits
	// Hash keeps the SHA-256 of every byte read (Stream.Sum).
	Hash bool
}

// Block is a run of whole records of a stream.
type Block struct {
	Seq       int    // 0 for the first block after the header
	Data      []byte // whole records
	FirstLine int    // file line of Data[0]
	buf       []byte // the whole buffer Data is cut from, for reuse
}

// Stream reads a delimited text file as blocks of whole records after its
// header, holding at most one block and one record in memory: the reader
// behind events summarize and geo assign, sequential (Next) or parallel
// (Parallel).
type Stream struct {
	opt    StreamOptions
	header *Header
	raw    *countingReader
	r      io.Reader // decoded
	sum    hash.Hash
	sc     boundaries
	buf    []byte // bytes read, not yet handed out; buf[0] starts a record
	scan   int    // bytes of buf scanned
	last   int    // offset just after the last record end in buf, or 0
	line   int    // file line of buf[0]
	eof    bool
	seq    int
	// free holds the buffers of released blocks for the next ones: a
	// channel, not a sync.Pool, because a pool is emptied by every garbage
	// collection, and a large file read in parallel collects often, so
	// that nearly every block took new memory (and the page faults of it).
	free     chan []byte
	freeOnce sync.Once
}

// countingReader counts the bytes read and refuses more than max.
type countingReader struct {
	r    io.Reader
	n    int64
	max  int64
	file string
	h    hash.Hash
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.h != nil {
		c.h.Write(p[:n])
	}
	if c.n > c.max {
		return n, limitErr(c.file, 0, 0, "file-bytes", c.max, fmt.Sprintf("the file is larger than %s", sizeText(c.max)))
	}
	return n, err
}

// NewStream reads the header of r (its first non-empty record) and
// returns a stream positioned at the first data record.
func NewStream(r io.Reader, opt StreamOptions) (*Stream, error) {
	s, err := newStream(r, opt)
	if err != nil {
		return nil, err
	}
	rr := RecordReader{Delim: s.opt.Delimiter}
	for {
		hb, err := s.next(1)
		if err == io.EOF {
			return nil, &budget.InputError{File: opt.File, Line: 1, Field: "header", Expected: "a header line naming the columns; the file is empty"}
		}
		if err != nil {
			return nil, err
		}
		rr.Reset(hb.Data, hb.FirstLine)
		line, ok, serr := rr.Next()
		if serr != nil {
			return nil, syntaxInputError(opt.File, serr, nil)
		}
		if !ok {
			continue // empty lines
		}
		names := make([]string, len(rr.Fields))
		for i, f := range rr.Fields {
			names[i] = Text(f)
		}
		if lim := s.opt.Limits.Columns; int64(len(names)) > lim {
			return nil, limitErr(opt.File, line, int(lim)+1, "columns", lim, fmt.Sprintf("a header of %d columns", len(names)))
		}
		s.header = NewHeader(opt.File, line, names)
		return s, nil
	}
}

// newStream prepares a stream without reading its header.
func newStream(r io.Reader, opt StreamOptions) (*Stream, error) {
	opt.Limits = opt.Limits.WithDefaults()
	if opt.BlockSize <= 0 {
		opt.BlockSize = 4 << 20
	}
	s := &Stream{opt: opt, line: 1}
	s.raw = &countingReader{r: r, max: opt.Limits.FileBytes, file: opt.File}
	if opt.Hash {
		s.sum = sha256.New()
		s.raw.h = s.sum
	}
	s.r = decodeStream(s.raw)
	if err := s.fill(64 << 10); err != nil {
		return nil, err
	}
	if s.opt.Delimiter == 0 {
		s.opt.Delimiter = SniffDelimiter(s.buf)
	}
	s.sc.delim = s.opt.Delimiter
	return s, nil
}

// Header returns the header.
func (s *Stream) Header() *Header { return s.header }

// Delimiter returns the delimiter in use.
func (s *Stream) Delimiter() byte { return s.opt.Delimiter }

// Sum returns the SHA-256 of the bytes read so far (with Hash set).
func (s *Stream) Sum() []byte {
	if s.sum == nil {
		return nil
	}
	return s.sum.Sum(nil)
}

// BytesRead is the number of bytes of the file read so far.
func (s *Stream) BytesRead() int64 { return s.raw.n }

// fill reads at least want more bytes (fewer at the end of the input).
func (s *Stream) fill(want int) error {
	if s.eof {
		return nil
	}
	if cap(s.buf)-len(s.buf) < want {
		nb := make([]byte, len(s.buf), len(s.buf)+want+want/4)
		copy(nb, s.buf)
		s.buf = nb
	}
	n, err := io.ReadAtLeast(s.r, s.buf[len(s.buf):cap(s.buf)], min(want, cap(s.buf)-len(s.buf)))
	s.buf = s.buf[:len(s.buf)+n]
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		s.eof = true
		return nil
	}
	return err
}

// Next returns the next block of whole records, io.EOF after the last.
// The block's data stay valid until Release.
func (s *Stream) Next() (*Block, error) {
	b, err := s.next(s.opt.BlockSize)
	if err != nil {
		return nil, err
	}
	b.Seq = s.seq
	s.seq++
	return b, nil
}

// next cuts a block of at least size bytes of whole records (or one
// record, or the rest of the input).
func (s *Stream) next(size int) (*Block, error) {
	for {
		if s.scan < len(s.buf) {
			pos, last := s.sc.scan(s.buf, s.scan, size)
			s.scan = pos
			if last > 0 {
				s.last = last
			}
		}
		if s.last >= size || (s.last > 0 && s.eof && s.scan >= len(s.buf)) {
			return s.cut(s.last), nil
		}
		if pending := int64(len(s.buf) - s.last); pending > s.opt.Limits.RecordBytes {
			return nil, s.recordTooLong()
		}
		if s.eof {
			if len(s.buf) == 0 {
				return nil, io.EOF
			}
			return s.cut(len(s.buf)), nil // the last record, without a line end
		}
		if err := s.fill(max(size-len(s.buf), 64<<10)); err != nil {
			return nil, err
		}
	}
}

// cut hands out buf[:n] as a block and keeps the rest.
func (s *Stream) cut(n int) *Block {
	b := &Block{Data: s.buf[:n:n], FirstLine: s.line, buf: s.buf[:0]}
	s.line += bytes.Count(b.Data, []byte{'\n'})
	rest := s.buf[n:]
	var nb []byte
	select {
	case nb = <-s.freeList():
	default:
	}
	if cap(nb) < len(rest)+s.opt.BlockSize {
		nb = make([]byte, 0, len(rest)+s.opt.BlockSize+s.opt.BlockSize/4)
	}
	s.buf = append(nb[:0], rest...)
	s.scan -= n
	s.last = 0
	s.sc.open -= n
	return b
}

// freeList is s.free, made on first use (at most 16 blocks kept).
func (s *Stream) freeList() chan []byte {
	s.freeOnce.Do(func() { s.free = make(chan []byte, 16) })
	return s.free
}

// Release gives a block's memory back for reuse; its Data must not be
// used afterwards.
func (s *Stream) Release(b *Block) {
	if b != nil && cap(b.buf) >= s.opt.BlockSize {
		select {
		case s.freeList() <- b.buf[:0]:
		default:
		}
		b.buf, b.Data = nil, nil
	}
}

// recordTooLong explains a record that outgrew RecordBytes: almost always
// a quote opened and never closed.
func (s *Stream) recordTooLong() error {
	lim := s.opt.Limits.RecordBytes
	line := s.line + bytes.Count(s.buf[:s.last], []byte{'\n'})
	what := fmt.Sprintf("a record that starts on line %d is longer than %s", line, sizeText(lim))
	if s.sc.st == stQuoted || s.sc.st == stQuote {
		open := max(s.sc.open, 0)
		qline := s.line + bytes.Count(s.buf[:open], []byte{'\n'})
		col := fieldNumber(s.buf[bytes.LastIndexByte(s.buf[:open], '\n')+1:open], s.opt.Delimiter)
		e := limitErr(s.opt.File, qline, col, "record-bytes", lim,
			what+fmt.Sprintf(": the quote that opens column %d on line %d is never closed (%s)", col, qline, csvAdvice))
		return e
	}
	return limitErr(s.opt.File, line, 0, "record-bytes", lim, what)
}

// fieldNumber is the 1-based number of the field that starts right after
// prefix, a line's beginning (delimiters inside quotes not counted).
func fieldNumber(prefix []byte, delim byte) int {
	n, inQ := 1, false
	for _, c := range prefix {
		switch {
		case c == '"':
			inQ = !inQ
		case c == delim && !inQ:
			n++
		}
	}
	return n
}

// syntaxInputError turns a syntax error into an input error, naming the
// column's heading when known.
func syntaxInputError(file string, e *SyntaxError, h *Header) error {
	ie := &budget.InputError{File: file, Line: e.Line, ColIndex: e.Column, Field: "CSV syntax", Value: e.Value, Expected: e.Msg, Err: e}
	if h != nil && e.Column-1 < len(h.Names) {
		ie.Column = h.Names[e.Column-1]
	}
	return ie
}

// SyntaxInputError is syntaxInputError for readers of blocks.
func (s *Stream) SyntaxInputError(e *SyntaxError) error {
	return syntaxInputError(s.opt.File, e, s.header)
}

// SniffDelimiter picks the delimiter of a text from its first lines:
// among comma, tab, semicolon and pipe, the one found (outside quotes) on
// the most of the first 20 non-empty lines; ties go to that order, and a
// text with none of them is comma-separated (one column).
func SniffDelimiter(head []byte) byte {
	cands := []byte{',', '\t', ';', '|'}
	var count [4]int
	lines := 0
	for len(head) > 0 && lines < 20 {
		ln := head
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			ln, head = head[:i], head[i+1:]
		} else {
			head = nil
		}
		if len(bytes.TrimSpace(ln)) == 0 {
			continue
		}
		lines++
		inQ := false
		var seen [4]bool
		for _, c := range ln {
			if c == '"' {
				inQ = !inQ
				continue
			}
			if inQ {
				continue
			}
			for k, d := range cands {
				if c == d {
					seen[k] = true
				}
			}
		}
		for k := range seen {
			if seen[k] {
				count[k]++
			}
		}
	}
	best := 0
	for k := 1; k < len(cands); k++ {
		if count[k] > count[best] {
			best = k
		}
	}
	return cands[best]
}

// Parallel runs work on every block of s from workers goroutines (default
// GOMAXPROCS) and calls emit with each block's result in file order, from
// the calling goroutine. It stops at the first error: an error of work, of
// emit or of reading, whichever comes first in file order, is returned
// (so results never depend on scheduling), and no block after it is
// emitted. Cancelling ctx stops it too. At most 3 x workers blocks are in
// memory at once.
func Parallel[R any](ctx context.Context, s *Stream, workers int, work func(worker int, b *Block) (R, error), emit func(b *Block, r R) error) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type job struct {
		b    *Block
		r    R
		err  error
		done chan struct{}
	}
	jobs := make(chan *job, workers)
	order := make(chan *job, 2*workers)
	go func() {
		defer close(order)
		defer close(jobs)
		for ctx.Err() == nil {
			b, err := s.Next()
			if err == io.EOF {
				return
			}
			j := &job{b: b, err: err, done: make(chan struct{})}
			if err != nil {
				close(j.done)
				select {
				case order <- j:
				case <-ctx.Done():
				}
				return
			}
			select {
			case order <- j:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- j:
			case <-ctx.Done():
				j.err = ctx.Err()
				close(j.done)
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for j := range jobs {
				if err := ctx.Err(); err != nil {
					j.err = err
				} else {
					j.r, j.err = work(w, j.b)
				}
				close(j.done)
			}
		}(w)
	}
	var first error
	defer wg.Wait()
	for j := range order {
		<-j.done
		if first == nil {
			if j.err != nil {
				first = j.err
				cancel()
			} else if err := emit(j.b, j.r); err != nil {
				first = err
				cancel()
			}
		}
		s.Release(j.b)
	}
	if first == nil {
		first = parent.Err()
	}
	return first
}
