package measures

import (
	"encoding/binary"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/internal/hugemem"
)

// Flags of an event.
const (
	FlagSynthetic      uint8 = 1 << iota // a generated request (labelled SYNTHETIC)
	FlagClosedByUpdate                   // its closing time is its update time
	FlagPoint                            // it has coordinates
	// FlagRepeat marks a request that repeats an earlier one of the same
	// type at the same place within the repeat window (MarkRepeats).
	FlagRepeat
	// FlagClosedEarly marks a request whose closing time was written
	// before its creation time: Closed is set to Created (0 days).
	FlagClosedEarly
)

// LayerRef names a layer events are placed in and a fingerprint of its
// areas (the layer file's hash): placements made in areas with another
// fingerprint are stale.
type LayerRef struct {
	Name string `json:"name"`
	Hash string `json:"hash"`
}

// Partition holds the events created in one calendar month, column by
// column, with their place in every layer they were placed in: the state
// measures are computed from and that an import updates in place. Rows are
// ordered by Seq (the store's event number). Times are Unix seconds of the
// clock time the source wrote (see events.Request); Closed is 0 while open.
type Partition struct {
	Month  Month
	Layers []LayerRef
	Seq    []int64
	// Type, Agency, Source and Status are ids in the store's dictionary
	// (Dictionary); 0 is "" (absent).
	Type, Agency, Source, Status []uint16
	Created, Closed              []int64
	Flags                        []uint8
	// Place is a hash of where the request was made (PlaceKey); 0 unknown.
	Place []uint64
	// Area[l][i] is event i's area position in Layers[l] (-1: not placed);
	// How[l][i] says how, or why not (events.Placed*, events.Unplaced*).
	Area [][]int32
	How  [][]uint8
}

// Len is the number of events.
func (p *Partition) Len() int { return len(p.Seq) }

// Month is a calendar month counted from year 0: year*12 + month - 1.
type Month int32

// MonthOf is the month of t.
func MonthOf(t time.Time) Month { return Month(t.Year()*12 + int(t.Month()) - 1) }

// MonthOfUnix is the month of a Unix time.
func MonthOfUnix(s int64) Month { return MonthOf(time.Unix(s, 0).UTC()) }

// Start is the first second of the month (Unix).
func (m Month) Start() int64 {
	return time.Date(int(m)/12, time.Month(int(m)%12+1), 1, 0, 0, 0, 0, time.UTC).Unix()
}

// End is the first second of the next month (Unix): the month is
// [Start, End).
func (m Month) End() int64 { return (m + 1).Start() }

// String is "2018-01".
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", int(m)/12, int(m)%12+1) }

// ParseMonth reads "2018-01".
func ParseMonth(s string) (Month, error) {
	t, err := time.Parse("2006-01", strings.TrimSpace(s))
	if err != nil {
		return 0, budget.Errorf(budget.EINVALID, "month %q: write it as 2018-01", s)
	}
	return MonthOf(t), nil
}

// Row is one event of a partition, as an import adds it.
type Row struct {
	Seq                          int64
	Type, Agency, Source, Status uint16
	Created, Closed              int64
	Flags                        uint8
	Place                        uint64
	Area                         []int32 // one per layer of the partition
	How                          []uint8
}

// Row returns event i.
func (p *Partition) Row(i int) Row {
	r := Row{Seq: p.Seq[i], Type: p.Type[i], Agency: p.Agency[i], Source: p.Source[i], Status: p.Status[i],
		Created: p.Created[i], Closed: p.Closed[i], Flags: p.Flags[i], Place: p.Place[i],
		Area: make([]int32, len(p.Layers)), How: make([]uint8, len(p.Layers))}
	for l := range p.Layers {
		r.Area[l], r.How[l] = p.Area[l][i], p.How[l][i]
	}
	return r
}

// NewPartition returns an empty partition of month m over layers.
func NewPartition(m Month, layers []LayerRef) *Partition {
	p := &Partition{Month: m, Layers: slices.Clone(layers)}
	p.Area = make([][]int32, len(layers))
	p.How = make([][]uint8, len(layers))
	return p
}

