package need

import (
	"math"
	"strconv"
)

// Num is a float64 that encodes NaN (missing) as JSON null.
type Num float64

// MarshalJSON writes null for NaN or infinities.
func (n Num) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, f, 'g', -1, 64), nil
}

// UnmarshalJSON reads null as NaN.
func (n *Num) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = Num(math.NaN())
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	*n = Num(f)
	return err
}

// NaN is the missing value.
var NaN = Num(math.NaN())

// Missing reports whether n is missing.
func (n Num) Missing() bool { return math.IsNaN(float64(n)) }
