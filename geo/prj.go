package geo

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/paulmach/orb"
)

// wktNode is one node of a WKT coordinate-system definition:
// KEYWORD["text", number, CHILD[...], ...].
type wktNode struct {
	key  string
	strs []string
	nums []float64
	kids []*wktNode
}

func (n *wktNode) child(key string) *wktNode {
	for _, k := range n.kids {
		if strings.EqualFold(k.key, key) {
			return k
		}
	}
	return nil
}

func (n *wktNode) find(key string) *wktNode {
	if strings.EqualFold(n.key, key) {
		return n
	}
	for _, k := range n.kids {
		if f := k.find(key); f != nil {
			return f
		}
	}
	return nil
}

// parseWKTCRS parses OGC/ESRI WKT1 (as in a Shapefile's .prj).
func parseWKTCRS(s string) (*wktNode, error) {
	p := &wktParser{s: s}
	n, err := p.node()
	if err != nil {
		return nil, err
	}
	return n, nil
}

type wktParser struct {
	s string
	i int
}

func (p *wktParser) skip() {
	for p.i < len(p.s) && unicode.IsSpace(rune(p.s[p.i])) {
		p.i++
	}
}

func (p *wktParser) node() (*wktNode, error) {
	p.skip()
	start := p.i
	for p.i < len(p.s) && (unicode.IsLetter(rune(p.s[p.i])) || unicode.IsDigit(rune(p.s[p.i])) || p.s[p.i] == '_') {
		p.i++
	}
	n := &wktNode{key: p.s[start:p.i]}
	p.skip()
	if p.i >= len(p.s) || (p.s[p.i] != '[' && p.s[p.i] != '(') {
		return nil, fmt.Errorf("expected [ after %q at offset %d", n.key, p.i)
	}
	p.i++
	for {
		p.skip()
		if p.i >= len(p.s) {
			return nil, fmt.Errorf("unterminated %s", n.key)
		}
		switch c := p.s[p.i]; {
		case c == ']' || c == ')':
			p.i++
			return n, nil
		case c == ',':
			p.i++
		case c == '"':
			end := strings.IndexByte(p.s[p.i+1:], '"')
			if end < 0 {
				return nil, fmt.Errorf("unterminated string")
			}
			n.strs = append(n.strs, p.s[p.i+1:p.i+1+end])
			p.i += end + 2
		case c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9'):
			start := p.i
			for p.i < len(p.s) && strings.IndexByte("+-.0123456789eE", p.s[p.i]) >= 0 {
				p.i++
			}
			v, err := strconv.ParseFloat(p.s[start:p.i], 64)
			if err != nil {
				return nil, err
			}
			n.nums = append(n.nums, v)
		default:
			k, err := p.node()
			if err != nil {
				// A bare word such as an axis direction (NORTH, EAST).
				return nil, err
			}
			n.kids = append(n.kids, k)
		}
	}
}

// prjTransform reads a .prj (WKT1) and returns its transform to WGS84 and a
// description. An AUTHORITY["EPSG", n] of a supported system is used
// directly; otherwise the projection is built from its parameters
// (Lambert_Conformal_Conic, Transverse_Mercator, Mercator_Auxiliary_Sphere
// and geographic systems) on the datum's spheroid, provided the datum is
// NAD83 or WGS84 (other datums need a datum shift budgetlens does not do).
func prjTransform(prj string) (func(orb.Point) orb.Point, string, error) {
	root, err := parseWKTCRS(strings.TrimSpace(prj))
	if err != nil {
		return nil, "", fmt.Errorf("unreadable .prj: %v", err)
	}
	if a := root.child("AUTHORITY"); a != nil && len(a.strs) == 2 && strings.EqualFold(a.strs[0], "EPSG") {
		if tr, code, err := transformTo84("EPSG:" + a.strs[1]); err == nil {
			return tr, code, nil
		}
	}
	name := ""
	if len(root.strs) > 0 {
		name = root.strs[0]
	}
	datum := root.find("DATUM")
	dname := ""
	if datum != nil && len(datum.strs) > 0 {
		dname = strings.ToUpper(datum.strs[0])
	}
	if !(strings.Contains(dname, "1983") || strings.Contains(dname, "NAD83") || strings.Contains(dname, "WGS_1984") || strings.Contains(dname, "WGS84") || strings.Contains(dname, "WGS 84")) {
		return nil, "", fmt.Errorf("datum %q of %q is not NAD83 or WGS84; reproject the file to EPSG:4326 first (e.g. ogr2ogr -t_srs EPSG:4326)", dname, name)
	}
	a, f := grs80A, grs80F
	if sph := root.find("SPHEROID"); sph != nil && len(sph.nums) >= 2 {
		a = sph.nums[0]
		if sph.nums[1] != 0 {
			f = 1 / sph.nums[1]
		} else {
			f = 0
		}
	}
	if !strings.EqualFold(root.key, "PROJCS") {
		return nil, "geographic " + name, nil
	}
	proj := ""
	if p := root.child("PROJECTION"); p != nil && len(p.strs) > 0 {
		proj = strings.ToLower(p.strs[0])
	}
	param := map[string]float64{}
	for _, k := range root.kids {
		if strings.EqualFold(k.key, "PARAMETER") && len(k.strs) > 0 && len(k.nums) > 0 {
			param[strings.ToLower(k.strs[0])] = k.nums[0]
		}
	}
	unit := 1.0
	if u := root.child("UNIT"); u != nil && len(u.nums) > 0 {
		unit = u.nums[0]
	}
	get := func(keys ...string) float64 {
		for _, k := range keys {
			if v, ok := param[k]; ok {
				return v
			}
		}
		return 0
	}
	fe := get("false_easting") * unit
	fn := get("false_northing") * unit
	desc := name + " (from .prj parameters)"
	switch {
	case strings.Contains(proj, "lambert_conformal_conic"):
		lat1 := get("standard_parallel_1")
		lat2 := get("standard_parallel_2")
		if _, ok := param["standard_parallel_2"]; !ok {
			return nil, "", fmt.Errorf("%q: one-parallel Lambert conic is not supported; reproject to EPSG:4326", name)
		}
		return lambertConicInverse(a, f, get("latitude_of_origin"), get("central_meridian", "longitude_of_origin"), lat1, lat2, fe, fn, unit), desc, nil
	case strings.Contains(proj, "transverse_mercator"):
		k0 := get("scale_factor")
		if k0 == 0 {
			k0 = 1
		}
		if get("latitude_of_origin") != 0 {
			return nil, "", fmt.Errorf("%q: transverse Mercator with a non-zero latitude of origin is not supported; reproject to EPSG:4326", name)
		}
		return transverseMercatorInverse(a, f, get("central_meridian"), k0, fe, fn, unit), desc, nil
	case strings.Contains(proj, "mercator_auxiliary_sphere") || strings.Contains(proj, "pseudo_mercator") || strings.Contains(name, "Web_Mercator"):
		return func(p orb.Point) orb.Point {
			return pseudoMercatorInverse(orb.Point{(p[0]*unit - fe), (p[1]*unit - fn)})
		}, desc, nil
	}
	return nil, "", fmt.Errorf("projection %q of %q is not supported (supported: Lambert conformal conic, transverse Mercator, web Mercator); reproject to EPSG:4326", proj, name)
}