// Append adds a row at the end (the caller keeps Seq ascending, or calls
// Sort). Columns grow by doubling, all at once (append's own growth, a
// quarter at a time for long slices, would copy each column about five
// times over as a month of requests comes in).
func (p *Partition) Append(r *Row) {
	if n := len(p.Seq); n == cap(p.Seq) {
		p.Grow(max(n, 64))
	}
	p.Seq = append(p.Seq, r.Seq)
	p.Type = append(p.Type, r.Type)
	p.Agency = append(p.Agency, r.Agency)
	p.Source = append(p.Source, r.Source)
	p.Status = append(p.Status, r.Status)
	p.Created = append(p.Created, r.Created)
	p.Closed = append(p.Closed, r.Closed)
	p.Flags = append(p.Flags, r.Flags)
	p.Place = append(p.Place, r.Place)
	for l := range p.Layers {
		a, h := int32(-1), uint8(0)
		if l < len(r.Area) {
			a, h = r.Area[l], r.How[l]
		}
		p.Area[l] = append(p.Area[l], a)
		p.How[l] = append(p.How[l], h)
	}
}

// Grow makes room for n more rows in every column. The columns are
// carved from one new block (columns), copied into it and left to the
// collector: memory the runtime has just taken from the system is not
// written until rows are (slices.Grow clears the whole new capacity, and
// on a machine where a page's first write costs microseconds that was
// most of a month's cost of growing).
func (p *Partition) Grow(n int) {
	room := cap(p.Seq)-len(p.Seq) >= n && cap(p.Type)-len(p.Type) >= n && cap(p.Agency)-len(p.Agency) >= n &&
		cap(p.Source)-len(p.Source) >= n && cap(p.Status)-len(p.Status) >= n && cap(p.Created)-len(p.Created) >= n &&
		cap(p.Closed)-len(p.Closed) >= n && cap(p.Flags)-len(p.Flags) >= n && cap(p.Place)-len(p.Place) >= n
	for l := range p.Area {
		room = room && cap(p.Area[l])-len(p.Area[l]) >= n && cap(p.How[l])-len(p.How[l]) >= n
	}
	if room {
		return
	}
	old := *p
	old.Area, old.How = slices.Clone(p.Area), slices.Clone(p.How)
	p.columns(len(p.Seq) + n)
	p.Seq = append(p.Seq, old.Seq...)
	p.Type, p.Agency = append(p.Type, old.Type...), append(p.Agency, old.Agency...)
	p.Source, p.Status = append(p.Source, old.Source...), append(p.Status, old.Status...)
	p.Created, p.Closed = append(p.Created, old.Created...), append(p.Closed, old.Closed...)
	p.Flags, p.Place = append(p.Flags, old.Flags...), append(p.Place, old.Place...)
	for l := range p.Area {
		p.Area[l], p.How[l] = append(p.Area[l], old.Area[l]...), append(p.How[l], old.How[l]...)
	}
}

// columns gives every column a new, empty backing of capacity n, all
// carved from one block of memory (hugemem.Make: a month of a large city
// is tens of megabytes, which the kernel can then map in a few huge pages
// instead of thousands of small ones). Each column's capacity is exactly
// n, so that an append past it moves that column alone.
func (p *Partition) columns(n int) {
	nl := len(p.Area)
	// 8-byte columns first, then 4, 2 and 1, each rounded up to 8 bytes
	words := 4*n + nl*((4*n+7)/8) + 4*((2*n+7)/8) + (1+nl)*((n+7)/8)
	block := hugemem.Make[uint64](words)
	at := 0 // words taken
	take := func(bytes int) unsafe.Pointer {
		if bytes == 0 {
			return nil // never a pointer past the block's end
		}
		q := unsafe.Pointer(&block[at])
		at += (bytes + 7) / 8
		return q
	}
	p.Seq = unsafe.Slice((*int64)(take(8*n)), n)[:0]
	p.Created = unsafe.Slice((*int64)(take(8*n)), n)[:0]
	p.Closed = unsafe.Slice((*int64)(take(8*n)), n)[:0]
	p.Place = unsafe.Slice((*uint64)(take(8*n)), n)[:0]
	for l := 0; l < nl; l++ {
		p.Area[l] = unsafe.Slice((*int32)(take(4*n)), n)[:0]
	}
	p.Type = unsafe.Slice((*uint16)(take(2*n)), n)[:0]
	p.Agency = unsafe.Slice((*uint16)(take(2*n)), n)[:0]
	p.Source = unsafe.Slice((*uint16)(take(2*n)), n)[:0]
	p.Status = unsafe.Slice((*uint16)(take(2*n)), n)[:0]
	p.Flags = unsafe.Slice((*uint8)(take(n)), n)[:0]
	for l := 0; l < nl; l++ {
		p.How[l] = unsafe.Slice((*uint8)(take(n)), n)[:0]
	}
}

