package geo

import (
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
)

// ParseWKT reads a Well-Known Text geometry (POINT, LINESTRING, POLYGON,
// their MULTI forms and GEOMETRYCOLLECTION). An EWKT "SRID=n;" prefix is
// accepted and dropped (the caller decides the coordinate system).
func ParseWKT(s string) (orb.Geometry, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(strings.ToUpper(s), "SRID=") {
		if i := strings.IndexByte(s, ';'); i >= 0 {
			s = s[i+1:]
		}
	}
	return wkt.Unmarshal(s)
}
