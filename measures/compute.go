package measures

import (
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/internal/hugemem"
)

// EventSet says which requests measures count: real ones, synthetic ones
// (always labelled) or both.
type EventSet string

// Event sets.
const (
	RealEvents      EventSet = "real"
	SyntheticEvents EventSet = "synthetic"
	AllEvents       EventSet = "all"
)

func (s EventSet) includes(synthetic bool) bool {
	switch s {
	case SyntheticEvents:
		return synthetic
	case AllEvents:
		return true
	}
	return !synthetic
}

// Data is what measures are computed from: the partitions of the months
// asked for, the summaries of every month up to the last of them (the
// backlog needs the requests still open from before), the dictionary of
// names and the latest time in the store.
type Data struct {
	Dict  *Dictionary
	Parts []*Partition
	Sums  []*Summary
	// AsOf is the latest creation or closing time of the stored requests
	// (Unix): the backlog of a period that has not ended is counted then.
	AsOf int64
}

// Query says what to compute: which measures, over which requests, by
// which areas (or groups of areas) and dimensions.
type Query struct {
	// Layer places the requests ("" : citywide, one group).
	Layer string
	// Group maps each area position to a group (a need tier, say; -1 leaves
	// the area out); nil groups by area. Groups is the number of groups
	// (or of areas).
	Group  []int32
	Groups int
	// Population per group (or area): the denominators of per_1000; nil or
	// 0 leaves per_1000 missing.
	Population []float64
	// ByType, ByAgency and BySource split the rows further.
	ByType, ByAgency, BySource bool
	Calendar                   Calendar
	// From and To bound the months the requests were made in (0: none).
	From, To Month
	Events   EventSet
	Measures []*Definition
	Services *Services
}

// Cell is one row of a Table: a group (area position, tier or 0
// citywide), a canonical request type (index in Table.Types), an agency and
// a source (dictionary ids), each -1 when not split by, and a period.
type Cell struct {
	Group  int32
	Type   int32
	Agency int32
	Source int32
	Period int32
}

// stat holds the additive counts of one cell for one filter.
type stat struct {
	requests, closed, onTime, onTimeBase, repeats, backlog int64
	backlogAge                                             float64 // seconds, summed over the backlog
}

// class is one distinct filter of the measures asked for.
type class struct {
	filter                   Filter
	types, agencies, sources []bool
	needDur, needBacklog     bool
	st                       []stat
	// pairs are cell<<32 | seconds to close, while counting: in chunks
	// that grow to pairChunk, so that ten million are never copied as one
	// slice grows (append's doubling took a third of the measures' time)
	pairs [][]uint64
	dur   []uint32 // seconds to close, by cell, ascending within each cell
	off   []int    // start of each cell's run in dur (len cells+1)
	// base, when set, is the class of every request: a filter by request
	// types only, in a table split by type, passes whole cells (pass, by
	// canonical type), so its figures are base's in the cells it passes.
	base *class
	pass []bool
}

// stat is the class's counts in cell i of t.
func (c *class) stat(t *Table, i int) stat {
	if c.base == nil {
		return c.st[i]
	}
	if ty := t.Cells[i].Type; ty >= 0 && int(ty) < len(c.pass) && c.pass[ty] {
		return c.base.st[i]
	}
	return stat{}
}

// runOf is the class's closing times in cell i of t.
func (c *class) runOf(t *Table, i int) []uint32 {
	if c.base == nil {
		return c.dur[c.off[i]:c.off[i+1]]
	}
	if ty := t.Cells[i].Type; ty >= 0 && int(ty) < len(c.pass) && c.pass[ty] {
		return c.base.dur[c.base.off[i]:c.base.off[i+1]]
	}
	return nil
}

func (c *class) passes(p *Partition, i int) bool {
	return c.types[p.Type[i]] && c.agencies[p.Agency[i]] && c.sources[p.Source[i]]
}

// Table is the result of Compute: one Cell per row with the measures'
// values (Value).
type Table struct {
	Query
	Cells []Cell
	// Types are the canonical request types of Cell.Type.
	Types []string
	Dict  *Dictionary
	// Counted is the number of requests counted; Unplaced those of the
	// months and event set not placed in the layer (left out).
	Counted, Unplaced int64
	// First and Last are the earliest and latest creation times counted.
	First, Last int64
	// Synthetic says the requests counted include synthetic ones.
	Synthetic bool
	classes   []*class
	mclass    []int // measure -> class
	mof       []int // measure -> class of its denominator (share_of), -1
	index     map[uint64]int
	periods   []int32
	canonIDs  []int32 // dictionary type id -> canonical type index
	span      map[int32][2]int64
}