// Update replaces the rows whose Seq is in rows (the others are kept) and
// appends the rest, keeping Seq ascending. A replaced row whose time,
// type and place are unchanged keeps its repeat flag (the flag rests on
// them and on other requests; MarkRepeats recomputes it when those
// change). It reports how many rows were replaced.
func (p *Partition) Update(rows []Row) int {
	at := make(map[int64]int, len(p.Seq))
	for i, s := range p.Seq {
		at[s] = i
	}
	replaced := 0
	sorted := true
	for k := range rows {
		r := &rows[k]
		if i, ok := at[r.Seq]; ok {
			if p.Created[i] == r.Created && p.Type[i] == r.Type && p.Place[i] == r.Place {
				r.Flags = r.Flags&^FlagRepeat | p.Flags[i]&FlagRepeat
			}
			p.set(i, r)
			replaced++
			continue
		}
		if n := len(p.Seq); n > 0 && p.Seq[n-1] > r.Seq {
			sorted = false
		}
		p.Append(r)
		at[r.Seq] = len(p.Seq) - 1
	}
	if !sorted {
		p.Sort()
	}
	return replaced
}

// Remove drops the rows with these Seq numbers; it reports how many it
// dropped.
func (p *Partition) Remove(seqs map[int64]bool) int {
	var idx []int
	for i, s := range p.Seq {
		if !seqs[s] {
			idx = append(idx, i)
		}
	}
	n := len(p.Seq) - len(idx)
	if n > 0 {
		p.permute(idx)
	}
	return n
}

func (p *Partition) set(i int, r *Row) {
	p.Seq[i], p.Type[i], p.Agency[i], p.Source[i], p.Status[i] = r.Seq, r.Type, r.Agency, r.Source, r.Status
	p.Created[i], p.Closed[i], p.Flags[i], p.Place[i] = r.Created, r.Closed, r.Flags, r.Place
	for l := range p.Layers {
		p.Area[l][i], p.How[l][i] = r.Area[l], r.How[l]
	}
}

// Sort orders the rows by Seq.
func (p *Partition) Sort() {
	idx := make([]int, len(p.Seq))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case p.Seq[a] < p.Seq[b]:
			return -1
		case p.Seq[a] > p.Seq[b]:
			return 1
		}
		return 0
	})
	p.permute(idx)
}

// permute keeps rows idx, in that order.
func (p *Partition) permute(idx []int) {
	p.Seq = pick(p.Seq, idx)
	p.Type, p.Agency, p.Source, p.Status = pick(p.Type, idx), pick(p.Agency, idx), pick(p.Source, idx), pick(p.Status, idx)
	p.Created, p.Closed, p.Flags, p.Place = pick(p.Created, idx), pick(p.Closed, idx), pick(p.Flags, idx), pick(p.Place, idx)
	for l := range p.Layers {
		p.Area[l], p.How[l] = pick(p.Area[l], idx), pick(p.How[l], idx)
	}
}

func pick[T any](s []T, idx []int) []T {
	out := make([]T, len(idx))
	for k, i := range idx {
		out[k] = s[i]
	}
	return out
}

// SetLayer places every event in a layer: area and how for each row in
// order. The layer is added, or replaced when one of the name exists.
func (p *Partition) SetLayer(ref LayerRef, area []int32, how []uint8) {
	for l, x := range p.Layers {
		if x.Name == ref.Name {
			p.Layers[l], p.Area[l], p.How[l] = ref, area, how
			return
		}
	}
	p.Layers = append(p.Layers, ref)
	p.Area = append(p.Area, area)
	p.How = append(p.How, how)
}

