package geo

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"sort"
)

// A minimal writer of the SQLite 3 file format
// (https://www.sqlite.org/fileformat.html), the counterpart of sqlite.go:
// it writes a new database of rowid tables (leaf and interior table
// b-tree pages, overflow pages) and the automatic indexes their UNIQUE and
// PRIMARY KEY constraints need (one index leaf page each), with the schema
// table on page 1. It is what WriteGeoPackage needs, no more: no free
// pages, no WAL, UTF-8 text, 4096-byte pages.

const sqlitePageSize = 4096

// sqlTable is one table to write: its CREATE statement, its rows (each a
// rowid and the values of every column, nil for the INTEGER PRIMARY KEY
// column, which is the rowid), and its automatic indexes.
type sqlTable struct {
	name, sql string
	rows      []sqlRow
	indexes   []sqlIndex
}

type sqlRow struct {
	rowid int64
	vals  []any // nil, int64, float64, string, []byte
}

// sqlIndex is an automatic index (sqlite_autoindex_TABLE_N) on the given
// columns.
type sqlIndex struct {
	name string
	cols []int
}

type sqliteBuilder struct {
	pages [][]byte
}

func (b *sqliteBuilder) newPage() int {
	b.pages = append(b.pages, make([]byte, sqlitePageSize))
	return len(b.pages)
}

// writeSQLite writes the tables as a database with the given user_version
// and application_id.
func writeSQLite(w io.Writer, tables []*sqlTable, userVersion, appID uint32) error {
	b := &sqliteBuilder{}
	b.newPage() // page 1: the header and the schema table
	var master []sqlRow
	for _, t := range tables {
		root, err := b.table(t.rows, 0)
		if err != nil {
			return fmt.Errorf("table %s: %w", t.name, err)
		}
		master = append(master, sqlRow{int64(len(master) + 1), []any{"table", t.name, t.name, int64(root), t.sql}})
		for _, ix := range t.indexes {
			root, err := b.index(t, ix)
			if err != nil {
				return fmt.Errorf("index %s: %w", ix.name, err)
			}
			master = append(master, sqlRow{int64(len(master) + 1), []any{"index", ix.name, t.name, int64(root), nil}})
		}
	}
	if _, err := b.table(master, 1); err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	h := b.pages[0]
	copy(h, "SQLite format 3\x00")
	binary.BigEndian.PutUint16(h[16:], sqlitePageSize)
	h[18], h[19], h[20], h[21], h[22], h[23] = 1, 1, 0, 64, 32, 32
	binary.BigEndian.PutUint32(h[24:], 1) // file change counter
	binary.BigEndian.PutUint32(h[28:], uint32(len(b.pages)))
	binary.BigEndian.PutUint32(h[40:], 1) // schema cookie
	binary.BigEndian.PutUint32(h[44:], 4) // schema format
	binary.BigEndian.PutUint32(h[56:], 1) // UTF-8
	binary.BigEndian.PutUint32(h[60:], userVersion)
	binary.BigEndian.PutUint32(h[68:], appID)
	binary.BigEndian.PutUint32(h[92:], 1)       // version-valid-for
	binary.BigEndian.PutUint32(h[96:], 3040001) // the SQLite version whose format this is
	for _, p := range b.pages {
		if _, err := w.Write(p); err != nil {
			return err
		}
	}
	return nil
}