// Coverage describes when the requests counted in a period were made ("4
// days of January 2018"): a sample is never passed off as its period.
func (t *Table) Coverage(period int32) string {
	s, ok := t.span[period]
	if !ok {
		return "no requests"
	}
	return Coverage(s[0], s[1])
}

// Compute computes the measures of q over d. Every request made in the
// months [q.From, q.To] of the event set is counted once in its cell:
// its group (the area holding it, or that area's group; requests not
// placed in the layer are left out and counted in Unplaced), its
// canonical type, agency and source when split by, and the period of the
// month it was made in. Quantiles are exact (nearest rank over every
// closing time). The backlog of a period counts the requests made up to
// its end, from any earlier month, still open at its end (at d.AsOf for a
// period not over).
func Compute(d *Data, q Query) (*Table, error) {
	t := &Table{Query: q, Dict: d.Dict, index: map[uint64]int{}, span: map[int32][2]int64{}}
	if t.Events == "" {
		t.Events = RealEvents
	}
	if err := t.prepare(); err != nil {
		return nil, err
	}
	if err := t.count(d); err != nil {
		return nil, err
	}
	if err := t.backlog(d); err != nil {
		return nil, err
	}
	t.finish()
	return t, nil
}

// canon maps each dictionary type id to its canonical type index (once).
func (t *Table) canon() []int32 {
	if t.canonIDs != nil {
		return t.canonIDs
	}
	names := t.Dict.Names[NameType]
	out := make([]int32, len(names))
	at := map[string]int32{}
	for id, n := range names {
		c := t.Services.Canonical(n)
		k, ok := at[strings.ToLower(c)]
		if !ok {
			k = int32(len(t.Types))
			at[strings.ToLower(c)] = k
			t.Types = append(t.Types, c)
		}
		out[id] = k
	}
	t.canonIDs = out
	return out
}

func (t *Table) prepare() error {
	byKey := map[string]int{}
	add := func(f Filter) int {
		k := f.key()
		if i, ok := byKey[k]; ok {
			return i
		}
		c := &class{filter: f, types: t.Dict.matches(NameType, f.Types, t.Services),
			agencies: t.Dict.matches(NameAgency, f.Agencies, t.Services), sources: t.Dict.matches(NameSource, f.Sources, t.Services)}
		byKey[k] = len(t.classes)
		t.classes = append(t.classes, c)
		return len(t.classes) - 1
	}
	add(Filter{}) // class 0: every request (Counts)
	for _, m := range t.Measures {
		c := add(m.Filter)
		t.mclass = append(t.mclass, c)
		of := -1
		if m.Kind == KindShareOf {
			f := Filter{}
			if m.Of != nil {
				f = *m.Of
			}
			of = add(f)
		}
		t.mof = append(t.mof, of)
		switch m.Kind {
		case KindDays:
			t.classes[c].needDur = true
		case KindBacklog, KindBacklogAge:
			t.classes[c].needBacklog = true
		}
	}
	t.derive()
	if t.Groups > 1<<16-2 {
		return budget.Errorf(budget.EINVALID, "measures: %d areas or groups: at most 65,534", t.Groups)
	}
	if len(t.Dict.Names[NameAgency]) >= 1<<10 && t.ByAgency || len(t.Dict.Names[NameSource]) >= 1<<10 && t.BySource {
		return budget.Errorf(budget.EINVALID, "measures: more than 1,023 agencies or sources: split by request type instead")
	}
	return nil
}

// derive lets classes filtered by request types only read the figures of
// every request in a table split by type, when every alias of a type
// passes or fails together.
func (t *Table) derive() {
	if !t.ByType {
		return
	}
	canon := t.canon()
	base := t.classes[0]
	for _, c := range t.classes[1:] {
		if len(c.filter.Agencies)+len(c.filter.Sources) > 0 {
			continue
		}
		pass := make([]bool, len(t.Types))
		seen := make([]bool, len(t.Types))
		ok := true
		for id, ct := range canon {
			if seen[ct] && pass[ct] != c.types[id] {
				ok = false
			}
			seen[ct], pass[ct] = true, c.types[id]
		}
		if !ok {
			continue
		}
		c.base, c.pass = base, pass
		base.needDur = base.needDur || c.needDur
		base.needBacklog = base.needBacklog || c.needBacklog
	}
}

