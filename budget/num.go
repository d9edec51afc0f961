package budget

import (
	"math"
	"strconv"
)

// Num is a float64 for results that may be missing: NaN (or an infinity)
// marshals as JSON null and null reads back as NaN. Other values marshal as
// the shortest decimal that reads back as the same float.
type Num float64

// Missing reports whether n is missing: NaN or infinite, the values that
// marshal as null.
func (n Num) Missing() bool { return math.IsNaN(float64(n)) || math.IsInf(float64(n), 0) }

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
