package geo

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// WriteGeoParquet writes the layer as GeoParquet 1.0.0
// (https://geoparquet.org): one row per area with the given columns
// (OPTIONAL: Text as UTF-8 strings, Integer as INT64, Real as DOUBLE,
// Boolean as BOOLEAN; nil as null) and the geometry as WKB in a column
// "geometry" (named "area_geometry", ... when a column has that name: see AppendColumns), in
// WGS84 longitude/latitude (the GeoParquet default CRS, OGC:CRS84). The
// file is a single row group of plain-encoded, uncompressed pages, written
// by budgetlens itself (the Parquet format: https://parquet.apache.org/docs/file-format/;
// the Thrift compact protocol for its metadata), so it needs no C library.
func WriteGeoParquet(w io.Writer, l *Layer, cols []Column) error {
	if err := checkColumns(l, cols); err != nil {
		return err
	}
	geomName := AppendColumns(cols, Column{Name: "geometry"})[len(cols)].Name
	// the geometry column: WKB, and the types and extent for the metadata
	geoms := make([]any, len(l.Areas))
	types := map[string]bool{}
	var bound orb.Bound
	first := true
	for i := range l.Areas {
		g := areaGeometry(&l.Areas[i])
		b, err := wkb.Marshal(g, binary.LittleEndian)
		if err != nil {
			return fmt.Errorf("geo: area %q: %w", l.Areas[i].ID, err)
		}
		geoms[i] = b
		types[g.GeoJSONType()] = true
		gb := g.Bound()
		if vb, ok := vertexBound(l.Areas[i].Geom); ok && !l.Areas[i].PointOnly() {
			gb = vb
		}
		if first {
			bound, first = gb, false
		} else {
			bound = bound.Union(gb)
		}
	}
	var typeList []string
	for _, t := range []string{"Point", "MultiPolygon"} {
		if types[t] {
			typeList = append(typeList, t)
		}
	}
	meta := map[string]any{
		"version":        "1.0.0",
		"primary_column": geomName,
		"columns": map[string]any{geomName: map[string]any{
			"encoding":       "WKB",
			"geometry_types": typeList,
			"bbox":           []float64{bound.Min[0], bound.Min[1], bound.Max[0], bound.Max[1]},
		}},
	}
	if first {
		meta["columns"].(map[string]any)[geomName].(map[string]any)["bbox"] = []float64{}
	}
	geoJSON, err := json.Marshal(meta)
	if err != nil {
		return err
	}
	pw := &parquetWriter{w: bufio.NewWriterSize(w, 1<<20)}
	pw.write([]byte("PAR1"))
	var chunks []pqChunk
	for _, c := range cols {
		chunks = append(chunks, pw.column(c.Name, c.Type, c.Values))
	}
	chunks = append(chunks, pw.column(geomName, -1, geoms))
	if pw.err != nil {
		return pw.err
	}
	fm := pw.fileMetaData(chunks, int64(len(l.Areas)), string(geoJSON))
	pw.write(fm)
	var n [4]byte
	binary.LittleEndian.PutUint32(n[:], uint32(len(fm)))
	pw.write(n[:])
	pw.write([]byte("PAR1"))
	if pw.err != nil {
		return pw.err
	}
	return pw.w.Flush()
}

// Parquet's enumerations used here.
const (
	pqBoolean   = 0
	pqInt64     = 2
	pqDouble    = 5
	pqByteArray = 6

	pqOptional = 1

	pqPlain = 0
	pqRLE   = 3

	pqUTF8 = 0 // ConvertedType UTF8
)

type parquetWriter struct {
	w   *bufio.Writer
	off int64
	err error
}

func (p *parquetWriter) write(b []byte) {
	if p.err != nil {
		return
	}
	n, err := p.w.Write(b)
	p.off += int64(n)
	p.err = err
}

// pqChunk describes one written column chunk.
type pqChunk struct {
	name      string
	ptype     int
	text      bool
	offset    int64
	size      int64
	values    int64
	nullCount int64
}

// column writes one column chunk of one data page: definition levels
// (RLE, bit width 1, length-prefixed) then the non-null values, PLAIN.
// typ -1 is the geometry (BYTE_ARRAY, no logical type).
func (p *parquetWriter) column(name string, typ ValueType, vals []any) pqChunk {
	c := pqChunk{name: name, offset: p.off, values: int64(len(vals))}
	switch typ {
	case Text:
		c.ptype, c.text = pqByteArray, true
	case Integer:
		c.ptype = pqInt64
	case Real:
		c.ptype = pqDouble
	case Boolean:
		c.ptype = pqBoolean
	default:
		c.ptype = pqByteArray
	}
	levels := make([]byte, len(vals))
	var data []byte
	var bits []bool
	for i, v := range vals {
		if v == nil {
			c.nullCount++
			continue
		}
		levels[i] = 1
		switch t := v.(type) {
		case string:
			data = binary.LittleEndian.AppendUint32(data, uint32(len(t)))
			data = append(data, t...)
		case []byte:
			data = binary.LittleEndian.AppendUint32(data, uint32(len(t)))
			data = append(data, t...)
		case int64:
			data = binary.LittleEndian.AppendUint64(data, uint64(t))
		case float64:
			data = binary.LittleEndian.AppendUint64(data, math.Float64bits(t))
		case bool:
			bits = append(bits, t)
		}
	}
	if c.ptype == pqBoolean {
		data = make([]byte, (len(bits)+7)/8)
		for i, b := range bits {
			if b {
				data[i/8] |= 1 << (i % 8)
			}
		}
	}
	rle := rleLevels(levels)
	page := binary.LittleEndian.AppendUint32(nil, uint32(len(rle)))
	page = append(page, rle...)
	page = append(page, data...)
	var h thriftWriter
	h.i32(1, 0) // type: DATA_PAGE
	h.i32(2, int32(len(page)))
	h.i32(3, int32(len(page)))
	h.beginStruct(5) // data_page_header
	h.i32(1, int32(len(vals)))
	h.i32(2, pqPlain)
	h.i32(3, pqRLE)
	h.i32(4, pqRLE)
	h.stop() // data_page_header
	h.endStruct()
	h.stop() // the page header
	p.write(h.b)
	p.write(page)
	c.size = p.off - c.offset
	return c
}

