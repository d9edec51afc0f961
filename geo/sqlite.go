package geo

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"
)

// sqliteFile is a minimal read-only reader of the SQLite 3 file format
// (https://www.sqlite.org/fileformat.html), enough to read the tables of a
// GeoPackage: the schema table, table b-trees (interior and leaf pages),
// overflow pages and records. It does not read WAL files, indexes or
// WITHOUT ROWID tables.
type sqliteFile struct {
	b        []byte
	pageSize int
	usable   int
	// seen marks the pages visited by the current scan: a table's b-tree
	// and overflow chains use every page at most once, so a page reached
	// twice (a cycle, or interior pages fanning out to one child) is
	// corruption, and a scan visits at most every page once.
	seen []uint64
	// visits counts the pages visited over all scans, up to maxPages.
	visits, maxPages int
	file             string
}

type sqliteRow struct {
	rowid int64
	vals  []any // nil, int64, float64, string, []byte
}

func openSQLite(b []byte) (*sqliteFile, error) {
	if len(b) < 100 || string(b[:16]) != "SQLite format 3\x00" {
		return nil, fmt.Errorf("not an SQLite database")
	}
	ps := int(binary.BigEndian.Uint16(b[16:18]))
	if ps == 1 {
		ps = 65536
	}
	if ps < 512 || ps&(ps-1) != 0 {
		return nil, fmt.Errorf("bad page size %d", ps)
	}
	return &sqliteFile{b: b, pageSize: ps, usable: ps - int(b[20]), maxPages: DefaultLimits.Pages}, nil
}

// visit marks page n as visited by the current scan.
func (s *sqliteFile) visit(n int) error {
	if n < 1 || n > len(s.b)/s.pageSize {
		return fmt.Errorf("page %d is outside the file", n)
	}
	w, bit := (n-1)/64, uint64(1)<<((n-1)%64)
	if s.seen[w]&bit != 0 {
		return fmt.Errorf("page %d is reached twice (a b-tree or overflow chain loops or shares pages): the file is corrupt", n)
	}
	s.seen[w] |= bit
	s.visits++
	if s.visits > s.maxPages {
		return limitError(s.file, 0, "pages", s.maxPages, fmt.Sprintf("more than %s pages visited (at page %d)", groupThousands(s.maxPages), n))
	}
	return nil
}

func (s *sqliteFile) page(n int) ([]byte, error) {
	if n < 1 || n*s.pageSize > len(s.b) {
		return nil, fmt.Errorf("page %d is outside the file", n)
	}
	return s.b[(n-1)*s.pageSize : n*s.pageSize], nil
}

func sqliteVarint(b []byte) (int64, int) {
	var v uint64
	for i := 0; i < 8 && i < len(b); i++ {
		v = v<<7 | uint64(b[i]&0x7f)
		if b[i]&0x80 == 0 {
			return int64(v), i + 1
		}
	}
	if len(b) >= 9 {
		return int64(v<<8 | uint64(b[8])), 9
	}
	return int64(v), len(b)
}

// scan calls fn for every row of the table b-tree rooted at page root, in
// rowid order.
func (s *sqliteFile) scan(root int, fn func(sqliteRow) error) error {
	s.seen = make([]uint64, (len(s.b)/s.pageSize+63)/64)
	return s.walk(root, 0, fn)
}

