package postgres

import (
	"bufio"
	"context"
	"io"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// csvRow builds one line of COPY ... (FORMAT csv) input. Text is always
// quoted when empty (so that it stays an empty string, not NULL) or when
// it holds a delimiter, a quote, a line break or a backslash (so that no
// line can read as the end-of-data marker \.); NULL is an empty unquoted
// field.
type csvRow struct {
	buf []byte
	n   int // fields written on this line
}

func (r *csvRow) sep() {
	if r.n > 0 {
		r.buf = append(r.buf, ',')
	}
	r.n++
}

// Text writes a text field.
func (r *csvRow) Text(v string) {
	r.sep()
	if v != "" && !needsQuotes(v) {
		r.buf = append(r.buf, v...)
		return
	}
	r.buf = append(r.buf, '"')
	for i := 0; i < len(v); i++ {
		if v[i] == '"' {
			r.buf = append(r.buf, '"')
		}
		r.buf = append(r.buf, v[i])
	}
	r.buf = append(r.buf, '"')
}

// csvSpecial marks the bytes that make a CSV field need quotes.
var csvSpecial = [256]bool{',': true, '"': true, '\r': true, '\n': true, '\\': true}

func needsQuotes(v string) bool {
	for i := 0; i < len(v); i++ {
		if csvSpecial[v[i]] {
			return true
		}
	}
	return false
}

// Int writes an integer field.
func (r *csvRow) Int(v int64) {
	r.sep()
	r.buf = strconv.AppendInt(r.buf, v, 10)
}

// IntOrNull writes an integer field, NULL for nil.
func (r *csvRow) IntOrNull(v *int64) {
	if v == nil {
		r.sep()
		return
	}
	r.Int(*v)
}

// Float writes a float field exactly (shortest representation that reads
// back to the same float64; NaN and infinities as PostgreSQL spells them).
func (r *csvRow) Float(v float64) {
	r.sep()
	r.buf = strconv.AppendFloat(r.buf, v, 'g', -1, 64)
}

// copyCSV streams n rows into table with COPY (FORMAT csv) on tx's
// connection: the rows are written into a pipe by a goroutine while the
// server reads them, so building and loading overlap. It returns the
// rows the server loaded.
func copyCSV(ctx context.Context, tx pgx.Tx, table string, cols []string, n int, write func(i int, r *csvRow)) (int64, error) {
	pr, pw := io.Pipe()
	go func() {
		w := bufio.NewWriterSize(pw, 1<<20)
		r := &csvRow{buf: make([]byte, 0, 1024)}
		for i := 0; i < n; i++ {
			if ctx.Err() != nil {
				pw.CloseWithError(ctx.Err())
				return
			}
			r.buf, r.n = r.buf[:0], 0
			write(i, r)
			r.buf = append(r.buf, '\n')
			if _, err := w.Write(r.buf); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.CloseWithError(w.Flush())
	}()
	ident := make([]string, len(cols))
	for i, c := range cols {
		ident[i] = pgx.Identifier{c}.Sanitize()
	}
	sql := "COPY " + pgx.Identifier{table}.Sanitize() + " (" + strings.Join(ident, ", ") + ") FROM STDIN WITH (FORMAT csv)"
	tag, err := tx.Conn().PgConn().CopyFrom(ctx, pr, sql)
	pr.Close() // stops the writer if the server gave up first
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}