// DropLayer removes a layer's placements.
func (p *Partition) DropLayer(name string) {
	for l, x := range p.Layers {
		if x.Name == name {
			p.Layers = slices.Delete(p.Layers, l, l+1)
			p.Area = slices.Delete(p.Area, l, l+1)
			p.How = slices.Delete(p.How, l, l+1)
			return
		}
	}
}

// LayerIndex is the position of a layer among the partition's, -1 if absent.
func (p *Partition) LayerIndex(name string) int {
	for l, x := range p.Layers {
		if x.Name == name {
			return l
		}
	}
	return -1
}

// partitionMagic starts every encoded partition (format version 1).
const partitionMagic = "BLMP\x01"

// Encode writes the partition in its stored form: a header (month, layers),
// then each column: Seq as deltas, Created as seconds from the month's
// start, Closed as seconds after Created plus one (0 for open), ids,
// flags, the place hash (8 bytes) and each layer's area (+1) and how.
// Integers are unsigned varints, about 27 bytes an event with three layers.
func (p *Partition) Encode() []byte {
	n := p.Len()
	b := make([]byte, 0, 64+n*(24+3*len(p.Layers)))
	b = append(b, partitionMagic...)
	b = binary.AppendVarint(b, int64(p.Month))
	b = binary.AppendUvarint(b, uint64(len(p.Layers)))
	for _, l := range p.Layers {
		b = binary.AppendUvarint(b, uint64(len(l.Name)))
		b = append(b, l.Name...)
		b = binary.AppendUvarint(b, uint64(len(l.Hash)))
		b = append(b, l.Hash...)
	}
	b = binary.AppendUvarint(b, uint64(n))
	start := p.Month.Start()
	prev := int64(0)
	for i := 0; i < n; i++ {
		b = binary.AppendVarint(b, p.Seq[i]-prev)
		prev = p.Seq[i]
		b = binary.AppendVarint(b, p.Created[i]-start)
		c := uint64(0)
		if p.Closed[i] != 0 {
			c = uint64(p.Closed[i]-p.Created[i]) + 1
		}
		b = binary.AppendUvarint(b, c)
		b = binary.AppendUvarint(b, uint64(p.Type[i]))
		b = binary.AppendUvarint(b, uint64(p.Agency[i]))
		b = binary.AppendUvarint(b, uint64(p.Source[i]))
		b = binary.AppendUvarint(b, uint64(p.Status[i]))
		b = append(b, p.Flags[i])
		b = binary.LittleEndian.AppendUint64(b, p.Place[i])
		for l := range p.Layers {
			b = binary.AppendUvarint(b, uint64(p.Area[l][i]+1))
			b = append(b, p.How[l][i])
		}
	}
	return b
}

// decoder reads an encoded partition, remembering the first fault.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = fmt.Errorf("truncated")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = fmt.Errorf("truncated")
		return 0
	}
	d.b = d.b[n:]
	return v
}

// length reads a length that must fit in the bytes left.
func (d *decoder) length() int {
	v := d.uvarint()
	if v > uint64(len(d.b)) {
		d.err = fmt.Errorf("truncated")
		return 0
	}
	return int(v)
}

func (d *decoder) bytes(n int) []byte {
	if d.err != nil || n > len(d.b) || n < 0 {
		d.err = fmt.Errorf("truncated")
		return nil
	}
	out := d.b[:n]
	d.b = d.b[n:]
	return out
}

