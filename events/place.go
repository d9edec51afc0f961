package events

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
		areas[l], how[l] = -1, UnplacedNoPlace
		if r.HasPoint && pl.Locator != nil {
			if a, ok := pl.Locator.Locate(r.Lon, r.Lat); ok {
				areas[l], how[l] = int32(a), PlacedByPoint
				continue
			}
			how[l] = UnplacedOutside
		}
		code := r.codeOf(pl.CodeField)
		if code == "" {
			continue
		}
		if pl.CodeKey != nil {
			code = pl.CodeKey(code)
		}
		if a, ok := pl.Codes[code]; ok {
			areas[l], how[l] = int32(a), PlacedByCode
		} else if !r.HasPoint {
			how[l] = UnplacedNoCode
		}
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