// key packs a cell: group+1 (16 bits), period from 1<<15 (16), type+1
// (12), agency+1 (10), source+1 (10).
func key(c Cell) uint64 {
	return uint64(c.Group+1)<<48 | uint64(uint16(c.Period+1<<15))<<32 | uint64(c.Type+1)<<20 | uint64(c.Agency+1)<<10 | uint64(c.Source+1)
}

// cell returns the index of a cell, adding it when new.
func (t *Table) cell(c Cell) int {
	k := key(c)
	if i, ok := t.index[k]; ok {
		return i
	}
	i := len(t.Cells)
	t.index[k] = i
	t.Cells = append(t.Cells, c)
	for _, cl := range t.classes {
		if cl.base == nil {
			cl.st = append(cl.st, stat{})
		}
	}
	return i
}

func (t *Table) months() (Month, Month) {
	from, to := t.From, t.To
	if to == 0 {
		to = OpenMonth - 1
	}
	return from, to
}

// count adds every request of the partitions in range.
func (t *Table) count(d *Data) error {
	from, to := t.months()
	canon := t.canon()
	if len(t.Types) >= 1<<12 {
		return budget.Errorf(budget.EINVALID, "measures: more than 4,095 request types: check the type column of the imported files")
	}
	levels := make([]*ServiceLevel, len(t.Dict.Names[NameType]))
	for id, n := range t.Dict.Names[NameType] {
		levels[id] = t.Services.Level(n)
	}
	dense := t.denseIndex()
	lastPer := int32(math.MinInt32)
	for _, p := range d.Parts {
		if p.Month < from || p.Month > to {
			continue
		}
		l := -1
		if t.Layer != "" {
			if l = p.LayerIndex(t.Layer); l < 0 {
				return notPlaced(t.Layer, p.Month)
			}
		}
		per := t.Calendar.Of(p.Month)
		if per != lastPer && dense != nil {
			for k := range dense {
				dense[k] = -1
			}
			lastPer = per
		}
		base := Cell{Period: per, Type: -1, Agency: -1, Source: -1}
		lastKey, lastCell := uint64(0), -1
		nt := int32(len(t.Types) + 1)
		// the earliest and latest creation times counted in the month (the
		// period's span is widened once, after)
		first, last, counted := int64(math.MaxInt64), int64(math.MinInt64), false
		for i := range p.Seq {
			syn := p.Flags[i]&FlagSynthetic != 0
			if !t.Events.includes(syn) {
				continue
			}
			c := base
			if l >= 0 {
				a := p.Area[l][i]
				if a < 0 {
					t.Unplaced++
					continue
				}
				c.Group = a
				if t.Group != nil {
					if int(a) >= len(t.Group) || t.Group[a] < 0 {
						continue
					}
					c.Group = t.Group[a]
				}
			}
			if t.ByType {
				c.Type = canon[p.Type[i]]
			}
			if t.ByAgency {
				c.Agency = int32(p.Agency[i])
			}
			if t.BySource {
				c.Source = int32(p.Source[i])
			}
			var ci int
			if dense != nil {
				d := (c.Group+1)*nt + c.Type + 1
				if ci = int(dense[d]); ci < 0 {
					ci = t.cell(c)
					dense[d] = int32(ci)
				}
			} else if k := key(c); k == lastKey && lastCell >= 0 {
				ci = lastCell
			} else {
				ci = t.cell(c)
				lastKey, lastCell = k, ci
			}
			t.tally(p, i, ci, levels[p.Type[i]])
			t.Counted++
			t.Synthetic = t.Synthetic || syn
			cr := p.Created[i]
			first, last, counted = min(first, cr), max(last, cr), true
		}
		if !counted {
			continue
		}
		if t.First == 0 || first < t.First {
			t.First = first
		}
		t.Last = max(t.Last, last)
		if sp, ok := t.span[per]; !ok {
			t.span[per] = [2]int64{first, last}
		} else {
			t.span[per] = [2]int64{min(sp[0], first), max(sp[1], last)}
		}
	}
	return nil
}