// DecodePartitions decodes encoded partitions on every core, in order;
// the first fault (in order) is returned.
func DecodePartitions(blobs [][]byte) ([]*Partition, error) {
	out := make([]*Partition, len(blobs))
	errs := make([]error, len(blobs))
	workers := min(runtime.GOMAXPROCS(0), len(blobs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := int(next.Add(1) - 1); k < len(blobs); k = int(next.Add(1) - 1) {
				out[k], errs[k] = DecodePartition(blobs[k])
				blobs[k] = nil
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// DecodePartition reads an encoded partition (Encode).
func DecodePartition(b []byte) (*Partition, error) {
	if !strings.HasPrefix(string(b), partitionMagic) {
		return nil, budget.Errorf(budget.EINTERNAL, "measures: a stored event partition is not in format 1 (rebuild it with budgetlens events rebuild)")
	}
	d := &decoder{b: b[len(partitionMagic):]}
	m := Month(d.varint())
	nl64 := d.uvarint()
	nl := int(nl64)
	if nl64 > 1<<10 {
		return nil, budget.Errorf(budget.EINTERNAL, "measures: event partition %s is damaged (%d layers)", m, nl)
	}
	layers := make([]LayerRef, nl)
	for l := range layers {
		layers[l].Name = string(d.bytes(d.length()))
		layers[l].Hash = string(d.bytes(d.length()))
	}
	n64 := d.uvarint()
	n := int(n64)
	if d.err != nil || n64 > uint64(len(d.b)) {
		return nil, budget.Errorf(budget.EINTERNAL, "measures: event partition %s is damaged", m)
	}
	p := NewPartition(m, layers)
	p.columns(n)
	p.Seq, p.Created, p.Closed = p.Seq[:n], p.Created[:n], p.Closed[:n]
	p.Type, p.Agency, p.Source, p.Status = p.Type[:n], p.Agency[:n], p.Source[:n], p.Status[:n]
	p.Flags, p.Place = p.Flags[:n], p.Place[:n]
	for l := range layers {
		p.Area[l], p.How[l] = p.Area[l][:n], p.How[l][:n]
	}
	start := m.Start()
	prev := int64(0)
	for i := 0; i < n && d.err == nil; i++ {
		prev += d.varint()
		p.Seq[i] = prev
		p.Created[i] = start + d.varint()
		if c := d.uvarint(); c > 0 {
			p.Closed[i] = p.Created[i] + int64(c-1)
		}
		p.Type[i], p.Agency[i] = uint16(d.uvarint()), uint16(d.uvarint())
		p.Source[i], p.Status[i] = uint16(d.uvarint()), uint16(d.uvarint())
		if fb := d.bytes(9); fb != nil {
			p.Flags[i] = fb[0]
			p.Place[i] = binary.LittleEndian.Uint64(fb[1:])
		}
		for l := range layers {
			p.Area[l][i] = int32(d.uvarint()) - 1
			if hb := d.bytes(1); hb != nil {
				p.How[l][i] = hb[0]
			}
		}
	}
	if d.err != nil || len(d.b) != 0 {
		return nil, budget.Errorf(budget.EINTERNAL, "measures: event partition %s is damaged", m)
	}
	return p, nil
}

// PlaceKey is the hash repeat requests are matched by: the address
// upper-cased with runs of white space collapsed when there is one, else
// the coordinates rounded to 1e-5 degree (about a metre), else 0 (unknown).
// FNV-1a, 64 bits, computed without allocating.
func PlaceKey(address string, lon, lat float64, hasPoint bool) uint64 {
	h := uint64(14695981039346656037)
	add := func(c byte) {
		h ^= uint64(c)
		h *= 1099511628211
	}
	switch {
	case strings.TrimSpace(address) != "":
		add('a')
		space, started := false, false
		for i := 0; i < len(address); i++ {
			c := address[i]
			if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
				space = true
				continue
			}
			if space && started {
				add(' ')
			}
			space, started = false, true
			if c >= 'a' && c <= 'z' {
				c -= 'a' - 'A'
			}
			add(c)
		}
	case hasPoint:
		add('p')
		for _, v := range [2]float64{lon, lat} {
			n := uint64(int64(math.Round(v * 1e5)))
			for k := 0; k < 8; k++ {
				add(byte(n >> (8 * k)))
			}
		}
	default:
		return 0
	}
	if h == 0 {
		h = 1
	}
	return h
}

// Align keeps the placements of the layers of refs, in that order, and
// drops the others; it reports false (changing nothing) when a layer of
// refs is missing or placed in areas with another fingerprint.
func (p *Partition) Align(refs []LayerRef) bool {
	idx := make([]int, len(refs))
	for k, r := range refs {
		l := p.LayerIndex(r.Name)
		if l < 0 || p.Layers[l].Hash != r.Hash {
			return false
		}
		idx[k] = l
	}
	area, how := make([][]int32, len(refs)), make([][]uint8, len(refs))
	for k, l := range idx {
		area[k], how[k] = p.Area[l], p.How[l]
	}
	p.Layers, p.Area, p.How = slices.Clone(refs), area, how
	return true
}
