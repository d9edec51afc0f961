package geo

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// Contiguity is the rule by which two areas are neighbours.
type Contiguity int

const (
	// Queen: the areas share at least one boundary point (a vertex).
	Queen Contiguity = iota
	// Rook: the areas share at least one boundary edge (two consecutive
	// vertices, in either direction).
	Rook
)

func (c Contiguity) String() string {
	if c == Rook {
		return "rook"
	}
	return "queen"
}

// ParseContiguity reads "queen" or "rook".
func ParseContiguity(s string) (Contiguity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "queen", "":
		return Queen, nil
	case "rook":
		return Rook, nil
	}
	return Queen, fmt.Errorf("contiguity %q: expected queen or rook", s)
}

// snapDegrees is the tolerance of Adjacency: vertices are compared after
// rounding to multiples of 1e-7 degrees (about 1 cm), as boundary files
// written by different tools round the same vertex differently in the last
// digits.
const snapDegrees = 1e-7

type vkey struct{ x, y int64 }

func snap(p orb.Point) vkey {
	return vkey{int64(math.Round(p[0] / snapDegrees)), int64(math.Round(p[1] / snapDegrees))}
}

// Adjacency returns the neighbours of each area of l by position, sorted,
// under the given contiguity, in the manner of PySAL's Queen and Rook
// weights built from shared vertices and shared edges (vertices snapped to
// 1e-7 degrees). Point-only areas have no neighbours. The relation is
// symmetric and no area is its own neighbour.
func Adjacency(l *Layer, c Contiguity) [][]int {
	owners := map[any][]int32{}
	add := func(k any, a int) {
		list := owners[k]
		if len(list) > 0 && list[len(list)-1] == int32(a) {
			return
		}
		owners[k] = append(list, int32(a))
	}
	for ai := range l.Areas {
		for _, poly := range l.Areas[ai].Geom {
			for _, ring := range poly {
				for k := 0; k+1 < len(ring); k++ {
					p := snap(ring[k])
					if c == Queen {
						add(p, ai)
						continue
					}
					q := snap(ring[k+1])
					if q == p {
						continue
					}
					if q.x < p.x || (q.x == p.x && q.y < p.y) {
						p, q = q, p
					}
					add([2]vkey{p, q}, ai)
				}
			}
		}
	}
	sets := make([]map[int]bool, len(l.Areas))
	for _, list := range owners {
		if len(list) < 2 {
			continue
		}
		for _, a := range list {
			for _, b := range list {
				if a != b {
					if sets[a] == nil {
						sets[a] = map[int]bool{}
					}
					sets[a][int(b)] = true
				}
			}
		}
	}
	out := make([][]int, len(l.Areas))
	for a, s := range sets {
		out[a] = []int{}
		for b := range s {
			out[a] = append(out[a], b)
		}
		sort.Ints(out[a])
	}
	for a := range out {
		if out[a] == nil {
			out[a] = []int{}
		}
	}
	return out
}

// WriteGAL writes adjacency in the GAL format read by GeoDa and PySAL: a
// header line "0 n layer id", then for each area a line "id k" and a line
// with its k neighbours' ids. GAL ids cannot contain white space; for such
// layers use WriteGALPositions.
func WriteGAL(w io.Writer, l *Layer, adj [][]int) error {
	for i := range l.Areas {
		if strings.ContainsAny(l.Areas[i].ID, " \t\r\n") || l.Areas[i].ID == "" {
			return fmt.Errorf("geo: area id %q cannot be written to GAL (empty or contains white space); write positions instead (--key pos)", l.Areas[i].ID)
		}
	}
	return writeGAL(w, l, adj, "id", func(i int) string { return l.Areas[i].ID })
}

// WriteGALPositions writes GAL keyed by each area's 1-based position in the
// layer (the order of geo export), header "0 n layer pos".
func WriteGALPositions(w io.Writer, l *Layer, adj [][]int) error {
	return writeGAL(w, l, adj, "pos", func(i int) string { return strconv.Itoa(i + 1) })
}

func writeGAL(w io.Writer, l *Layer, adj [][]int, keyName string, key func(int) string) error {
	if len(adj) != len(l.Areas) {
		return fmt.Errorf("geo: adjacency has %d rows for %d areas", len(adj), len(l.Areas))
	}
	bw := bufio.NewWriter(w)
	name := strings.Join(strings.Fields(l.Name), "_")
	if name == "" {
		name = "layer"
	}
	fmt.Fprintf(bw, "0 %d %s %s\n", len(l.Areas), name, keyName)
	for i, nb := range adj {
		fmt.Fprintf(bw, "%s %d\n", key(i), len(nb))
		ids := make([]string, len(nb))
		for k, j := range nb {
			ids[k] = key(j)
		}
		fmt.Fprintln(bw, strings.Join(ids, " "))
	}
	return bw.Flush()
}

// ReadGAL reads a GAL file written for layer l back into adjacency by
// position.
func ReadGAL(r io.Reader, l *Layer) ([][]int, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	if !sc.Scan() {
		return nil, fmt.Errorf("gal: empty file")
	}
	head := strings.Fields(sc.Text())
	var n int
	if len(head) == 1 {
		fmt.Sscan(head[0], &n)
	} else if len(head) >= 2 {
		fmt.Sscan(head[1], &n)
	}
	if n != len(l.Areas) {
		return nil, fmt.Errorf("gal: line 1: %d areas, the layer has %d", n, len(l.Areas))
	}
	adj := make([][]int, n)
	line := 1
	for k := 0; k < n; k++ {
		if !sc.Scan() {
			return nil, fmt.Errorf("gal: line %d: expected \"id count\"", line+1)
		}
		line++
		f := strings.Fields(sc.Text())
		if len(f) != 2 {
			return nil, fmt.Errorf("gal: line %d: expected \"id count\", got %q", line, sc.Text())
		}
		a, ok := l.Index(f[0])
		if !ok {
			return nil, fmt.Errorf("gal: line %d: unknown area id %q", line, f[0])
		}
		var cnt int
		fmt.Sscan(f[1], &cnt)
		if !sc.Scan() {
			return nil, fmt.Errorf("gal: line %d: expected %d neighbour ids", line+1, cnt)
		}
		line++
		ids := strings.Fields(sc.Text())
		if len(ids) != cnt {
			return nil, fmt.Errorf("gal: line %d: %d ids, expected %d", line, len(ids), cnt)
		}
		adj[a] = []int{}
		for _, id := range ids {
			b, ok := l.Index(id)
			if !ok {
				return nil, fmt.Errorf("gal: line %d: unknown area id %q", line, id)
			}
			adj[a] = append(adj[a], b)
		}
		sort.Ints(adj[a])
	}
	return adj, nil
}
