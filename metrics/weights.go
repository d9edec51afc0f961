package metrics

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
)

// Weights is a sparse spatial weights matrix in compressed-row form: the
// neighbours of unit i are Neighbors[Offsets[i]:Offsets[i+1]] with weights
// Values[Offsets[i]:Offsets[i+1]]. IDs[i] is unit i's identifier. The
// diagonal is always zero (a unit is never its own neighbour).
type Weights struct {
	IDs       []string
	Offsets   []int
	Neighbors []int
	Values    []float64
	// Transform is "b" (binary, every link weighs 1) or "r" (row-standardised:
	// each row sums to 1; an island's row stays empty).
	Transform string
}

// N returns the number of units.
func (w *Weights) N() int { return len(w.IDs) }

// Cardinality returns the number of neighbours of unit i.
func (w *Weights) Cardinality(i int) int { return w.Offsets[i+1] - w.Offsets[i] }

// Islands returns the indices of units without neighbours.
func (w *Weights) Islands() []int {
	var out []int
	for i := range w.IDs {
		if w.Cardinality(i) == 0 {
			out = append(out, i)
		}
	}
	return out
}

// WeightsFromAdjacency builds binary weights from neighbour lists (for
// example the geography package's polygon adjacency): adj[i] lists the
// indices of unit i's neighbours. Self-links are dropped and duplicate links
// kept once. ids may be nil (units are then named "0", "1", ...).
func WeightsFromAdjacency(ids []string, adj [][]int) (*Weights, error) {
	n := len(adj)
	if ids == nil {
		ids = make([]string, n)
		for i := range ids {
			ids[i] = strconv.Itoa(i)
		}
	}
	if len(ids) != n {
		return nil, budget.Errorf(budget.EINVALID, "metrics: %d ids for %d adjacency rows", len(ids), n)
	}
	w := &Weights{IDs: append([]string(nil), ids...), Offsets: make([]int, 1, n+1), Transform: "b"}
	for i, row := range adj {
		seen := map[int]bool{}
		for _, j := range row {
			if j < 0 || j >= n {
				return nil, budget.Errorf(budget.EINVALID, "metrics: adjacency row %d (%s) names unit %d, outside 0..%d", i, ids[i], j, n-1)
			}
			if j == i || seen[j] {
				continue
			}
			seen[j] = true
			w.Neighbors = append(w.Neighbors, j)
			w.Values = append(w.Values, 1)
		}
		w.Offsets = append(w.Offsets, len(w.Neighbors))
	}
	return w, nil
}

// BlockWeights returns binary weights in which i and j are neighbours iff
// they share a group label (i != j): PySAL's block_weights, used by the
// spatial Gini decomposition with regimes.
func BlockWeights(groups []string) *Weights {
	members := map[string][]int{}
	for i, g := range groups {
		members[g] = append(members[g], i)
	}
	adj := make([][]int, len(groups))
	for i, g := range groups {
		adj[i] = members[g]
	}
	w, _ := WeightsFromAdjacency(nil, adj)
	return w
}

// Transformed returns a copy of w with transform "b" (binary) or "r"
// (row-standardised); "B"/"R" are accepted.
func (w *Weights) Transformed(t string) (*Weights, error) {
	t = strings.ToLower(t)
	if t != "b" && t != "r" {
		return nil, budget.Errorf(budget.EINVALID, "metrics: weights transform %q: use r (row-standardised) or b (binary)", t)
	}
	c := &Weights{IDs: w.IDs, Offsets: w.Offsets, Neighbors: w.Neighbors, Values: make([]float64, len(w.Values)), Transform: t}
	for i := range w.IDs {
		lo, hi := w.Offsets[i], w.Offsets[i+1]
		for k := lo; k < hi; k++ {
			c.Values[k] = 1
			if t == "r" {
				c.Values[k] = 1 / float64(hi-lo)
			}
		}
	}
	return c, nil
}

// Align returns w reordered so that unit i is the unit whose identifier is
// ids[i] (the data's row order). Every id must appear in w and vice versa.
func (w *Weights) Align(ids []string) (*Weights, error) {
	if len(ids) != len(w.IDs) {
		return nil, budget.Errorf(budget.EINVALID, "metrics: the weights have %d units but the data has %d rows: they must describe the same areas", len(w.IDs), len(ids))
	}
	pos := make(map[string]int, len(ids))
	for i, id := range ids {
		if _, dup := pos[id]; dup {
			return nil, budget.Errorf(budget.EINVALID, "metrics: id %q appears twice in the data: ids must be unique", id)
		}
		pos[id] = i
	}
	old := make([]int, len(ids)) // old index -> new index
	for k, id := range w.IDs {
		p, ok := pos[id]
		if !ok {
			return nil, budget.Errorf(budget.EINVALID, "metrics: the weights name area %q, which is not in the data: check the id column", id)
		}
		old[k] = p
	}
	inv := make([]int, len(ids)) // new index -> old index
	for k, p := range old {
		inv[p] = k
	}
	a := &Weights{IDs: append([]string(nil), ids...), Offsets: make([]int, 1, len(ids)+1), Transform: w.Transform}
	for _, k := range inv {
		for m := w.Offsets[k]; m < w.Offsets[k+1]; m++ {
			a.Neighbors = append(a.Neighbors, old[w.Neighbors[m]])
			a.Values = append(a.Values, w.Values[m])
		}
		a.Offsets = append(a.Offsets, len(a.Neighbors))
	}
	return a, nil
}

