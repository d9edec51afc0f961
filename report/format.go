package report

import (
	"math"
	"strconv"
	"strings"
)

// MissingText is shown for a missing value.
const MissingText = "–"

// NoDigits asks for no digits after the point (Digits 0 means the kind's
// default).
const NoDigits = -1

// defaultDigits is the number of digits after the point of each kind when a
// figure or column leaves Digits at 0.
func defaultDigits(k Kind) int {
	switch k {
	case KindPercent:
		return 1
	case KindRatio, KindNumber:
		return 2
	}
	return 0
}

// DigitsFor is the number of decimals shown for a value of kind k: digits,
// or the kind's default when digits is 0, or none for NoDigits.
func DigitsFor(k Kind, digits int) int {
	switch {
	case digits < 0:
		return 0
	case digits == 0:
		return defaultDigits(k)
	}
	return digits
}

// Format formats v for people by kind:
//
//   - money: compact dollars with three significant digits and a scale,
//     "$1.23 B", "$45.6 M", "$789 K", "$950"; negative as "−$1.23 M". Digits,
//     when set, fixes the digits after the point instead.
//   - dollars: "$1,234,568" (rounded half away from zero to Digits, default 0).
//   - percent: v is a fraction; 0.1234 → "12.3%".
//   - int: "1,234,568".
//   - ratio, number: "1.23" with thousands separators.
//
// NaN and ±Inf show as MissingText.
// Rounding is half away from zero (312.5 → 312 is never shown; 313 is),
// the same in HTML and XLSX text.
func Format(v float64, k Kind, digits int) string {
	if !finite(v) {
		return MissingText
	}
	var txt, pre, post string
	switch k {
	case KindMoney:
		return formatMoney(v, digits)
	case KindDollars:
		pre, txt = "$", group(math.Abs(v), DigitsFor(k, digits))
	case KindPercent:
		txt, post = group(math.Abs(v*100), DigitsFor(k, digits)), "%"
	case KindInt:
		txt = group(math.Abs(v), 0)
	default:
		txt = group(math.Abs(v), DigitsFor(k, digits))
	}
	return signRounded(v, txt) + pre + txt + post
}

func formatMoney(v float64, digits int) string {
	a := math.Abs(v)
	scales := []struct {
		min    float64
		suffix string
	}{{1e12, " T"}, {1e9, " B"}, {1e6, " M"}, {1e3, " K"}}
	for _, s := range scales {
		if a >= s.min*0.9995 {
			x := a / s.min
			d := digits
			if d == 0 {
				d = sigDigits(x)
			}
			txt := group(x, DigitsFor(KindMoney, d))
			if txt == "1,000" && s.suffix != " T" { // 999.96 K rounds to 1,000 K: use the next scale
				continue
			}
			return signRounded(v, txt) + "$" + txt + s.suffix
		}
	}
	d := digits
	txt := group(a, DigitsFor(KindMoney, d))
	return signRounded(v, txt) + "$" + txt
}

// sigDigits gives the digits after the point that show x (≥ 1) with three
// significant digits; NoDigits for x ≥ 100.
func sigDigits(x float64) int {
	switch {
	case x < 9.995:
		return 2
	case x < 99.95:
		return 1
	}
	return NoDigits
}

// signRounded returns the minus sign for a negative v unless its text
// rounds to zero (so -0.0001 shows as "0.0%", not "−0.0%").
func signRounded(v float64, txt string) string {
	if v < 0 && strings.Trim(txt, "0.,") != "" {
		return "−"
	}
	return ""
}

// group formats a ≥ 0 with d digits after the point and commas between
// thousands.
func group(a float64, d int) string {
	if p := math.Pow(10, float64(d)); a*p < 1e15 {
		a = math.Round(a*p) / p // half away from zero, as people round
	}
	s := strconv.FormatFloat(a, 'f', d, 64)
	intPart, frac := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		intPart, frac = s[:i], s[i:]
	}
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String() + frac
}