// tally adds request i of p to cell ci of every class it passes.
func (t *Table) tally(p *Partition, i, ci int, lvl *ServiceLevel) {
	closed := p.Closed[i] != 0
	rep := p.Flags[i]&FlagRepeat != 0
	onTime := false
	if closed && lvl != nil {
		onTime = lvl.OnTime(p.Created[i], p.Closed[i])
	}
	for _, c := range t.classes {
		if c.base != nil || !c.passes(p, i) {
			continue
		}
		s := &c.st[ci]
		s.requests++
		if rep {
			s.repeats++
		}
		if !closed {
			continue
		}
		s.closed++
		if lvl != nil {
			s.onTimeBase++
			if onTime {
				s.onTime++
			}
		}
		if c.needDur {
			n := len(c.pairs)
			if n == 0 || len(c.pairs[n-1]) == cap(c.pairs[n-1]) {
				size := 4096
				if n > 0 {
					size = min(2*cap(c.pairs[n-1]), pairChunk)
				}
				c.pairs, n = append(c.pairs, hugemem.Make[uint64](size)[:0]), n+1
			}
			c.pairs[n-1] = append(c.pairs[n-1], uint64(ci)<<32|uint64(uint32(p.Closed[i]-p.Created[i])))
		}
	}
}

// pairChunk is the largest chunk of a class's pairs (8 MB).
const pairChunk = 1 << 20

// denseIndex is a table of cell indexes by (group, type) for one period
// when the table is not split by agency or source and it is small enough
// (at most 4 million slots), else nil (a map is used).
func (t *Table) denseIndex() []int32 {
	if t.ByAgency || t.BySource {
		return nil
	}
	g := max(t.Groups, 1) + 1
	n := g * (len(t.Types) + 1)
	if n > 1<<22 {
		return nil
	}
	return make([]int32, n)
}

func notPlaced(layer string, m Month) error {
	return budget.Errorf(budget.EINVALID, "the requests of %s are not placed in layer %s (a layer imported or replaced since): place them with budgetlens events place --layer %s", m, layer, layer)
}