// rleLevels encodes 0/1 definition levels as runs of the RLE/bit-packing
// hybrid (bit width 1: each run a varint header count<<1 and one byte).
func rleLevels(levels []byte) []byte {
	var out []byte
	for i := 0; i < len(levels); {
		j := i
		for j < len(levels) && levels[j] == levels[i] {
			j++
		}
		out = binary.AppendUvarint(out, uint64(j-i)<<1)
		out = append(out, levels[i])
		i = j
	}
	return out
}

// fileMetaData encodes the FileMetaData struct.
func (p *parquetWriter) fileMetaData(chunks []pqChunk, rows int64, geo string) []byte {
	var t thriftWriter
	t.i32(1, 1) // version
	t.listBegin(2, 12, len(chunks)+1)
	// the root of the schema
	t.structBegin()
	t.str(4, "schema")
	t.i32(5, int32(len(chunks)))
	t.stop()
	for _, c := range chunks {
		t.structBegin()
		t.i32(1, int32(c.ptype))
		t.i32(3, pqOptional)
		t.str(4, c.name)
		if c.text {
			t.i32(6, pqUTF8)
			t.beginStruct(10) // logicalType: STRING
			t.beginStruct(1)
			t.stop()
			t.endStruct()
			t.stop()
			t.endStruct()
		}
		t.stop()
	}
	t.i64(3, rows)
	t.listBegin(4, 12, 1) // one row group
	t.structBegin()
	t.listBegin(1, 12, len(chunks))
	var total int64
	for _, c := range chunks {
		total += c.size
		t.structBegin()
		t.i64(2, c.offset) // file_offset
		t.beginStruct(3)   // meta_data
		t.i32(1, int32(c.ptype))
		t.listBegin(2, 5, 2)
		t.listI32(pqPlain)
		t.listI32(pqRLE)
		t.listBegin(3, 8, 1)
		t.listStr(c.name)
		t.i32(4, 0) // codec: UNCOMPRESSED
		t.i64(5, c.values)
		t.i64(6, c.size)
		t.i64(7, c.size)
		t.i64(9, c.offset) // data_page_offset
		t.beginStruct(12)  // statistics: the null count
		t.i64(3, c.nullCount)
		t.stop()
		t.endStruct()
		t.stop()
		t.endStruct()
		t.stop()
	}
	t.i64(2, total)
	t.i64(3, rows)
	t.stop()
	t.listBegin(5, 12, 1) // key_value_metadata
	t.structBegin()
	t.str(1, "geo")
	t.str(2, geo)
	t.stop()
	t.str(6, "budgetlens")
	t.stop()
	return t.b
}

// thriftWriter writes the Thrift compact protocol: field headers as deltas
// from the previous field id of the struct, integers as zigzag varints.
type thriftWriter struct {
	b    []byte
	last []int16 // previous field id, per open struct
	cur  int16
}

func (t *thriftWriter) field(id int16, typ byte) {
	if d := id - t.cur; d > 0 && d <= 15 {
		t.b = append(t.b, byte(d)<<4|typ)
	} else {
		t.b = append(t.b, typ)
		t.b = binary.AppendVarint(t.b, int64(id)) // zigzag i16
	}
	t.cur = id
}

func (t *thriftWriter) i32(id int16, v int32) {
	t.field(id, 5)
	t.b = binary.AppendVarint(t.b, int64(v))
}

func (t *thriftWriter) i64(id int16, v int64) {
	t.field(id, 6)
	t.b = binary.AppendVarint(t.b, v)
}

func (t *thriftWriter) str(id int16, s string) {
	t.field(id, 8)
	t.b = binary.AppendUvarint(t.b, uint64(len(s)))
	t.b = append(t.b, s...)
}

// beginStruct opens a struct-valued field; endStruct closes it (after its
// stop).
func (t *thriftWriter) beginStruct(id int16) {
	t.field(id, 12)
	t.structBegin()
}

func (t *thriftWriter) endStruct() {}

// structBegin opens a struct (a list element, or after beginStruct).
func (t *thriftWriter) structBegin() {
	t.last = append(t.last, t.cur)
	t.cur = 0
}

// stop ends the current struct.
func (t *thriftWriter) stop() {
	t.b = append(t.b, 0)
	if n := len(t.last); n > 0 {
		t.cur = t.last[n-1]
		t.last = t.last[:n-1]
	}
}

func (t *thriftWriter) listBegin(id int16, elem byte, n int) {
	t.field(id, 9)
	if n < 15 {
		t.b = append(t.b, byte(n)<<4|elem)
	} else {
		t.b = append(t.b, 0xF0|elem)
		t.b = binary.AppendUvarint(t.b, uint64(n))
	}
}

func (t *thriftWriter) listI32(v int32) { t.b = binary.AppendVarint(t.b, int64(v)) }

func (t *thriftWriter) listStr(s string) {
	t.b = binary.AppendUvarint(t.b, uint64(len(s)))
	t.b = append(t.b, s...)
}
