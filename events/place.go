package events

import (
	"math"
	"slices"
)

// How a request was placed in a layer, or why it was not.
const (
	PlacedByPoint   uint8 = 1 // its coordinates lie in an area
	PlacedByCode    uint8 = 2 // no usable coordinates; its area code names an area
	UnplacedNoPlace uint8 = 3 // no coordinates and no code the layer matches
	UnplacedOutside uint8 = 4 // coordinates outside every area, and no code the layer matches
	UnplacedNoCode  uint8 = 5 // no coordinates; its code names no area of the layer
)

// HowText says in words how a request was placed (or why not).
func HowText(h uint8) string {
	switch h {
	case PlacedByPoint:
		return "placed by its coordinates"
	case PlacedByCode:
		return "placed by its area code"
	case UnplacedNoPlace:
		return "no coordinates and no area code for this layer"
	case UnplacedOutside:
		return "coordinates outside every area of the layer"
	case UnplacedNoCode:
		return "no coordinates, and its area code names no area of the layer"
	}
	return "not placed"
}

// PlaceLayer is one layer requests are placed in: by point (Locator), and,
// for a request without usable coordinates, by the area code in CodeField
// (FieldCD, FieldNC or FieldNCName; nFields for none) looked up in Codes
// after CodeKey.
type PlaceLayer struct {
	Name      string
	Locator   Locator
	CodeField Field
	Codes     map[string]int
	CodeKey   func(string) string
}

// NoCode is the CodeField of a layer placed by coordinates only.
const NoCode = nFields

// PlaceRequest locates r in each layer: areas[l] is the area's position (-1 when
// not placed) and how[l] says how, or why not (Placed*, Unplaced*). A point
// outside every area falls back to the code too. Safe for concurrent use
// when the locators are.
func PlaceRequest(layers []PlaceLayer, r *Request, areas []int32, how []uint8) {
	for l := range layers {
		pl := &layers[l]
		a, ok := -1, false
		if r.HasPoint && pl.Locator != nil {
			a, ok = pl.Locator.Locate(r.Lon, r.Lat)
		}
		pl.place(r, a, ok, &areas[l], &how[l])
	}
}

// EachLocator is a Locator that also places many points at once
// (*geo.Index): areas[i] is the area holding (lons[i], lats[i]), or -1.
type EachLocator interface {
	Locator
	LocateEach(lons, lats []float64, areas []int32)
}

// PlaceRequests places each of rs as PlaceRequest does, request i's
// layer l at areas[i*L+l] and how[i*L+l] (L layers). A layer whose
// Locator is an EachLocator is given all the points at once, which is
// several times faster for points in no order.
func PlaceRequests(layers []PlaceLayer, rs []Request, areas []int32, how []uint8) {
	(&Placer{Layers: layers}).Place(rs, areas, how)
}

// Placer is PlaceRequests with its working memory kept from one call to
// the next (a block of requests after another, on one goroutine at a
// time).
type Placer struct {
	Layers     []PlaceLayer
	lons, lats []float64
	got        []int32
}

// Place is PlaceRequests(pl.Layers, rs, areas, how).
func (pl *Placer) Place(rs []Request, areas []int32, how []uint8) {
	L := len(pl.Layers)
	gathered := false
	for l := range pl.Layers {
		layer := &pl.Layers[l]
		each, _ := layer.Locator.(EachLocator)
		if each != nil {
			if !gathered {
				n := len(rs) // the buffers are reused, their values not kept
				pl.lons, pl.lats, pl.got = slices.Grow(pl.lons[:0], n)[:n], slices.Grow(pl.lats[:0], n)[:n], slices.Grow(pl.got[:0], n)[:n]
				for i := range rs {
					if rs[i].HasPoint {
						pl.lons[i], pl.lats[i] = rs[i].Lon, rs[i].Lat
					} else {
						pl.lons[i], pl.lats[i] = math.NaN(), math.NaN()
					}
				}
				gathered = true
			}
			each.LocateEach(pl.lons, pl.lats, pl.got)
		}
		for i := range rs {
			r, k := &rs[i], i*L+l
			a, ok := -1, false
			switch {
			case !r.HasPoint || layer.Locator == nil:
			case each != nil:
				a, ok = int(pl.got[i]), pl.got[i] >= 0
			default:
				a, ok = layer.Locator.Locate(r.Lon, r.Lat)
			}
			layer.place(r, a, ok, &areas[k], &how[k])
		}
	}
}

// place sets r's area in the layer and how it was placed: by its point
// when the layer's locator found it in area a (ok), else by its area
// code. a and ok are asked of the locator only for a request with a point
// in a layer with a locator.
func (pl *PlaceLayer) place(r *Request, a int, ok bool, area *int32, how *uint8) {
	*area, *how = -1, UnplacedNoPlace
	if r.HasPoint && pl.Locator != nil {
		if ok {
			*area, *how = int32(a), PlacedByPoint
			return
		}
		*how = UnplacedOutside
	}
	code := r.codeOf(pl.CodeField)
	if code == "" {
		return
	}
	if pl.CodeKey != nil {
		code = pl.CodeKey(code)
	}
	if a, ok := pl.Codes[code]; ok {
		*area, *how = int32(a), PlacedByCode
	} else if !r.HasPoint {
		*how = UnplacedNoCode
	}
}

func (r *Request) codeOf(f Field) string {
	switch f {
	case FieldCD:
		return r.CD
	case FieldNC:
		return r.NC
	case FieldNCName:
		return r.NCName
	}
	return ""
}

// FieldByName returns the field named in a mapping profile ("cd", "nc",
// "nc_name", ...); ok is false for an unknown name.
func FieldByName(name string) (Field, bool) {
	for f, n := range fieldNames {
		if n == name {
			return Field(f), true
		}
	}
	return 0, false
}
