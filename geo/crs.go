package geo

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// Coordinate systems. Every supported system is transformed to WGS84
// longitude/latitude (EPSG:4326, axis order lon,lat). NAD83 is taken to
// equal WGS84 (a null datum shift), which is what PROJ's cs2cs does by
// default ("NAD83 to WGS 84 (1)", stated accuracy 4 m), so results agree
// with cs2cs to well under a centimetre; the true difference between the
// datums in Los Angeles is about a metre.
//
//   - EPSG:4326 WGS 84, EPSG:4269 NAD83: geographic, identity.
//   - EPSG:3857 WGS 84 / Pseudo-Mercator: spherical Mercator inverse on a
//     sphere of radius 6378137 m.
//   - EPSG:26911 NAD83 / UTM zone 11N: transverse Mercator on GRS80,
//     central meridian 117°W, scale 0.9996, false easting 500000 m, inverted
//     with the Krüger series (to third order in the third flattening n;
//     truncation error under 0.1 mm) and the exact conformal-latitude
//     inversion.
//   - EPSG:2229 NAD83 / California zone 5 (ftUS): Lambert conformal conic
//     with two standard parallels 34°02' and 35°28', origin 33°30'N 118°W,
//     false easting 2000000.0001016 m and northing 500000.0001016 m, in US
//     survey feet (1200/3937 m), on GRS80 (Snyder, Map Projections: A
//     Working Manual, 1987, eqs. 15-1 to 15-11).
var crsTable = map[string]func() func(orb.Point) orb.Point{
	"EPSG:4326": nil,
	"EPSG:4269": nil,
	"EPSG:3857": func() func(orb.Point) orb.Point { return pseudoMercatorInverse },
	"EPSG:26911": func() func(orb.Point) orb.Point {
		return transverseMercatorInverse(grs80A, grs80F, -117, 0.9996, 500000, 0, 1)
	},
	"EPSG:2229": func() func(orb.Point) orb.Point {
		return lambertConicInverse(grs80A, grs80F, 33.5, -118, 35+28.0/60, 34+2.0/60, 2000000.0001016, 500000.0001016, usSurveyFoot)
	},
}

const (
	grs80A       = 6378137.0
	grs80F       = 1 / 298.257222101
	usSurveyFoot = 1200.0 / 3937.0
	deg          = math.Pi / 180
)