func (s *sqliteFile) walk(pn, depth int, fn func(sqliteRow) error) error {
	if depth > 64 {
		return fmt.Errorf("b-tree too deep (corrupt file?)")
	}
	if err := s.visit(pn); err != nil {
		return err
	}
	p, err := s.page(pn)
	if err != nil {
		return err
	}
	h := 0
	if pn == 1 {
		h = 100
	}
	if len(p) < h+12 {
		return fmt.Errorf("page %d is too short", pn)
	}
	typ := p[h]
	ncells := int(binary.BigEndian.Uint16(p[h+3 : h+5]))
	cellAt := func(ptrs, i, need int) (int, error) {
		if ptrs+2*i+2 > len(p) {
			return 0, fmt.Errorf("page %d: cell pointer %d outside the page", pn, i)
		}
		off := int(binary.BigEndian.Uint16(p[ptrs+2*i:]))
		if off+need > len(p) {
			return 0, fmt.Errorf("page %d: cell %d outside the page", pn, i)
		}
		return off, nil
	}
	switch typ {
	case 0x05: // interior table page
		ptrs := h + 12
		for i := 0; i < ncells; i++ {
			off, err := cellAt(ptrs, i, 4)
			if err != nil {
				return err
			}
			child := int(binary.BigEndian.Uint32(p[off:]))
			if err := s.walk(child, depth+1, fn); err != nil {
				return err
			}
		}
		return s.walk(int(binary.BigEndian.Uint32(p[h+8:])), depth+1, fn)
	case 0x0D: // leaf table page
		ptrs := h + 8
		for i := 0; i < ncells; i++ {
			off, err := cellAt(ptrs, i, 1)
			if err != nil {
				return err
			}
			plen, n1 := sqliteVarint(p[off:])
			if off+n1 >= len(p) || plen < 0 {
				return fmt.Errorf("page %d: cell %d is corrupt", pn, i)
			}
			rowid, n2 := sqliteVarint(p[off+n1:])
			payload, err := s.payload(p, off+n1+n2, int(plen))
			if err != nil {
				return fmt.Errorf("page %d cell %d: %v", pn, i, err)
			}
			vals, err := sqliteRecord(payload)
			if err != nil {
				return fmt.Errorf("page %d cell %d: %v", pn, i, err)
			}
			if err := fn(sqliteRow{rowid: rowid, vals: vals}); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("page %d: type %#x is not a table b-tree page", pn, typ)
}

// payload returns a cell's whole payload, following overflow pages.
func (s *sqliteFile) payload(p []byte, off, plen int) ([]byte, error) {
	u := s.usable
	if plen > len(s.b) || u < 480 {
		return nil, fmt.Errorf("payload of %d bytes cannot fit the file", plen)
	}
	x := u - 35
	if plen <= x {
		if off+plen > len(p) {
			return nil, fmt.Errorf("cell runs past its page")
		}
		return p[off : off+plen], nil
	}
	m := (u-12)*32/255 - 23
	k := m + (plen-m)%(u-4)
	local := m
	if k <= x {
		local = k
	}
	if off+local+4 > len(p) {
		return nil, fmt.Errorf("cell runs past its page")
	}
	out := make([]byte, 0, plen)
	out = append(out, p[off:off+local]...)
	next := int(binary.BigEndian.Uint32(p[off+local:]))
	for len(out) < plen {
		if next == 0 {
			return nil, fmt.Errorf("overflow chain ends early")
		}
		if err := s.visit(next); err != nil {
			return nil, err
		}
		op, err := s.page(next)
		if err != nil {
			return nil, err
		}
		n := min(plen-len(out), u-4)
		out = append(out, op[4:4+n]...)
		next = int(binary.BigEndian.Uint32(op[0:4]))
	}
	return out, nil
}

func sqliteRecord(b []byte) ([]any, error) {
	hlen, n := sqliteVarint(b)
	if hlen < int64(n) || hlen > int64(len(b)) {
		return nil, fmt.Errorf("record header longer than the record")
	}
	var types []int64
	for pos := n; pos < int(hlen); {
		t, k := sqliteVarint(b[pos:])
		types = append(types, t)
		pos += k
	}
	vals := make([]any, len(types))
	pos := int(hlen)
	intOf := func(size int) int64 {
		var v int64
		for i := 0; i < size; i++ {
			v = v<<8 | int64(b[pos+i])
		}
		shift := 64 - 8*size
		return v << shift >> shift // sign-extend
	}
	for i, t := range types {
		var size int
		switch {
		case t == 0 || t == 8 || t == 9:
			size = 0
		case t >= 1 && t <= 4:
			size = int(t)
		case t == 5:
			size = 6
		case t == 6 || t == 7:
			size = 8
		case t >= 12:
			size = int((t - 12) / 2)
		default:
			return nil, fmt.Errorf("reserved serial type %d", t)
		}
		if size < 0 || size > len(b) || pos+size > len(b) {
			return nil, fmt.Errorf("record value runs past the record")
		}
		switch {
		case t == 0:
			vals[i] = nil
		case t == 8:
			vals[i] = int64(0)
		case t == 9:
			vals[i] = int64(1)
		case t >= 1 && t <= 6:
			vals[i] = intOf(size)
		case t == 7:
			vals[i] = math.Float64frombits(binary.BigEndian.Uint64(b[pos:]))
		case t >= 12 && t%2 == 0:
			vals[i] = b[pos : pos+size]
		default:
			vals[i] = string(b[pos : pos+size])
		}
		pos += size
	}
	return vals, nil
}

// sqliteTable is one table of the schema.
type sqliteTable struct {
	name    string
	root    int
	columns []string // in declaration order
	rowidAt int      // column that aliases the rowid (INTEGER PRIMARY KEY), -1 if none
}

func (s *sqliteFile) tables() (map[string]*sqliteTable, error) {
	out := map[string]*sqliteTable{}
	err := s.scan(1, func(r sqliteRow) error {
		if len(r.vals) < 5 {
			return nil
		}
		typ, _ := r.vals[0].(string)
		name, _ := r.vals[1].(string)
		root, _ := r.vals[3].(int64)
		sql, _ := r.vals[4].(string)
		if typ != "table" || root == 0 {
			return nil
		}
		cols, rowidAt := sqliteColumns(sql)
		out[strings.ToLower(name)] = &sqliteTable{name: name, root: int(root), columns: cols, rowidAt: rowidAt}
		return nil
	})
	return out, err
}

// sqliteColumns extracts the column names from a CREATE TABLE statement
// and the position of an INTEGER PRIMARY KEY column.
func sqliteColumns(sql string) ([]string, int) {
	open := strings.IndexByte(sql, '(')
	closeAt := strings.LastIndexByte(sql, ')')
	if open < 0 || closeAt <= open {
		return nil, -1
	}
	body := sql[open+1 : closeAt]
	var defs []string
	depth, start := 0, 0
	var quote byte
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'' || c == '`':
			quote = c
		case c == '[':
			quote = ']'
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == ',' && depth == 0:
			defs = append(defs, body[start:i])
			start = i + 1
		}
	}
	defs = append(defs, body[start:])
	var cols []string
	rowidAt := -1
	for _, d := range defs {
		d = strings.TrimSpace(d)
		up := strings.ToUpper(d)
		if strings.HasPrefix(up, "CONSTRAINT") || strings.HasPrefix(up, "PRIMARY KEY") || strings.HasPrefix(up, "UNIQUE") ||
			strings.HasPrefix(up, "CHECK") || strings.HasPrefix(up, "FOREIGN KEY") {
			continue
		}
		name, rest := d, ""
		if len(d) > 0 && strings.IndexByte("\"`[", d[0]) >= 0 {
			end := byte(d[0])
			if end == '[' {
				end = ']'
			}
			if j := strings.IndexByte(d[1:], end); j >= 0 {
				name, rest = d[1:1+j], d[2+j:]
			}
		} else if f := strings.Fields(d); len(f) > 0 {
			name, rest = f[0], strings.TrimPrefix(d, f[0])
		}
		r := strings.ToUpper(strings.Join(strings.Fields(rest), " "))
		if strings.HasPrefix(r, "INTEGER") && strings.Contains(r, "PRIMARY KEY") {
			rowidAt = len(cols)
		}
		cols = append(cols, name)
	}
	return cols, rowidAt
}

// rows returns the table's rows as maps from column name to value.
func (s *sqliteFile) rows(t *sqliteTable, fn func(map[string]any) error) error {
	return s.scan(t.root, func(r sqliteRow) error {
		m := make(map[string]any, len(t.columns))
		for i, c := range t.columns {
			var v any
			if i < len(r.vals) {
				v = r.vals[i]
			}
			if i == t.rowidAt && v == nil {
				v = r.rowid
			}
			m[c] = v
		}
		return fn(m)
	})
}

// safeDecode runs a decoder of a binary file format and turns a panic (an
// index out of range on a corrupt file that the checks missed) into an
// error, so that a damaged upload is reported, never a crash.
func safeDecode(fn func() (any, error)) (v any, err error) {
	defer func() {
		if r := recover(); r != nil {
			v, err = nil, fmt.Errorf("corrupt or unsupported file (%v)", r)
		}
	}()
	return fn()
}
