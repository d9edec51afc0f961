package postgres

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"strings"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
)

// copyRow builds one tuple of COPY ... (FORMAT binary) input: a field
// count, then each field as its length and bytes in PostgreSQL's binary
// form (text as UTF-8, integers and floats big-endian), NULL as length -1.
// Written by hand, it costs the client little and spares the server the
// parsing of text; every method must match its column's type exactly.
type copyRow struct {
	buf    []byte
	fields int // written on this tuple
}

// copyHeader starts binary COPY data: the signature, no flags, no
// header extension.
var copyHeader = []byte("PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00")

func (r *copyRow) start(fields int) {
	r.buf = binary.BigEndian.AppendUint16(r.buf[:0], uint16(fields))
	r.fields = 0
}

func (r *copyRow) length(n int) {
	r.buf = binary.BigEndian.AppendUint32(r.buf, uint32(int32(n)))
	r.fields++
}

// Text writes a text field.
func (r *copyRow) Text(v string) {
	r.length(len(v))
	r.buf = append(r.buf, v...)
}

// TextOrNull writes a text field, NULL for "" (a column most rows leave
// empty, such as a row's own area codes).
func (r *copyRow) TextOrNull(v string) {
	if v == "" {
		r.length(-1)
		return
	}
	r.Text(v)
}

// Int8 writes a bigint field.
func (r *copyRow) Int8(v int64) {
	r.length(8)
	r.buf = binary.BigEndian.AppendUint64(r.buf, uint64(v))
}

// Int8OrNull writes a bigint field, NULL for nil.
func (r *copyRow) Int8OrNull(v *int64) {
	if v == nil {
		r.length(-1)
		return
	}
	r.Int8(*v)
}

// Int4 writes an integer field; v must fit in 32 bits (line numbers and
// years do).
func (r *copyRow) Int4(v int) {
	r.length(4)
	r.buf = binary.BigEndian.AppendUint32(r.buf, uint32(int32(v)))
}

// Float8 writes a double precision field, NaN and infinities included.
func (r *copyRow) Float8(v float64) {
	r.length(8)
	r.buf = binary.BigEndian.AppendUint64(r.buf, math.Float64bits(v))
}

// copyProgress, when set (tests), is told by the writing goroutine after
// every 65,536 rows of a COPY, with the import's context: a test cancels
// an import at a known point of its COPY with it.
var copyProgress atomic.Pointer[func(ctx context.Context, table string, rows int)]

// copyBinary streams n rows into table with COPY (FORMAT binary) on tx's
// connection: the rows are written into a pipe by a goroutine while the
// server reads them, so building and loading overlap. It returns the
// rows the server loaded.
func copyBinary(ctx context.Context, tx pgx.Tx, table string, cols []string, n int, write func(i int, r *copyRow)) (int64, error) {
	return copyStream(ctx, tx, table, cols, func(add func(build func(r *copyRow)) error) error {
		for i := 0; i < n; i++ {
			if err := add(func(r *copyRow) { write(i, r) }); err != nil {
				return err
			}
		}
		return nil
	})
}

// copyStream loads into table with COPY (FORMAT binary) on tx's connection
// the rows produce adds: produce runs in a goroutine of its own and calls
// add once per row, with a function that builds the row, while the server
// loads the rows added before (a streamed import reads its file in
// produce). An error of produce (a bad cell of the file) stops the COPY
// and is returned as it is; so is the context's. It returns the rows the
// server loaded.
func copyStream(ctx context.Context, tx pgx.Tx, table string, cols []string, produce func(add func(build func(r *copyRow)) error) error) (int64, error) {
	pr, pw := io.Pipe()
	var prodErr error // the producer's, read once done is closed
	done := make(chan struct{})
	go func() {
		defer close(done)
		w := bufio.NewWriterSize(pw, 1<<20)
		w.Write(copyHeader)
		r := &copyRow{buf: make([]byte, 0, 1024)}
		rows := 0
		err := produce(func(build func(r *copyRow)) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			r.start(len(cols))
			build(r)
			if r.fields != len(cols) {
				return io.ErrShortWrite // a programming error: the row does not fit the columns
			}
			if _, err := w.Write(r.buf); err != nil {
				return err
			}
			if rows++; rows%65536 == 0 {
				if f := copyProgress.Load(); f != nil {
					(*f)(ctx, table, rows)
				}
			}
			return nil
		})
		if err != nil {
			prodErr = err
			pw.CloseWithError(err)
			return
		}
		w.Write([]byte{0xff, 0xff}) // the trailer: a field count of -1
		pw.CloseWithError(w.Flush())
	}()
	ident := make([]string, len(cols))
	for i, c := range cols {
		ident[i] = pgx.Identifier{c}.Sanitize()
	}
	sql := "COPY " + pgx.Identifier{table}.Sanitize() + " (" + strings.Join(ident, ", ") + ") FROM STDIN WITH (FORMAT binary)"
	tag, err := tx.Conn().PgConn().CopyFrom(ctx, pr, sql)
	pr.Close() // stops the producer if the server gave up first
	<-done
	if err != nil {
		// a producer's error that reached CopyFrom through the pipe is the
		// cause (a bad cell of the file); otherwise the server's error is
		if prodErr != nil && (errors.Is(err, prodErr) || strings.Contains(err.Error(), prodErr.Error())) {
			return 0, prodErr
		}
		return 0, err
	}
	return tag.RowsAffected(), nil
}