// SupportedCRS lists the coordinate systems ToWGS84 knows by name; beyond
// these it knows every NAD83 State Plane zone (EPSG's SPCS83 systems in
// metres, US survey feet and international feet: DescribeCRS), the NAD83
// UTM zones 1N-23N, 59N and 60N (EPSG:26901-26923, 3372, 3373) and 24N
// (9712), and the WGS 84 UTM zones 1N-60N and 1S-60S (EPSG:32601-32660,
// 32701-32760).
func SupportedCRS() []string {
	var out []string
	for k := range crsTable {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// supportedText says in words what transformTo84 accepts.
const supportedText = "EPSG:4326, EPSG:4269, EPSG:3857, every NAD83 State Plane zone (e.g. EPSG:2229, 26945), NAD83 UTM zones (EPSG:26901-26923, 3372, 3373, 9712) and WGS 84 UTM zones (EPSG:32601-32660, 32701-32760)"

// ToWGS84 returns a function that maps coordinates of the named system
// ("EPSG:2229", "urn:ogc:def:crs:EPSG::26911", "CRS84", ...) to WGS84
// longitude/latitude in degrees.
func ToWGS84(crs string) (func(orb.Point) orb.Point, error) {
	tr, _, err := transformTo84(crs)
	if err != nil {
		return nil, err
	}
	if tr == nil {
		return func(p orb.Point) orb.Point { return p }, nil
	}
	return tr, nil
}

// DescribeCRS returns the name of a supported coordinate system ("NAD83 /
// California zone 5 (ftUS)"), or an error for an unsupported one.
func DescribeCRS(crs string) (string, error) {
	code := normCRS(crs)
	n, _ := strconv.Atoi(strings.TrimPrefix(code, "EPSG:"))
	if d, ok := spcs83[n]; ok {
		return d.name, nil
	}
	if d, ok := utmDef(n); ok {
		return d.name, nil
	}
	if _, ok := crsTable[code]; ok {
		return map[string]string{"EPSG:4326": "WGS 84", "EPSG:4269": "NAD83", "EPSG:3857": "WGS 84 / Pseudo-Mercator",
			"EPSG:26911": "NAD83 / UTM zone 11N", "EPSG:2229": "NAD83 / California zone 5 (ftUS)"}[code], nil
	}
	_, _, err := transformTo84(crs)
	return "", err
}

// transformTo84 returns the transform (nil for identity) and the
// normalised code.
func transformTo84(crs string) (func(orb.Point) orb.Point, string, error) {
	code := normCRS(crs)
	if mk, ok := crsTable[code]; ok {
		if mk == nil {
			return nil, code, nil
		}
		return mk(), code, nil
	}
	if n, err := strconv.Atoi(strings.TrimPrefix(code, "EPSG:")); err == nil && strings.HasPrefix(code, "EPSG:") {
		if d, ok := spcs83[n]; ok {
			return d.inverse(), code, nil
		}
		if d, ok := utmDef(n); ok {
			return d.inverse(), code, nil
		}
	}
	return nil, code, fmt.Errorf("unsupported coordinate system %q; supported: %s (reproject the file to one of them, e.g. with ogr2ogr -t_srs EPSG:4326)", crs, supportedText)
}

// Projection methods of projDef.
const (
	projLCC  = iota // Lambert conformal conic, two standard parallels
	projTM          // transverse Mercator
	projHOMA        // Hotine oblique Mercator, variant A (EPSG method 9812)
)

// projDef is a projected system on GRS80 (NAD83 and WGS 84 differ only in
// the last digits of the flattening's inverse, 298.257222101 against
// 298.257223563, under 0.1 mm in the projected coordinates). Angles in
// degrees, false easting and northing in metres, unit in metres per
// coordinate unit.
type projDef struct {
	name         string
	method       int
	lat0, lon0   float64
	lat1, lat2   float64
	k0           float64
	fe, fn, unit float64
	alpha, gamma float64
}

const wgs84F = 1 / 298.257223563

// utmDef returns the definition of a NAD83 or WGS 84 UTM zone by EPSG
// code.
func utmDef(code int) (projDef, bool) {
	zone, south, f, datum := 0, false, grs80F, "NAD83"
	switch {
	case code >= 26901 && code <= 26923:
		zone = code - 26900
	case code == 3372 || code == 3373:
		zone = code - 3372 + 59
	case code == 9712:
		zone = 24
	case code >= 32601 && code <= 32660:
		zone, f, datum = code-32600, wgs84F, "WGS 84"
	case code >= 32701 && code <= 32760:
		zone, south, f, datum = code-32700, true, wgs84F, "WGS 84"
	default:
		return projDef{}, false
	}
	d := projDef{name: fmt.Sprintf("%s / UTM zone %d%s", datum, zone, map[bool]string{false: "N", true: "S"}[south]),
		method: projTM, lon0: float64(6*zone - 183), k0: 0.9996, fe: 500000, unit: 1}
	if south {
		d.fn = 10000000
	}
	_ = f // the flattening difference is below 0.1 mm; GRS80 is used for both
	return d, true
}

// inverse returns the function from the system's coordinates to lon/lat.
func (d projDef) inverse() func(orb.Point) orb.Point {
	switch d.method {
	case projLCC:
		return lambertConicInverse(grs80A, grs80F, d.lat0, d.lon0, d.lat1, d.lat2, d.fe, d.fn, d.unit)
	case projHOMA:
		return hotineInverseA(grs80A, grs80F, d.lat0, d.lon0, d.alpha, d.gamma, d.k0, d.fe, d.fn, d.unit)
	}
	return transverseMercatorInverseLat0(grs80A, grs80F, d.lat0, d.lon0, d.k0, d.fe, d.fn, d.unit)
}

func pseudoMercatorInverse(p orb.Point) orb.Point {
	const r = 6378137.0
	lon := p[0] / r / deg
	lat := (math.Pi/2 - 2*math.Atan(math.Exp(-p[1]/r))) / deg
	return orb.Point{lon, lat}
}

// latFromT inverts t = tan(π/4 − φ/2) / ((1 − e sinφ)/(1 + e sinφ))^(e/2)
// for φ by fixed-point iteration (Snyder eq. 7-9), to 1e-15 rad.
func latFromT(t, e float64) float64 {
	phi := math.Pi/2 - 2*math.Atan(t)
	for i := 0; i < 30; i++ {
		es := e * math.Sin(phi)
		next := math.Pi/2 - 2*math.Atan(t*math.Pow((1-es)/(1+es), e/2))
		if math.Abs(next-phi) < 1e-15 {
			return next
		}
		phi = next
	}
	return phi
}

func lccT(phi, e float64) float64 {
	es := e * math.Sin(phi)
	return math.Tan(math.Pi/4-phi/2) / math.Pow((1-es)/(1+es), e/2)
}

func lccM(phi, e float64) float64 {
	s := math.Sin(phi)
	return math.Cos(phi) / math.Sqrt(1-e*e*s*s)
}

// lambertConicInverse returns the inverse of a two-standard-parallel
// Lambert conformal conic projection; coordinates in the given unit (metres
// per unit), false easting/northing in metres.
func lambertConicInverse(a, f, lat0, lon0, lat1, lat2, fe, fn, unit float64) func(orb.Point) orb.Point {
	e := math.Sqrt(f * (2 - f))
	p0, p1, p2 := lat0*deg, lat1*deg, lat2*deg
	m1, m2 := lccM(p1, e), lccM(p2, e)
	t0, t1, t2 := lccT(p0, e), lccT(p1, e), lccT(p2, e)
	n := (math.Log(m1) - math.Log(m2)) / (math.Log(t1) - math.Log(t2))
	F := m1 / (n * math.Pow(t1, n))
	rho0 := a * F * math.Pow(t0, n)
	return func(p orb.Point) orb.Point {
		x := p[0]*unit - fe
		y := rho0 - (p[1]*unit - fn)
		rho := math.Copysign(math.Hypot(x, y), n)
		theta := math.Atan2(math.Copysign(1, n)*x, math.Copysign(1, n)*y)
		t := math.Pow(rho/(a*F), 1/n)
		return orb.Point{lon0 + theta/n/deg, latFromT(t, e) / deg}
	}
}

// transverseMercatorInverse returns the inverse of a transverse Mercator
// projection (Krüger series in n to third order).
func transverseMercatorInverse(a, f, lon0, k0, fe, fn, unit float64) func(orb.Point) orb.Point {
	e := math.Sqrt(f * (2 - f))
	n := f / (2 - f)
	n2, n3 := n*n, n*n*n
	A := a / (1 + n) * (1 + n2/4 + n2*n2/64)
	beta := [3]float64{
		n/2 - 2*n2/3 + 37*n3/96,
		n2/48 + n3/15,
		17 * n3 / 480,
	}
	return func(p orb.Point) orb.Point {
		xi := (p[1]*unit - fn) / (k0 * A)
		eta := (p[0]*unit - fe) / (k0 * A)
		xp, ep := xi, eta
		for j := 1; j <= 3; j++ {
			b := beta[j-1]
			xp -= b * math.Sin(2*float64(j)*xi) * math.Cosh(2*float64(j)*eta)
			ep -= b * math.Cos(2*float64(j)*xi) * math.Sinh(2*float64(j)*eta)
		}
		chi := math.Asin(math.Sin(xp) / math.Cosh(ep))
		lon := lon0 + math.Atan2(math.Sinh(ep), math.Cos(xp))/deg
		t := math.Tan(math.Pi/4 - chi/2)
		return orb.Point{lon, latFromT(t, e) / deg}
	}
}

// transverseMercatorInverseLat0 is transverseMercatorInverse with a
// latitude of origin: northings count from lat0, so the meridian arc to
// lat0 (Krüger's forward series at the central meridian) is added back.
func transverseMercatorInverseLat0(a, f, lat0, lon0, k0, fe, fn, unit float64) func(orb.Point) orb.Point {
	if lat0 == 0 {
		return transverseMercatorInverse(a, f, lon0, k0, fe, fn, unit)
	}
	e := math.Sqrt(f * (2 - f))
	n := f / (2 - f)
	n2, n3 := n*n, n*n*n
	A := a / (1 + n) * (1 + n2/4 + n2*n2/64)
	alpha := [3]float64{n/2 - 2*n2/3 + 5*n3/16, 13*n2/48 - 3*n3/5, 61 * n3 / 240}
	phi := lat0 * deg
	t := math.Sinh(math.Atanh(math.Sin(phi)) - e*math.Atanh(e*math.Sin(phi)))
	xi := math.Atan(t)
	xi0 := xi
	for j := 1; j <= 3; j++ {
		xi0 += alpha[j-1] * math.Sin(2*float64(j)*xi)
	}
	m0 := k0 * A * xi0 // metres from the equator to lat0 along the central meridian
	inv := transverseMercatorInverse(a, f, lon0, k0, fe, fn-m0, 1)
	return func(p orb.Point) orb.Point { return inv(orb.Point{p[0] * unit, p[1] * unit}) }
}

// hotineInverseA returns the inverse of the Hotine oblique Mercator
// projection, variant A (EPSG method 9812, PROJ's omerc +no_uoff: the
// origin of the unrectified grid at the natural origin), after the
// formulas of IOGP Guidance Note 7-2 (section 3.2.4). lat0, lonc: the
// projection centre; alpha: azimuth of the initial line; gamma: angle from
// the rectified to the skew grid; all in degrees.
func hotineInverseA(a, f, lat0, lonc, alpha, gamma, k0, fe, fn, unit float64) func(orb.Point) orb.Point {
	e2 := f * (2 - f)
	e := math.Sqrt(e2)
	phic, lamc := lat0*deg, lonc*deg
	alc, gac := alpha*deg, gamma*deg
	sinc := math.Sin(phic)
	B := math.Sqrt(1 + e2*math.Pow(math.Cos(phic), 4)/(1-e2))
	A := a * B * k0 * math.Sqrt(1-e2) / (1 - e2*sinc*sinc)
	t0 := math.Tan(math.Pi/4-phic/2) / math.Pow((1-e*sinc)/(1+e*sinc), e/2)
	D := B * math.Sqrt(1-e2) / (math.Cos(phic) * math.Sqrt(1-e2*sinc*sinc))
	D2 := math.Max(D*D, 1)
	F := D + math.Copysign(math.Sqrt(D2-1), phic)
	H := F * math.Pow(t0, B)
	G := (F - 1/F) / 2
	g0 := math.Asin(math.Sin(alc) / D)
	lam0 := lamc - math.Asin(G*math.Tan(g0))/B
	return func(p orb.Point) orb.Point {
		x, y := p[0]*unit-fe, p[1]*unit-fn
		v := x*math.Cos(gac) - y*math.Sin(gac)
		u := y*math.Cos(gac) + x*math.Sin(gac)
		Q := math.Exp(-B * v / A)
		S := (Q - 1/Q) / 2
		T := (Q + 1/Q) / 2
		V := math.Sin(B * u / A)
		U := (V*math.Cos(g0) + S*math.Sin(g0)) / T
		t := math.Pow(H/math.Sqrt((1+U)/(1-U)), 1/B)
		lam := lam0 - math.Atan2(S*math.Cos(g0)-V*math.Sin(g0), math.Cos(B*u/A))/B
		return orb.Point{lam / deg, latFromT(t, e) / deg}
	}
}