// periodsIn lists the periods of the months [from, to] that hold data.
func (t *Table) periodsIn(d *Data, from, to Month) []int32 {
	seen := map[int32]bool{}
	for _, p := range d.Parts {
		if p.Month >= from && p.Month <= to {
			seen[t.Calendar.Of(p.Month)] = true
		}
	}
	out := make([]int32, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// backlog adds, for every period, the requests open at its end, from the
// summaries of every month up to it.
func (t *Table) backlog(d *Data) error {
	need := false
	for _, c := range t.classes {
		need = need || c.needBacklog
	}
	if !need || t.ByAgency || t.BySource {
		return nil
	}
	from, to := t.months()
	t.periods = t.periodsIn(d, from, to)
	last := make([]Month, len(t.periods))
	at := make([]int64, len(t.periods))
	for k, p := range t.periods {
		_, l := t.Calendar.Months(p)
		l = min(l, to)
		last[k] = l
		at[k] = min(l.End(), d.AsOf+1)
	}
	canon := t.canon()
	for _, s := range d.Sums {
		if s.Month > to {
			continue
		}
		li := 0
		if t.Layer != "" {
			if li = s.LayerIndex(t.Layer) + 1; li == 0 {
				return notPlaced(t.Layer, s.Month)
			}
		}
		start := s.Month.Start()
		first := sort.Search(len(last), func(k int) bool { return last[k] >= s.Month })
		for _, e := range s.Entries[li] {
			if !t.Events.includes(e.Synthetic) {
				continue
			}
			g := int32(0)
			if t.Layer != "" {
				if e.Area < 0 {
					continue
				}
				g = e.Area
				if t.Group != nil {
					if int(e.Area) >= len(t.Group) || t.Group[e.Area] < 0 {
						continue
					}
					g = t.Group[e.Area]
				}
			}
			typ := int32(-1)
			if t.ByType {
				typ = canon[e.Type]
			}
			for k := first; k < len(last) && last[k] < e.ClosedIn; k++ {
				ci := -1
				age := float64(e.Count)*float64(at[k]-start) - float64(e.CreatedSum)
				for _, c := range t.classes {
					if c.base != nil || !c.needBacklog || !c.types[e.Type] {
						continue
					}
					if ci < 0 {
						ci = t.cell(Cell{Group: g, Type: typ, Agency: -1, Source: -1, Period: t.periods[k]})
					}
					c.st[ci].backlog += e.Count
					c.st[ci].backlogAge += age
				}
			}
		}
	}
	return nil
}

// finish puts the cells in order (group, type, agency, source, period)
// and each cell's closing times in ascending order: a counting sort of
// the closing times by cell, then a sort within each cell.
func (t *Table) finish() {
	n := len(t.Cells)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	name := func(kind int, id int32) string {
		if id < 0 {
			return ""
		}
		return t.Dict.Name(kind, uint16(id))
	}
	slices.SortStableFunc(order, func(a, b int) int {
		x, y := t.Cells[a], t.Cells[b]
		switch {
		case x.Group != y.Group:
			return int(x.Group - y.Group)
		case x.Type != y.Type:
			return strings.Compare(t.typeName(x.Type), t.typeName(y.Type))
		case x.Agency != y.Agency:
			return strings.Compare(name(NameAgency, x.Agency), name(NameAgency, y.Agency))
		case x.Source != y.Source:
			return strings.Compare(name(NameSource, x.Source), name(NameSource, y.Source))
		}
		return int(x.Period - y.Period)
	})
	inv := make([]int, n)
	cells := make([]Cell, n)
	for k, i := range order {
		cells[k], inv[i] = t.Cells[i], k
	}
	t.Cells = cells
	t.index = make(map[uint64]int, n)
	for i, c := range t.Cells {
		t.index[key(c)] = i
	}
	for _, c := range t.classes {
		if c.base != nil {
			continue
		}
		st := make([]stat, n)
		for k, i := range order {
			st[k] = c.st[i]
		}
		c.st = st
		if !c.needDur {
			continue
		}
		c.off = make([]int, n+1)
		total := 0
		for _, chunk := range c.pairs {
			total += len(chunk)
			for _, v := range chunk {
				c.off[inv[v>>32]+1]++
			}
		}
		for i := 1; i <= n; i++ {
			c.off[i] += c.off[i-1]
		}
		c.dur = hugemem.Make[uint32](total)
		next := slices.Clone(c.off[:n])
		for _, chunk := range c.pairs {
			for _, v := range chunk {
				k := inv[v>>32]
				c.dur[next[k]] = uint32(v)
				next[k]++
			}
		}
		c.pairs = nil
		longest := 0
		for k := 0; k < n; k++ {
			longest = max(longest, c.off[k+1]-c.off[k])
		}
		tmp := make([]uint32, longest)
		for k := 0; k < n; k++ {
			sortU32(c.dur[c.off[k]:c.off[k+1]], tmp)
		}
	}
}

func (t *Table) typeName(i int32) string {
	if i < 0 || int(i) >= len(t.Types) {
		return ""
	}
	return t.Types[i]
}

// TypeName is the canonical type of a cell ("" when not split by type).
func (t *Table) TypeName(c Cell) string { return t.typeName(c.Type) }

// AgencyName is the agency of a cell ("" when not split by agency).
func (t *Table) AgencyName(c Cell) string {
	if c.Agency < 0 {
		return ""
	}
	return t.Dict.Name(NameAgency, uint16(c.Agency))
}

// SourceName is the source of a cell ("" when not split by source).
func (t *Table) SourceName(c Cell) string {
	if c.Source < 0 {
		return ""
	}
	return t.Dict.Name(NameSource, uint16(c.Source))
}

// PeriodLabel names a cell's period.
func (t *Table) PeriodLabel(c Cell) string { return t.Calendar.Label(c.Period) }

// Find returns the index of a cell, -1 when it has no row.
func (t *Table) Find(c Cell) int {
	if i, ok := t.index[key(c)]; ok {
		return i
	}
	return -1
}

// Value is one measure's value in one cell. Missing says there is no
// value (no request, no closed request, no population, no service level);
// N is the number of requests it rests on (the denominator's).
type Value struct {
	V       float64
	Missing bool
	N       int64
}

func missing(n int64) Value { return Value{Missing: true, N: n} }

// Counts returns the requests and closed requests of cell i (every
// request, whatever the measures' filters).
func (t *Table) Counts(i int) (requests, closed int64) {
	s := t.classes[0].stat(t, i)
	return s.requests, s.closed
}

// Value returns measure m (index in Measures) in cell i.
func (t *Table) Value(m, i int) Value {
	return t.Pool(m, []int{i}, nil)
}

// Pool returns measure m over several cells together, each counted mult
// times (nil: once): counts add up, and a quantile is the nearest-rank
// quantile of all their closing times together, as if the cells were one.
// It is how tiers are formed from areas and how bootstrap replicates are
// computed.
func (t *Table) Pool(m int, cells []int, mult []int) Value {
	d := t.Measures[m]
	c := t.classes[t.mclass[m]]
	var s stat
	pop := 0.0
	for k, i := range cells {
		w := int64(1)
		if mult != nil {
			w = int64(mult[k])
		}
		x := c.stat(t, i)
		s.requests += w * x.requests
		s.closed += w * x.closed
		s.onTime += w * x.onTime
		s.onTimeBase += w * x.onTimeBase
		s.repeats += w * x.repeats
		s.backlog += w * x.backlog
		s.backlogAge += float64(w) * x.backlogAge
		if g := int(t.Cells[i].Group); t.Population != nil && g >= 0 && g < len(t.Population) {
			pop += float64(w) * t.Population[g]
		}
	}
	switch d.Kind {
	case KindCount:
		return Value{V: float64(s.requests), N: s.requests}
	case KindPer1000:
		if !(pop > 0) {
			return missing(s.requests)
		}
		return Value{V: float64(s.requests) / pop * 1000, N: s.requests}
	case KindShareClosed:
		return ratioValue(s.closed, s.requests)
	case KindOnTime:
		return ratioValue(s.onTime, s.onTimeBase)
	case KindRepeat:
		return ratioValue(s.repeats, s.requests)
	case KindBacklog:
		if t.ByAgency || t.BySource {
			return missing(0)
		}
		return Value{V: float64(s.backlog), N: s.backlog}
	case KindBacklogAge:
		if s.backlog == 0 || t.ByAgency || t.BySource {
			return missing(s.backlog)
		}
		return Value{V: s.backlogAge / float64(s.backlog) / 86400, N: s.backlog}
	case KindShareOf:
		of := t.classes[t.mof[m]]
		var den int64
		for k, i := range cells {
			w := int64(1)
			if mult != nil {
				w = int64(mult[k])
			}
			den += w * of.stat(t, i).requests
		}
		return ratioValue(s.requests, den)
	case KindDays:
		sec, ok := c.quantile(t, cells, mult, d.Quantile)
		if !ok {
			return missing(s.closed)
		}
		return Value{V: float64(sec) / 86400, N: s.closed}
	}
	return missing(0)
}

func ratioValue(num, den int64) Value {
	if den == 0 {
		return missing(0)
	}
	return Value{V: float64(num) / float64(den), N: den}
}

// quantile is the nearest-rank q-quantile (the value of rank max(1,
// ceil(q n)) in ascending order) of the closing times of cells, each
// counted mult times. One cell is read directly; several are searched by
// value: the smallest v whose count of values <= v reaches the rank, a
// value present in the data.
func (c *class) quantile(t *Table, cells []int, mult []int, q float64) (uint32, bool) {
	var n int64
	lo, hi := uint32(math.MaxUint32), uint32(0)
	runs := make([][]uint32, len(cells))
	for k, i := range cells {
		r := c.runOf(t, i)
		runs[k] = r
		if len(r) == 0 {
			continue
		}
		w := int64(1)
		if mult != nil {
			w = int64(mult[k])
		}
		if w == 0 {
			continue
		}
		n += w * int64(len(r))
		lo, hi = min(lo, r[0]), max(hi, r[len(r)-1])
	}
	if n == 0 {
		return 0, false
	}
	rank := NearestRank(q, n)
	if len(cells) == 1 {
		return runs[0][rank-1], true
	}
	for lo < hi {
		mid := lo + (hi-lo)/2
		var cnt int64
		for k, r := range runs {
			w := int64(1)
			if mult != nil {
				w = int64(mult[k])
			}
			if w == 0 || len(r) == 0 {
				continue
			}
			cnt += w * int64(sort.Search(len(r), func(j int) bool { return r[j] > mid }))
		}
		if cnt >= rank {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo, true
}

// NearestRank is the 1-based rank of the q-quantile among n values:
// max(1, ceil(q n)), at most n (the nearest-rank definition: the smallest
// value such that at least a fraction q of the values are at most it).
func NearestRank(q float64, n int64) int64 {
	k := int64(math.Ceil(q * float64(n)))
	// q n computed in floating point can exceed an exact integer by one
	// ulp (0.9 x 10 = 9.000000000000002): snap it back.
	if f := q * float64(n); k > 1 && math.Abs(f-math.Round(f)) < 1e-9*float64(n) {
		k = int64(math.Round(f))
	}
	return min(max(k, 1), n)
}