// galToken is a whitespace-separated token with its position.
type galToken struct {
	text      string
	line, col int
}

// ParseGAL reads a GAL contiguity file (GeoDa / PySAL format): a header line
// holding either the number of units n, or "0 n name idvariable"; then for
// each unit a line "id k" followed by the k neighbour ids (a unit with k = 0
// is an island). Units are kept in file order. name is used in error
// messages. The result is binary (transform "b"). Errors give the file,
// line and column, the value and what was expected; a neighbour id that has
// no record of its own is an error.
func ParseGAL(r io.Reader, name string) (*Weights, error) {
	var toks []galToken
	var header []galToken
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		var lt []galToken
		col := 0
		for _, f := range strings.Fields(text) {
			c := strings.Index(text[col:], f) + col
			lt = append(lt, galToken{f, line, c + 1})
			col = c + len(f)
		}
		if header == nil {
			if len(lt) == 0 {
				continue
			}
			header = lt
			continue
		}
		toks = append(toks, lt...)
	}
	if err := sc.Err(); err != nil {
		return nil, budget.Errorf(budget.EINVALID, "metrics: reading %s: %v", name, err)
	}
	bad := func(t galToken, expected string) error {
		return &budget.InputError{File: name, Line: t.line, ColIndex: t.col, Column: fmt.Sprintf("token %d", t.col), Field: "gal", Value: t.text, Expected: expected}
	}
	if header == nil {
		return nil, &budget.InputError{File: name, Line: 1, Field: "gal header", Expected: "a header line with the number of units (the file is empty)"}
	}
	nTok := header[0]
	if len(header) >= 2 && header[0].text == "0" {
		nTok = header[1]
	}
	n, err := strconv.Atoi(nTok.text)
	if err != nil || n < 0 {
		return nil, bad(nTok, "a non-negative integer number of units in the header")
	}
	// Every unit record takes at least two tokens ("id k"): room is made
	// for no more records than that, whatever the header announces (a
	// header claiming 99,999,999,999 units allocates nothing for them; the
	// count is compared with the records below).
	room := min(n, len(toks)/2)
	ids := make([]string, 0, room)
	lists := make([][]galToken, 0, room)
	for p := 0; p < len(toks); {
		if p+1 >= len(toks) {
			return nil, bad(toks[p], "a unit record \"id k\" with its neighbour count")
		}
		k, err := strconv.Atoi(toks[p+1].text)
		if err != nil || k < 0 {
			return nil, bad(toks[p+1], "the number of neighbours of unit "+toks[p].text+" (a non-negative integer)")
		}
		if p+2+k > len(toks) {
			return nil, bad(toks[p+1], fmt.Sprintf("%d neighbour ids after unit %s, but the file ends after %d", k, toks[p].text, len(toks)-p-2))
		}
		ids = append(ids, toks[p].text)
		lists = append(lists, toks[p+2:p+2+k])
		p += 2 + k
	}
	if len(ids) != n {
		return nil, &budget.InputError{File: name, Line: nTok.line, ColIndex: nTok.col, Field: "gal header", Value: nTok.text, Expected: fmt.Sprintf("the number of unit records, %d", len(ids))}
	}
	pos := make(map[string]int, len(ids))
	for i, id := range ids {
		if _, dup := pos[id]; dup {
			return nil, &budget.InputError{File: name, Field: "gal id", Value: id, Expected: "each unit to have exactly one record"}
		}
		pos[id] = i
	}
	adj := make([][]int, n)
	for i, l := range lists {
		for _, t := range l {
			j, ok := pos[t.text]
			if !ok {
				return nil, bad(t, "the id of a unit that has its own record in the file")
			}
			adj[i] = append(adj[i], j)
		}
	}
	return WeightsFromAdjacency(ids, adj)
}

// Subset returns the weights restricted to the units with keep[i] true
// (links to dropped units are removed; units left without neighbours become
// islands). The transform is re-applied so row-standardised rows sum to 1.
func (w *Weights) Subset(keep []bool) (*Weights, error) {
	if len(keep) != w.N() {
		return nil, budget.Errorf(budget.EINVALID, "metrics: %d keep flags for %d units", len(keep), w.N())
	}
	newIdx := make([]int, w.N())
	var ids []string
	for i, k := range keep {
		newIdx[i] = -1
		if k {
			newIdx[i] = len(ids)
			ids = append(ids, w.IDs[i])
		}
	}
	adj := make([][]int, 0, len(ids))
	for i, k := range keep {
		if !k {
			continue
		}
		var row []int
		for m := w.Offsets[i]; m < w.Offsets[i+1]; m++ {
			if j := newIdx[w.Neighbors[m]]; j >= 0 {
				row = append(row, j)
			}
		}
		adj = append(adj, row)
	}
	s, err := WeightsFromAdjacency(ids, adj)
	if err != nil {
		return nil, err
	}
	if w.Transform == "r" {
		return s.Transformed("r")
	}
	return s, nil
}
