package ingest

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// errNotAmount is returned by ParseCents for text that is not an amount.
var errNotAmount = errors.New("not an amount")

// ParseCents reads a money amount written the way budget files write them
// and returns it in integer cents. Accepted: "1234", "-5566", "1234.5",
// "$8,650.00", "(1,234.56)" (accounting negative), "20000.0", "+12", with
// surrounding spaces. Thousands separators must be commas. More than two
// decimals are rounded half away from zero to the cent (FDP files carry
// them). empty is true for "", "NA", "N/A", "-" and "null": an empty cell
// means "no amount", which is not zero. The result never passes through a
// float.
func ParseCents(s string) (cents int64, empty bool, err error) {
	return ParseFixed(s, 2)
}

// ParseFixed is ParseCents with places decimals kept instead of two
// (positions are counted to 1/10,000: LA writes 0.4841 of a position).
func ParseFixed(s string, places int) (units int64, empty bool, err error) {
	s = strings.TrimSpace(s)
	if isEmptyMarker(s) {
		return 0, true, nil
	}
	neg := false
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		neg, s = true, strings.TrimSpace(s[1:len(s)-1])
	}
	if strings.HasPrefix(s, "-") {
		neg, s = !neg, s[1:]
	} else if strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	s = strings.TrimPrefix(s, "$")
	if strings.HasPrefix(s, "-") { // "$-12" written as "-$12" handled above; "$-12" here
		neg, s = !neg, s[1:]
	}
	if i := strings.IndexAny(s, "eE"); i > 0 {
		var err error
		if s, err = expandExponent(s[:i], s[i+1:]); err != nil {
			return 0, false, err
		}
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" && frac == "" {
		return 0, false, errNotAmount
	}
	if strings.Contains(intPart, ",") {
		groups := strings.Split(intPart, ",")
		if len(groups[0]) == 0 || len(groups[0]) > 3 {
			return 0, false, errNotAmount
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, false, errNotAmount
			}
		}
		intPart = strings.Join(groups, "")
	}
	if hasDot && frac == "" && intPart == "" {
		return 0, false, errNotAmount
	}
	var whole int64
	scale := int64(1)
	for i := 0; i < places; i++ {
		scale *= 10
	}
	for _, c := range intPart {
		if c < '0' || c > '9' {
			return 0, false, errNotAmount
		}
		if whole > (math.MaxInt64-9)/10/scale {
			return 0, false, errNotAmount
		}
		whole = whole*10 + int64(c-'0')
	}
	for _, c := range frac {
		if c < '0' || c > '9' {
			return 0, false, errNotAmount
		}
	}
	var fc int64
	for i := 0; i < places; i++ {
		fc *= 10
		if i < len(frac) {
			fc += int64(frac[i] - '0')
		}
	}
	cents := whole*scale + fc
	if len(frac) > places && frac[places] >= '5' {
		cents++
	}
	if neg {
		cents = -cents
	}
	return cents, false, nil
}

// isEmptyMarker reports the ways files write "no amount": an empty cell,
// NA, N/A, #N/A, null, a lone dash, ".." (statistical tables) and "nfp"
// ("not for publication", Australia's budget papers).
func isEmptyMarker(s string) bool {
	switch strings.ToUpper(s) {
	case "", "NA", "N/A", "#N/A", "-", "NULL", "..", "NFP":
		return true
	}
	return false
}

// expandExponent rewrites mantissa×10^exp (as R and spreadsheets write
// "4e+05") as a plain decimal string, exactly.
func expandExponent(mant, exp string) (string, error) {
	e, err := strconv.Atoi(strings.TrimPrefix(exp, "+"))
	if err != nil || e > 15 || e < -15 || strings.Contains(mant, ",") {
		return "", errNotAmount
	}
	ip, fp, _ := strings.Cut(mant, ".")
	digits := ip + fp
	point := len(ip) + e // position of the decimal point in digits
	for point > len(digits) {
		digits += "0"
	}
	for point < 0 {
		digits = "0" + digits
		point++
	}
	if point == 0 {
		return "0." + digits, nil
	}
	return digits[:point] + "." + digits[point:], nil
}

// ParseValue reads a performance-measure value: a number, optionally with
// thousands commas, a leading "$" or a trailing "%". empty is true for the
// same empty markers as ParseCents.
func ParseValue(s string) (v float64, empty bool, err error) {
	s = strings.TrimSpace(s)
	if isEmptyMarker(s) {
		return 0, true, nil
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "$"), "%")
	s = strings.ReplaceAll(s, ",", "")
	v, err = strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false, errNotAmount
	}
	return v, false, nil
}

// FormatCents writes cents as dollars with two decimals, e.g. "-1234.50".
func FormatCents(c int64) string { return FormatFixed(c, 2) }

// FormatFixed writes units of 10^-places with all places decimals.
func FormatFixed(c int64, places int) string {
	sign := ""
	u := uint64(c)
	if c < 0 {
		sign, u = "-", uint64(-c)
	}
	scale := uint64(1)
	for i := 0; i < places; i++ {
		scale *= 10
	}
	if places == 0 {
		return sign + strconv.FormatUint(u, 10)
	}
	frac := strconv.FormatUint(u%scale, 10)
	return sign + strconv.FormatUint(u/scale, 10) + "." + strings.Repeat("0", places-len(frac)) + frac
}