// table writes a table b-tree of the rows (sorted by rowid) and returns its
// root page; root 1 puts the root on page 1 (after the file header).
func (b *sqliteBuilder) table(rows []sqlRow, root int) (int, error) {
	sort.Slice(rows, func(i, j int) bool { return rows[i].rowid < rows[j].rowid })
	type child struct {
		page  int
		maxID int64
	}
	var leaves []child
	var cells [][]byte
	used := 0
	capacity := func(first bool) int {
		if first && root == 1 {
			return sqlitePageSize - 100 - 8
		}
		return sqlitePageSize - 8
	}
	flush := func(maxID int64) {
		pn := b.newPage()
		b.btreePage(pn, 0x0D, cells, 0)
		leaves = append(leaves, child{pn, maxID})
		cells, used = nil, 0
	}
	for i, r := range rows {
		cell := b.tableCell(r)
		if used+len(cell)+2 > capacity(false) && len(cells) > 0 {
			flush(rows[i-1].rowid)
		}
		cells = append(cells, cell)
		used += len(cell) + 2
	}
	// a table that fits one page on page 1
	if root == 1 && len(leaves) == 0 && used <= capacity(true) {
		b.btreePage(1, 0x0D, cells, 0)
		return 1, nil
	}
	if len(cells) > 0 || len(leaves) == 0 {
		last := int64(0)
		if len(rows) > 0 {
			last = rows[len(rows)-1].rowid
		}
		flush(last)
	}
	level := leaves
	for len(level) > 1 || (root == 1 && level[0].page != 1) {
		var next []child
		var cells [][]byte
		used := 0
		var group []child
		emit := func(pn int) {
			// the last child of the group is the right-most pointer
			cs := cells[:len(cells)-1]
			right := group[len(group)-1]
			if pn == 0 {
				pn = b.newPage()
			}
			b.btreePage(pn, 0x05, cs, uint32(right.page))
			next = append(next, child{pn, right.maxID})
			cells, group, used = nil, nil, 0
		}
		for _, c := range level {
			cell := binary.BigEndian.AppendUint32(nil, uint32(c.page))
			cell = appendSQLiteVarint(cell, uint64(c.maxID))
			if used+len(cell)+2 > sqlitePageSize-12-100 && len(group) > 1 {
				emit(0)
			}
			cells = append(cells, cell)
			group = append(group, c)
			used += len(cell) + 2
		}
		if root == 1 && len(next) == 0 {
			emit(1)
			return 1, nil
		}
		emit(0)
		level = next
	}
	return level[0].page, nil
}

// tableCell encodes a table leaf cell, spilling a long payload to overflow
// pages.
func (b *sqliteBuilder) tableCell(r sqlRow) []byte {
	payload := sqliteRecordBytes(r.vals)
	cell := appendSQLiteVarint(nil, uint64(len(payload)))
	cell = appendSQLiteVarint(cell, uint64(r.rowid))
	const u = sqlitePageSize
	x := u - 35
	if len(payload) <= x {
		return append(cell, payload...)
	}
	m := (u-12)*32/255 - 23
	k := m + (len(payload)-m)%(u-4)
	local := m
	if k <= x {
		local = k
	}
	cell = append(cell, payload[:local]...)
	rest := payload[local:]
	first := 0
	prev := -1
	for len(rest) > 0 {
		pn := b.newPage()
		if prev < 0 {
			first = pn
		} else {
			binary.BigEndian.PutUint32(b.pages[prev-1][0:], uint32(pn))
		}
		n := copy(b.pages[pn-1][4:], rest)
		rest = rest[n:]
		prev = pn
	}
	return binary.BigEndian.AppendUint32(cell, uint32(first))
}

// index writes an automatic index of one leaf page: the key columns and
// the rowid of every row, in key order (BINARY collation).
func (b *sqliteBuilder) index(t *sqlTable, ix sqlIndex) (int, error) {
	type key struct {
		rec  []any
		data []byte
	}
	var keys []key
	for _, r := range t.rows {
		rec := make([]any, 0, len(ix.cols)+1)
		for _, c := range ix.cols {
			rec = append(rec, r.vals[c])
		}
		rec = append(rec, r.rowid)
		keys = append(keys, key{rec: rec, data: sqliteRecordBytes(rec)})
	}
	sort.Slice(keys, func(i, j int) bool { return compareRecords(keys[i].rec, keys[j].rec) < 0 })
	var cells [][]byte
	used := 0
	for _, k := range keys {
		if len(k.data) > (sqlitePageSize-12)*64/255-23 {
			return 0, fmt.Errorf("an index key of %d bytes is too long", len(k.data))
		}
		cell := appendSQLiteVarint(nil, uint64(len(k.data)))
		cell = append(cell, k.data...)
		cells = append(cells, cell)
		used += len(cell) + 2
	}
	if used > sqlitePageSize-8 {
		return 0, fmt.Errorf("the index does not fit one page")
	}
	pn := b.newPage()
	b.btreePage(pn, 0x0A, cells, 0)
	return pn, nil
}

// compareRecords orders index records as SQLite does: NULL < numbers <
// text < blob; text and blobs by bytes.
func compareRecords(a, b []any) int {
	rank := func(v any) int {
		switch v.(type) {
		case nil:
			return 0
		case int64, float64:
			return 1
		case string:
			return 2
		}
		return 3
	}
	for i := range a {
		ra, rb := rank(a[i]), rank(b[i])
		if ra != rb {
			return ra - rb
		}
		switch x := a[i].(type) {
		case int64:
			y := b[i].(int64)
			if x != y {
				if x < y {
					return -1
				}
				return 1
			}
		case float64:
			y := b[i].(float64)
			if x != y {
				if x < y {
					return -1
				}
				return 1
			}
		case string:
			if c := bytes.Compare([]byte(x), []byte(b[i].(string))); c != 0 {
				return c
			}
		case []byte:
			if c := bytes.Compare(x, b[i].([]byte)); c != 0 {
				return c
			}
		}
	}
	return 0
}

// btreePage lays out a b-tree page: header, cell pointers, and the cells
// from the end of the page backwards.
func (b *sqliteBuilder) btreePage(pn int, typ byte, cells [][]byte, right uint32) {
	p := b.pages[pn-1]
	h := 0
	if pn == 1 {
		h = 100
	}
	hdr := 8
	if typ == 0x05 || typ == 0x02 {
		hdr = 12
		binary.BigEndian.PutUint32(p[h+8:], right)
	}
	p[h] = typ
	binary.BigEndian.PutUint16(p[h+3:], uint16(len(cells)))
	end := sqlitePageSize
	for i, c := range cells {
		end -= len(c)
		copy(p[end:], c)
		binary.BigEndian.PutUint16(p[h+hdr+2*i:], uint16(end))
	}
	binary.BigEndian.PutUint16(p[h+5:], uint16(end))
}

// sqliteRecordBytes encodes values in the record format (serial types:
// integers in the fewest bytes, 0 and 1 as types 8 and 9, floats as 7).
func sqliteRecordBytes(vals []any) []byte {
	var types []uint64
	var body []byte
	for _, v := range vals {
		switch t := v.(type) {
		case nil:
			types = append(types, 0)
		case bool:
			types = append(types, map[bool]uint64{false: 8, true: 9}[t])
		case int64:
			typ, n := intSerial(t)
			types = append(types, typ)
			for i := n - 1; i >= 0; i-- {
				body = append(body, byte(t>>(8*i)))
			}
		case float64:
			types = append(types, 7)
			body = binary.BigEndian.AppendUint64(body, math.Float64bits(t))
		case string:
			types = append(types, 13+2*uint64(len(t)))
			body = append(body, t...)
		case []byte:
			types = append(types, 12+2*uint64(len(t)))
			body = append(body, t...)
		}
	}
	var hdr []byte
	for _, t := range types {
		hdr = appendSQLiteVarint(hdr, t)
	}
	// the header's length counts its own varint
	n := len(hdr) + 1
	for len(appendSQLiteVarint(nil, uint64(n)))+len(hdr) != n {
		n = len(appendSQLiteVarint(nil, uint64(n))) + len(hdr)
	}
	out := appendSQLiteVarint(nil, uint64(n))
	out = append(out, hdr...)
	return append(out, body...)
}

// intSerial returns the serial type and byte count of an integer.
func intSerial(v int64) (uint64, int) {
	switch {
	case v == 0:
		return 8, 0
	case v == 1:
		return 9, 0
	case v >= -1<<7 && v < 1<<7:
		return 1, 1
	case v >= -1<<15 && v < 1<<15:
		return 2, 2
	case v >= -1<<23 && v < 1<<23:
		return 3, 3
	case v >= -1<<31 && v < 1<<31:
		return 4, 4
	case v >= -1<<47 && v < 1<<47:
		return 5, 6
	}
	return 6, 8
}

// appendSQLiteVarint appends v as an SQLite varint (big-endian groups of 7
// bits, the ninth byte whole).
func appendSQLiteVarint(b []byte, v uint64) []byte {
	if v > 1<<56-1 {
		var buf [9]byte
		buf[8] = byte(v)
		v >>= 8
		for i := 7; i >= 0; i-- {
			buf[i] = byte(v&0x7f) | 0x80
			v >>= 7
		}
		return append(b, buf[:]...)
	}
	var buf [8]byte
	i := 7
	buf[i] = byte(v & 0x7f)
	v >>= 7
	for v > 0 {
		i--
		buf[i] = byte(v&0x7f) | 0x80
		v >>= 7
	}
	return append(b, buf[i:]...)
}
